/**
 * The storage as the bot and the adapters get it (main.ts wraps the SQLite one): answering must not
 * depend on the disk. When a call fails with a StorageError (disk full, file damaged, read-only,
 * locked) the bot keeps answering:
 *
 * - delivered ids: de-duplicated in memory meanwhile (every id is also kept in memory, so a retry
 *   of a delivery answered during the outage is still recognised); a release that could not reach
 *   the disk is retried, so the re-delivery is answered.
 * - threads: kept in memory (bounded) and written when the storage is writable again; lost if the
 *   bot restarts before that.
 * - the interaction log: rows kept in memory (bounded) and written when writable again; lost if the
 *   bot restarts before that, or beyond the bound.
 * - reads fail soft: no thread, no settings (the defaults), an empty log, the last data version.
 * - feedback, settings changes, saving or deleting a team fix, and `forgetUser` are refused (the
 *   StorageError is thrown): the person clicking or typing the command is told, rather than the
 *   click counting for nothing. A fix is never kept only in memory: its confirmation promises it
 *   survives a restart.
 * - fix reads fail soft too: no fix found, an empty list (the fix index keeps what it had).
 *
 * A failure is logged at warn once per kind (delivered ids, threads, ...) per `logEveryMs`, with
 * how many failed so far, never once per message; `health()` says ok or degraded (the last error
 * and the count) for readiness. The first write that succeeds again ends the outage: logged at
 * info, and what was kept in memory is written. An error that is not a StorageError is a bug and
 * reaches the caller unchanged.
 */
import { MemoryDeliveredActivities } from './delivered.js';
import { StorageError, type StorageErrorCode } from './sqlite/errors.js';
import type {
  FeedbackLog,
  FeedbackRecord,
  FixRecord,
  FixStore,
  Forgotten,
  Interaction,
  InteractionLog,
  SettingsStore,
  Storage,
  StoredDeliveredActivities,
  ThreadState,
  ThreadStore,
} from './types.js';

export const STORAGE_HEALTH_DEFAULTS = {
  /** A kind of failure is logged at most once per this many ms (with the count so far), not once per message. */
  logEveryMs: 60_000,
  /** Threads kept in memory while they cannot be written; past this the oldest are dropped. */
  maxPendingThreads: 10_000,
  /** Interaction-log rows kept in memory while they cannot be written; past this the oldest are dropped. */
  maxPendingInteractions: 10_000,
  /** Delivery releases to retry once writable; past this the oldest are dropped (their ids expire after the ttl). */
  maxPendingReleases: 10_000,
} as const;

/** Whether the storage is working: for readiness checks and the operator. */
export type StorageHealth =
  | { status: 'ok' }
  | {
      status: 'degraded';
      /** The code of the last failure (storage_unwritable for a full disk). */
      code: StorageErrorCode;
      /** Its message (names the file and SQLite's reason). */
      lastError: string;
      /** Calls that failed since the outage began. */
      failures: number;
      /** When the outage began, in ms since the epoch. */
      since: number;
    };

/** Where the outage is reported (the bot's logger fits). */
export interface StorageHealthLog {
  warn(message: string): void;
  info(message: string): void;
}

export interface ResilientStorageOptions extends Partial<Record<keyof typeof STORAGE_HEALTH_DEFAULTS, number>> {
  log: StorageHealthLog;
  /** The clock, in ms since the epoch (tests move it). */
  now?: () => number;
}

export type Kind = 'delivered' | 'threads' | 'interactions' | 'feedback' | 'fixes' | 'settings' | 'forget' | 'read';

/** What fails, and what the bot does meanwhile: the log line's words. */
export const KINDS: Record<Kind, { what: string; verb: 'write' | 'read'; meanwhile: string }> = {
  delivered: { what: 'delivered ids', verb: 'write', meanwhile: 'de-duplicating in memory' },
  threads: { what: 'threads', verb: 'write', meanwhile: 'kept in memory until it can' },
  interactions: { what: 'the interaction log', verb: 'write', meanwhile: 'rows kept in memory until it can' },
  feedback: { what: 'feedback', verb: 'write', meanwhile: 'refused to the person clicking' },
  fixes: { what: 'team fixes', verb: 'write', meanwhile: 'the save or delete is refused' },
  settings: { what: 'channel settings', verb: 'write', meanwhile: 'the change is refused' },
  forget: { what: 'a forget-user request', verb: 'write', meanwhile: 'refused' },
  read: { what: 'the storage', verb: 'read', meanwhile: 'read as empty' },
};

export class ResilientStorage implements Storage {
  readonly threads: ThreadStore;
  readonly delivered: StoredDeliveredActivities;
  readonly settings: SettingsStore;
  readonly interactions: InteractionLog;
  readonly feedback: FeedbackLog;
  readonly fixes: FixStore;

  private readonly o: Required<Omit<ResilientStorageOptions, 'log'>> & { log: StorageHealthLog };
  private readonly memory: MemoryDeliveredActivities;
  private readonly pendingThreads = new Map<string, ThreadState>();
  private readonly pendingRows: Interaction[] = [];
  private readonly pendingReleases = new Set<string>();
  private readonly perKind = new Map<Kind, { count: number; loggedAt: number }>();
  private outage: { since: number; failures: number; last: StorageError } | undefined;
  private lastVersion = 0;

  constructor(
    private readonly inner: Storage,
    options: ResilientStorageOptions,
  ) {
    this.o = { ...STORAGE_HEALTH_DEFAULTS, now: () => Date.now(), ...definedOnly(options) } as typeof this.o;
    this.memory = new MemoryDeliveredActivities({ now: this.o.now });
    this.delivered = this.deliveredSet();
    this.threads = this.threadStore();
    this.settings = this.settingsStore();
    this.interactions = this.interactionLog();
    this.feedback = this.feedbackLog();
    this.fixes = this.fixStore();
  }

  /** ok, or degraded since the first failure with the last error and the count; ok again after a write succeeds. */
  health(): StorageHealth {
    if (!this.outage) return { status: 'ok' };
    const { since, failures, last } = this.outage;
    return { status: 'degraded', code: last.code, lastError: last.message, failures, since };
  }

  forgetUser(user: string): Forgotten {
    return this.write(
      'forget',
      () => {
        const forgotten = this.inner.forgetUser(user);
        // Nothing of theirs kept in memory may reach the disk later, not even in the catch-up this
        // successful write starts when it ends an outage (it runs after this function returns).
        for (const [key, state] of this.pendingThreads) if (state.user === user) this.pendingThreads.delete(key);
        for (let i = this.pendingRows.length - 1; i >= 0; i--)
          if (this.pendingRows[i]?.user === user) this.pendingRows.splice(i, 1);
        return forgotten;
      },
      rethrow,
    );
  }

  dataVersion(): number {
    this.lastVersion = this.read(() => this.inner.dataVersion(), this.lastVersion);
    return this.lastVersion;
  }

  close(): void {
    this.inner.close();
  }

  private deliveredSet(): StoredDeliveredActivities {
    const inner = this.inner.delivered;
    const memory = this.memory;
    return {
      claim: (key) => {
        if (this.pendingReleases.has(key)) this.retryRelease(key);
        // Memory answers for this process (and alone while the disk fails); the disk for deliveries before a restart.
        if (!memory.claim(key)) return false;
        const durable = this.write(
          'delivered',
          () => inner.claim(key),
          () => true,
        );
        if (!durable) memory.release(key);
        return durable;
      },
      done: (key) => {
        memory.done(key);
        this.pendingReleases.delete(key);
        this.write(
          'delivered',
          () => inner.done(key),
          () => undefined,
        );
      },
      release: (key) => {
        memory.release(key);
        this.write(
          'delivered',
          () => inner.release(key),
          () => void bounded(this.pendingReleases, key, this.o.maxPendingReleases),
        );
      },
      releaseStaleClaims: () =>
        this.write(
          'delivered',
          () => inner.releaseStaleClaims(),
          () => 0,
        ),
    };
  }

  private threadStore(): ThreadStore {
    const inner = this.inner.threads;
    return {
      get: (key) => this.pendingThreads.get(key) ?? this.read(() => inner.get(key), undefined),
      set: (key, state) =>
        this.write(
          'threads',
          () => {
            inner.set(key, state);
            this.pendingThreads.delete(key);
          },
          () => {
            this.pendingThreads.delete(key); // re-inserted last: the Map stays oldest first
            this.pendingThreads.set(key, state);
            dropOldest(this.pendingThreads, this.o.maxPendingThreads);
          },
        ),
    };
  }

  private settingsStore(): SettingsStore {
    const inner = this.inner.settings;
    return {
      get: (conversation, name) => this.read(() => inner.get(conversation, name), undefined),
      set: (conversation, name, value, user) =>
        this.write('settings', () => inner.set(conversation, name, value, user), rethrow),
      all: (name) => this.read(() => inner.all(name), new Map<string, string>()),
    };
  }

  private interactionLog(): InteractionLog {
    const inner = this.inner.interactions;
    return {
      record: (row) =>
        this.write(
          'interactions',
          () => inner.record(row),
          () => {
            this.pendingRows.push(row);
            if (this.pendingRows.length > this.o.maxPendingInteractions) this.pendingRows.shift();
          },
        ),
      list: (options) => {
        const since = options?.since ?? -Infinity;
        return [
          ...this.read(() => inner.list(options), [] as Interaction[]),
          ...this.pendingRows.filter((r) => r.at >= since),
        ];
      },
    };
  }

  private feedbackLog(): FeedbackLog {
    const inner = this.inner.feedback;
    return {
      add: (record: FeedbackRecord) => this.write('feedback', () => inner.add(record), rethrow),
      list: () => this.read(() => inner.list(), [] as FeedbackRecord[]),
    };
  }

  private fixStore(): FixStore {
    const inner = this.inner.fixes;
    return {
      add: (fix) => this.write('fixes', () => inner.add(fix), rethrow),
      delete: (id) => this.write('fixes', () => inner.delete(id), rethrow),
      get: (id) => this.read(() => inner.get(id), undefined),
      list: (options) => this.read(() => inner.list(options), [] as FixRecord[]),
      byMessage: (conversation, messageId) => this.read(() => inner.byMessage(conversation, messageId), undefined),
    };
  }

  /** A write: on a StorageError, count and log it, then `fallback` (which may rethrow). */
  private write<T>(kind: Kind, work: () => T, fallback: (error: StorageError) => T): T {
    let result: T;
    try {
      result = work();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed(kind, error);
      return fallback(error);
    }
    if (this.outage) this.recovered();
    return result;
  }

  private read<T>(work: () => T, fallback: T): T {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed('read', error);
      return fallback;
    }
  }

  private retryRelease(key: string): void {
    try {
      this.inner.delivered.release(key);
      this.pendingReleases.delete(key);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed('delivered', error);
    }
  }

  private failed(kind: Kind, error: StorageError): void {
    const now = this.o.now();
    this.outage = { since: this.outage?.since ?? now, failures: (this.outage?.failures ?? 0) + 1, last: error };
    const seen = this.perKind.get(kind) ?? { count: 0, loggedAt: -Infinity };
    seen.count++;
    this.perKind.set(kind, seen);
    if (now - seen.loggedAt < this.o.logEveryMs) return;
    seen.loggedAt = now;
    const { what, verb, meanwhile } = KINDS[kind];
    const count = `${seen.count} failed ${verb}${seen.count === 1 ? '' : 's'} so far`;
    this.o.log.warn(`storage: cannot ${verb} ${what} (${count}; ${meanwhile}): ${error.message}`);
  }

  /** A write succeeded after failures: say so, and write what was kept in memory meanwhile. */
  private recovered(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    this.perKind.clear();
    const seconds = Math.round((this.o.now() - outage.since) / 1000);
    const caughtUp = this.catchUp();
    this.o.log.info(
      `storage: writable again after ${outage.failures} failed call${outage.failures === 1 ? '' : 's'} over ${seconds} s` +
        (caughtUp ? `; ${caughtUp}` : ''),
    );
  }

  /** Write the threads, log rows and releases kept in memory; stops at the first failure (kept for next time). */
  private catchUp(): string {
    let threads = 0;
    let rows = 0;
    try {
      for (const key of [...this.pendingReleases]) {
        this.inner.delivered.release(key);
        this.pendingReleases.delete(key);
      }
      for (const [key, state] of [...this.pendingThreads]) {
        this.inner.threads.set(key, state);
        this.pendingThreads.delete(key);
        threads++;
      }
      while (this.pendingRows.length) {
        this.inner.interactions.record(this.pendingRows[0] as Interaction);
        this.pendingRows.shift();
        rows++;
      }
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed('threads', error);
    }
    const parts = [threads ? `${threads} thread(s)` : '', rows ? `${rows} log row(s)` : ''].filter(Boolean);
    return parts.length ? `wrote ${parts.join(' and ')} kept in memory meanwhile` : '';
  }
}

export function rethrow(error: StorageError): never {
  throw error;
}

export function bounded(set: Set<string>, key: string, max: number): void {
  set.add(key);
  for (const oldest of set) {
    if (set.size <= max) break;
    set.delete(oldest);
  }
}

export function dropOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
