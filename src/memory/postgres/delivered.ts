/**
 * Delivered event ids in Postgres, shared by every replica: of any number of processes claiming a
 * delivery at once, exactly one gets it. Each row is `claimed` (being answered, by `owner`) or
 * `done` (answered). `claim` is one statement, an upsert that inserts the key or takes it over only
 * when its row is free, so the database decides who wins. A row is free once it expired (a `done`
 * row after the ttl, a claim after its lease) or when it is the claim of a process that died (its
 * owner's lock is gone, ./liveness.ts): the retry of a delivery whose replica died mid-reply is
 * answered by another at once. `release` frees only this process's claim: one another replica
 * took over stays with it.
 */
import type { AsyncDeliveredActivities } from '../async-types.js';
import type { PgConnection } from './connection.js';
import { storedKey } from './values.js';

export class PgDeliveredActivities implements AsyncDeliveredActivities {
  private calls = 0;

  constructor(
    private readonly conn: PgConnection,
    /** This open storage's owner number on its claims (PgLiveness.owner). */
    readonly owner: number,
    private readonly ttlMs: number,
    /** How long a claim holds a delivery before another process may take it over. */
    private readonly claimLeaseMs: number,
    /** Expired keys are removed every this many calls of `claim`. */
    private readonly pruneEvery: number,
  ) {}

  async claim(key: string): Promise<boolean> {
    return this.conn.use('delivered.claim', async (db) => {
      const now = this.conn.now();
      if (++this.calls >= this.pruneEvery) {
        this.calls = 0;
        await db.query('DELETE FROM delivered WHERE expires_at <= $1', [now]);
      }
      const { rowCount } = await db.query(
        `INSERT INTO delivered (key, expires_at, state, owner) VALUES ($1, $2, 'claimed', $3)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = 'claimed', owner = excluded.owner
         WHERE delivered.expires_at <= $4 OR (delivered.state = 'claimed' AND NOT kbbot_owner_alive(delivered.owner))`,
        [storedKey(key), now + this.claimLeaseMs, this.owner, now],
      );
      return rowCount === 1;
    });
  }

  async done(key: string): Promise<void> {
    // An upsert: `done` without a claim on record (storage was down at claim time) still remembers the key.
    await this.conn.use('delivered.done', (db) =>
      db.query(
        `INSERT INTO delivered (key, expires_at, state, owner) VALUES ($1, $2, 'done', NULL)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = 'done', owner = NULL`,
        [storedKey(key), this.conn.now() + this.ttlMs],
      ),
    );
  }

  async release(key: string): Promise<void> {
    await this.conn.use('delivered.release', (db) =>
      db.query("DELETE FROM delivered WHERE key = $1 AND state = 'claimed' AND owner = $2", [
        storedKey(key),
        this.owner,
      ]),
    );
  }

  /** Free the claims of processes that died, and those whose lease ran out; returns how many. */
  async releaseStaleClaims(): Promise<number> {
    return this.conn.use('delivered.releaseStaleClaims', async (db) => {
      const { rowCount } = await db.query(
        "DELETE FROM delivered WHERE state = 'claimed' AND (expires_at <= $1 OR NOT kbbot_owner_alive(owner))",
        [this.conn.now()],
      );
      return rowCount ?? 0;
    });
  }

  /** Remove the answered keys past their ttl (claims past their lease are left to releaseStaleClaims); returns how many. */
  async pruneExpired(): Promise<number> {
    return this.conn.use('delivered.prune', async (db) => {
      const { rowCount } = await db.query("DELETE FROM delivered WHERE state = 'done' AND expires_at <= $1", [
        this.conn.now(),
      ]);
      return rowCount ?? 0;
    });
  }
}
