/**
 * What kbbot remembers, as interfaces: threads and their matches, delivered event ids, per-
 * conversation settings, the log of what was asked and answered, and feedback. The bot and the
 * adapters use these; `openStorage` (./sqlite/) gives the durable SQLite implementation in
 * DATA_DIR, and the Memory* classes next to their users serve tests.
 *
 * Every write is durable when the call returns (SQLite commits synchronously): an acknowledgement
 * sent after a write never refers to something a crash can lose.
 */

/** A message's words, hashed and weighted (see ./signature.ts): compares messages without keeping their text. */
export type Signature = [hash: number, weight: number][];

/** What the bot remembers of a thread. */
export interface ThreadState {
  /** The message the candidates were ranked for, as sent (chat markup and all). */
  query: string;
  /** Article ids, best first. */
  candidates: string[];
  /** Index in `candidates` of the article shown last. */
  shown: number;
  /** Ids the user said were not it. */
  rejected: string[];
  updatedAt: number;
  /** Who asked (so `kbbot forget --user` finds the thread). */
  user?: string;
  // Incident-thread fields (issue #24, design 3.3); all optional, so rows written before them still read.
  /** Message id (Slack ts, Teams activity id) of the bot's last answer in the thread. */
  answerId?: string;
  /** The team fix the last answer led with. */
  led?: string;
  /** Who spoke last in the thread, and which message that was. */
  lastSpeaker?: 'bot' | 'person';
  lastMessageId?: string;
  /** The latest person message read as a fix report (`id` once saved). */
  lastFix?: ThreadFixRef;
  /** Earlier person messages read as fix reports, newest first (at most 8). */
  fixes?: ThreadFixRef[];
  /** Error pastes after the first in this thread (the query is the first), at most 5. */
  errors?: string[];
  /**
   * The last person messages of the thread (at most 8), for `save fix` where the transport cannot
   * read the thread back (Teams, the console). Memory only: the SQLite store never writes them.
   */
  recent?: { id: string; user: string; text: string; at: number; fixReport: boolean; name?: string }[];
  /**
   * "that worked" (or "not it") said of a person's fix that was not saved yet: applied as votes on
   * the fix when it is saved. Ids only, no text. At most 8.
   */
  pendingCredits?: PendingCredit[];
}

/** Feedback on an unsaved fix report, kept until the fix is saved (issue #24, design 3.3 rule 3). */
export interface PendingCredit {
  /** The fix report's message id. */
  messageId: string;
  /** Who gave the feedback. */
  user: string;
  helpful: boolean;
  at: number;
}

/** A person's message read as a fix report, in a thread's state. */
export interface ThreadFixRef {
  /** The saved fix, once saved. */
  id?: string;
  messageId: string;
  user: string;
}

export interface ThreadStore {
  get(key: string): ThreadState | undefined;
  set(key: string, state: ThreadState): void;
}

/**
 * De-duplication of deliveries (Slack `event_id`s, Bot Framework activity ids), so each delivery
 * is answered once and none is lost: an adapter `claim`s a delivery when it arrives, marks it
 * `done` once the reply is posted (or it decided to stay silent), and `release`s it when the
 * attempt failed or was cut short, so the service's re-delivery is answered.
 */
export interface DeliveredActivities {
  /**
   * True when this delivery should be answered: nobody has answered `key` and no live claim holds
   * it. The claim is then recorded (durably in the storage) until `done` or `release`; false for a
   * repeat of a delivery already answered or being answered.
   */
  claim(key: string): boolean;
  /** The reply for `key` was posted (or none was needed): remembered as answered for the ttl. */
  done(key: string): void;
  /** The attempt for `key` failed or was cut short: the claim is freed, so a re-delivery is answered. A `done` key stays. */
  release(key: string): void;
}

/** The storage's delivered set: it also frees the claims left behind by a process that died. */
export interface StoredDeliveredActivities extends DeliveredActivities {
  /**
   * Free every claim on record (the claims of a process that died before answering), so their
   * re-deliveries are answered; returns how many. Called once at bot start: with SQLite only one
   * bot process serves a DATA_DIR, so no claim on record then is live.
   */
  releaseStaleClaims(): number;
}

/** Settings per conversation (channel), such as whether the bot listens there. */
export interface SettingsStore {
  get(conversation: string, name: string): string | undefined;
  /** Set (or with `undefined`, clear) a setting; durable when it returns. */
  set(conversation: string, name: string, value: string | undefined, user?: string): void;
  /** conversation -> value for every conversation that has the setting. */
  all(name: string): Map<string, string>;
}

/** How the bot dealt with a message. */
export type Outcome = 'answered' | 'suggested' | 'unanswered';

/** One message the bot answered (or could not): a row of the log the report reads. */
export interface Interaction {
  /** Milliseconds since the epoch. */
  at: number;
  user: string;
  conversation: string;
  thread: string;
  /** The intent it was read as (error_paste, question, lookup, chatter, ...). */
  intent: string;
  outcome: Outcome;
  /** The article answered with, or the first one suggested; null when unanswered. */
  articleId: string | null;
  confidence: number;
  /** The message as sent; null when STORE_MESSAGES is off. */
  text: string | null;
  signature: Signature;
  /**
   * The team fix the answer led with (`fix-<n>`), when it did. Absent or null otherwise; rows
   * written before storage version 3 read back without it.
   */
  fixId?: string | null;
}

/** "That helped" / "not it" on an article shown for a message. */
export interface FeedbackRecord {
  at: number;
  user: string;
  conversation: string;
  thread: string;
  articleId: string;
  helpful: boolean;
  /** The message the article was shown for; null when STORE_MESSAGES is off. */
  query: string | null;
  /** The signature of that message (what feedback is matched on). */
  signature: Signature;
}

export interface InteractionLog {
  record(interaction: Interaction): void;
  /** Oldest first; `since` in ms since the epoch. */
  list(options?: { since?: number }): Interaction[];
}

export interface FeedbackLog {
  add(feedback: FeedbackRecord): void;
  /** Oldest first. */
  list(): FeedbackRecord[];
}

/** Rows removed by `forgetUser`, per kind (settings: the channel's settings they made, kept without their id). */
export interface Forgotten {
  threads: number;
  interactions: number;
  feedback: number;
  settings: number;
  /** Team fixes they wrote, deleted (the text is their words). */
  fixes: number;
  /** Team fixes they only saved, kept with `savedBy` cleared. */
  fixesUnsaved: number;
}

/** How a fix was saved: a mention command, text, a Slack shortcut, a :pushpin: reaction, a Teams message action. */
export type FixVia = 'mention' | 'text' | 'shortcut' | 'reaction' | 'action';

/** What people said of an article the bot offered in the thread a fix came from (no user ids). */
export interface FixOffered {
  articleId: string;
  verdict: 'helped' | 'not_it' | null;
}

/**
 * A fix someone shared in a thread, saved as the team's knowledge (issue #24). Kept exactly as
 * written, even with STORE_MESSAGES off: saving it is an explicit act.
 */
export interface FixRecord {
  /** "fix-<n>", n from the store's sequence: stable, and short enough to type. */
  id: string;
  /** As given (`save fix as "…"`), else the first line of the first error, at most 100 characters. */
  title: string;
  /** The fix exactly as written (code fences, steps). */
  text: string;
  /** Platform user id of whoever wrote the message. */
  author: string;
  /** The author's display name at save time (Teams has no <@U> rendering); null when unknown. */
  authorName: string | null;
  /** Who saved it; null once that person was forgotten (`kbbot forget`). */
  savedBy: string | null;
  /** Milliseconds since the epoch. */
  savedAt: number;
  conversation: string;
  thread: string;
  /** Slack ts / Teams activity id of the saved message; null when there is none. */
  messageId: string | null;
  permalink: string | null;
  /** Error texts pasted in the thread (the ThreadState query first). */
  errors: string[];
  /** Codes and phrases pulled from them (the Matcher's `m.codes`). */
  codes: string[];
  offered: FixOffered[];
  via: FixVia;
}

/** The fields of a fix to save: the store gives the id. */
export type NewFix = Omit<FixRecord, 'id'>;

export interface FixStore {
  /**
   * Save a fix; durable when it returns. Saving a message already saved (same conversation and
   * messageId) returns the existing fix unchanged.
   */
  add(fix: NewFix): FixRecord;
  get(id: string): FixRecord | undefined;
  /** Oldest first; `since` in ms since the epoch (on `savedAt`). */
  list(options?: { since?: number }): FixRecord[];
  /** True when it was there; durable when it returns. */
  delete(id: string): boolean;
  /** The fix saved from this message, if any. */
  byMessage(conversation: string, messageId: string): FixRecord | undefined;
}

export interface Storage {
  readonly threads: ThreadStore;
  readonly delivered: StoredDeliveredActivities;
  readonly settings: SettingsStore;
  readonly interactions: InteractionLog;
  readonly feedback: FeedbackLog;
  readonly fixes: FixStore;
  /**
   * Remove everything kept about a user: their messages, feedback, threads and the team fixes they
   * wrote. The channel settings they made and the fixes they only saved stay (they belong to the
   * channel and to the fix's author), without their id.
   */
  forgetUser(user: string): Forgotten;
  /** Changes when another process (such as `kbbot forget`) changed the data, so caches know to reload. */
  dataVersion(): number;
  close(): void;
}
