/**
 * The pool the stores share: every call goes through `use` (one statement, or several on the pool)
 * or `transaction` (several on one connection, committed together). Both refuse calls after
 * `close()` and turn Postgres's failures (unreachable, login refused, lock timeouts) into
 * StorageErrors naming the database without its password.
 */
import type pg from 'pg';
import { StorageError } from '../sqlite/errors.js';
import { toStorageError } from './errors.js';

export class PgConnection {
  private open = true;

  constructor(
    readonly pool: pg.Pool,
    /** The database's URL without its password, named in errors. */
    readonly where: string,
    /** Milliseconds since the epoch. */
    readonly now: () => number,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Run `work` on the pool; `what` names the call in the error after close. */
  async use<T>(what: string, work: (db: pg.Pool) => Promise<T>): Promise<T> {
    if (!this.open) throw new StorageError('storage_closed', `${what}: the storage at ${this.where} is closed`);
    try {
      return await work(this.pool);
    } catch (error) {
      throw toStorageError(error, this.where);
    }
  }

  /** Run `work` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  async transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.use(what, async (pool) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e)); // the connection is gone: do not reuse it
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  /** Idempotent: waits for the calls in flight, then closes every connection. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.pool.end();
  }
}
