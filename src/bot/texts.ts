/** Everything the bot says in words of its own (not from the KB), in one place. */
import type { KbShare } from './help.js';

/** KB folders named before "and N more" in a list of them. */
const KBS_NAMED = 5;

/** "runbooks (3 articles) and seeds (5 articles)"; an unnamed KB is "the knowledge base". */
function kbList(kbs: readonly KbShare[]): string {
  const one = (k: KbShare): string =>
    `${k.name ?? 'the knowledge base'} (${k.articles.toLocaleString('en-US')} article${k.articles === 1 ? '' : 's'})`;
  const named = kbs.slice(0, KBS_NAMED).map(one);
  const more = kbs.length - named.length;
  if (more > 0) named.push(`${more} more`);
  return named.length <= 1 ? (named[0] ?? 'no knowledge base') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** Articles in all of `kbs`. */
const total = (kbs: readonly KbShare[]): number => kbs.reduce((n, k) => n + k.articles, 0);

export const BOT_TEXTS = {
  help: [
    'I find the knowledge-base article that fixes an error. Try:',
    '- paste the error as you see it (a dialog, an event log entry, a log line), e.g. "ID no: 0xc0020002"',
    '- ask in words, e.g. "why does SP3 fail on the KM server?"',
    '- name an article: "Q290226" or "kb 174743"',
    'In a thread with an answer: "just the steps", "show the full article", "the other one", "what about SP2?", "why this one?", or "that worked" / "wrong one".',
  ].join('\n'),
  greeting:
    'Hi! Paste an error or ask about a problem, and I will find the article that fixes it. Say "help" for examples.',
  binary:
    'That looks like binary data, not an error message. Paste the error text as it appears on screen or in the log.',
  noMatch: 'I could not find an article that matches.',
  /** No match, and where the bot looked: "I could not find an article that matches in seeds (5 articles)." */
  noMatchIn: (kbs: readonly KbShare[]): string => `I could not find an article that matches in ${kbList(kbs)}.`,
  /** Below the "did you mean" floor, where ranking still found something: an honest intro to the best one or two. */
  closest: 'Nothing matched well. The closest articles, in case one is it:',
  noMatchHints: [
    'Paste the exact error text, including any code such as 0xc0020002 or an Event ID.',
    'Name the product and version (Exchange 5.5, Windows NT 4.0 SP3).',
    'Or name an article you know of: Q290226.',
  ],
  didYouMean: 'Did you mean one of these?',
  mentioning: (codes: string[]): string =>
    `I am not sure which one fits, but these articles mention ${codes.join(' and ')}:`,
  otherMatches: 'Other articles that matched:',
  noOthers: 'No other articles matched this thread.',
  nextOne: 'Sorry about that. The next best match:',
  outOfCandidates: 'I have no other candidates for this one.',
  nothingYet: 'I have not answered anything in this thread yet. Paste the error and I will look.',
  welcome: 'You are welcome.',
  /** The 👀 of peek mode where it cannot be a reaction (the console, the fake adapter): see src/bot/peek.ts. */
  peek: '(👀)',
  smallTalk:
    'I only know the knowledge base: paste an error or ask about a problem, and I will find the article that fixes it. Say "help" for examples.',
  gone: 'That article is no longer in the knowledge base.',
  why: (
    id: string,
    reason: string,
    rank: number,
    confidence: number | undefined,
    levels: { answer: number; suggest: number },
  ): string =>
    [
      `${id} matched on: ${reason}.`,
      confidence === undefined
        ? `It was candidate ${rank + 1} for your message.`
        : `Confidence ${confidence.toFixed(2)}: I answer outright from ${levels.answer.toFixed(2)}, offer "did you mean" from ${levels.suggest.toFixed(2)}, and say so when nothing reaches that.`,
    ].join('\n'),
  whyLookup: (id: string): string => `You asked for ${id} by number, so I showed it as it is.`,
  whyUnknown: (id: string): string =>
    `${id} no longer ranks among the matches for this thread's message (the knowledge base or feedback changed since).`,
  thanks: (id: string): string => `Thanks, noted that ${id} helped.`,
  notIt: (id: string): string => `Noted: ${id} was not it.`,
  /** Help fitted to a question about the bot (src/bot/help.ts, issue #25). */
  helpTopic: {
    asking: [
      'Ask me the way you would ask a colleague who knows the knowledge base:',
      '- paste the error as you see it (a dialog, an event log entry, a log line), codes and all, e.g. "ID no: 0xc0020002"',
      '- or ask in words, naming the product and version: "why does SP3 fail on the KM server?"',
      '- or name an article: "Q290226", "kb 174743"',
      'I answer in the thread; there "just the steps", "the other one", "why this one?" or "that worked" need no mention.',
    ].join('\n'),
    mentions: [
      'In a channel, mention me (@kbbot) so I know a message is for me.',
      'Under one of my answers no mention is needed: "just the steps", "the other one", "that worked" reach me in the thread.',
      'In a direct message every message is for me.',
      'In Slack, `/kb listen on` in a channel makes me answer pasted errors and alerts there without a mention.',
    ].join('\n'),
    dm: [
      'Yes: send me a direct message and I answer every message there, no mention needed.',
      'In Slack, `/kb <error or question>` in any channel also answers only you (Share posts it).',
    ].join('\n'),
    listening: [
      'In a channel where I listen, I answer pasted errors and alerts without a mention, and only when I am sure; other talk gets no reply.',
      'To turn that off, type `/kb listen off` in the channel (Slack); `/kb listen on` turns it back on.',
      'With `/kb peek on` (Slack), a message I am not sure about gets a :eyes: from me instead of silence: add :eyes: to your own message and I answer it. `/kb peek off` stops it.',
      'Mentions, DMs and `/kb` still reach me either way. In a Teams channel I answer only when mentioned.',
    ].join('\n'),
    fixes: [
      'When something fixed it, keep it for the team: say "save fix" in the thread (or "save fix: <what fixed it>"), use "Save as fix" on the message, or react with :pushpin:.',
      "The next time the same error is pasted, in any channel, my answer leads with your team's fix. Whoever saved it (or wrote it) can undo it for a day.",
    ].join('\n'),
    kbs: (kbs: readonly KbShare[]): string =>
      [
        kbs.length > 1
          ? `I search ${kbs.length} knowledge bases, ${total(kbs).toLocaleString('en-US')} articles in all: ${kbList(kbs)}.`
          : `I search ${kbList(kbs)}.`,
        'Paste an error or ask about a problem and I find the article that fixes it; name one ("Q290226") to see it.',
      ].join('\n'),
  },
  // Team fixes (issue #24).
  saved: (title: string, id: string): string => `Saved as a team fix: ${title} (${id})`,
  alreadySaved: (id: string): string => `Already saved as ${id}`,
  offerSave: (whose: string): string => `Save ${whose} fix for next time?`,
  /** Said to "@kbbot fixed it by …" where the bot cannot offer a button (the message has no id). */
  sayToSave: 'Noted. Say "save fix" here to keep it for the team.',
  nothingToSave:
    'I found no message in this thread to save as a fix. Say "save fix: <what fixed it>", or use "Save as fix" on the message.',
  emptyFix: 'There is nothing to save: the fix has no text.',
  fixesOff: 'Saving team fixes is not set up for this bot.',
  storageDown: "Couldn't save the fix: the bot's storage is unavailable (try again shortly)",
  removeDown: "Couldn't remove the fix: the bot's storage is unavailable (try again shortly)",
  removed: (id: string): string => `Removed ${id}`,
  alreadyGone: (id: string): string => `${id} is no longer saved.`,
  unknownFix: (id: string): string => `${id} is not a saved team fix.`,
  undoNotYours: (id: string): string => `Only the person who saved ${id}, or who wrote it, can undo it.`,
  undoTooLate: (id: string): string =>
    `${id} was saved more than a day ago; remove it with \`npx kbbot fixes delete ${id}\`.`,
  messageGone: 'I can no longer read that message here; use "Save as fix" on it, or say "save fix: <the fix>".',
  historyIntro: 'Past threads with the same error, newest first:',
  historyNone: (searched: string): string => `Nothing similar was seen before (I searched ${searched}).`,
  missing: (ids: string[], size: number): string =>
    `${ids.join(', ')} ${ids.length === 1 ? 'is' : 'are'} not in this knowledge base (${size.toLocaleString('en-US')} articles).`,
};
