/**
 * Delivered event ids in SQLite, so a re-delivery after a restart is still recognised. `first` is
 * one upsert: it inserts the key, or renews it only when it had expired, so two processes cannot
 * both see a delivery as the first.
 */
import type Database from 'better-sqlite3';
import type { DeliveredActivities } from '../types.js';
import type { Connection } from './connection.js';

export class SqliteDeliveredActivities implements DeliveredActivities {
  private readonly claim: Database.Statement<{ key: string; expiresAt: number; now: number }>;
  private readonly remove: Database.Statement<[string]>;
  private readonly prune: Database.Statement<[number]>;
  private calls = 0;

  constructor(
    private readonly conn: Connection,
    private readonly ttlMs: number,
    /** Expired keys are removed every this many calls of `first`. */
    private readonly pruneEvery: number,
  ) {
    const { db } = conn;
    this.claim = db.prepare(
      `INSERT INTO delivered (key, expires_at) VALUES (@key, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE delivered.expires_at <= @now`,
    );
    this.remove = db.prepare('DELETE FROM delivered WHERE key = ?');
    this.prune = db.prepare('DELETE FROM delivered WHERE expires_at <= ?');
  }

  first(key: string): boolean {
    return this.conn.use('delivered.first', () => {
      const now = this.conn.now();
      if (++this.calls >= this.pruneEvery) {
        this.calls = 0;
        this.prune.run(now);
      }
      return this.claim.run({ key, expiresAt: now + this.ttlMs, now }).changes === 1;
    });
  }

  forget(key: string): void {
    this.conn.use('delivered.forget', () => {
      this.remove.run(key);
    });
  }

  /** Remove the expired keys; returns how many. */
  pruneExpired(): number {
    return this.conn.use('delivered.prune', () => this.prune.run(this.conn.now()).changes);
  }
}
