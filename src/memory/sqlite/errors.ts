/** String-coded errors of the storage (one small class, like KbError): what went wrong, and where. */
import Database from 'better-sqlite3';

export type StorageErrorCode =
  /** The database was written by a newer kbbot (its schema version is above ours). */
  | 'storage_too_new'
  /** The file is not a SQLite database, or is damaged. */
  | 'storage_corrupt'
  /** DATA_DIR or the database cannot be created or written (permissions, disk full, read-only). */
  | 'storage_unwritable'
  /** Another process held the database locked for longer than the busy timeout. */
  | 'storage_busy'
  /** A database server (Postgres) cannot be reached, refused the login, or is shutting down. */
  | 'storage_unavailable'
  /** A method was called after `close()`. */
  | 'storage_closed';

export class StorageError extends Error {
  override name = 'StorageError';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `error` as a StorageError about the database at `path` when it says something about the storage
 * itself (damaged, unwritable, locked); anything else (a bug) is returned unchanged.
 */
export function toStorageError(error: unknown, path: string): unknown {
  if (error instanceof StorageError) return error;
  const code = error instanceof Database.SqliteError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const reason = error instanceof Error ? error.message : String(error);
  const kind = classify(code);
  if (!kind) return error;
  const what: Record<
    Exclude<StorageErrorCode, 'storage_too_new' | 'storage_closed' | 'storage_unavailable'>,
    string
  > = {
    storage_corrupt: 'is not a kbbot database or is damaged',
    storage_unwritable: 'cannot be written',
    storage_busy: 'stayed locked by another process',
  };
  return new StorageError(kind, `The storage at ${path} ${what[kind]}: ${reason}`, { cause: error });
}

function classify(code: string): 'storage_corrupt' | 'storage_unwritable' | 'storage_busy' | undefined {
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return 'storage_corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'storage_busy';
  if (/^SQLITE_(READONLY|CANTOPEN|FULL|IOERR|PERM|AUTH)/.test(code)) return 'storage_unwritable';
  if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EISDIR'].includes(code)) return 'storage_unwritable';
  return undefined;
}
