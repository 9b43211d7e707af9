/**
 * A pool of worker threads that read and parse files in batches (one message per batch of paths,
 * not per file, to keep the message overhead low).
 */
import { Worker } from 'node:worker_threads';
import type { BatchRequest, WorkerInit } from './ingest-worker.js';
import type { SourceResult } from './read-source.js';

export interface PoolOptions {
  workers: number;
  batchSize: number;
  /** Batches each worker has queued at once, so it never waits for the main thread. */
  inFlight: number;
  workerUrl: URL;
  init: WorkerInit;
  /** Called after each batch with the results so far counted in files. */
  onBatch?: (done: number) => void;
}

interface BatchReply {
  batch: number;
  results: SourceResult[];
}

/** Process `paths` on `workers` threads; resolves with one result per path, in the same order. */
export function runPool(paths: readonly string[], opts: PoolOptions): Promise<SourceResult[]> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += opts.batchSize) batches.push(paths.slice(i, i + opts.batchSize));
  const replies: SourceResult[][] = new Array<SourceResult[]>(batches.length);
  const workerCount = Math.max(1, Math.min(opts.workers, batches.length));

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let received = 0;
    let done = 0;
    let settled = false;

    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(replies.flat());
    };
    const feed = (w: Worker): void => {
      if (next >= batches.length) return;
      const req: BatchRequest = { batch: next, paths: batches[next] as string[] };
      next++;
      w.postMessage(req);
    };

    if (batches.length === 0) return finish();
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(opts.workerUrl, { workerData: opts.init });
      workers.push(w);
      w.on('message', (reply: BatchReply) => {
        replies[reply.batch] = reply.results;
        received++;
        done += reply.results.length;
        opts.onBatch?.(done);
        if (received === batches.length) finish();
        else feed(w);
      });
      w.on('error', (err) => finish(new Error(`an ingest worker failed: ${err.message}`)));
      w.on('exit', (code) => {
        if (!settled) finish(new Error(`an ingest worker stopped unexpectedly (exit code ${code})`));
      });
      for (let k = 0; k < opts.inFlight; k++) feed(w);
    }
  });
}
