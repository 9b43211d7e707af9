/**
 * The index file: one file holding a whole ingested KB.
 *
 * Layout (format 2, issue #27): line 1 is a JSON header (format, parser version, folders, per-file
 * stamps, summary, duplicates, and where the sections lie, with their CRC-32s), so staleness can be
 * checked without reading the rest. After the newline come three sections:
 * - `resident`: written with `v8.serialize` (no string-length limit): each article's meta row
 *   (`META_FIELDS`), and the search index (the Ranker's `toJSON()`) with its typed arrays taken out;
 * - `arrays`: those typed arrays and where each article's text lies (`packArrays`), each read
 *   straight into an array of its own at load;
 * - `bodies`: each article's text (`BODY_FIELDS`) as its own deflated JSON record, read only when an
 *   answer or the exact-quote check asks for it (`StoredArticle`).
 * Loading reads the header, `resident` and `arrays`, and checks the CRC of `bodies` without keeping it.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import v8 from 'node:v8';
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import type { Duplicate } from './dedupe.js';
import { IndexFormatError } from '../errors.js';
import type { IngestSummary } from './ingest.js';
import { KnowledgeBase } from '../knowledge-base.js';
import type { SourceStamp } from './read-source.js';
import {
  BodyStore,
  bodyRecord,
  FileBodies,
  metaRow,
  STORED_ARTICLES_DEFAULTS,
  StoredArticle,
  storedArticles,
} from './stored-articles.js';
import { crcAdd, crcOf, packArrays, readPackedArrays, unpackArrays, type PackedArray } from './packed-arrays.js';

export const INDEX_FORMAT = 'kbbot-index';
/** Bump when the layout of the index file changes (an index of another format is rebuilt). */
export const INDEX_FORMAT_VERSION = 2;

export const INDEX_FILE_DEFAULTS = {
  /** zlib level of the articles' deflated texts (see STORED_ARTICLES_DEFAULTS.deflateLevel). */
  deflateLevel: STORED_ARTICLES_DEFAULTS.deflateLevel,
  /** Texts deflated at once on libuv's thread pool while the index is written. */
  deflateConcurrency: 64,
} as const;

/** [path, size, mtimeMs, sha1 or null]: arrays keep the header small for 50k+ files. */
export type StampRow = [string, number, number, string | null];

/** Where a section lies, in bytes from the start of the body (the byte after the header line). */
export interface SectionSpan {
  offset: number;
  bytes: number;
  /** CRC-32 of the section's bytes, checked at load: a damaged file is rebuilt, not served. */
  crc32: number;
}

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
  /** Length of the body, to detect a truncated file before reading it. */
  bodyBytes: number;
  /** The meta rows and the search index without its arrays; the arrays; the articles' texts. */
  sections: { resident: SectionSpan; arrays: SectionSpan; bodies: SectionSpan };
}

export interface IndexContents {
  header: IndexHeader;
  /** The KB, its articles' texts read from the file on demand (the file stays open while the KB is used). */
  kb: KnowledgeBase;
  /** The search index saved with the KB, if any (see `searchVersion`). */
  search: unknown;
}

/** What the resident section holds. */
interface Resident {
  meta: unknown[];
  /** `{ bodyOffsets, search }` with its typed arrays replaced by marks (`packArrays`). */
  packed: unknown;
  /** The arrays section's table. */
  arrays: PackedArray[];
}

const READ_CHUNK = 1 << 20;
const WRITE_RUN = 4 << 20;
const deflateRawAsync = promisify(deflateRaw);

export const toStampRow = (s: SourceStamp): StampRow => [s.path, s.size, s.mtimeMs, s.hash];
export const fromStampRow = ([path, size, mtimeMs, hash]: StampRow): SourceStamp => ({ path, size, mtimeMs, hash });

export interface IndexWriteOptions {
  /** Default INDEX_FILE_DEFAULTS.deflateLevel. */
  deflateLevel?: number;
  /** Default INDEX_FILE_DEFAULTS.deflateConcurrency. */
  deflateConcurrency?: number;
}

/**
 * Write the KB and its search index (the Ranker's `toJSON()`) atomically: a temp file in the same
 * folder, then a rename, so a reader sees the old file or the new one. The articles' texts are
 * deflated on libuv's thread pool, off the main thread.
 */
export async function writeIndex(
  path: string,
  header: Omit<IndexHeader, 'bodyBytes' | 'sections'>,
  kb: KnowledgeBase,
  search: unknown,
  options: IndexWriteOptions = {},
): Promise<void> {
  const articles = kb.articles();
  const level = options.deflateLevel ?? INDEX_FILE_DEFAULTS.deflateLevel;
  const concurrency = Math.max(1, options.deflateConcurrency ?? INDEX_FILE_DEFAULTS.deflateConcurrency);
  const bodies: Buffer[] = new Array<Buffer>(articles.length);
  for (let from = 0; from < articles.length; from += concurrency) {
    const slice = articles.slice(from, from + concurrency);
    // An ingest's articles come deflated by the workers that parsed them: their bytes are written as they are.
    const done = await Promise.all(
      slice.map((a) =>
        a instanceof StoredArticle
          ? a.rawBody()
          : deflateRawAsync(Buffer.from(JSON.stringify(bodyRecord(a))), { level }),
      ),
    );
    done.forEach((b, i) => (bodies[from + i] = b));
  }
  const bodyOffsets = new Float64Array(articles.length + 1);
  let at = 0;
  bodies.forEach((b, i) => {
    bodyOffsets[i] = at;
    at += b.length;
  });
  bodyOffsets[articles.length] = at;
  const { skeleton, parts, table } = packArrays({ bodyOffsets, search });
  const resident = v8.serialize({ meta: articles.map(metaRow), packed: skeleton, arrays: table } satisfies Resident);
  const arraysBytes = parts.reduce((n, p) => n + p.length, 0);
  let bodiesCrc = 0;
  for (const b of bodies) bodiesCrc = crcAdd(b, bodiesCrc);
  const sections = {
    resident: { offset: 0, bytes: resident.length, crc32: crc32(resident) },
    arrays: { offset: resident.length, bytes: arraysBytes, crc32: crcOf(parts) },
    bodies: { offset: resident.length + arraysBytes, bytes: at, crc32: bodiesCrc },
  };
  writeFile(path, { ...header, bodyBytes: resident.length + arraysBytes + at, sections }, (fd) => {
    writeAll(fd, resident);
    for (const part of parts) writeAll(fd, part);
    // In runs of about 4 MB: one write call per text would be 57,000 calls for the archive.
    for (let i = 0; i < bodies.length;) {
      const run: Buffer[] = [];
      for (let bytes = 0; i < bodies.length && bytes < WRITE_RUN; i++) {
        run.push(bodies[i] as Buffer);
        bytes += (bodies[i] as Buffer).length;
      }
      writeAll(fd, Buffer.concat(run));
    }
  });
}

/**
 * Rewrite the header of the index at `path` (read with `readIndexHeader`), keeping its sections
 * byte for byte: the stamps of files touched without changing are recorded without rewriting the KB.
 */
export function rewriteIndexHeader(
  path: string,
  known: { header: IndexHeader; bodyOffset: number },
  header: IndexHeader,
): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(READ_CHUNK * 4);
    writeFile(path, header, (out) => {
      for (let off = 0; off < known.header.bodyBytes;) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, known.header.bodyBytes - off), known.bodyOffset + off);
        if (n === 0) throw new IndexFormatError('the index ended early');
        writeAll(out, chunk.subarray(0, n));
        off += n;
      }
    });
  } finally {
    closeSync(fd);
  }
}

/** Write the header line, then what `body` writes, to a temp file renamed over `path` when complete. */
function writeFile(path: string, header: IndexHeader, body: (fd: number) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, Buffer.from(`${JSON.stringify(header)}\n`));
      body(fd);
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
 * Read the index: the header and the resident section; the articles' texts stay in the file, which
 * is kept open for them until the KB is no longer used. Pass what readIndexHeader returned to skip
 * reading the header again. Same errors as readIndexHeader.
 */
export function readIndex(path: string, known?: { header: IndexHeader; bodyOffset: number }): IndexContents {
  const fd = openSync(path, 'r');
  let handedOver = false;
  try {
    const { header, bodyOffset } = known ?? readHeader(fd);
    const size = fstatSync(fd).size;
    if (size - bodyOffset !== header.bodyBytes)
      throw new IndexFormatError(
        `the index is truncated or padded (${size - bodyOffset} body bytes, expected ${header.bodyBytes})`,
      );
    const { resident: span, arrays, bodies } = header.sections;
    const buf = Buffer.allocUnsafe(span.bytes);
    for (let off = 0; off < buf.length;) {
      const n = readSync(fd, buf, off, buf.length - off, bodyOffset + span.offset + off);
      if (n === 0) throw new IndexFormatError('the index ended early');
      off += n;
    }
    if (crc32(buf) !== span.crc32) throw new IndexFormatError('the index is damaged (its checksum differs)');
    checkBodies(fd, bodyOffset + bodies.offset, bodies);
    let resident: Partial<Resident>;
    try {
      resident = v8.deserialize(buf) as Partial<Resident>;
    } catch (err) {
      throw new IndexFormatError(`the index body cannot be read: ${(err as Error).message}`);
    }
    if (!Array.isArray(resident.arrays)) throw new IndexFormatError('the index has no table of arrays');
    const read = readPackedArrays(fd, bodyOffset + arrays.offset, resident.arrays, arrays.crc32);
    const { bodyOffsets, search } = unpackArrays(resident.packed, read) as { bodyOffsets?: unknown; search?: unknown };
    if (!(bodyOffsets instanceof Float64Array) || bodyOffsets[bodyOffsets.length - 1] !== bodies.bytes)
      throw new IndexFormatError("the index's article texts do not match its table");
    const store = new BodyStore(new FileBodies(fd, bodyOffset + bodies.offset, bodyOffsets));
    handedOver = true;
    const kb = new KnowledgeBase(storedArticles(resident.meta, store));
    return { header, kb, search };
  } finally {
    if (!handedOver) closeSync(fd);
  }
}

/**
 * Check the CRC-32 of the articles' texts, read in chunks (about 15 ms per 50 MB): a text damaged on
 * disk would otherwise only show when an answer needs it.
 */
function checkBodies(fd: number, at: number, span: SectionSpan): void {
  const chunk = Buffer.allocUnsafe(READ_CHUNK * 4);
  let crc = 0;
  for (let off = 0; off < span.bytes;) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, span.bytes - off), at + off);
    if (n === 0) throw new IndexFormatError('the index ended early');
    crc = crc32(chunk.subarray(0, n), crc);
    off += n;
  }
  if (crc !== span.crc32) throw new IndexFormatError('the index is damaged (its checksum differs)');
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
    typeof h.sections?.resident?.bytes === 'number' &&
    typeof h.sections.resident.crc32 === 'number' &&
    typeof h.sections.arrays?.bytes === 'number' &&
    typeof h.sections.arrays.crc32 === 'number' &&
    typeof h.sections.bodies?.bytes === 'number' &&
    typeof h.sections.bodies.crc32 === 'number' &&
    typeof h.summary === 'object' &&
    h.summary !== null &&
    Array.isArray(h.summary.failures);
  if (!ok) throw new IndexFormatError('the index header is incomplete');
  return h as IndexHeader;
}
