/**
 * The storage with every call returning a Promise (issue #26): the shape of `Storage` (./types.ts)
 * for a store reached over the network (Postgres, ./postgres/), and `asyncFromSync` to give the
 * embedded SQLite storage the same shape, so the bot can be written against one interface. The
 * records (ThreadState, Interaction, FixRecord, ...) are those of ./types.ts.
 *
 * Every write is durable when its Promise resolves: an acknowledgement sent after a write never
 * refers to something a crash can lose. A failure of the storage itself rejects with a StorageError
 * (./sqlite/errors.ts); anything else is a bug.
 */
import type {
  FeedbackRecord,
  FixRecord,
  Forgotten,
  Interaction,
  NewFix,
  Storage,
  StoredDeliveredActivities,
  ThreadState,
} from './types.js';

export interface AsyncThreadStore {
  get(key: string): Promise<ThreadState | undefined>;
  set(key: string, state: ThreadState): Promise<void>;
}

/**
 * De-duplication of deliveries (Slack `event_id`s, Bot Framework activity ids), so each delivery
 * is answered once and none is lost: an adapter `claim`s a delivery when it arrives, marks it
 * `done` once the reply is posted (or it decided to stay silent), and `release`s it when the
 * attempt failed or was cut short, so the service's re-delivery is answered. With a shared store
 * (Postgres) the claim is atomic across processes: of any number of replicas claiming a key at
 * once, exactly one gets true.
 */
export interface AsyncDeliveredActivities {
  /**
   * True when this delivery should be answered: nobody has answered `key` and no live claim holds
   * it. The claim is then recorded (durably in the storage) until `done` or `release`; false for a
   * repeat of a delivery already answered or being answered.
   */
  claim(key: string): Promise<boolean>;
  /** The reply for `key` was posted (or none was needed): remembered as answered for the ttl. */
  done(key: string): Promise<void>;
  /** The attempt for `key` failed or was cut short: the claim is freed, so a re-delivery is answered. A `done` key stays. */
  release(key: string): Promise<void>;
  /**
   * Free the claims on record that no live process holds (the claims of a process that died before
   * answering), so their re-deliveries are answered; returns how many. Called once at bot start.
   * SQLite (one bot process per DATA_DIR) frees every claim; Postgres (shared by replicas) frees
   * only claims whose lease ran out, since another replica may be answering the others.
   */
  releaseStaleClaims(): Promise<number>;
}

/** Settings per conversation (channel), such as whether the bot listens there. */
export interface AsyncSettingsStore {
  get(conversation: string, name: string): Promise<string | undefined>;
  /** Set (or with `undefined`, clear) a setting; durable when it resolves. */
  set(conversation: string, name: string, value: string | undefined, user?: string): Promise<void>;
  /** conversation -> value for every conversation that has the setting. */
  all(name: string): Promise<Map<string, string>>;
}

export interface AsyncInteractionLog {
  record(interaction: Interaction): Promise<void>;
  /** Oldest first; `since` in ms since the epoch. */
  list(options?: { since?: number }): Promise<Interaction[]>;
}

export interface AsyncFeedbackLog {
  add(feedback: FeedbackRecord): Promise<void>;
  /** Oldest first. */
  list(): Promise<FeedbackRecord[]>;
}

export interface AsyncFixStore {
  /**
   * Save a fix; durable when it resolves. Saving a message already saved (same conversation and
   * messageId) resolves to the existing fix unchanged, also when two processes save it at once.
   */
  add(fix: NewFix): Promise<FixRecord>;
  get(id: string): Promise<FixRecord | undefined>;
  /** Oldest first; `since` in ms since the epoch (on `savedAt`). */
  list(options?: { since?: number }): Promise<FixRecord[]>;
  /** True when it was there; durable when it resolves. */
  delete(id: string): Promise<boolean>;
  /** The fix saved from this message, if any. */
  byMessage(conversation: string, messageId: string): Promise<FixRecord | undefined>;
}

export interface AsyncStorage {
  readonly threads: AsyncThreadStore;
  readonly delivered: AsyncDeliveredActivities;
  readonly settings: AsyncSettingsStore;
  readonly interactions: AsyncInteractionLog;
  readonly feedback: AsyncFeedbackLog;
  readonly fixes: AsyncFixStore;
  /**
   * Remove everything kept about a user: their messages, feedback, threads and the team fixes they
   * wrote. The channel settings they made and the fixes they only saved stay (they belong to the
   * channel and to the fix's author), without their id.
   */
  forgetUser(user: string): Promise<Forgotten>;
  /**
   * Changes when another process (another replica, `kbbot forget`) changed the data, so caches
   * know to reload. It may also change on this process's own writes (Postgres counts every write
   * to feedback, fixes, settings and every removal, whoever made it); a cache re-reads it after
   * its own write. Appending to the interaction log does not change it on Postgres (the log is
   * read incrementally).
   */
  dataVersion(): Promise<number>;
  /** Idempotent; afterwards every call rejects with `storage_closed`. */
  close(): Promise<void>;
}

/**
 * `storage` (the synchronous SQLite one, or the resilient wrapper around it) as an AsyncStorage:
 * each call runs at once, as before, and its result or StorageError comes back as a Promise.
 */
export function asyncFromSync(storage: Storage): AsyncStorage {
  const { threads, delivered, settings, interactions, feedback, fixes } = storage;
  return {
    threads: {
      get: (key) => call(() => threads.get(key)),
      set: (key, state) => call(() => threads.set(key, state)),
    },
    delivered: asyncDelivered(delivered),
    settings: {
      get: (conversation, name) => call(() => settings.get(conversation, name)),
      set: (conversation, name, value, user) => call(() => settings.set(conversation, name, value, user)),
      all: (name) => call(() => settings.all(name)),
    },
    interactions: {
      record: (interaction) => call(() => interactions.record(interaction)),
      list: (options) => call(() => interactions.list(options)),
    },
    feedback: {
      add: (record) => call(() => feedback.add(record)),
      list: () => call(() => feedback.list()),
    },
    fixes: {
      add: (fix) => call(() => fixes.add(fix)),
      get: (id) => call(() => fixes.get(id)),
      list: (options) => call(() => fixes.list(options)),
      delete: (id) => call(() => fixes.delete(id)),
      byMessage: (conversation, messageId) => call(() => fixes.byMessage(conversation, messageId)),
    },
    forgetUser: (user) => call(() => storage.forgetUser(user)),
    dataVersion: () => call(() => storage.dataVersion()),
    close: () => call(() => storage.close()),
  };
}

function asyncDelivered(delivered: StoredDeliveredActivities): AsyncDeliveredActivities {
  return {
    claim: (key) => call(() => delivered.claim(key)),
    done: (key) => call(() => delivered.done(key)),
    release: (key) => call(() => delivered.release(key)),
    releaseStaleClaims: () => call(() => delivered.releaseStaleClaims()),
  };
}

/** `work()` as a Promise: its value, or a rejection with what it threw (never a synchronous throw). */
function call<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
