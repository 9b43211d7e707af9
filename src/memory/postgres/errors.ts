/**
 * Postgres failures as the storage's StorageErrors (../sqlite/errors.ts), so the bot treats a
 * database it cannot reach or write like a full disk: an unreachable server, a refused login or a
 * database that is gone is `storage_unavailable`; lock and serialisation timeouts are `storage_busy`; data Postgres reports
 * damaged is `storage_corrupt`. Messages name the database without its password.
 */
import { StorageError, type StorageErrorCode } from '../sqlite/errors.js';

/** The code for "the database cannot be reached or used" (refused, down, login refused, gone). */
export const UNAVAILABLE: StorageErrorCode = 'storage_unavailable';

/** Node's socket errors that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** pg's own messages when a connection breaks or cannot be had in time (they carry no code). */
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /connect ECONNREFUSED/i,
];

/**
 * `error` as a StorageError about the database `where` (a URL without password) when it says
 * something about the storage itself; anything else (a bug, such as an SQL syntax error) is
 * returned unchanged.
 */
export function toStorageError(error: unknown, where: string): unknown {
  if (error instanceof StorageError) return error;
  const kind = classify(error);
  if (!kind) return error;
  const what: Partial<Record<StorageErrorCode, string>> = {
    storage_unavailable: 'cannot be reached',
    storage_unwritable: 'cannot be written',
    storage_busy: 'stayed locked by another process',
    storage_corrupt: 'reports damaged data',
  };
  return new StorageError(kind, `The storage at ${where} ${what[kind] ?? 'failed'}: ${reasonOf(error)}`, {
    cause: error,
  });
}

function classify(error: unknown): StorageErrorCode | undefined {
  const code = codeOf(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return UNAVAILABLE;
    // SQLSTATE classes (https://www.postgresql.org/docs/15/errcodes-appendix.html).
    if (code.startsWith('08')) return UNAVAILABLE; // connection exception
    if (code.startsWith('28')) return UNAVAILABLE; // invalid authorization (login refused)
    if (code === '3D000') return UNAVAILABLE; // the database does not exist
    if (code.startsWith('57P')) return UNAVAILABLE; // server shutting down, starting up, crashed
    if (code === '53300') return UNAVAILABLE; // too many connections
    if (code.startsWith('53')) return 'storage_unwritable'; // disk full, out of memory
    if (code === '25006') return 'storage_unwritable'; // read-only transaction (a standby)
    if (code === '42501') return 'storage_unwritable'; // insufficient privilege
    if (code === '40001' || code === '40P01') return 'storage_busy'; // serialisation failure, deadlock
    if (code === '55P03' || code === '57014') return 'storage_busy'; // lock not available, statement timeout
    if (code === 'XX001' || code === 'XX002') return 'storage_corrupt'; // data or index corrupted
    return undefined;
  }
  const message = error instanceof Error ? error.message : '';
  if (CONNECTION_MESSAGES.some((m) => m.test(message))) return UNAVAILABLE;
  return undefined;
}

/** The SQLSTATE or socket error code; an AggregateError (every address refused) gives its first error's. */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof AggregateError) return codeOf(error.errors[0]);
  return undefined;
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return error instanceof Error ? error.message || String(codeOf(error)) : String(error);
}

/** `url` without its password (and without query parameters, which may carry one): safe to log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}
