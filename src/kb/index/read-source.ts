/**
 * Reading one source file of a KB and turning it into an article or a failure reason.
 * Shared by the worker threads and the in-process path of ingest, so both report alike.
 */
import type { ParseContext } from '../parse/context.js';
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Article } from '../article.js';
import { KbError } from '../errors.js';

/** What a parser looks like: bytes in, Article out, ArticleParseError for non-articles. */
export type ParseFn = (bytes: Buffer | string, path: string, context?: ParseContext) => Article;

/** Identity of a source file's contents, kept in the index to tell whether it changed. */
export interface SourceStamp {
  path: string;
  /** Bytes, or -1 when the file could not be stat'ed. */
  size: number;
  mtimeMs: number;
  /** sha1 of the bytes (hex), or null when the file was not read (unreadable, too large). */
  hash: string | null;
}

/** The outcome for one file: its stamp plus either the article or why there is none. */
export type SourceResult = SourceStamp &
  ({ article: Article; reason?: undefined } | { article?: undefined; reason: string });

/** A failure to read (not to parse) a file. */
interface ReadFailure {
  stamp: SourceStamp;
  reason: string;
}

interface ReadSuccess {
  stamp: SourceStamp;
  bytes: Buffer;
}

export const sha1 = (bytes: Buffer): string => createHash('sha1').update(bytes).digest('hex');

const MB = 1024 * 1024;

/** "20.0 MB" for sizes from a megabyte up, "512 KB" / "12 bytes" below. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function capText(maxBytes: number): string {
  return maxBytes % MB === 0 ? `${maxBytes / MB} MB` : formatBytes(maxBytes);
}

/**
 * A person-readable reason for an fs error, keeping the code (EACCES, ENOENT, ...) for searching.
 * `action` is what failed: "read the file" or "list the folder".
 */
export function describeFsError(err: unknown, action = 'read the file'): string {
  const e = err as NodeJS.ErrnoException;
  const cannot = `cannot ${action}`;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `${cannot}: permission denied (${e.code})`;
    case 'ENOENT':
      return `${cannot}: it does not exist (a broken symbolic link, or removed while reading) (ENOENT)`;
    case 'ELOOP':
      return `${cannot}: too many levels of symbolic links (ELOOP)`;
    default:
      return `${cannot}: ${e.message ?? String(err)}`;
  }
}

const tooLarge = (size: number, maxBytes: number): string =>
  `file is ${formatBytes(size)}, larger than the ${capText(maxBytes)} an article can be`;

/**
 * Read a file if it is a regular file no larger than `maxBytes`; a larger file is not read at all.
 * Never throws: every problem becomes a failure reason.
 */
export function readSource(path: string, maxBytes: number): ReadSuccess | ReadFailure {
  const stamp: SourceStamp = { path, size: -1, mtimeMs: 0, hash: null };
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    return { stamp, reason: describeFsError(err) };
  }
  stamp.size = st.size;
  stamp.mtimeMs = st.mtimeMs;
  if (st.isDirectory()) return { stamp, reason: 'it is a folder, not a file' };
  if (!st.isFile())
    return {
      stamp,
      reason: `not a regular file (${st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a device or other special file'})`,
    };
  if (st.size > maxBytes) return { stamp, reason: tooLarge(st.size, maxBytes) };
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { stamp: { ...stamp, size }, reason: tooLarge(size, maxBytes) };
    // One byte more than expected, so a file growing under us is noticed (and never read whole).
    const buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > size) return { stamp, reason: 'the file changed while it was being read; read the KB again' };
    const bytes = buf.subarray(0, n);
    return { stamp: { ...stamp, size: n, hash: sha1(bytes) }, bytes };
  } catch (err) {
    return { stamp, reason: describeFsError(err) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True for the parser's "this is not an article" errors (also across module copies, e.g. in workers). */
function isParseRejection(err: unknown): err is Error {
  return err instanceof KbError || (err instanceof Error && err.name === 'ArticleParseError');
}

/** Read and parse one file. Never throws; a parser crash is reported as a failure too. */
export function processSource(
  path: string,
  parse: ParseFn,
  maxBytes: number,
  context: ParseContext = {},
): SourceResult {
  const read = readSource(path, maxBytes);
  if ('reason' in read) return { ...read.stamp, reason: read.reason };
  try {
    return { ...read.stamp, article: parse(read.bytes, path, context) };
  } catch (err) {
    const reason = isParseRejection(err)
      ? err.message
      : `the parser failed on this file: ${err instanceof Error ? err.message : String(err)}`;
    return { ...read.stamp, reason };
  }
}
