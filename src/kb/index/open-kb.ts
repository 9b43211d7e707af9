/**
 * The persisted KB: `openKb` loads the index file when it is fresh and otherwise ingests the
 * folders and rewrites it. `buildIndex` always ingests (the `kbbot ingest` command).
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Duplicate } from './dedupe.js';
import { IndexFormatError } from '../errors.js';
import { foldersOf, ingest, type IngestOptions, type IngestSummary } from './ingest.js';
import {
  fromStampRow,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  type IndexHeader,
  readIndex,
  readIndexHeader,
  rewriteIndexHeader,
  toStampRow,
  writeIndex,
} from './index-file.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { Ranker, RANKER_VERSION } from '../rank/ranker.js';
import { MAX_ARTICLE_BYTES, PARSER_VERSION } from '../parse/index.js';
import { readSource, type SourceStamp } from './read-source.js';
import { checkDirs, normaliseDirs, walk } from './walk.js';

/** Where the index goes unless told otherwise: `${dataDir}/INDEX_FILE_NAME`. */
export const INDEX_FILE_NAME = 'kb-index.bin';
export const DEFAULT_DATA_DIR = './data';

export interface IndexOptions {
  /** Folder of the index file. Default `DEFAULT_DATA_DIR` (relative to the cwd). */
  dataDir?: string;
  /** The index file itself; overrides `dataDir`. */
  indexPath?: string;
  /** Options for ingest when the index is missing or stale. */
  ingest?: IngestOptions;
  /** Recorded in the index; a different one makes it stale. Default: the parser's PARSER_VERSION. */
  parserVersion?: number;
  /** Told why the index was (not) used; default: silent. */
  log?: (message: string) => void;
}

export interface OpenedKb {
  kb: KnowledgeBase;
  /** The KB's search index, loaded with it or built after ingest. */
  ranker: Ranker;
  /** The summary of the ingest that built the index (from the index on a fresh load). */
  summary: IngestSummary;
  duplicates: Duplicate[];
  /** 'index' when loaded from a fresh index, 'ingest' when the folders were read. */
  loadedFrom: 'index' | 'ingest';
  indexPath: string;
  /** Set when the index could not be written (the KB is still usable). */
  writeError?: string;
  seconds: number;
}

/** The data folder (where the index and the bot's storage live) is never read as KB, even inside a KB folder. */
function skipOf(indexPath: string, options: IndexOptions): string[] {
  return [dirname(indexPath), ...(options.ingest?.skip ?? [])];
}

export function indexPathOf(options: IndexOptions): string {
  return resolve(options.indexPath ?? join(options.dataDir ?? DEFAULT_DATA_DIR, INDEX_FILE_NAME));
}

/** Open the KB of `dirs`: from the index if it is fresh, else by ingesting (and rewriting the index). */
export async function openKb(dirs: readonly string[], options: IndexOptions = {}): Promise<OpenedKb> {
  const started = performance.now();
  const loaded = await loadFreshKb(dirs, options);
  if (loaded) return loaded;
  const indexPath = indexPathOf(options);
  const absDirs = normaliseDirs(dirs);
  const parserVersion = options.parserVersion ?? PARSER_VERSION;
  const seconds = (): number => Math.round(performance.now() - started) / 1000;

  const written = await ingestAndWrite(absDirs, indexPath, parserVersion, options);
  // Serve from the file just written, as after a restart: the articles' texts stay on disk. The
  // ingested copies (about 230 MB of heap for the archive) are out of scope here, so the GC can
  // take them while the file loads.
  const served = written.unwritten ?? reopen(indexPath);
  return {
    ...served,
    summary: written.summary,
    duplicates: written.duplicates,
    loadedFrom: 'ingest',
    indexPath,
    writeError: written.writeError,
    seconds: seconds(),
  };
}

/**
 * The KB of `dirs` from its index file when that is fresh; undefined (and the reason logged) when
 * the folders must be read: no index, another format, or files changed. Throws KbDirError for a
 * folder that is not there.
 */
export async function loadFreshKb(dirs: readonly string[], options: IndexOptions = {}): Promise<OpenedKb | undefined> {
  const started = performance.now();
  const indexPath = indexPathOf(options);
  checkDirs(dirs); // before resolving, so a mistake is reported as the user wrote it
  const absDirs = normaliseDirs(dirs);
  const parserVersion = options.parserVersion ?? PARSER_VERSION;
  const log = options.log ?? (() => {});
  try {
    const head = readIndexHeader(indexPath);
    const { header } = head;
    const check = checkFreshness(
      header,
      absDirs,
      parserVersion,
      options.ingest?.maxBytes ?? MAX_ARTICLE_BYTES,
      skipOf(indexPath, options),
      parseSettingsOf(absDirs, options.ingest),
    );
    if (!check.fresh) {
      log(`the KB index ${indexPath} is out of date (${check.reason}); reading the KB folders`);
      return undefined;
    }
    const { kb, search } = readIndex(indexPath, head);
    const ranker = Ranker.loadJSON(kb, search as Parameters<typeof Ranker.loadJSON>[1]);
    const result: OpenedKb = {
      kb,
      ranker,
      summary: header.summary,
      duplicates: header.duplicates,
      loadedFrom: 'index',
      indexPath,
      seconds: 0,
    };
    const { restamped } = check;
    if (restamped) {
      // Files touched but unchanged: record their new stamps so the next start takes the quick path.
      result.writeError = await tryWrite(() =>
        rewriteIndexHeader(indexPath, head, { ...header, sources: restamped.map(toStampRow) }),
      );
    }
    log(`loaded the KB index ${indexPath} (${kb.size} articles)`);
    return { ...result, seconds: Math.round(performance.now() - started) / 1000 };
  } catch (err) {
    if (err instanceof IndexFormatError)
      log(`the KB index ${indexPath} cannot be used (${err.message}); reading the KB folders`);
    else if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      log(`no KB index at ${indexPath} yet; reading the KB folders`);
    else log(`the KB index ${indexPath} cannot be read (${(err as Error).message}); reading the KB folders`);
    return undefined;
  }
}

/** Ingest and write the index; the ingested KB is returned only when the index could not be written. */
async function ingestAndWrite(
  dirs: string[],
  indexPath: string,
  parserVersion: number,
  options: IndexOptions,
): Promise<{
  summary: IngestSummary;
  duplicates: Duplicate[];
  writeError?: string;
  unwritten?: { kb: KnowledgeBase; ranker: Ranker };
}> {
  const built = await ingest(dirs, { ...options.ingest, skip: skipOf(indexPath, options) });
  const ranker = built.ranker ?? Ranker.build(built.kb);
  const writeError = await tryWrite(() =>
    writeIndexOf(indexPath, dirs, parserVersion, built, ranker, parseSettingsOf(dirs, options.ingest)),
  );
  const { summary, duplicates } = built;
  return writeError
    ? { summary, duplicates, writeError, unwritten: { kb: built.kb, ranker } }
    : { summary, duplicates };
}

/** Ingest `dirs` and write the index (throws if it cannot be written). */
export async function buildIndex(dirs: readonly string[], options: IndexOptions = {}): Promise<OpenedKb> {
  const started = performance.now();
  const indexPath = indexPathOf(options);
  checkDirs(dirs);
  const absDirs = normaliseDirs(dirs);
  const built = await ingest(absDirs, { ...options.ingest, skip: skipOf(indexPath, options) });
  const ranker = built.ranker ?? Ranker.build(built.kb);
  await writeIndexOf(
    indexPath,
    absDirs,
    options.parserVersion ?? PARSER_VERSION,
    built,
    ranker,
    parseSettingsOf(absDirs, options.ingest),
  );
  const seconds = Math.round(performance.now() - started) / 1000;
  return {
    kb: built.kb,
    ranker,
    summary: built.summary,
    duplicates: built.duplicates,
    loadedFrom: 'ingest',
    indexPath,
    seconds,
  };
}

/** The KB and search index of the index file just written. */
function reopen(indexPath: string): { kb: KnowledgeBase; ranker: Ranker } {
  const { kb, search } = readIndex(indexPath);
  return { kb, ranker: Ranker.loadJSON(kb, search as Parameters<typeof Ranker.loadJSON>[1]) };
}

function writeIndexOf(
  indexPath: string,
  dirs: string[],
  parserVersion: number,
  built: { kb: KnowledgeBase; summary: IngestSummary; duplicates: Duplicate[]; sources: SourceStamp[] },
  ranker: Ranker,
  parseSettings: string,
): Promise<void> {
  const header: Omit<IndexHeader, 'bodyBytes' | 'sections'> = {
    parseSettings,
    format: INDEX_FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    parserVersion,
    dirs,
    createdAt: new Date().toISOString(),
    summary: built.summary,
    duplicates: built.duplicates,
    sources: built.sources.map(toStampRow),
    searchVersion: RANKER_VERSION,
  };
  return writeIndex(indexPath, header, built.kb, ranker.toJSON());
}

async function tryWrite(write: () => void | Promise<void>): Promise<string | undefined> {
  try {
    await write();
    return undefined;
  } catch (err) {
    return `could not write the KB index: ${(err as Error).message}`;
  }
}

/** What, besides the files, the articles depend on: each folder's name and link template, and the heading vocabulary. */
export function parseSettingsOf(dirs: readonly string[], ingest: IngestOptions = {}): string {
  const folders = foldersOf(dirs, ingest.folders).map((f) => [f.name ?? null, f.urlTemplate ?? null]);
  return JSON.stringify({ folders, headings: ingest.headings ?? {} });
}

export type Freshness = { fresh: true; restamped?: SourceStamp[] } | { fresh: false; reason: string };

/**
 * Is the index still the KB of `dirs`? Same parser version, same folders, same file list, and each
 * file either has the recorded size and mtime or, when those differ, the recorded content hash.
 * `restamped` (the updated stamps) is set when some file was touched without changing.
 */
export function checkFreshness(
  header: IndexHeader,
  dirs: readonly string[],
  parserVersion: number,
  maxBytes: number,
  skip: readonly string[] = [],
  parseSettings: string = parseSettingsOf(dirs),
): Freshness {
  if (header.parserVersion !== parserVersion)
    return { fresh: false, reason: `parser version ${header.parserVersion} -> ${parserVersion}` };
  if (header.searchVersion !== RANKER_VERSION)
    return { fresh: false, reason: `search index version ${header.searchVersion ?? 'none'} -> ${RANKER_VERSION}` };
  if (header.dirs.length !== dirs.length || header.dirs.some((d, i) => d !== dirs[i]))
    return { fresh: false, reason: 'different KB folders' };
  if ((header.parseSettings ?? parseSettingsOf(dirs)) !== parseSettings)
    return { fresh: false, reason: 'folder names, link templates or headings changed' };
  const files = walk(dirs, skip).files;
  if (files.length !== header.sources.length)
    return { fresh: false, reason: `${files.length} files, the index has ${header.sources.length}` };
  const stamps = header.sources.map(fromStampRow);
  let touched = false;
  for (let i = 0; i < files.length; i++) {
    const old = stamps[i] as SourceStamp;
    if (files[i] !== old.path) return { fresh: false, reason: `file list changed at ${files[i]}` };
    const now = statStamp(old.path);
    if (now.size === old.size && now.mtimeMs === old.mtimeMs) continue;
    if (old.hash === null || now.size !== old.size) return { fresh: false, reason: `${old.path} changed` };
    const reread = readSource(old.path, maxBytes);
    if (reread.stamp.hash !== old.hash) return { fresh: false, reason: `${old.path} changed` };
    stamps[i] = reread.stamp;
    touched = true;
  }
  return touched ? { fresh: true, restamped: stamps } : { fresh: true };
}

function statStamp(path: string): { size: number; mtimeMs: number } {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { size: -1, mtimeMs: 0 };
  }
}
