/**
 * Opening the durable storage: `${DATA_DIR}/kbbot.db`, a SQLite database in WAL mode with
 * `synchronous = FULL`, so every write is on disk when the call returns and survives a crash or a
 * kill. The schema is migrated in place at open (./migrations.ts); expired threads and delivered
 * ids are pruned. Failures are StorageErrors naming the file and the reason, never raw crashes.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage } from '../types.js';
import { Connection } from './connection.js';
import { StorageError, toStorageError } from './errors.js';
import { migrate } from './migrations.js';
import { SqliteStorage } from './storage.js';

export { StorageError, type StorageErrorCode } from './errors.js';

/** The database's file name in DATA_DIR. */
export const STORAGE_FILE = 'kbbot.db';

/** `dataDir` that gives a database in memory, gone at close (for tests). */
export const IN_MEMORY = ':memory:';

export interface StorageOptions {
  /** The clock, in ms since the epoch (tests inject one). */
  now?: () => number;
  /** How long a delivered id is remembered: re-deliveries come within minutes. */
  deliveredTtlMs?: number;
  /** Expired delivered ids are removed at open and every this many `delivered.claim` calls. */
  deliveredPruneEvery?: number;
  /** Threads not written for this long are forgotten (pruned at open, not returned meanwhile). */
  threadTtlMs?: number;
  /** How long a call waits for another process's write lock before failing with `storage_busy`. */
  busyTimeoutMs?: number;
}

export const STORAGE_DEFAULTS: Readonly<Required<StorageOptions>> = {
  now: () => Date.now(),
  deliveredTtlMs: 60 * 60 * 1000,
  deliveredPruneEvery: 1000,
  threadTtlMs: 90 * 24 * 60 * 60 * 1000,
  busyTimeoutMs: 5000,
};

/**
 * The storage in `dataDir` (created if missing), or in memory for `':memory:'`. Throws a
 * StorageError: `storage_unwritable` (the folder or file cannot be created or written),
 * `storage_corrupt` (not a SQLite database, or damaged), `storage_too_new` (written by a newer
 * kbbot), `storage_busy` (another process kept it locked past `busyTimeoutMs`).
 */
export function openStorage(dataDir: string, options: StorageOptions = {}): Storage {
  const o = withDefaults(options);
  const memory = dataDir === IN_MEMORY;
  const path = memory ? IN_MEMORY : join(dataDir, STORAGE_FILE);
  if (!memory) {
    try {
      makeDir(dataDir);
    } catch (error) {
      throw new StorageError(
        'storage_unwritable',
        `Cannot create DATA_DIR ${dataDir} for the storage at ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: o.busyTimeoutMs });
  } catch (error) {
    // better-sqlite3 throws a TypeError when the folder is gone, a SqliteError when it cannot create the file.
    if (error instanceof TypeError)
      throw new StorageError('storage_unwritable', `Cannot open the storage at ${path}: ${error.message}`, {
        cause: error,
      });
    throw openError(error, path);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(o.busyTimeoutMs))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    const storage = new SqliteStorage(new Connection(db, path, o.now), o);
    storage.prune();
    return storage;
  } catch (error) {
    try {
      db.close();
    } catch {
      // Already failing; the first error is the one to report.
    }
    throw openError(error, path);
  }
}

/**
 * `mkdir -p` one folder at a time. Node's `mkdirSync(dir, { recursive: true })` spins forever at
 * 100% CPU where a parent exists but refuses children with ENOENT (under /proc: it takes ENOENT to
 * mean "no parent", finds the parent there, and tries the child again); here each missing folder is
 * made once, and its error is final.
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !isDir(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break; // the root itself is missing: mkdir says why
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isDir(d)) throw error; // EEXIST: made meanwhile
    }
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** At open, any SQLite failure means the file cannot be used: a StorageError whatever its code. */
function openError(error: unknown, path: string): unknown {
  const mapped = toStorageError(error, path);
  if (mapped instanceof StorageError) return mapped;
  if (error instanceof Database.SqliteError) {
    return new StorageError('storage_corrupt', `The storage at ${path} cannot be used: ${error.message}`, {
      cause: error,
    });
  }
  return error;
}

function withDefaults(options: StorageOptions): Required<StorageOptions> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as StorageOptions;
  return { ...STORAGE_DEFAULTS, ...defined };
}
