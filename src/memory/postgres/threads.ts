/**
 * Threads in Postgres, shared by every replica: whichever replica gets the next message in a thread
 * reads the state the last one wrote. The state is JSON (as in SQLite, without the recent person
 * messages: see ../sqlite/threads.ts), keyed by thread, with who asked and when it was last
 * written. Threads not written for `ttlMs` are gone: pruned at open, and not returned meanwhile.
 * The last write wins: two replicas answering in one thread at the same moment keep the later state.
 */
import type { AsyncThreadStore } from '../async-types.js';
import { parseThreadState, serialiseThreadState } from '../sqlite/threads.js';
import type { ThreadState } from '../types.js';
import type { PgConnection } from './connection.js';
import { storedKey, storedText } from './values.js';

export class PgThreadStore implements AsyncThreadStore {
  constructor(
    private readonly conn: PgConnection,
    private readonly ttlMs: number,
  ) {}

  async get(key: string): Promise<ThreadState | undefined> {
    return this.conn.use('threads.get', async (db) => {
      const { rows } = await db.query<{ state: string }>(
        'SELECT state FROM threads WHERE key = $1 AND updated_at > $2',
        [storedKey(key), this.conn.now() - this.ttlMs],
      );
      return rows[0] ? parseThreadState(rows[0].state) : undefined;
    });
  }

  async set(key: string, state: ThreadState): Promise<void> {
    await this.conn.use('threads.set', (db) =>
      db.query(
        `INSERT INTO threads (key, state, user_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET state = excluded.state, user_id = excluded.user_id, updated_at = excluded.updated_at`,
        [storedKey(key), serialiseThreadState(state), storedText(state.user ?? null), this.conn.now()],
      ),
    );
  }

  /** Remove the threads past their ttl; returns how many. */
  async pruneExpired(): Promise<number> {
    return this.conn.use('threads.prune', async (db) => {
      const { rowCount } = await db.query('DELETE FROM threads WHERE updated_at <= $1', [this.conn.now() - this.ttlMs]);
      return rowCount ?? 0;
    });
  }
}
