/**
 * The App Home tab: what kbbot does, how to reach it, and what the KB holds (articles, when it
 * was last loaded or refreshed). Published with `views.publish` when a user opens the tab.
 */
import { slackText } from '../../bot/render/escape.js';

/** What the Home tab says about the KB. */
export interface KbStatus {
  articles: number;
  /** When the KB was last loaded or refreshed. */
  refreshedAt?: Date;
}

const section = (text: string): Record<string, unknown> => ({
  type: 'section',
  text: { type: 'mrkdwn', text, verbatim: true },
});

export function homeBlocks(status: KbStatus): Record<string, unknown>[] {
  const when = status.refreshedAt
    ? ` · last refreshed ${status.refreshedAt
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}`
    : '';
  return [
    { type: 'header', text: { type: 'plain_text', text: 'kbbot', emoji: false } },
    section(
      'I answer pasted errors with the knowledge-base article that fixes them: the cause, the numbered steps and a link.',
    ),
    { type: 'divider' },
    section(
      [
        '*How to use me*',
        '• Mention me with the error: `@kbbot ID no: 0xc0020002` (I answer in the thread).',
        '• Send me a direct message with the error or a question.',
        '• `/kb <error or question>`: only you see the answer; *Share in channel* posts it.',
        '• `/kb Q290226`: an article by number. `/kb help`: examples.',
        '• `/kb listen on` in a channel: I answer errors pasted there without a mention (`/kb listen off` stops).',
        '• On any message: *More actions → Find a fix*.',
        '• Under an answer: *Helped*, *Not it* (the next candidate), *Other matches*, *Full article*.',
        '• Found the fix in a thread? `@kbbot save fix`, :pushpin: on the message, or *More actions → Save as fix*: the next time the error is pasted, I show it first.',
      ].join('\n'),
    ),
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: slackText(`Knowledge base: ${status.articles.toLocaleString('en-US')} articles${when}`),
        },
      ],
    },
  ];
}
