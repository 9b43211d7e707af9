/**
 * What the resilient storage (./async-resilient.ts) says and keeps while the storage fails: its
 * bounds and log cadence (STORAGE_HEALTH_DEFAULTS), the health it reports for readiness
 * (StorageHealth), the kinds of failure and the words logged for each (KINDS), and the small
 * helpers for its in-memory fallbacks.
 */
import type { StorageError, StorageErrorCode } from './sqlite/errors.js';

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

/** The fallback of a write that must not be kept in memory: the caller is told. */
export function rethrow(error: StorageError): never {
  throw error;
}

/** Add `key` to `set`, dropping the oldest past `max`. */
export function bounded(set: Set<string>, key: string, max: number): void {
  set.add(key);
  for (const oldest of set) {
    if (set.size <= max) break;
    set.delete(oldest);
  }
}

/** Drop the oldest entries of `map` past `max`. */
export function dropOldest<K, V>(map: Map<K, V>, max: number): void {
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

/** `o` without its undefined fields (so they do not override defaults). */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
