/**
 * The schema, as an ordered list of migrations. `PRAGMA user_version` holds the version a database
 * is at; `migrate` runs the missing migrations in order, each in its own transaction together with
 * the version bump, so a crash leaves the database at one version or the next, never in between.
 * A new version is a new entry at the end: never edit one that has shipped.
 */
import type Database from 'better-sqlite3';
import { StorageError } from './errors.js';

export interface Migration {
  /** 1, 2, 3, ...: the `user_version` after it ran. */
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'threads, delivered ids, settings, interactions and feedback',
    up(db) {
      db.exec(`
        CREATE TABLE threads (
          key        TEXT PRIMARY KEY,
          state      TEXT NOT NULL,   -- ThreadState as JSON
          user       TEXT,            -- who asked, for forgetUser
          updated_at INTEGER NOT NULL -- ms since the epoch, when last written
        );
        CREATE INDEX threads_updated_at ON threads (updated_at);
        CREATE INDEX threads_user ON threads (user);

        CREATE TABLE delivered (
          key        TEXT PRIMARY KEY,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX delivered_expires_at ON delivered (expires_at);

        CREATE TABLE settings (
          conversation TEXT NOT NULL,
          name         TEXT NOT NULL,
          value        TEXT NOT NULL,
          user         TEXT,           -- who set it, for forgetUser
          updated_at   INTEGER NOT NULL,
          PRIMARY KEY (conversation, name)
        ) WITHOUT ROWID;
        CREATE INDEX settings_name ON settings (name);
        CREATE INDEX settings_user ON settings (user);

        CREATE TABLE interactions (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          at           INTEGER NOT NULL,
          user         TEXT NOT NULL,
          conversation TEXT NOT NULL,
          thread       TEXT NOT NULL,
          intent       TEXT NOT NULL,
          outcome      TEXT NOT NULL CHECK (outcome IN ('answered', 'suggested', 'unanswered')),
          article_id   TEXT,
          confidence   REAL NOT NULL,
          text         TEXT,          -- NULL when STORE_MESSAGES is off
          signature    TEXT NOT NULL  -- Signature as JSON
        );
        CREATE INDEX interactions_at ON interactions (at);
        CREATE INDEX interactions_user ON interactions (user);

        CREATE TABLE feedback (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          at           INTEGER NOT NULL,
          user         TEXT NOT NULL,
          conversation TEXT NOT NULL,
          thread       TEXT NOT NULL,
          article_id   TEXT NOT NULL,
          helpful      INTEGER NOT NULL CHECK (helpful IN (0, 1)),
          query        TEXT,          -- NULL when STORE_MESSAGES is off
          signature    TEXT NOT NULL  -- Signature as JSON
        );
        CREATE INDEX feedback_at ON feedback (at);
        CREATE INDEX feedback_user ON feedback (user);
      `);
    },
  },
  {
    version: 2,
    description: 'delivered ids are claimed while being answered, done once answered (issue #22)',
    up(db) {
      // Rows from version 1 were answered (`first` was called before answering): they stay done.
      db.exec(`
        ALTER TABLE delivered ADD COLUMN state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('claimed', 'done'));
        CREATE INDEX delivered_claimed ON delivered (key) WHERE state = 'claimed';
      `);
    },
  },
  {
    version: 3,
    description: 'team fixes saved from threads, and the fix an answer led with (issue #24)',
    up(db) {
      db.exec(`
        CREATE TABLE fixes (
          seq          INTEGER PRIMARY KEY AUTOINCREMENT,
          id           TEXT NOT NULL UNIQUE,  -- 'fix-' || seq, set in the insert's transaction
          saved_at     INTEGER NOT NULL,      -- ms since the epoch
          author       TEXT NOT NULL,         -- who wrote the message, for forgetUser
          author_name  TEXT,
          saved_by     TEXT,                  -- NULL once the saver was forgotten
          conversation TEXT NOT NULL,
          thread       TEXT NOT NULL,
          message_id   TEXT,                  -- Slack ts / Teams activity id
          permalink    TEXT,
          title        TEXT NOT NULL,
          text         TEXT NOT NULL,         -- kept even with STORE_MESSAGES off: an explicit save
          errors       TEXT NOT NULL,         -- JSON array of strings
          codes        TEXT NOT NULL,         -- JSON array of strings
          offered      TEXT NOT NULL,         -- JSON array of {articleId, verdict}
          via          TEXT NOT NULL CHECK (via IN ('mention', 'text', 'shortcut', 'reaction', 'action'))
        );
        CREATE UNIQUE INDEX fixes_message ON fixes (conversation, message_id) WHERE message_id IS NOT NULL;
        CREATE INDEX fixes_author ON fixes (author);
        CREATE INDEX fixes_saved_by ON fixes (saved_by);
        CREATE INDEX fixes_saved_at ON fixes (saved_at);

        ALTER TABLE interactions ADD COLUMN fix_id TEXT; -- the fix the answer led with
      `);
    },
  },
];

/** The version this code writes. */
export const SCHEMA_VERSION = latest(MIGRATIONS);

/**
 * Bring `db` to the last version in `migrations` (ordered by version, starting at 1, no gaps).
 * Returns the versions that ran. A database at a higher version than the list knows is refused
 * with `storage_too_new` (an older kbbot must not write a newer schema). Each migration runs in
 * an immediate transaction, so two processes opening a database at once do not both run it.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const target = latest(migrations);
  const ran: number[] = [];
  if (userVersion(db) > target) throw tooNew(db, userVersion(db), target);
  for (const migration of migrations) {
    if (userVersion(db) >= migration.version) continue;
    // Checked again under the write lock: another process may have run it meanwhile.
    const applied = db
      .transaction(() => {
        const current = userVersion(db);
        if (current > target) throw tooNew(db, current, target);
        if (current >= migration.version) return false;
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    if (applied) ran.push(migration.version);
  }
  return ran;
}

/** The schema version `db` is at (0 for a new database). */
export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function latest(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${i + 1} has version ${m.version}: versions must be 1, 2, 3, ... in order`);
  });
}

function tooNew(db: Database.Database, current: number, known: number): StorageError {
  return new StorageError(
    'storage_too_new',
    `The storage at ${db.name} is at schema version ${current}, newer than this kbbot knows (${known}): upgrade kbbot, or point DATA_DIR elsewhere`,
  );
}
