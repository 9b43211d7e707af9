/**
 * Re-reading the KB folders when they change and handing the new KB over, without the bot
 * stopping: from the compiled JS the new index is built in a child process (see
 * KB_RELOAD_DEFAULTS.buildInChild and build-child.ts) and only loaded in this process, so messages
 * keep being answered from the old KB until `onSwap` is called, and the build's memory (ingest and
 * search-index building) is never this process's. For a moment both KBs are in memory: while the
 * new index loads (about a second) beside the old KB, a server of the 57,000-article archive peaks
 * at about 630 MB, 1.8 times its steady 360 MB (1.6 GB when the build ran on a worker thread here
 * with index format 1), and the build process at about 1.2 GB of its own before that. A container
 * must hold the server and the build process at once (BENCHMARKS.md, "Growth").
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
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../../log.js';
import type { BuildMessage, BuildRequest } from './build-child.js';
import { RUNNING_FROM_SOURCE } from './ingest.js';
import { indexPathOf, loadFreshKb, openKb, type OpenedKb, type IndexOptions } from './open-kb.js';
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
   * Build the new index (ingest + search index + index file: ~40 s on 57,000 files, peaking at
   * about 1.2 GB) in a child process, then only load it here (~2 s), so messages keep being answered
   * and this process never holds the build's memory. Only from the compiled JS, and only when the
   * index options carry no functions (ingest.parse, ingest.onProgress); otherwise openKb runs on
   * the main thread, as it does (with a warning) when the child process cannot be started.
   */
  buildInChild: true,
} as const;

/**
 * How long a child process stopped with SIGTERM (the reloader was stopped mid-build) gets before
 * SIGKILL. Node exits on SIGTERM at once, even in synchronous code; this only covers a child
 * that is stuck in a way a signal handler cannot help (it should never be needed).
 */
export const CHILD_KILL_GRACE_MS = 2000;

/** Node options not passed on to the build process: a debugger or profiler there would clash with this process's (the same port, the same profile file). */
const CHILD_DROPPED_FLAG = /^--(inspect|debug-port|cpu-prof|heap-prof|prof)([-=]|$)/;
/** Those of them whose value may come as the next argument (`--cpu-prof-dir /tmp`). */
const CHILD_DROPPED_WITH_VALUE =
  /^--(inspect-port|debug-port|inspect-publish-uid|(cpu|heap)-prof-(dir|name|interval))$/;

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
  /** Default KB_RELOAD_DEFAULTS.buildInChild. */
  buildInChild?: boolean;
}

/** The last index build run in a child process (`KbReloader.lastBuild`). */
export interface ChildBuild {
  pid: number;
  /** From fork to the child's answer. */
  seconds: number;
  /** The child's own peak resident memory (its maxRSS), in MB: what a container must allow beside the server. */
  peakRssMb: number;
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
  private builder: ChildProcess | undefined;
  private built: ChildBuild | undefined;

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

  /** The last index build that ran in a child process (undefined before one has finished). */
  get lastBuild(): ChildBuild | undefined {
    return this.built;
  }

  /** True while fs.watch covers every KB folder (false: polling only). */
  get watching(): boolean {
    return this.watcher.watching;
  }

  /**
   * Open the KB the first time: load the index when it is fresh, else build it as a reload does
   * (in a child process, so a server that ingested at start-up is no bigger than one that loaded
   * the index: about 860 MB against 365 MB on the archive when it ingested itself). Throws as
   * `openKb` does. Changes made while it reads are noticed by `start()`.
   */
  async open(): Promise<OpenedKb> {
    const stamp = await stampKb(this.dirs, { ignore: ignoreOf(this.dirs, this.index) });
    const opened = (await loadFreshKb(this.dirs, this.index)) ?? (await this.read());
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
   * has ended (its child process killed: SIGTERM, then SIGKILL after CHILD_KILL_GRACE_MS).
   */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.again = undefined;
    this.watcher.stop();
    const child = this.builder;
    if (child) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_KILL_GRACE_MS).unref();
      child.once('exit', () => clearTimeout(timer));
    }
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

  /** openKb, after building the index in a child process when that is possible. */
  private async read(): Promise<OpenedKb> {
    const cloneable = cloneableIndexOptions(this.index);
    if (cloneable && !RUNNING_FROM_SOURCE && (this.options.buildInChild ?? KB_RELOAD_DEFAULTS.buildInChild)) {
      const started = performance.now();
      try {
        await this.buildInChild(cloneable);
      } catch (err) {
        if (!(err instanceof ReadHereInstead) || this.state === 'stopped') throw err;
        this.logger.warn(`${err.message}; reading the KB on the main thread`);
        return openKb(this.dirs, this.index);
      }
      const opened = await openKb(this.dirs, this.index); // fresh now: only loads the index
      // The folders were read (by the child): 'ingest', as an openKb that re-read them says.
      return { ...opened, loadedFrom: 'ingest', seconds: Math.round(performance.now() - started) / 1000 };
    }
    return openKb(this.dirs, this.index);
  }

  /**
   * Fork build-child.js and have it build the index. As with the worker thread before it, the
   * main thread reads the KB instead (ReadHereInstead) when the child cannot be started or its
   * build failed (an index that cannot be written: openKb still serves the KB it read), except
   * for a KB folder that is gone (KbDirError, by name). A child that died mid-build (killed, out
   * of memory) fails the reload: retrying in this process would put the build's memory where
   * the child process is meant to keep it out of.
   */
  private buildInChild(index: IndexOptions): Promise<void> {
    const started = performance.now();
    let child: ChildProcess;
    try {
      child = fork(new URL('./build-child.js', import.meta.url), [], {
        execArgv: childExecArgv(process.execArgv),
        // Its output is logged line by line (debug; warn for stderr), not left on the terminal.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
    } catch (err) {
      return Promise.reject(notStarted((err as Error).message));
    }
    this.builder = child;
    const where = `the KB build process (pid ${child.pid ?? '?'})`;
    logLines(child.stdout, (line) => this.logger.debug(`${where}: ${line}`));
    logLines(child.stderr, (line) => this.logger.warn(`${where}: ${line}`));
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let done: Extract<BuildMessage, { kind: 'done' }> | undefined;
      let failure: Error | undefined;
      child.on('message', (m: BuildMessage) => {
        if (m.kind === 'ready') {
          ready = true;
          child.send({ dirs: this.dirs, index } satisfies BuildRequest);
        } else done ??= m;
      });
      child.on('error', (err) => (failure ??= err)); // spawn failed, or a send to a child already gone
      // 'close': after 'exit' and the end of its output, so every line is logged before the outcome.
      child.once('close', (code, signal) => {
        if (this.builder === child) this.builder = undefined;
        if (done?.ok) {
          const seconds = Math.round((performance.now() - started) / 100) / 10;
          const peakRssMb = Math.round(done.maxRssKb / 1024);
          this.built = { pid: child.pid as number, seconds, peakRssMb };
          this.logger.info(
            `built the KB index in a child process (pid ${child.pid}) in ${seconds.toFixed(1)} s (peak ${peakRssMb.toLocaleString('en-US')} MB)`,
          );
          return resolve();
        }
        // A child killed while writing leaves its temp file (writeIndex names it after the writer's pid).
        if (child.pid !== undefined) rmSync(`${indexPathOf(index)}.${child.pid}.tmp`, { force: true });
        if (done?.name === 'KbDirError') return reject(Object.assign(new Error(done.message), { name: done.name }));
        if (done)
          return reject(new ReadHereInstead(`the KB index could not be built in a child process (${done.message})`));
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        if (!ready) return reject(notStarted(failure?.message ?? `it ${how} before it was ready`));
        reject(new Error(this.state === 'stopped' ? 'stopped' : `the KB build process ${how} before it finished`));
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

/** The child process could not build the index, but the main thread may: see `buildInChild`. */
class ReadHereInstead extends Error {
  override name = 'ReadHereInstead';
}

/** The child process could not be started (or died before it had loaded its modules). */
const notStarted = (why: string): ReadHereInstead =>
  new ReadHereInstead(`could not start a child process to build the KB index (${why})`);

/** This process's Node options without those that must not be started twice (debugger, profilers). */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (CHILD_DROPPED_WITH_VALUE.test(arg)) i++;
    else if (!CHILD_DROPPED_FLAG.test(arg)) kept.push(arg);
  }
  return kept;
}

/** Each line of `stream` (a child's output) to `log`. */
function logLines(stream: Readable | null, log: (line: string) => void): void {
  if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line && log(line));
}

/**
 * The index options a child process can be given (all but `log`, which stays here), or undefined
 * if there are functions to honour (ingest.parse, ingest.onProgress). The folders' names and link
 * templates and the headings go too: they are part of the index's freshness, so an index built
 * without them would be out of date for the openKb that loads it here.
 */
function cloneableIndexOptions(index: IndexOptions): IndexOptions | undefined {
  const { ingest } = index;
  if (ingest?.parse || ingest?.onProgress) return undefined;
  const { dataDir, indexPath, parserVersion } = index;
  const copy: IndexOptions = { dataDir, indexPath, parserVersion, ingest };
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
