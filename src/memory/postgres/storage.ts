/** The AsyncStorage the Postgres stores make up, on one pool; `forgetUser` spans them in one transaction. */
import type { AsyncStorage } from '../async-types.js';
import type { Forgotten } from '../types.js';
import type { PgConnection } from './connection.js';
import { PgDeliveredActivities } from './delivered.js';
import { PgFeedbackLog } from './feedback.js';
import { PgFixStore } from './fixes.js';
import { PgInteractionLog } from './interactions.js';
import type { PgLiveness } from './liveness.js';
import { PgSettingsStore } from './settings.js';
import { PgThreadStore } from './threads.js';
import { storedText } from './values.js';

export interface PgStorageSettings {
  deliveredTtlMs: number;
  claimLeaseMs: number;
  deliveredPruneEvery: number;
  threadTtlMs: number;
}

export class PgStorage implements AsyncStorage {
  readonly threads: PgThreadStore;
  readonly delivered: PgDeliveredActivities;
  readonly settings: PgSettingsStore;
  readonly interactions: PgInteractionLog;
  readonly feedback: PgFeedbackLog;
  readonly fixes: PgFixStore;

  constructor(
    private readonly conn: PgConnection,
    /** Holds this process's owner lock, so its delivery claims are known live. */
    private readonly liveness: PgLiveness,
    settings: PgStorageSettings,
  ) {
    this.threads = new PgThreadStore(conn, settings.threadTtlMs);
    this.delivered = new PgDeliveredActivities(
      conn,
      liveness.owner,
      settings.deliveredTtlMs,
      settings.claimLeaseMs,
      settings.deliveredPruneEvery,
    );
    this.settings = new PgSettingsStore(conn);
    this.interactions = new PgInteractionLog(conn);
    this.feedback = new PgFeedbackLog(conn);
    this.fixes = new PgFixStore(conn);
  }

  /** The database's URL without its password. */
  get where(): string {
    return this.conn.where;
  }

  async forgetUser(user: string): Promise<Forgotten> {
    const id = storedText(user);
    return this.conn.transaction('forgetUser', async (db) => {
      const count = async (sql: string, values: unknown[]): Promise<number> =>
        (await db.query(sql, values)).rowCount ?? 0;
      return {
        // Their threads, and any thread whose state names them (a fix report of theirs, a credit they gave).
        threads: await count('DELETE FROM threads WHERE user_id = $1 OR strpos(state, $2) > 0', [
          id,
          JSON.stringify(id),
        ]),
        interactions: await count('DELETE FROM interactions WHERE user_id = $1', [id]),
        feedback: await count('DELETE FROM feedback WHERE user_id = $1', [id]),
        // A channel's setting belongs to the channel: it stays, without the name of who set it.
        settings: await count('UPDATE settings SET user_id = NULL WHERE user_id = $1', [id]),
        // A fix's text is its author's words: it goes with them. One they only saved stays, without their id.
        fixes: await count('DELETE FROM fixes WHERE author = $1', [id]), // first: a fix they wrote and saved counts once
        fixesUnsaved: await count('UPDATE fixes SET saved_by = NULL WHERE saved_by = $1', [id]),
      };
    });
  }

  /** The count of changes to feedback, fixes and settings and of removals, by any process (a trigger keeps it). */
  async dataVersion(): Promise<number> {
    return this.conn.use('dataVersion', async (db) => {
      const { rows } = await db.query<{ version: number }>('SELECT version FROM kbbot_data_version');
      return rows[0]?.version ?? 0;
    });
  }

  /** Remove expired threads and answered delivered ids (done at open). */
  async prune(): Promise<{ threads: number; delivered: number }> {
    return { threads: await this.threads.pruneExpired(), delivered: await this.delivered.pruneExpired() };
  }

  /** Idempotent: waits for the calls in flight, then gives up the owner lock and every connection. */
  async close(): Promise<void> {
    await this.conn.close();
    await this.liveness.close();
  }
}
