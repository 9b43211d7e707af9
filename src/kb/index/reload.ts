/**
 * Re-reading the KB folders when they change and handing the new KB over, without the bot
 * stopping: from the compiled JS the new index is built on a worker thread (see
 * KB_RELOAD_DEFAULTS.buildInWorker) and only loaded on the main thread, so messages keep being
 * answered from the old KB until `onSwap` is called. For a moment both KBs are in memory (about
 * twice the steady RSS on the 57,000-article archive).
 *
 * Rules: one reload at a time; changes noticed during a reload cause exactly one more after it;
 * a reload that fails (folder gone, unreadable) or finds no articles where there were some
 * (an unmounted share, a copy just begun) is reported and the old KB keeps serving; files that
 * are not articles are counted in the summary's failures and the rest is swapped in.
 *
 * Wiring (composition root):
 *
 *     const reloader = new KbReloader(config.kbDirs, { index: { dataDir }, logger: log,
 *       onSwap: (o) => { bot.useKb(o.kb, o.ranker); bot.warmUp(); } });
 *     const opened = await reloader.open();   // instead of openKb
 *     const bot = new Bot(opened.kb, { ranker: opened.ranker, ... });
 *     await reloader.start();
 *     ...on shutdown: await reloader.stop();
 */
import { dirname, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log.js';
import { RUNNING_FROM_SOURCE } from './ingest.js';
import { indexPathOf, openKb, type OpenedKb, type IndexOptions } from './open-kb.js';
import { KB_WATCH_DEFAULTS, KbWatcher, stampKb, type ChangeSource, type KbStamp } from './watch.js';
import { normaliseDirs } from './walk.js';

export const KB_RELOAD_DEFAULTS = {
  /** Quiet time after the last file event before reloading (a copy of many files is one reload). */
  debounceMs: KB_WATCH_DEFAULTS.debounceMs,
  /** Reload at the latest this long after the first event of a stream that never goes quiet. */
  maxWaitMs: KB_WATCH_DEFAULTS.maxWaitMs,
  /** Poll the folders' stamp this often, as well as watching (0: never). See KB_WATCH_DEFAULTS.pollMs. */
  pollMs: KB_WATCH_DEFAULTS.pollMs,
  /** Use fs.watch; false polls only. */
  watch: KB_WATCH_DEFAULTS.watch,
  /**
   * Build the new index (ingest + search index: ~35 s on 57,000 files, ~20 s of it synchronous
   * search-index building) on a worker thread, then only load it on the main thread (~2 s), so
   * messages keep being answered. Only from the compiled JS, and only when the index options
   * carry no functions (ingest.parse, ingest.onProgress); otherwise openKb runs on the main thread.
   */
  buildInWorker: true,
} as const;

export interface KbReloadOptions {
  /** Given to every `openKb` (dataDir, indexPath, ingest, parserVersion; its `log` gets openKb's messages, default logger.debug). */
  index?: IndexOptions;
  /** The KB served now, when it was opened without `open()` (then changes made before `start()` are not noticed). */
  current?: OpenedKb;
  /** A new KB is ready: answer from it (`bot.useKb(opened.kb, opened.ranker); bot.warmUp()`). */
  onSwap: (opened: OpenedKb) => void;
  /** A reload that was not swapped in (failed, or empty), or an onSwap that threw. Also logged. */
  onError?: (error: KbReloadError) => void;
  /** Progress and problems; default silent. */
  logger?: Logger;
  /** Default KB_RELOAD_DEFAULTS.debounceMs. */
  debounceMs?: number;
  /** Default KB_RELOAD_DEFAULTS.maxWaitMs. */
  maxWaitMs?: number;
  /** Default KB_RELOAD_DEFAULTS.pollMs. */
  pollMs?: number;
  /** Default KB_RELOAD_DEFAULTS.watch. */
  watch?: boolean;
  /** Default KB_RELOAD_DEFAULTS.buildInWorker. */
  buildInWorker?: boolean;
}

/** Why a reload was not swapped in: 'failed' (openKb threw), 'empty' (no articles where there were some), 'swap' (onSwap threw). */
export class KbReloadError extends Error {
  override name = 'KbReloadError';
  constructor(
    readonly kind: 'failed' | 'empty' | 'swap',
    message: string,
    /** The KB that was read, for 'empty' and 'swap'. */
    readonly opened?: OpenedKb,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ReloadOutcome =
  | { status: 'swapped'; opened: OpenedKb }
  | { status: 'kept'; error: KbReloadError }
  /** The reloader was stopped before the reload could be swapped in. */
  | { status: 'stopped' };

const SILENT: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export class KbReloader {
  private readonly dirs: string[];
  private readonly logger: Logger;
  private readonly watcher: KbWatcher;
  private readonly index: IndexOptions;
  private served: OpenedKb | undefined;
  /** The stamp taken before `open()` read the folders, for `start()` to check against. */
  private openedStamp: KbStamp | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private active: Promise<void> | undefined;
  private again: string | undefined;
  private waiters: ((outcome: ReloadOutcome) => void)[] = [];
  private builder: Worker | undefined;

  /** The options without `current`: keeping that here would keep the first KB in memory after every swap. */
  private readonly options: Omit<KbReloadOptions, 'current'>;

  constructor(dirs: readonly string[], options: KbReloadOptions) {
    const { current, ...rest } = options;
    this.options = rest;
    this.dirs = [...dirs];
    this.logger = options.logger ?? SILENT;
    this.served = current;
    this.index = { log: (m) => this.logger.debug(m), ...options.index };
    const ignore = ignoreOf(this.dirs, this.index);
    this.watcher = new KbWatcher(this.dirs, {
      debounceMs: options.debounceMs ?? KB_RELOAD_DEFAULTS.debounceMs,
      maxWaitMs: options.maxWaitMs ?? KB_RELOAD_DEFAULTS.maxWaitMs,
      pollMs: options.pollMs ?? KB_RELOAD_DEFAULTS.pollMs,
      watch: options.watch ?? KB_RELOAD_DEFAULTS.watch,
      ignore,
      onChange: (stamp, source) => this.onChange(stamp, source),
      log: (level, m) => this.logger[level](m),
    });
  }

  /** The KB last swapped in (or opened, or given as `current`). */
  get current(): OpenedKb | undefined {
    return this.served;
  }

  /** True while a reload is running. */
  get reloading(): boolean {
    return this.active !== undefined;
  }

  /** True while fs.watch covers every KB folder (false: polling only). */
  get watching(): boolean {
    return this.watcher.watching;
  }

  /**
   * Open the KB the first time (`openKb` with the index options; throws as it does). Changes
   * made while it reads are noticed by `start()`.
   */
  async open(): Promise<OpenedKb> {
    const stamp = await stampKb(this.dirs, { ignore: ignoreOf(this.dirs, this.index) });
    const opened = await openKb(this.dirs, this.index);
    this.served = opened;
    this.openedStamp = stamp;
    return opened;
  }

  /** Start noticing changes (resolves once watching and the first check are set up). */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'started';
    await this.watcher.start(this.openedStamp);
  }

  /**
   * Stop noticing changes. A reload in progress is not swapped in; the promise resolves when it
   * has ended (its worker threads with it).
   */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.again = undefined;
    this.watcher.stop();
    await this.builder?.terminate();
    await this.active;
    this.settle({ status: 'stopped' });
  }

  /**
   * Reload now, whatever the folders look like. Resolves with the outcome of a reload that
   * started after this call (the one running now is followed by one more).
   */
  reloadNow(reason = 'asked to'): Promise<ReloadOutcome> {
    if (this.state === 'stopped') return Promise.resolve({ status: 'stopped' });
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.request(reason);
    });
  }

  private onChange(stamp: KbStamp, source: ChangeSource): void {
    const what = stamp.missing.length ? `${stamp.missing.join(', ')} missing` : `${stamp.files} files`;
    this.request(`the KB folders changed (${what}; noticed by ${source})`);
  }

  private request(reason: string): void {
    if (this.state === 'stopped') return;
    if (this.active) {
      this.again ??= reason;
      return;
    }
    this.active = this.loop(reason);
  }

  /** Reload until no change is left over; `active` is cleared in the same tick the last check of `again` is made. */
  private async loop(first: string): Promise<void> {
    await undefined; // so `active` is assigned before the finally below can clear it
    try {
      let reason: string | undefined = first;
      while (reason !== undefined && this.state !== 'stopped') {
        this.again = undefined;
        const waiters = this.waiters;
        this.waiters = [];
        const outcome = await this.reloadOnce(reason);
        for (const w of waiters) w(outcome);
        reason = this.again;
      }
    } finally {
      this.again = undefined;
      this.active = undefined;
    }
  }

  private settle(outcome: ReloadOutcome): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(outcome);
  }

  private async reloadOnce(reason: string): Promise<ReloadOutcome> {
    const before = this.served;
    const was = before ? `${before.kb.size} articles` : 'no KB';
    this.logger.info(`${reason}: reloading the KB (still answering from the current one, ${was})`);
    let opened: OpenedKb;
    try {
      opened = await this.read();
    } catch (err) {
      if (this.state === 'stopped') return { status: 'stopped' };
      return this.keep(
        new KbReloadError(
          'failed',
          `KB reload failed: ${(err as Error).message}; still answering from the previous KB (${was})`,
          undefined,
          { cause: err },
        ),
      );
    }
    if (this.state === 'stopped') return { status: 'stopped' };
    const { summary } = opened;
    if (opened.kb.size === 0 && before && before.kb.size > 0) {
      return this.keep(
        new KbReloadError(
          'empty',
          `the KB folders now have no articles (${summary.files} files, ${summary.failures.length} not articles); still answering from the previous KB (${was})`,
          opened,
        ),
      );
    }
    try {
      this.options.onSwap(opened);
    } catch (err) {
      return this.keep(
        new KbReloadError('swap', `the reloaded KB could not be swapped in: ${(err as Error).message}`, opened, {
          cause: err,
        }),
      );
    }
    this.served = opened;
    this.logger.info(
      `KB reloaded in ${opened.seconds} s: ${opened.kb.size} articles from ${summary.files} files (${opened.loadedFrom}; was ${was})`,
    );
    if (summary.failures.length)
      this.logger.warn(
        `${summary.failures.length} file(s) in the KB folders are not articles; run \`npx kbbot ingest\` on them to see why`,
      );
    if (opened.writeError) this.logger.warn(opened.writeError);
    return { status: 'swapped', opened };
  }

  /** openKb, after building the index on a worker thread when that is possible. */
  private async read(): Promise<OpenedKb> {
    const cloneable = cloneableIndexOptions(this.index);
    if (cloneable && !RUNNING_FROM_SOURCE && (this.options.buildInWorker ?? KB_RELOAD_DEFAULTS.buildInWorker)) {
      const started = performance.now();
      try {
        await this.buildInWorker(cloneable);
      } catch (err) {
        if ((err as Error).name === 'KbDirError') throw err;
        if (this.state === 'stopped') throw err;
        this.logger.warn(
          `could not build the KB index on a worker thread (${(err as Error).message}); reading the KB on the main thread`,
        );
        return openKb(this.dirs, this.index);
      }
      const opened = await openKb(this.dirs, this.index); // fresh now: only loads the index
      // The folders were read (by the worker): 'ingest', as an openKb that re-read them says.
      return { ...opened, loadedFrom: 'ingest', seconds: Math.round(performance.now() - started) / 1000 };
    }
    return openKb(this.dirs, this.index);
  }

  private buildInWorker(index: IndexOptions): Promise<void> {
    const worker = new Worker(BUILD_WORKER_SOURCE, {
      eval: true,
      workerData: { openKbUrl: new URL('./open-kb.js', import.meta.url).href, dirs: this.dirs, index },
    });
    this.builder = worker;
    return new Promise<void>((resolve, reject) => {
      let reply: { ok: boolean; name?: string; message?: string } | undefined;
      worker.once('message', (m: typeof reply) => {
        reply = m;
        void worker.terminate(); // free its copy of the KB before the main thread loads the index
      });
      worker.once('error', (err) => (reply ??= { ok: false, name: err.name, message: err.message }));
      worker.once('exit', (code) => {
        if (this.builder === worker) this.builder = undefined;
        if (reply?.ok) return resolve();
        const err = new Error(
          reply?.message ?? (this.state === 'stopped' ? 'stopped' : `the worker thread exited with code ${code}`),
        );
        err.name = reply?.name ?? 'Error';
        reject(err);
      });
    });
  }

  private keep(error: KbReloadError): ReloadOutcome {
    this.logger.warn(error.message);
    try {
      this.options.onError?.(error);
    } catch (err) {
      this.logger.error(`the KB reload error handler failed: ${(err as Error).message}`);
    }
    return { status: 'kept', error };
  }
}

/** Runs `buildIndex` (ingest, search index, index file) on a worker thread. */
const BUILD_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.openKbUrl)
  .then((m) => m.buildIndex(workerData.dirs, workerData.index))
  .then(
    () => parentPort.postMessage({ ok: true }),
    (e) => parentPort.postMessage({ ok: false, name: e && e.name, message: String((e && e.message) || e) }),
  );
`;

/** The index options a worker thread can be given (no functions), or undefined if there are functions to honour. */
function cloneableIndexOptions(index: IndexOptions): IndexOptions | undefined {
  const { ingest } = index;
  if (ingest?.parse || ingest?.onProgress) return undefined;
  const { dataDir, indexPath, parserVersion } = index;
  const copy: IndexOptions = { dataDir, indexPath, parserVersion };
  if (ingest)
    copy.ingest = {
      workers: ingest.workers,
      batchSize: ingest.batchSize,
      parserModule: ingest.parserModule,
      maxBytes: ingest.maxBytes,
    };
  return JSON.parse(JSON.stringify(copy)) as IndexOptions; // drops the undefined fields
}

/**
 * What the watcher ignores: the index file (and its temp files), and the whole data dir when it
 * is inside a KB folder (a data dir that is a KB folder itself keeps only the index ignored).
 */
function ignoreOf(dirs: readonly string[], index: IndexOptions): (path: string) => boolean {
  const indexPath = indexPathOf(index);
  const dataDir = dirname(indexPath);
  const dataInsideKb = normaliseDirs(dirs).some((d) => dataDir.startsWith(d + sep));
  return (path) =>
    path === indexPath ||
    path.startsWith(`${indexPath}.`) ||
    (dataInsideKb && (path === dataDir || path.startsWith(dataDir + sep)));
}
