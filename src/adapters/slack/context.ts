/**
 * What the Slack handlers share: the bot, the listening store, the log, the outcome report, the
 * threads of the messages seen lately (for reactions), and the words the adapter says of its own
 * (command help, listening replies).
 */
import type { Bot } from '../../bot/bot.js';
import type { Logger } from '../../log.js';
import type { ListeningStore } from './listening.js';
import type { MessageThreads } from './message-threads.js';

/**
 * What the Slack adapter needs of the bot: answers (`respond`, `act`), and for incident threads
 * (issue #24) what it posted (`posted`), which threads it follows (`knowsThread`) and `saveFix`.
 */
export type SlackBot = Pick<Bot, 'respond' | 'act' | 'posted' | 'knowsThread' | 'saveFix'>;

/** How one delivery from Slack ended. */
export type Outcome = 'replied' | 'silent' | 'ignored' | 'duplicate' | 'failed';

/** Reported once per delivery the adapter handled (logs; tests wait on it). */
export interface Handled {
  kind: 'event' | 'command' | 'shortcut' | 'action';
  /** The event type, command text's first word, callback id or action id. */
  what: string;
  outcome: Outcome;
  error?: string;
}

export interface SlackContext {
  bot: SlackBot;
  listening: ListeningStore;
  log: Logger;
  report(handled: Handled): void;
  /** The thread of each message seen or posted lately: a reaction on one needs no Web API call to place it. */
  threads: MessageThreads;
}

/** Run one delivery's handler and report how it ended (a throw is `failed`, with its error). */
export async function reportRun(
  ctx: Pick<SlackContext, 'report'>,
  kind: Handled['kind'],
  what: string,
  work: () => Promise<Outcome>,
): Promise<void> {
  try {
    ctx.report({ kind, what, outcome: await work() });
  } catch (err) {
    ctx.report({ kind, what, outcome: 'failed', error: describeError(err) });
  }
}

export const SLACK_TEXTS = {
  commandHelp: [
    '*/kb* — only you see the answers:',
    '• `/kb <error or question>`: the article that fixes it (*Share in channel* posts it)',
    '• `/kb Q290226`: an article by number',
    '• `/kb listen on` / `/kb listen off`: answer errors pasted in this channel without a mention',
    '• `/kb help`: this help',
  ].join('\n'),
  listenOn:
    'I am listening in this channel now: errors pasted here get an answer in their thread. Make sure I am a member (`/invite @kbbot`). `/kb listen off` stops it.',
  listenOff: 'I stopped listening in this channel. Mention me or use `/kb` to ask.',
  listenWhere: 'Listening works in channels; in a direct message I already answer everything.',
  listenUsage: 'Use `/kb listen on` or `/kb listen off`.',
  listenFailed: 'I could not save that setting; try again in a moment.',
  failed: 'Something went wrong looking that up; try again.',
  clickFailed: 'I could not save that click; try again in a moment.',
  /** Saving a fix from the shortcut where the bot cannot post (not a member): said only to whoever asked. */
  saveFailed: 'I could not save that message as a fix; try again in a moment.',
  /** "Save as fix" used on a message an app or a bot posted. */
  saveNotPerson: 'Only a message a person wrote can be saved as a team fix.',
} as const;

/** A short, secret-free description of an error for the log. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const data = (err as { data?: { error?: unknown } }).data;
    return typeof data?.error === 'string' ? `${err.message} (${data.error})` : err.message;
  }
  return String(err);
}
