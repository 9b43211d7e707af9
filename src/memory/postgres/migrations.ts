/**
 * The Postgres schema, as an ordered list of migrations with the same versions as SQLite's
 * (../sqlite/migrations.ts): version 3 holds the same tables with the same meaning on either. The
 * table `kbbot_migrations` records the versions applied. `migrate` runs each missing migration in
 * its own transaction together with its row there, under a transaction-scoped advisory lock: when
 * several replicas start at once, one runs it and the others wait, then find it done. A crash
 * leaves the database at one version or the next (Postgres rolls DDL back with the transaction).
 * A new version is a new entry at the end: never edit one that has shipped.
 *
 * Differences from SQLite, none visible through the storage: JSON is kept as text (as there, so
 * a `\u0000` escape stays storable), ms timestamps are BIGINT, the user column is `user_id` (`user`
 * is reserved), a delivery claim records its owner (whose liveness the database can tell), and writes that caches depend on bump the
 * `kbbot_data_version` counter (Storage.dataVersion) by trigger, whoever makes them.
 */
import type pg from 'pg';
import { StorageError } from '../sqlite/errors.js';

export interface PgMigration {
  /** 1, 2, 3, ...: the highest version in `kbbot_migrations` after it ran. */
  version: number;
  description: string;
  /** The statements (several, separated by semicolons; no parameters). */
  sql: string;
}

/** The advisory lock migrations hold ('kbbot' in ASCII): any fixed number all replicas agree on. */
export const MIGRATION_LOCK = 0x6b62626f74;

/** The first key of the advisory locks (OWNER_LOCK, owner number) that say an owner's process is alive ('kb'). */
export const OWNER_LOCK = 0x6b62;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'threads, delivered ids, settings, interactions and feedback',
    sql: `
      CREATE TABLE threads (
        key        TEXT PRIMARY KEY,  -- conversation and thread (see values.ts storedKey)
        state      TEXT NOT NULL,     -- ThreadState as JSON
        user_id    TEXT,              -- who asked, for forgetUser
        updated_at BIGINT NOT NULL    -- ms since the epoch, when last written
      );
      CREATE INDEX threads_updated_at ON threads (updated_at);
      CREATE INDEX threads_user ON threads (user_id);

      CREATE TABLE delivered (
        key        TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX delivered_expires_at ON delivered (expires_at);

      CREATE TABLE settings (
        conversation TEXT NOT NULL,
        name         TEXT NOT NULL,
        value        TEXT NOT NULL,
        user_id      TEXT,            -- who set it, for forgetUser
        updated_at   BIGINT NOT NULL,
        PRIMARY KEY (conversation, name)
      );
      CREATE INDEX settings_name ON settings (name);
      CREATE INDEX settings_user ON settings (user_id);

      CREATE TABLE interactions (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at           BIGINT NOT NULL,
        user_id      TEXT NOT NULL,
        conversation TEXT NOT NULL,
        thread       TEXT NOT NULL,
        intent       TEXT NOT NULL,
        outcome      TEXT NOT NULL CHECK (outcome IN ('answered', 'suggested', 'unanswered')),
        article_id   TEXT,
        confidence   DOUBLE PRECISION NOT NULL,
        text         TEXT,            -- NULL when STORE_MESSAGES is off
        signature    TEXT NOT NULL    -- Signature as JSON
      );
      CREATE INDEX interactions_at ON interactions (at);
      CREATE INDEX interactions_user ON interactions (user_id);

      CREATE TABLE feedback (
        id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at           BIGINT NOT NULL,
        user_id      TEXT NOT NULL,
        conversation TEXT NOT NULL,
        thread       TEXT NOT NULL,
        article_id   TEXT NOT NULL,
        helpful      BOOLEAN NOT NULL,
        query        TEXT,            -- NULL when STORE_MESSAGES is off
        signature    TEXT NOT NULL    -- Signature as JSON
      );
      CREATE INDEX feedback_at ON feedback (at);
      CREATE INDEX feedback_user ON feedback (user_id);

      -- Storage.dataVersion: bumped by every statement that changes what a cache holds (feedback,
      -- settings, removals from the log), from any process; appending to the log does not count.
      CREATE TABLE kbbot_data_version (
        one     BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
        version BIGINT NOT NULL
      );
      INSERT INTO kbbot_data_version (version) VALUES (0);
      CREATE FUNCTION kbbot_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE kbbot_data_version SET version = version + 1;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER feedback_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feedback
        FOR EACH STATEMENT EXECUTE FUNCTION kbbot_bump_data_version();
      CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
        FOR EACH STATEMENT EXECUTE FUNCTION kbbot_bump_data_version();
      CREATE TRIGGER interactions_removed AFTER UPDATE OR DELETE OR TRUNCATE ON interactions
        FOR EACH STATEMENT EXECUTE FUNCTION kbbot_bump_data_version();
    `,
  },
  {
    version: 2,
    description: 'delivered ids are claimed while being answered, done once answered (issue #22)',
    // Rows from version 1 were answered: they stay done. A claim names its owner: a number from
    // kbbot_owners per open storage, which holds the advisory lock (OWNER_LOCK, number) for as long
    // as its process lives (./liveness.ts), so kbbot_owner_alive tells a dead replica's claims.
    sql: `
      ALTER TABLE delivered ADD COLUMN state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('claimed', 'done'));
      ALTER TABLE delivered ADD COLUMN owner INTEGER;
      CREATE INDEX delivered_claimed ON delivered (expires_at) WHERE state = 'claimed';
      CREATE SEQUENCE kbbot_owners AS INTEGER CYCLE;
      CREATE FUNCTION kbbot_owner_alive(owner INTEGER) RETURNS BOOLEAN LANGUAGE sql STABLE AS $$
        SELECT EXISTS (
          SELECT 1 FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid = ${OWNER_LOCK}::oid AND l.objid = owner::oid
        )
      $$;
    `,
  },
  {
    version: 3,
    description: 'team fixes saved from threads, and the fix an answer led with (issue #24)',
    sql: `
      CREATE TABLE fixes (
        seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id           TEXT GENERATED ALWAYS AS ('fix-' || seq) STORED UNIQUE,
        saved_at     BIGINT NOT NULL,      -- ms since the epoch
        author       TEXT NOT NULL,        -- who wrote the message, for forgetUser
        author_name  TEXT,
        saved_by     TEXT,                 -- NULL once the saver was forgotten
        conversation TEXT NOT NULL,
        thread       TEXT NOT NULL,
        message_id   TEXT,                 -- Slack ts / Teams activity id
        permalink    TEXT,
        title        TEXT NOT NULL,
        text         TEXT NOT NULL,        -- kept even with STORE_MESSAGES off: an explicit save
        errors       TEXT NOT NULL,        -- JSON array of strings
        codes        TEXT NOT NULL,        -- JSON array of strings
        offered      TEXT NOT NULL,        -- JSON array of {articleId, verdict}
        via          TEXT NOT NULL CHECK (via IN ('mention', 'text', 'shortcut', 'reaction', 'action'))
      );
      CREATE UNIQUE INDEX fixes_message ON fixes (conversation, message_id) WHERE message_id IS NOT NULL;
      CREATE INDEX fixes_author ON fixes (author);
      CREATE INDEX fixes_saved_by ON fixes (saved_by);
      CREATE INDEX fixes_saved_at ON fixes (saved_at);
      CREATE TRIGGER fixes_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fixes
        FOR EACH STATEMENT EXECUTE FUNCTION kbbot_bump_data_version();

      ALTER TABLE interactions ADD COLUMN fix_id TEXT; -- the fix the answer led with
    `,
  },
];

/** The version this code writes. */
export const PG_SCHEMA_VERSION = latest(PG_MIGRATIONS);

/**
 * Bring the database to the last version in `migrations` (ordered by version, starting at 1, no
 * gaps). Returns the versions this call ran (none when another process ran them first). A database
 * at a higher version than the list knows is refused with `storage_too_new`, and left as it is.
 */
export async function migrate(
  pool: pg.Pool,
  where: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number[]> {
  checkOrder(migrations);
  const target = latest(migrations);
  const ran: number[] = [];
  if ((await schemaVersion(pool)) === target) return ran; // the usual start: nothing to do, no lock taken
  for (const migration of migrations) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Held until COMMIT or ROLLBACK: a second process waits here, then sees the version this one wrote.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS kbbot_migrations (
           version     INTEGER PRIMARY KEY,
           description TEXT NOT NULL,
           applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      const current = await schemaVersion(client);
      if (current > target) throw tooNew(where, current, target);
      if (current < migration.version) {
        await client.query(migration.sql);
        await client.query('INSERT INTO kbbot_migrations (version, description) VALUES ($1, $2)', [
          migration.version,
          migration.description,
        ]);
        ran.push(migration.version);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
  return ran;
}

/** The schema version the database is at (0 for a new database). */
export async function schemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const table = await db.query<{ t: string | null }>("SELECT to_regclass('kbbot_migrations')::text AS t");
  if (table.rows[0]?.t == null) return 0;
  const { rows } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM kbbot_migrations');
  return rows[0]?.v ?? 0;
}

function latest(migrations: readonly PgMigration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

function checkOrder(migrations: readonly PgMigration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migration ${i + 1} has version ${m.version}: versions must be 1, 2, 3, ... in order`);
  });
}

function tooNew(where: string, current: number, known: number): StorageError {
  return new StorageError(
    'storage_too_new',
    `The storage at ${where} is at schema version ${current}, newer than this kbbot knows (${known}): upgrade kbbot, or point DATABASE_URL elsewhere`,
  );
}
