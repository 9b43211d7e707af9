/**
 * The one connection the stores share: every method goes through `use`, which refuses calls after
 * `close()` and turns SQLite's failures (damaged file, disk full, locked) into StorageErrors.
 */
import type Database from 'better-sqlite3';
import { StorageError, toStorageError } from './errors.js';

export class Connection {
  private open = true;

  constructor(
    readonly db: Database.Database,
    /** The database file (or ':memory:'), named in errors. */
    readonly path: string,
    /** Milliseconds since the epoch. */
    readonly now: () => number,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Run `work` on the open connection; `what` names the call in the error after close. */
  use<T>(what: string, work: () => T): T {
    if (!this.open) throw new StorageError('storage_closed', `${what}: the storage at ${this.path} is closed`);
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, this.path);
    }
  }

  /** Idempotent. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    try {
      this.db.pragma('optimize');
    } catch {
      // Only statistics for the query planner; closing matters more.
    }
    this.db.close();
  }
}
