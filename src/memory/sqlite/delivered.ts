/**
 * Delivered event ids in SQLite, so a re-delivery after a restart is still recognised. Each row is
 * `claimed` (being answered) or `done` (answered), and expires after the ttl either way. `claim` is
 * one upsert: it inserts the key, or takes it over only when it had expired, so two callers cannot
 * both claim a delivery. Claims left by a process that died are freed by `releaseStaleClaims` at
 * start (only one bot process serves a DATA_DIR).
 */
import type Database from 'better-sqlite3';
import type { DeliveredActivities } from '../types.js';
import type { Connection } from './connection.js';

interface KeyAt {
  key: string;
  expiresAt: number;
  now: number;
}

export class SqliteDeliveredActivities implements DeliveredActivities {
  private readonly claimStmt: Database.Statement<KeyAt>;
  private readonly doneStmt: Database.Statement<{ key: string; expiresAt: number }>;
  private readonly releaseStmt: Database.Statement<[string]>;
  private readonly releaseAll: Database.Statement<[]>;
  private readonly prune: Database.Statement<[number]>;
  private calls = 0;

  constructor(
    private readonly conn: Connection,
    private readonly ttlMs: number,
    /** Expired keys are removed every this many calls of `claim`. */
    private readonly pruneEvery: number,
  ) {
    const { db } = conn;
    this.claimStmt = db.prepare(
      `INSERT INTO delivered (key, expires_at, state) VALUES (@key, @expiresAt, 'claimed')
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = 'claimed'
       WHERE delivered.expires_at <= @now`,
    );
    // An upsert: `done` without a claim on record (storage was down at claim time) still remembers the key.
    this.doneStmt = db.prepare(
      `INSERT INTO delivered (key, expires_at, state) VALUES (@key, @expiresAt, 'done')
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = 'done'`,
    );
    this.releaseStmt = db.prepare("DELETE FROM delivered WHERE key = ? AND state = 'claimed'");
    this.releaseAll = db.prepare("DELETE FROM delivered WHERE state = 'claimed'");
    this.prune = db.prepare('DELETE FROM delivered WHERE expires_at <= ?');
  }

  claim(key: string): boolean {
    return this.conn.use('delivered.claim', () => {
      const now = this.conn.now();
      if (++this.calls >= this.pruneEvery) {
        this.calls = 0;
        this.prune.run(now);
      }
      return this.claimStmt.run({ key, expiresAt: now + this.ttlMs, now }).changes === 1;
    });
  }

  done(key: string): void {
    this.conn.use('delivered.done', () => {
      this.doneStmt.run({ key, expiresAt: this.conn.now() + this.ttlMs });
    });
  }

  release(key: string): void {
    this.conn.use('delivered.release', () => {
      this.releaseStmt.run(key);
    });
  }

  /** Free every claim (those a process that died left behind); returns how many. Call once at bot start. */
  releaseStaleClaims(): number {
    return this.conn.use('delivered.releaseStaleClaims', () => this.releaseAll.run().changes);
  }

  /** Remove the expired keys; returns how many. */
  pruneExpired(): number {
    return this.conn.use('delivered.prune', () => this.prune.run(this.conn.now()).changes);
  }
}
