/**
 * The storage as the bot and the adapters get it (main.ts wraps the SQLite or Postgres one):
 * answering must not depend on the storage. While a call fails with a StorageError (a full or
 * damaged disk under SQLite, a Postgres server that is down or restarting) the bot keeps answering:
 *
 * - delivered ids: de-duplicated in memory meanwhile (every id is also kept in memory); a release
 *   that could not reach the storage is retried, so the re-delivery is answered.
 * - threads and interaction-log rows: kept in memory (bounded) and written when the storage is
 *   writable again; lost if the bot restarts before that.
 * - reads fail soft: no thread, no settings, an empty log, the last data version, no fix.
 * - feedback, settings changes, saving or deleting a team fix, and `forgetUser` are refused (the
 *   StorageError rejects the call), so the person is told.
 *
 * A failure is logged at warn once per kind per `logEveryMs` with the count so far; `health()` says
 * ok or degraded. The first write that succeeds again ends the outage: what was kept in memory is
 * written (that write resolves once it is) and the recovery is logged at info. An error that is
 * not a StorageError is a bug and reaches the caller unchanged.
 *
 * Calls may overlap: the writes of one thread are made in the order they were asked for, and the
 * catch-up skips a thread set again meanwhile, so an older state kept in memory never overwrites a
 * newer one.
 */
import type {
  AsyncDeliveredActivities,
  AsyncFeedbackLog,
  AsyncFixStore,
  AsyncInteractionLog,
  AsyncSettingsStore,
  AsyncStorage,
  AsyncThreadStore,
} from './async-types.js';
import { MemoryDeliveredActivities } from './delivered.js';
import {
  bounded,
  definedOnly,
  dropOldest,
  KINDS,
  rethrow,
  STORAGE_HEALTH_DEFAULTS,
  type Kind,
  type ResilientStorageOptions,
  type StorageHealth,
  type StorageHealthLog,
} from './outage.js';
import { StorageError } from './sqlite/errors.js';
import type { FeedbackRecord, FixRecord, Forgotten, Interaction, ThreadState } from './types.js';

/** The delivery key `probe()` writes: no Slack or Teams key looks like it (theirs are prefixed slack:/teams:). */
const PROBE_KEY = 'kbbot:probe';

export const STORAGE_PROBE_DEFAULTS = {
  /**
   * How often main.ts probes the storage (`AsyncResilientStorage.probe`): readiness notices an
   * unreachable database within this long while no message comes, and a recovered one as fast.
   */
  everyMs: 10_000,
} as const;

/** Its bounds, log cadence and clock (./outage.ts). */
export type AsyncResilientStorageOptions = ResilientStorageOptions;

export class AsyncResilientStorage implements AsyncStorage {
  readonly threads: AsyncThreadStore;
  readonly delivered: AsyncDeliveredActivities;
  readonly settings: AsyncSettingsStore;
  readonly interactions: AsyncInteractionLog;
  readonly feedback: AsyncFeedbackLog;
  readonly fixes: AsyncFixStore;

  private readonly o: Required<Omit<AsyncResilientStorageOptions, 'log'>> & { log: StorageHealthLog };
  private readonly memory: MemoryDeliveredActivities;
  private readonly pendingThreads = new Map<string, ThreadState>();
  private readonly pendingRows: Interaction[] = [];
  private readonly pendingReleases = new Set<string>();
  private readonly perKind = new Map<Kind, { count: number; loggedAt: number }>();
  private outage: { since: number; failures: number; last: StorageError } | undefined;
  private catchingUp: Promise<void> | undefined;
  /** Per thread key, the last write under way (see inOrder). */
  private readonly threadWrites = new Map<string, Promise<void>>();
  private lastVersion = 0;

  constructor(
    private readonly inner: AsyncStorage,
    options: AsyncResilientStorageOptions,
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

  async forgetUser(user: string): Promise<Forgotten> {
    const forget = async (): Promise<Forgotten> => {
      const forgotten = await this.inner.forgetUser(user);
      // Nothing of theirs kept in memory may reach the storage later: dropped before the catch-up
      // that this write starts when it ends an outage.
      for (const [key, state] of this.pendingThreads) if (state.user === user) this.pendingThreads.delete(key);
      for (let i = this.pendingRows.length - 1; i >= 0; i--)
        if (this.pendingRows[i]?.user === user) this.pendingRows.splice(i, 1);
      return forgotten;
    };
    return this.write('forget', forget, rethrow);
  }

  /**
   * Find out whether the storage works without waiting for a message: one small real write (a
   * delivery key of its own marked answered; it expires with the others). When it fails the storage is degraded as after any failed write
   * (so readiness says so while the bot is idle); when it succeeds during an outage, the outage ends
   * and what was kept in memory is written. Without it, a bot that went unready with no traffic (a
   * load balancer stops sending to an unready replica) would stay unready after the storage came back.
   * main.ts calls it every `STORAGE_PROBE_DEFAULTS.everyMs`. Never rejects on a StorageError.
   */
  async probe(): Promise<void> {
    await this.write(
      'delivered',
      () => this.inner.delivered.done(PROBE_KEY),
      () => undefined,
    );
  }

  async dataVersion(): Promise<number> {
    this.lastVersion = await this.read(() => this.inner.dataVersion(), this.lastVersion);
    return this.lastVersion;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private deliveredSet(): AsyncDeliveredActivities {
    const inner = this.inner.delivered;
    const memory = this.memory;
    return {
      claim: async (key) => {
        if (this.pendingReleases.has(key)) await this.retryRelease(key);
        // Memory answers for this process (and alone while the storage fails); the storage for other processes and restarts.
        if (!memory.claim(key)) return false;
        const durable = await this.write(
          'delivered',
          () => inner.claim(key),
          () => true,
        );
        if (!durable) memory.release(key);
        return durable;
      },
      done: async (key) => {
        memory.done(key);
        this.pendingReleases.delete(key);
        await this.write(
          'delivered',
          () => inner.done(key),
          () => undefined,
        );
      },
      release: async (key) => {
        memory.release(key);
        await this.write(
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

  private threadStore(): AsyncThreadStore {
    const inner = this.inner.threads;
    return {
      get: async (key) => this.pendingThreads.get(key) ?? (await this.read(() => inner.get(key), undefined)),
      set: async (key, state) => {
        // Kept until written: a get meanwhile, and a catch-up, see the newest state.
        this.pendingThreads.delete(key); // re-inserted last: the Map stays oldest first
        this.pendingThreads.set(key, state);
        const written = async (): Promise<void> => {
          try {
            await inner.set(key, state);
          } catch (error) {
            // A bug (not the storage failing) must not come back at the next catch-up.
            if (!(error instanceof StorageError) && this.pendingThreads.get(key) === state)
              this.pendingThreads.delete(key);
            throw error;
          }
          if (this.pendingThreads.get(key) === state) this.pendingThreads.delete(key);
        };
        await this.write(
          'threads',
          () => this.inOrder(key, written),
          () => dropOldest(this.pendingThreads, this.o.maxPendingThreads),
        );
      },
    };
  }

  private settingsStore(): AsyncSettingsStore {
    const inner = this.inner.settings;
    return {
      get: (conversation, name) => this.read(() => inner.get(conversation, name), undefined),
      set: (conversation, name, value, user) =>
        this.write('settings', () => inner.set(conversation, name, value, user), rethrow),
      all: (name) => this.read(() => inner.all(name), new Map<string, string>()),
    };
  }

  private interactionLog(): AsyncInteractionLog {
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
      list: async (options) => {
        const since = options?.since ?? -Infinity;
        const stored = await this.read(() => inner.list(options), [] as Interaction[]);
        return [...stored, ...this.pendingRows.filter((r) => r.at >= since)];
      },
    };
  }

  private feedbackLog(): AsyncFeedbackLog {
    const inner = this.inner.feedback;
    return {
      add: (record: FeedbackRecord) => this.write('feedback', () => inner.add(record), rethrow),
      list: () => this.read(() => inner.list(), [] as FeedbackRecord[]),
    };
  }

  private fixStore(): AsyncFixStore {
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
  private async write<T>(kind: Kind, work: () => Promise<T>, fallback: (error: StorageError) => T): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed(kind, error);
      return fallback(error);
    }
    if (this.outage) await this.recovered();
    return result;
  }

  private async read<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.failed('read', error);
      return fallback;
    }
  }

  /** `work` after the writes of thread `key` already under way, so an older state never lands after a newer one. */
  private inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (this.threadWrites.get(key) ?? Promise.resolve()).then(work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.threadWrites.set(key, settled);
    void settled.then(() => {
      if (this.threadWrites.get(key) === settled) this.threadWrites.delete(key);
    });
    return next;
  }

  private async retryRelease(key: string): Promise<void> {
    try {
      await this.inner.delivered.release(key);
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

  /** A write succeeded after failures: write what was kept in memory meanwhile, and say so (one catch-up at a time). */
  private recovered(): Promise<void> {
    const outage = this.outage;
    if (!outage) return this.catchingUp ?? Promise.resolve();
    this.outage = undefined;
    this.perKind.clear();
    const previous = this.catchingUp ?? Promise.resolve();
    const run = previous.then(async () => {
      const caughtUp = await this.catchUp();
      const seconds = Math.round((this.o.now() - outage.since) / 1000);
      this.o.log.info(
        `storage: writable again after ${outage.failures} failed call${outage.failures === 1 ? '' : 's'} over ${seconds} s` +
          (caughtUp ? `; ${caughtUp}` : ''),
      );
    });
    const settled = run.finally(() => {
      if (this.catchingUp === settled) this.catchingUp = undefined;
    });
    this.catchingUp = settled;
    return settled;
  }

  /** Write the threads, log rows and releases kept in memory; stops at the first failure (kept for next time). */
  private async catchUp(): Promise<string> {
    let threads = 0;
    let rows = 0;
    try {
      for (const key of [...this.pendingReleases]) {
        await this.inner.delivered.release(key);
        this.pendingReleases.delete(key);
      }
      for (const [key, state] of [...this.pendingThreads]) {
        const wrote = await this.inOrder(key, async () => {
          if (this.pendingThreads.get(key) !== state) return false; // set again meanwhile: that write carries it
          await this.inner.threads.set(key, state);
          if (this.pendingThreads.get(key) === state) this.pendingThreads.delete(key);
          return true;
        });
        if (wrote) threads++;
      }
      while (this.pendingRows.length) {
        const next = this.pendingRows[0] as Interaction;
        await this.inner.interactions.record(next);
        if (this.pendingRows[0] === next) this.pendingRows.shift();
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
