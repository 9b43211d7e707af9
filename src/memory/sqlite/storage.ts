/** The Storage the stores make up, on one connection; `forgetUser` spans them in one transaction. */
import type Database from 'better-sqlite3';
import type { Forgotten, Storage } from '../types.js';
import type { Connection } from './connection.js';
import { SqliteDeliveredActivities } from './delivered.js';
import { SqliteFeedbackLog } from './feedback.js';
import { SqliteFixStore } from './fixes.js';
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
  readonly fixes: SqliteFixStore;
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
    this.fixes = new SqliteFixStore(conn);

    const { db } = conn;
    const remove = {
      // Their threads, and any thread whose state names them (a fix report of theirs, a credit they gave).
      threads: db.prepare<[string, string]>('DELETE FROM threads WHERE user = ? OR instr(state, json_quote(?)) > 0'),
      interactions: db.prepare<[string]>('DELETE FROM interactions WHERE user = ?'),
      feedback: db.prepare<[string]>('DELETE FROM feedback WHERE user = ?'),
      // A channel's setting belongs to the channel: it stays, without the name of who set it.
      settings: db.prepare<[string]>('UPDATE settings SET user = NULL WHERE user = ?'),
      // A fix's text is its author's words: it goes with them. One they only saved stays, without their id.
      fixes: db.prepare<[string]>('DELETE FROM fixes WHERE author = ?'),
      fixesUnsaved: db.prepare<[string]>('UPDATE fixes SET saved_by = NULL WHERE saved_by = ?'),
    };
    this.forget = db.transaction((user: string) => ({
      threads: remove.threads.run(user, user).changes,
      interactions: remove.interactions.run(user).changes,
      feedback: remove.feedback.run(user).changes,
      settings: remove.settings.run(user).changes,
      fixes: remove.fixes.run(user).changes, // before fixesUnsaved: a fix they wrote and saved counts once, as removed
      fixesUnsaved: remove.fixesUnsaved.run(user).changes,
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
