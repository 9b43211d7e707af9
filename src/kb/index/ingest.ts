/**
 * Loading a KB from folders: every file under them becomes an article or a reported failure,
 * duplicates (same id) are resolved, and the whole thing is summarised. Parsing runs on a pool
 * of worker threads when running from the compiled JS; from TypeScript source (tests) in-process.
 */
import { availableParallelism } from 'node:os';
import type { Article, ArticleForm } from '../article.js';
import { dedupe, type Duplicate } from './dedupe.js';
import { KnowledgeBase } from '../knowledge-base.js';
import { MAX_ARTICLE_BYTES, parseArticle } from '../parse/index.js';
import { processSource, type ParseFn, type SourceResult, type SourceStamp } from './read-source.js';
import { startPool, type ParsedPool } from './worker-pool.js';
import { buildInParts, type ArticlePlace, type BuilderSide, type PartialSource } from '../rank/parallel-build.js';
import type { Ranker } from '../rank/ranker.js';
import { walk } from './walk.js';
import { contextFor, type HeadingVocabulary, type KbFolder } from '../parse/context.js';
import { resolve } from 'node:path';

export interface IngestOptions {
  /** Parser worker threads; 0 parses in this thread. Default: `os.availableParallelism()`. */
  workers?: number;
  /** Paths sent to a worker per message. Default `INGEST_DEFAULTS.batchSize`. */
  batchSize?: number;
  /** Parse with this function, in this thread (tests). Implies `workers: 0`. */
  parse?: ParseFn;
  /** URL of a module exporting `parseArticle` to parse with instead of the built-in parser (tests, benchmarks). */
  parserModule?: string;
  /** Files larger than this are failures, not read. Default `MAX_ARTICLE_BYTES`. */
  maxBytes?: number;
  /** Called as files are done: (files done, total files). */
  onProgress?: (done: number, total: number) => void;
  /** Folders inside the KB folders that are not KB (the data folder, when it sits inside one). */
  skip?: readonly string[];
  /**
   * Names and link templates of the KB folders (matched to `dirs` by absolute path). A folder
   * without an entry is named by its base name and has no template.
   */
  folders?: readonly KbFolder[];
  /** Headings added to the default section vocabulary of team documents (KB_HEADINGS). */
  headings?: HeadingVocabulary;
  /**
   * Build the search index on the parser workers too, each over the articles it parsed (the
   * same index `Ranker.build` gives, in about half the time on two cores). Default true; it only
   * applies when the files are parsed on workers (`IngestResult.ranker` is unset otherwise).
   */
  index?: boolean;
}

export const INGEST_DEFAULTS = {
  batchSize: 200,
  /** Batches queued per worker. */
  inFlight: 2,
  /** At or below this many files, starting threads costs more than it saves: parse in-process. */
  inProcessMaxFiles: 200,
} as const;

export interface Failure {
  path: string;
  reason: string;
}

/**
 * The ingest summary: a contract (`kbbot ingest --json` prints it). Every file is counted once:
 * files = articles + duplicates + failures of files (`failures` also lists folders that could not
 * be listed, which are not files).
 */
export interface IngestSummary {
  files: number;
  articles: number;
  forms: Record<ArticleForm, number>;
  duplicates: number;
  failures: Failure[];
  seconds: number;
}

export interface IngestResult {
  kb: KnowledgeBase;
  summary: IngestSummary;
  duplicates: Duplicate[];
  /** Size, mtime and hash of every file read, for the index's staleness check. */
  sources: SourceStamp[];
  /** The search index (default options), when the workers built it; else `Ranker.build(kb)` is the caller's. */
  ranker?: Ranker;
}

/** True when this module runs from TypeScript source (vitest, tsx): workers need compiled JS. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

const WORKER_URL = new URL('./ingest-worker.js', import.meta.url);
const DEFAULT_PARSER_URL = new URL('../parse/index.js', import.meta.url).href;

/** Ingest every file under `dirs`. Throws KbDirError when a dir is missing; nothing else escapes. */
export async function ingest(dirs: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  const started = performance.now();
  const maxBytes = options.maxBytes ?? MAX_ARTICLE_BYTES;
  const listing = walk(dirs, options.skip);
  const total = listing.files.length;
  options.onProgress?.(0, total);

  const folders = foldersOf(dirs, options.folders);
  const { results, pool } = await readAll(listing.files, maxBytes, options, folders);
  try {
    return await summarise(results, listing, started, pool);
  } finally {
    pool?.close();
  }
}

/** The parsed files deduplicated into a KB, summarised, and indexed on the workers when they are still up. */
async function summarise(
  results: SourceResult[],
  listing: ReturnType<typeof walk>,
  started: number,
  pool: ParsedPool | undefined,
): Promise<IngestResult> {
  const total = listing.files.length;
  const parsed: Article[] = [];
  const failures: Failure[] = [...listing.failures];
  for (const r of results) {
    if (r.article) parsed.push(r.article);
    else failures.push({ path: r.path, reason: r.reason });
  }
  const { articles, duplicates } = dedupe(parsed);
  const forms: Record<ArticleForm, number> = { text: 0, collapsed: 0, markdown: 0, gfm: 0, html: 0, plain: 0 };
  for (const a of articles) forms[a.form] = (forms[a.form] ?? 0) + 1;

  const summary: IngestSummary = {
    files: total,
    articles: articles.length,
    forms,
    duplicates: duplicates.length,
    failures,
    seconds: Math.round(performance.now() - started) / 1000,
  };
  const sources = results.map(({ path, size, mtimeMs, hash }) => ({ path, size, mtimeMs, hash }));
  const kb = new KnowledgeBase(articles);
  const ranker = pool ? await indexOnWorkers(kb, results, pool) : undefined;
  return { kb, summary, duplicates, sources, ranker };
}

/** The search index built by the workers that parsed the articles (see src/kb/rank/parallel-build.ts). */
function indexOnWorkers(kb: KnowledgeBase, results: readonly SourceResult[], pool: ParsedPool): Promise<Ranker> {
  const places = new Map<Article, ArticlePlace>();
  results.forEach((r, key) => {
    if (r.article)
      places.set(r.article, { key, side: pool.workerOf[key] ?? 0, definitions: pool.definitions[key] ?? [] });
  });
  const sides: BuilderSide[] = Array.from({ length: pool.workers }, (_, w) => ({
    lengths: async (plan) => ((await pool.ask(w, { kind: 'lengths', plan })) as { sums: number[][] }).sums,
    build: async (avgChars) =>
      ((await pool.ask(w, { kind: 'build', avgChars })) as { partials: PartialSource[] }).partials,
    release: () => pool.close(),
  }));
  return buildInParts(kb, sides, (a) => {
    const place = places.get(a);
    if (!place) throw new Error(`the index build lost ${a.path}`);
    return place;
  });
}

function workerCount(options: IngestOptions, files: number): number {
  if (options.parse || RUNNING_FROM_SOURCE || files <= INGEST_DEFAULTS.inProcessMaxFiles) return 0;
  return Math.max(0, Math.floor(options.workers ?? availableParallelism()));
}

/** Each of `dirs` (absolute) with its name and template from `given`. */
export function foldersOf(dirs: readonly string[], given: readonly KbFolder[] = []): KbFolder[] {
  return dirs.map((dir) => {
    const abs = resolve(dir);
    const found = given.find((f) => resolve(f.dir) === abs);
    return { ...found, dir: abs };
  });
}

async function readAll(
  paths: string[],
  maxBytes: number,
  options: IngestOptions,
  folders: KbFolder[],
): Promise<{ results: SourceResult[]; pool?: ParsedPool }> {
  const workers = workerCount(options, paths.length);
  const batchSize = Math.max(1, options.batchSize ?? INGEST_DEFAULTS.batchSize);
  const progress = (done: number): void => options.onProgress?.(done, paths.length);
  if (workers > 0) {
    const index = options.index ?? true;
    const pool = await startPool(paths, {
      workers,
      batchSize,
      inFlight: INGEST_DEFAULTS.inFlight,
      workerUrl: WORKER_URL,
      init: {
        parserModule: options.parserModule ?? DEFAULT_PARSER_URL,
        maxBytes,
        folders,
        headings: options.headings,
        index,
      },
      onBatch: progress,
    });
    return { results: pool.results, pool: index ? pool : undefined };
  }
  const parse = options.parse ?? (options.parserModule ? await importParser(options.parserModule) : parseArticle);
  const results: SourceResult[] = [];
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    results.push(processSource(path, parse, maxBytes, contextFor(path, folders, options.headings)));
    if ((i + 1) % batchSize === 0 || i + 1 === paths.length) {
      progress(i + 1);
      await new Promise((r) => setImmediate(r)); // let a progress bar or signals through
    }
  }
  return { results };
}

async function importParser(url: string): Promise<ParseFn> {
  const mod = (await import(url)) as { parseArticle?: ParseFn };
  if (typeof mod.parseArticle !== 'function') throw new Error(`${url} does not export parseArticle`);
  return mod.parseArticle;
}
