/**
 * Worker-thread entry of the ingest pool: receives batches of paths, reads and parses each file,
 * and answers with one SourceResult per path, in order. With `init.index` it also indexes what it
 * parsed (a `PartialBuilder`: see src/kb/rank/parallel-build.ts) and, once every batch is parsed,
 * answers the main thread's two index steps. Runs only from the compiled JS (dist).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { contextFor, type HeadingVocabulary, type KbFolder } from '../parse/context.js';
import { PartialBuilder, type BuildPlan, type PartialSource } from '../rank/parallel-build.js';
import { processSource, type ParseFn, type SourceResult, type SourceStamp } from './read-source.js';
import { packArticle, type PackedArticle } from './stored-articles.js';

/** What the pool passes as `workerData`. */
export interface WorkerInit {
  /** URL of the module exporting `parseArticle`. */
  parserModule: string;
  maxBytes: number;
  /** The KB folders with their names and link templates (each file is parsed knowing its folder). */
  folders: KbFolder[];
  headings?: HeadingVocabulary;
  /** Keep what the search index needs of each article and answer the index steps (default: no). */
  index?: boolean;
}

/** main -> worker: parse these files. */
export interface BatchRequest {
  kind: 'batch';
  batch: number;
  /** Index of the batch's first path in the whole list: the key of each article (`first + i`). */
  first: number;
  paths: string[];
}

/**
 * worker -> main, per file of a batch: as `processSource` returns it, or, with `init.index`, an
 * article as its meta row and deflated text (`packArticle`), which the index file stores as they are.
 */
export type WireResult =
  | (SourceResult & { packed?: undefined })
  | (SourceStamp & { packed: PackedArticle; article?: undefined; reason?: undefined });

/** main -> worker: the index steps after the parse (see `PartialBuilder`). */
export type IndexRequest = { kind: 'lengths'; plan: BuildPlan } | { kind: 'build'; avgChars: number[][] };

/** worker -> main, for an IndexRequest. */
export type IndexReply = { sums: number[][] } | { partials: PartialSource[] };

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const mod = (await import(init.parserModule)) as { parseArticle?: ParseFn };
  const parse = mod.parseArticle;
  if (typeof parse !== 'function') throw new Error(`${init.parserModule} does not export parseArticle`);
  const builder = init.index ? new PartialBuilder() : undefined;
  port.on('message', (req: BatchRequest | IndexRequest) => {
    if (req.kind === 'lengths') {
      port.postMessage({ sums: (builder as PartialBuilder).lengths(req.plan) } satisfies IndexReply);
      return;
    }
    if (req.kind === 'build') {
      const partials = (builder as PartialBuilder).build(req.avgChars);
      // The columns move to the main thread without a copy.
      const transfer = partials.flatMap((p) =>
        [p.firstDoc, p.term, p.doc, p.freq, p.phrases, p.pairs, p.wordCounts, p.wordFirstDoc].map(
          (a) => a.buffer as ArrayBuffer,
        ),
      );
      port.postMessage({ partials } satisfies IndexReply, transfer);
      return;
    }
    const results = req.paths.map((path) =>
      processSource(path, parse, init.maxBytes, contextFor(path, init.folders, init.headings)),
    );
    const definitions = builder
      ? results.map((r, i) => (r.article ? builder.add(req.first + i, r.article) : null))
      : undefined;
    const wire: WireResult[] = builder
      ? results.map((r): WireResult => {
          if (!r.article) return r;
          const { path, size, mtimeMs, hash } = r;
          return { path, size, mtimeMs, hash, packed: packArticle(r.article) };
        })
      : results;
    port.postMessage({ batch: req.batch, results: wire, definitions });
  });
}
