/**
 * A real SQLite storage (the code `npm start` runs) on a disk that can fill up: while `full` is
 * on, every write fails the way SQLite fails on a full disk (SQLITE_FULL, "database or disk is
 * full", turned into a StorageError by the storage's own mapping); reads still work, as they do on
 * a full disk. Shared by the storage-down tests of the memory and the Slack adapter.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Connection } from '../../../src/memory/sqlite/connection.js';
import { toStorageError } from '../../../src/memory/sqlite/errors.js';
import { migrate } from '../../../src/memory/sqlite/migrations.js';
import { STORAGE_DEFAULTS, STORAGE_FILE } from '../../../src/memory/sqlite/open.js';
import { SqliteStorage } from '../../../src/memory/sqlite/storage.js';

/** The storage's calls that only read (see the `conn.use` names in src/memory/sqlite). */
const READS = new Set([
  'threads.get',
  'settings.get',
  'settings.all',
  'interactions.list',
  'feedback.list',
  'fixes.get',
  'fixes.list',
  'fixes.byMessage',
  'dataVersion',
]);

class FillableConnection extends Connection {
  full = false;
  /** Writes refused so far. */
  refused = 0;

  override use<T>(what: string, work: () => T): T {
    if (this.full && !READS.has(what)) {
      this.refused++;
      throw toStorageError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'), this.path);
    }
    return super.use(what, work);
  }
}

export interface FillableStorage {
  storage: SqliteStorage;
  /** Fill the disk (true) or free space again (false). */
  setFull(full: boolean): void;
  /** Writes refused while full. */
  readonly refused: number;
  /** The database file. */
  path: string;
}

/** A storage in `dir` (which must exist) whose disk fills on demand. */
export function fillableStorage(dir: string): FillableStorage {
  const path = join(dir, STORAGE_FILE);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  const conn = new FillableConnection(db, path, () => Date.now());
  return {
    storage: new SqliteStorage(conn, STORAGE_DEFAULTS),
    setFull: (full) => void (conn.full = full),
    get refused() {
      return conn.refused;
    },
    path,
  };
}

/** A fresh folder under `root` for each call (data-1, data-2, ...). */
export function dataDirs(root: string): () => string {
  let n = 0;
  return () => {
    const dir = join(root, `data-${++n}`);
    mkdirSync(dir);
    return dir;
  };
}

/** The outage log's lines, by level. */
export function recorder(): { lines: string[]; warn: (m: string) => void; info: (m: string) => void } {
  const lines: string[] = [];
  return { lines, warn: (m) => lines.push(`warn: ${m}`), info: (m) => lines.push(`info: ${m}`) };
}

/** A clock the test moves. */
export function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
