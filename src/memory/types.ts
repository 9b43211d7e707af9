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
}

export interface Storage {
  readonly threads: ThreadStore;
  readonly delivered: StoredDeliveredActivities;
  readonly settings: SettingsStore;
  readonly interactions: InteractionLog;
  readonly feedback: FeedbackLog;
  /**
   * Remove everything kept about a user: their messages, feedback and threads. The channel
   * settings they made stay (they belong to the channel), without their id.
   */
  forgetUser(user: string): Forgotten;
  /** Changes when another process (such as `kbbot forget`) changed the data, so caches know to reload. */
  dataVersion(): number;
  close(): void;
}
