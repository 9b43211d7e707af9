/**
 * Opening the shared storage: a Postgres database at DATABASE_URL, through a pool of connections
 * (node-postgres). The schema is migrated at open (./migrations.ts; one replica runs a migration,
 * the others wait for it); expired threads and answered delivered ids are pruned. Every write is
 * committed when its call resolves. Failures are StorageErrors naming the database without its
 * password, never raw crashes.
 */
import pg from 'pg';
import { StorageError } from '../sqlite/errors.js';
import { PgConnection } from './connection.js';
import { UNAVAILABLE, redactUrl, toStorageError } from './errors.js';
import { PgLiveness } from './liveness.js';
import { migrate } from './migrations.js';
import { PgStorage } from './storage.js';

export interface PgStorageOptions {
  /** The clock, in ms since the epoch (tests inject one). Replicas' clocks are assumed within seconds (NTP). */
  now?: () => number;
  /** How long a delivered id is remembered once answered: re-deliveries come within minutes. */
  deliveredTtlMs?: number;
  /**
   * How long a claim holds a delivery before another replica may answer it. A replica that dies
   * frees its claims at once (its owner lock goes with its connection); the lease is for one that
   * hangs with its connection open.
   */
  claimLeaseMs?: number;
  /** Expired delivered ids are removed every this many `delivered.claim` calls (of this process). */
  deliveredPruneEvery?: number;
  /** Threads not written for this long are forgotten (pruned at open, not returned meanwhile). */
  threadTtlMs?: number;
  /** Connections this process opens at most. */
  poolSize?: number;
  /** How long a call waits for a connection (the server unreachable) before failing with a StorageError. */
  connectTimeoutMs?: number;
  /** How long a statement waits for another process's row lock before failing with `storage_busy`. */
  lockTimeoutMs?: number;
}

export const PG_STORAGE_DEFAULTS: Readonly<Required<PgStorageOptions>> = {
  now: () => Date.now(),
  deliveredTtlMs: 60 * 60 * 1000,
  // Replies take seconds; Slack retries an event after about 1 and 5 minutes: a hung replica's claim
  // is free again for the 5-minute retry, a working one's is not taken from it mid-reply.
  claimLeaseMs: 2 * 60 * 1000,
  deliveredPruneEvery: 1000,
  threadTtlMs: 90 * 24 * 60 * 60 * 1000,
  // node-postgres's default; each replica holds at most this many of the server's max_connections (100).
  poolSize: 10,
  connectTimeoutMs: 5000,
  lockTimeoutMs: 5000,
};

/** Postgres's BIGINT (oid 20) as a number: ms timestamps and counts stay far below 2^53. */
const BIGINT_OID = 20;

/**
 * The storage in the Postgres database at `url` (postgres://user:password@host:port/database).
 * Rejects with a StorageError: `storage_unwritable` (the server cannot be reached, the login or
 * the database is refused, or the schema cannot be created), `storage_too_new` (migrated by a
 * newer kbbot), `storage_busy` (a lock held past `lockTimeoutMs`).
 */
export async function openPostgresStorage(url: string, options: PgStorageOptions = {}): Promise<PgStorage> {
  const o = withDefaults(options);
  const where = redactUrl(url);
  const config: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: o.connectTimeoutMs,
    lock_timeout: o.lockTimeoutMs,
    application_name: 'kbbot',
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === BIGINT_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
  const pool = new pg.Pool({ ...config, max: o.poolSize });
  // An idle connection that breaks (server restart) is dropped by the pool; the next call reconnects
  // or fails with a StorageError. Without a listener the 'error' event would end the process.
  pool.on('error', () => undefined);
  let liveness: PgLiveness | undefined;
  try {
    await migrate(pool, where);
    liveness = await PgLiveness.start(config);
    const storage = new PgStorage(new PgConnection(pool, where, o.now), liveness, o);
    await storage.prune();
    return storage;
  } catch (error) {
    await pool.end().catch(() => undefined);
    await liveness?.close();
    throw openError(error, where);
  }
}

/** At open, any failure Postgres reports means the database cannot be used: a StorageError whatever its code. */
function openError(error: unknown, where: string): unknown {
  const mapped = toStorageError(error, where);
  if (mapped instanceof StorageError) return mapped;
  if (error instanceof pg.DatabaseError) {
    return new StorageError(UNAVAILABLE, `The storage at ${where} cannot be used: ${error.message}`, { cause: error });
  }
  return error;
}

function withDefaults(options: PgStorageOptions): Required<PgStorageOptions> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as PgStorageOptions;
  return { ...PG_STORAGE_DEFAULTS, ...defined };
}
