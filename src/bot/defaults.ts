/** The bot's settings: how much it reads, how many candidates it lists, when it is sure enough. */
export const BOT_DEFAULTS = {
  /** Only this much of a message is read. */
  maxChars: 20_000,
  /** "Did you mean" lists at most this many candidates. */
  suggestions: 3,
  /** Candidates remembered per thread (for "not it" and "other matches"). */
  candidates: 10,
  /** A second hit scoring at least this share of the first counts as a close call. */
  closeShare: 0.97,
  /** ... unless the confidence is at least this. */
  sureEnough: 0.9,
  /**
   * An answer given as sure whose second hit scores at least this share of the first is flagged as
   * a near tie (`ArticleAnswer.closeCall`): "The system cannot find the file specified." scores
   * Q235418 3.40 against Q290226 3.22 (0.95) on the bundled KB.
   */
  closeCallShare: 0.9,
  /** Below the "did you mean" floor, an addressed message gets at most this many "closest articles" (not "no match"). */
  closest: 2,
  /** Said to the bot, a message the intent model scores at least this as chatter is small talk ("see you tomorrow"). */
  smallTalk: 0.9,
  /**
   * Overheard (a listening channel, no mention), the bot speaks only when sure: the message reads as
   * an error paste, a question or an alert with at least this intent confidence (`IntentResult.confidence`),
   * and its answer is sure (at or above the answer threshold, not a "did you mean"). Below it: silence,
   * or 👀 where the channel has peek mode on. Measured (scripts/intents-overheard.mjs, each training
   * file left out in turn, archive + team KB): at 0.8 the bot spoke on 2 of 1,967 overheard messages
   * that were not errors or questions (6 at 0), and answered 74% of the dev error pastes overheard
   * (77% at 0), 99.7% of them right.
   */
  overheardIntentConfidence: 0.8,
};

/**
 * Peek mode (issue #25, "Quiet means quiet"): in a channel that has it on, an overheard message the
 * bot is not sure about gets a 👀 reaction, and the asker's own 👀 on it gets the answer in its thread.
 */
export const PEEK_DEFAULTS = {
  /** The reaction the bot adds, and the one the asker adds to get the answer (Slack's name, no colons). */
  reaction: 'eyes',
  /** A 👀 offered is answered for this long after the message (4 h): later, the asker mentions the bot. */
  pendingMs: 4 * 60 * 60 * 1000,
  /** Messages with a 👀 offered kept in memory at most (the oldest forgotten first; each at most `maxChars`). */
  pending: 500,
};

/** Team fixes in the bot (issue #24): how long undo is offered, and what a thread remembers for saving. */
export const TEAM_FIX_DEFAULTS = {
  /** A saved fix can be undone (by whoever saved it or wrote it) for this long after it was saved: 24 h. */
  undoMs: 24 * 60 * 60 * 1000,
  /** Person messages of a thread kept in memory for `save fix` where the transport cannot read the thread back. */
  recent: 8,
  /** Fix reports remembered per thread (for reactions on an older one). */
  fixes: 8,
  /** Error pastes remembered per thread besides its query (a saved fix records them). */
  errors: 5,
  /** Feedback on unsaved fixes kept per thread until the fix is saved. */
  credits: 8,
  /** Threads whose recent person messages the bot keeps in memory (least recently used forgotten first). */
  recentThreads: 10_000,
};
