/**
 * Worker-thread entry of the ingest pool: receives batches of paths, reads and parses each file,
 * and answers with one SourceResult per path, in order. Runs only from the compiled JS (dist).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { contextFor, type HeadingVocabulary, type KbFolder } from '../parse/context.js';
import { processSource, type ParseFn } from './read-source.js';

/** What the pool passes as `workerData`. */
export interface WorkerInit {
  /** URL of the module exporting `parseArticle`. */
  parserModule: string;
  maxBytes: number;
  /** The KB folders with their names and link templates (each file is parsed knowing its folder). */
  folders: KbFolder[];
  headings?: HeadingVocabulary;
}

/** main -> worker */
export interface BatchRequest {
  batch: number;
  paths: string[];
}

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const mod = (await import(init.parserModule)) as { parseArticle?: ParseFn };
  const parse = mod.parseArticle;
  if (typeof parse !== 'function') throw new Error(`${init.parserModule} does not export parseArticle`);
  port.on('message', (req: BatchRequest) => {
    const results = req.paths.map((path) =>
      processSource(path, parse, init.maxBytes, contextFor(path, init.folders, init.headings)),
    );
    port.postMessage({ batch: req.batch, results });
  });
}
