/** The Storage the stores make up, on one connection; `forgetUser` spans them in one transaction. */
import type Database from 'better-sqlite3';
import type { Forgotten, Storage } from '../types.js';
import type { Connection } from './connection.js';
import { SqliteDeliveredActivities } from './delivered.js';
import { SqliteFeedbackLog } from './feedback.js';
import { SqliteInteractionLog } from './interactions.js';
import { SqliteSettingsStore } from './settings.js';
import { SqliteThreadStore } from './threads.js';

export interface SqliteStorageSettings {
  deliveredTtlMs: number;
  deliveredPruneEvery: number;
  threadTtlMs: number;
}

export class SqliteStorage implements Storage {
  readonly threads: SqliteThreadStore;
  readonly delivered: SqliteDeliveredActivities;
  readonly settings: SqliteSettingsStore;
  readonly interactions: SqliteInteractionLog;
  readonly feedback: SqliteFeedbackLog;
  private readonly forget: Database.Transaction<(user: string) => Forgotten>;

  constructor(
    private readonly conn: Connection,
    settings: SqliteStorageSettings,
  ) {
    this.threads = new SqliteThreadStore(conn, settings.threadTtlMs);
    this.delivered = new SqliteDeliveredActivities(conn, settings.deliveredTtlMs, settings.deliveredPruneEvery);
    this.settings = new SqliteSettingsStore(conn);
    this.interactions = new SqliteInteractionLog(conn);
    this.feedback = new SqliteFeedbackLog(conn);

    const { db } = conn;
    const remove = {
      threads: db.prepare<[string]>('DELETE FROM threads WHERE user = ?'),
      interactions: db.prepare<[string]>('DELETE FROM interactions WHERE user = ?'),
      feedback: db.prepare<[string]>('DELETE FROM feedback WHERE user = ?'),
      // A channel's setting belongs to the channel: it stays, without the name of who set it.
      settings: db.prepare<[string]>('UPDATE settings SET user = NULL WHERE user = ?'),
    };
    this.forget = db.transaction((user: string) => ({
      threads: remove.threads.run(user).changes,
      interactions: remove.interactions.run(user).changes,
      feedback: remove.feedback.run(user).changes,
      settings: remove.settings.run(user).changes,
    }));
  }

  /** The database file, or ':memory:'. */
  get path(): string {
    return this.conn.path;
  }

  forgetUser(user: string): Forgotten {
    return this.conn.use('forgetUser', () => this.forget.immediate(user));
  }

  dataVersion(): number {
    return this.conn.use('dataVersion', () => this.conn.db.pragma('data_version', { simple: true }) as number);
  }

  /** Remove expired threads and delivered ids (done at open). */
  prune(): { threads: number; delivered: number } {
    return { threads: this.threads.pruneExpired(), delivered: this.delivered.pruneExpired() };
  }

  close(): void {
    this.conn.close();
  }
}
