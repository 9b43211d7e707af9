/**
 * A pool of worker threads that read and parse files in batches (one message per batch of paths,
 * not per file, to keep the message overhead low). With `init.index`, the workers stay up after
 * the parse, holding what they parsed, to answer more requests (the search index steps).
 */
import { Worker } from 'node:worker_threads';
import type { BatchRequest, IndexReply, IndexRequest, WireResult, WorkerInit } from './ingest-worker.js';
import type { SourceResult } from './read-source.js';
import { BodyStore, MemoryBodies, StoredArticle } from './stored-articles.js';

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
  results: WireResult[];
  /** Per result, its article's abbreviation definitions (with `init.index`; null for a failure). */
  definitions?: (string[] | null)[];
}

/** A parse done by a pool whose workers are still up. */
export interface ParsedPool {
  /** One result per path, in the paths' order. */
  results: SourceResult[];
  /** Per path, the worker that parsed it. */
  workerOf: Int32Array;
  /** Per path, its article's abbreviation definitions (with `init.index`). */
  definitions: (string[] | null)[];
  workers: number;
  /** Send a request to one worker; resolves with its reply (requests to one worker are answered in order). */
  ask(worker: number, req: IndexRequest): Promise<IndexReply>;
  /** Stop the workers. */
  close(): void;
}

/** Process `paths` on `workers` threads; resolves with one result per path, in the same order. */
export async function runPool(paths: readonly string[], opts: PoolOptions): Promise<SourceResult[]> {
  const pool = await startPool(paths, opts);
  pool.close();
  return pool.results;
}

/** Process `paths` on `workers` threads and keep the workers up (call `close` when done with them). */
export function startPool(paths: readonly string[], opts: PoolOptions): Promise<ParsedPool> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += opts.batchSize) batches.push(paths.slice(i, i + opts.batchSize));
  const replies: SourceResult[][] = new Array<SourceResult[]>(batches.length);
  const definitions: (string[] | null)[] = new Array<string[] | null>(paths.length).fill(null);
  const workerOf = new Int32Array(paths.length);
  const workerCount = Math.max(1, Math.min(opts.workers, batches.length));
  // With `init.index` the workers send each article as its meta row and deflated text: the main
  // thread holds those (about 75 MB for the archive) rather than the articles (about 230 MB of heap).
  const memory = new MemoryBodies();
  const bodies = new BodyStore(memory);
  const unpack = (r: WireResult): SourceResult => {
    if (!r.packed) return r;
    const { packed, ...stamp } = r;
    const n = memory.add(Buffer.from(packed.body.buffer, packed.body.byteOffset, packed.body.byteLength));
    return { ...stamp, article: new StoredArticle(packed.meta, bodies, n) };
  };

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    /** Per worker, the answers it owes, in order. */
    const pending: { ok: (r: IndexReply) => void; fail: (e: Error) => void }[][] = [];
    let next = 0;
    let received = 0;
    let done = 0;
    let parsed = false;
    let closed = false;

    const close = (): void => {
      if (closed) return;
      closed = true;
      for (const w of workers) void w.terminate();
    };
    const fail = (err: Error): void => {
      const wasClosed = closed;
      close();
      for (const queue of pending) for (const p of queue.splice(0)) p.fail(err);
      if (!parsed && !wasClosed) reject(err);
    };
    const finish = (): void => {
      parsed = true;
      if (!opts.init.index) close();
      resolve({
        results: replies.flat(),
        workerOf,
        definitions,
        workers: workers.length,
        ask: (worker, req) =>
          new Promise((ok, no) => {
            const w = workers[worker];
            if (!w || closed) return no(new Error('the ingest workers have stopped'));
            pending[worker]?.push({ ok, fail: no });
            w.postMessage(req);
          }),
        close,
      });
    };
    const feed = (w: Worker): void => {
      if (next >= batches.length) return;
      const req: BatchRequest = {
        kind: 'batch',
        batch: next,
        first: next * opts.batchSize,
        paths: batches[next] as string[],
      };
      next++;
      w.postMessage(req);
    };

    if (batches.length === 0) {
      close();
      return finish();
    }
    for (let i = 0; i < workerCount; i++) {
      const w = new Worker(opts.workerUrl, { workerData: opts.init });
      workers.push(w);
      pending.push([]);
      w.on('message', (reply: BatchReply | IndexReply) => {
        if (!('batch' in reply)) {
          pending[i]?.shift()?.ok(reply);
          return;
        }
        replies[reply.batch] = reply.results.map(unpack);
        const first = reply.batch * opts.batchSize;
        workerOf.fill(i, first, first + reply.results.length);
        reply.definitions?.forEach((d, k) => (definitions[first + k] = d));
        received++;
        done += reply.results.length;
        opts.onBatch?.(done);
        if (received === batches.length) finish();
        else feed(w);
      });
      w.on('error', (err) => fail(new Error(`an ingest worker failed: ${err.message}`)));
      w.on('exit', (code) => {
        if (!closed) fail(new Error(`an ingest worker stopped unexpectedly (exit code ${code})`));
      });
      for (let k = 0; k < opts.inFlight; k++) feed(w);
    }
  });
}
