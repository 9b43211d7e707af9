/**
 * The index file: one file holding a whole ingested KB.
 *
 * Layout: line 1 is a JSON header (format, parser version, folders, per-file stamps, summary,
 * duplicates), so staleness can be checked without reading the rest; after the newline comes the
 * KnowledgeBase's `toJSON()` object plus the search index written with `v8.serialize`: on the full corpus it loads about
 * as fast as chunked JSON (~0.7 s), writes 2-3x faster, and has no string-length limit
 * (see BENCHMARKS.md, "Index layout").
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import v8 from 'node:v8';
import type { Duplicate } from './dedupe.js';
import { IndexFormatError } from '../errors.js';
import type { IngestSummary } from './ingest.js';
import { KnowledgeBase } from '../knowledge-base.js';
import type { SourceStamp } from './read-source.js';

export const INDEX_FORMAT = 'kbbot-index';
/** Bump when the layout of the index file changes. */
export const INDEX_FORMAT_VERSION = 1;

/** [path, size, mtimeMs, sha1 or null]: arrays keep the header small for 50k+ files. */
export type StampRow = [string, number, number, string | null];

export interface IndexHeader {
  format: typeof INDEX_FORMAT;
  formatVersion: number;
  parserVersion: number;
  /** Absolute folders the KB was ingested from. */
  dirs: string[];
  createdAt: string;
  summary: IngestSummary;
  duplicates: Duplicate[];
  sources: StampRow[];
  /** The folders' names and link templates and the heading vocabulary the KB was read with (`parseSettingsOf`); other ones make the index stale. */
  parseSettings?: string;
  /** Version of the search index in the body (RANKER_VERSION); another one makes the index stale. */
  searchVersion?: number;
  /** Length of the body, to detect a truncated file before deserialising. */
  bodyBytes: number;
}

export interface IndexContents {
  header: IndexHeader;
  kb: KnowledgeBase;
  /** The search index saved with the KB, if any (see `searchVersion`). */
  search: unknown;
}

const READ_CHUNK = 1 << 20;

export const toStampRow = (s: SourceStamp): StampRow => [s.path, s.size, s.mtimeMs, s.hash];
export const fromStampRow = ([path, size, mtimeMs, hash]: StampRow): SourceStamp => ({ path, size, mtimeMs, hash });

/**
 * Serialise a KB and its search index (the Ranker's `toJSON()`, typed arrays kept as they are)
 * once; the body can be rewritten with a new header without serialising again.
 */
export function serialiseBody(kb: KnowledgeBase, search?: unknown): Buffer {
  return v8.serialize({ ...kb.toJSON(), search });
}

/** Write header + body atomically (temp file in the same folder, then rename). */
export function writeIndex(path: string, header: Omit<IndexHeader, 'bodyBytes'>, body: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const headerLine = Buffer.from(`${JSON.stringify({ ...header, bodyBytes: body.length })}\n`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, headerLine);
      writeAll(fd, body);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
}

/**
 * Read only the header. Throws IndexFormatError for a corrupt or foreign file, and the fs error
 * (ENOENT, ...) when it cannot be read at all.
 */
export function readIndexHeader(path: string): { header: IndexHeader; bodyOffset: number } {
  const fd = openSync(path, 'r');
  try {
    return readHeader(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read the whole index (header and KB); pass what readIndexHeader returned to skip reading the
 * header again. Same errors as readIndexHeader.
 */
export function readIndex(
  path: string,
  known?: { header: IndexHeader; bodyOffset: number },
): IndexContents & { body: Buffer } {
  const fd = openSync(path, 'r');
  try {
    const { header, bodyOffset } = known ?? readHeader(fd);
    const size = fstatSync(fd).size;
    if (size - bodyOffset !== header.bodyBytes)
      throw new IndexFormatError(
        `the index is truncated or padded (${size - bodyOffset} body bytes, expected ${header.bodyBytes})`,
      );
    const body = Buffer.allocUnsafe(header.bodyBytes);
    for (let off = 0; off < body.length;) {
      const n = readSync(fd, body, off, body.length - off, bodyOffset + off);
      if (n === 0) throw new IndexFormatError('the index ended early');
      off += n;
    }
    let js: unknown;
    try {
      js = v8.deserialize(body);
    } catch (err) {
      throw new IndexFormatError(`the index body cannot be read: ${(err as Error).message}`);
    }
    return { header, kb: KnowledgeBase.loadJS(js), search: detachViews((js as { search?: unknown }).search), body };
  } finally {
    closeSync(fd);
  }
}

/**
 * `value` with every typed array that is a view into a larger buffer replaced by a copy of its own,
 * walking objects, arrays and Maps in place. `v8.deserialize` returns the typed arrays that lie
 * aligned in the buffer it reads as views of that buffer: two such arrays of the search index (the
 * term pairs, 24 MB for the archive) kept the whole index body alive, serialized articles and all,
 * about 270 MB of a serving bot's memory (BENCHMARKS.md, "Growth").
 */
export function detachViews<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      if (v instanceof DataView || v.byteLength === v.buffer.byteLength) return v;
      return (v as unknown as { slice(): unknown }).slice();
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
    } else if (v instanceof Map) {
      for (const [key, inner] of v) v.set(key, walk(inner));
    } else if (v !== null && typeof v === 'object' && !(v instanceof Set)) {
      const o = v as Record<string, unknown>;
      for (const key of Object.keys(o)) o[key] = walk(o[key]);
    }
    return v;
  };
  return walk(value) as T;
}

function readHeader(fd: number): { header: IndexHeader; bodyOffset: number } {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) throw new IndexFormatError('not a kbbot index (no header line)');
    const nl = chunk.subarray(0, n).indexOf(10);
    if (pos === 0 && chunk[0] !== 0x7b) throw new IndexFormatError('not a kbbot index (no JSON header)');
    if (nl >= 0) {
      chunks.push(chunk.subarray(0, nl));
      return { header: parseHeader(Buffer.concat(chunks).toString('utf8')), bodyOffset: pos + nl + 1 };
    }
    chunks.push(chunk.subarray(0, n));
    pos += n;
  }
}

function parseHeader(text: string): IndexHeader {
  let h: Partial<IndexHeader>;
  try {
    h = JSON.parse(text) as Partial<IndexHeader>;
  } catch {
    throw new IndexFormatError('not a kbbot index (header is not JSON)');
  }
  if (!h || h.format !== INDEX_FORMAT) throw new IndexFormatError('not a kbbot index');
  if (h.formatVersion !== INDEX_FORMAT_VERSION)
    throw new IndexFormatError(`index format ${String(h.formatVersion)}, expected ${INDEX_FORMAT_VERSION}`);
  const ok =
    typeof h.parserVersion === 'number' &&
    Array.isArray(h.dirs) &&
    Array.isArray(h.sources) &&
    Array.isArray(h.duplicates) &&
    typeof h.bodyBytes === 'number' &&
    typeof h.summary === 'object' &&
    h.summary !== null &&
    Array.isArray(h.summary.failures);
  if (!ok) throw new IndexFormatError('the index header is incomplete');
  return h as IndexHeader;
}
