/**
 * Noticing that the KB folders changed: files added, changed, removed or renamed anywhere below
 * them. Two sources, both ending in one check that compares a cheap stamp of the folders (every
 * file's path, size and mtime: what `openKb` compares too) with the stamp of the last change:
 *
 * - `fs.watch` on every folder (one non-recursive watch each, kept in step with the folders the
 *   stamp finds; Node 20's `recursive: true` on Linux blocks for ~1-2 s and holds ~150 MB on a
 *   57,000-file folder), debounced so that a copy of many files is one change;
 * - a slow poll of the stamp, for when watching fails (ENOSPC: the inotify watch limit) or sees
 *   nothing (network shares changed from another host).
 *
 * The stamp is read in slices, so polling never holds the event loop for long (~0.25 s in all on
 * the 57,000-file archive, in turns of at most ~10-30 ms; see KB_WATCH_DEFAULTS.pollMs).
 */
import { statSync, watch as fsWatch, type FSWatcher, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { comparePaths, normaliseDirs } from './walk.js';

/** What the KB folders look like now, cheaply: enough to tell that something changed. */
export interface KbStamp {
  /** Files (every non-folder entry, as `walk` lists them) under the folders, ignored paths left out. */
  files: number;
  /** Their total size in bytes. */
  bytes: number;
  /** The newest file mtime (ms since the epoch), 0 when there are no files. */
  newestMtimeMs: number;
  /**
   * sha1 over the sorted (path, size, mtime) of every file, the folders that could not be listed
   * and the KB folders that are missing: two stamps with the same digest are the same KB.
   */
  digest: string;
  /** KB folders (as normalised) that do not exist or are not folders. */
  missing: string[];
  /** Every folder listed (absolute path -> "dev:ino"): what a watcher watches. */
  folders: Map<string, string>;
  /** Wall time the stamp took. */
  ms: number;
}

export interface StampOptions {
  /** Paths (absolute) to leave out, with everything below them: the index file, the data dir. */
  ignore?: (path: string) => boolean;
  /** Files stat'ed between two turns of the event loop. Default 500 (~5 ms). */
  sliceSize?: number;
}

interface FileRow {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Stamp the folders the way `walk` lists them: recursively, symbolic links followed, a folder
 * already visited not entered twice. Folders are listed asynchronously and files stat'ed in
 * slices, so the event loop is never held for long. Never throws: what cannot be read goes into
 * the digest.
 */
export async function stampKb(dirs: readonly string[], options: StampOptions = {}): Promise<KbStamp> {
  const started = performance.now();
  const ignore = options.ignore ?? (() => false);
  const sliceSize = Math.max(1, options.sliceSize ?? 500);
  const files: FileRow[] = [];
  const problems: string[] = [];
  const missing: string[] = [];
  const folders = new Map<string, string>();
  const seen = new Set<string>();
  let sinceYield = 0;
  const tick = async (): Promise<void> => {
    if (++sinceYield < sliceSize) return;
    sinceYield = 0;
    await new Promise((resolve) => setImmediate(resolve));
  };
  const statOf = (path: string): Stats | undefined => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  };

  const visit = async (dir: string): Promise<void> => {
    const st = statOf(dir);
    if (!st) return void problems.push(`${dir}\0gone`);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return; // a symlink loop or a second link to the same folder
    seen.add(key);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      return void problems.push(`${dir}\0${codeOf(err)}`);
    }
    folders.set(dir, key);
    const subdirs: string[] = [];
    for (const e of entries) {
      const path = join(dir, e.name);
      if (ignore(path)) continue;
      await tick();
      if (e.isDirectory()) {
        subdirs.push(path);
        continue;
      }
      const target = statOf(path); // follows links; a broken one is a file to walk, stamped as readSource does
      if (e.isSymbolicLink() && target?.isDirectory()) subdirs.push(path);
      else files.push({ path, size: target?.size ?? -1, mtimeMs: target?.mtimeMs ?? 0 });
    }
    for (const sub of subdirs) await visit(sub);
  };

  for (const dir of normaliseDirs(dirs)) {
    if (statOf(dir)?.isDirectory()) await visit(dir);
    else missing.push(dir);
  }

  files.sort((a, b) => comparePaths(a.path, b.path));
  problems.sort(comparePaths);
  const hash = createHash('sha1');
  let bytes = 0;
  let newestMtimeMs = 0;
  for (const f of files) {
    hash.update(`${f.path}\0${f.size}\0${f.mtimeMs}\n`);
    if (f.size > 0) bytes += f.size;
    if (f.mtimeMs > newestMtimeMs) newestMtimeMs = f.mtimeMs;
  }
  for (const p of problems) hash.update(`!${p}\n`);
  for (const m of missing) hash.update(`?${m}\n`);
  return {
    files: files.length,
    bytes,
    newestMtimeMs,
    digest: hash.digest('hex'),
    missing,
    folders,
    ms: Math.round(performance.now() - started),
  };
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

export const KB_WATCH_DEFAULTS = {
  /** Quiet time after the last file event before the folders are checked: a copy of many files is one change. */
  debounceMs: 1000,
  /**
   * A check at the latest this long after the first of a stream of events that never goes quiet
   * (a long copy gives an intermediate reload, then one more when it ends).
   */
  maxWaitMs: 60_000,
  /**
   * Poll the stamp this often (0: never), whether or not watching works (a network share may be
   * watchable and still report nothing). A stamp of the full 57,000-file archive takes 0.26-0.37 s
   * (CPU about the same, page cache warm; the event loop held at most ~15-30 ms at a time), so
   * once a minute costs ~0.5% of a core. Each poll also waits at least 100 times the last stamp's
   * duration, so a slow network share is not hammered.
   */
  pollMs: 60_000,
  /** Use fs.watch (false: poll only). */
  watch: true,
} as const;

export interface KbWatchOptions {
  /** Default KB_WATCH_DEFAULTS.debounceMs. */
  debounceMs?: number;
  /** Default KB_WATCH_DEFAULTS.maxWaitMs. */
  maxWaitMs?: number;
  /** Default KB_WATCH_DEFAULTS.pollMs; 0 turns polling off. */
  pollMs?: number;
  /** Default KB_WATCH_DEFAULTS.watch. */
  watch?: boolean;
  /** Paths whose changes are not KB changes (the index file, a data dir inside a KB folder). */
  ignore?: (path: string) => boolean;
  /** The folders changed: `stamp` is what they look like now (taken before this call). */
  onChange: (stamp: KbStamp, source: ChangeSource) => void;
  /** Watching problems (a folder that cannot be watched) and recoveries. */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** What noticed the change: a file event, the poll, or the check `start` makes against a baseline. */
export type ChangeSource = 'watch' | 'poll' | 'start' | 'check';

/**
 * Watches the KB folders and calls `onChange` once per change (checks never overlap; changes
 * during a check cause one more). `start` takes the baseline stamp, or is given one (the stamp
 * taken before the KB in use was read) and then checks at once, so nothing since is missed.
 */
export class KbWatcher {
  private readonly dirs: string[];
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly useWatch: boolean;
  private readonly ignore: (path: string) => boolean;
  private readonly log: NonNullable<KbWatchOptions['log']>;
  private readonly watchers = new Map<string, { key: string; watcher: FSWatcher }>();
  private baseline: KbStamp | undefined;
  private running = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private firstEventAt: number | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private recheck: ChangeSource | undefined;
  private watchFailure: string | undefined;

  constructor(
    dirs: readonly string[],
    private readonly options: KbWatchOptions,
  ) {
    this.dirs = normaliseDirs(dirs);
    this.debounceMs = Math.max(0, options.debounceMs ?? KB_WATCH_DEFAULTS.debounceMs);
    this.maxWaitMs = Math.max(this.debounceMs, options.maxWaitMs ?? KB_WATCH_DEFAULTS.maxWaitMs);
    this.pollMs = Math.max(0, options.pollMs ?? KB_WATCH_DEFAULTS.pollMs);
    this.useWatch = options.watch ?? KB_WATCH_DEFAULTS.watch;
    this.ignore = options.ignore ?? (() => false);
    this.log = options.log ?? (() => {});
  }

  /** True while every folder found is watched with fs.watch (false: polling only, or stopped). */
  get watching(): boolean {
    return this.running && this.useWatch && this.watchFailure === undefined && this.watchers.size > 0;
  }

  /** Start watching and polling. With a `baseline`, check against it at once. */
  async start(baseline?: KbStamp): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (baseline) {
      this.baseline = baseline;
      this.syncWatches(baseline);
      await this.check('start');
    } else {
      const stamp = await this.stamp();
      if (!this.running) return;
      this.baseline = stamp;
      this.syncWatches(stamp);
    }
    this.schedulePoll();
  }

  /** Stop watching and polling; a check in progress finishes without calling onChange. */
  stop(): void {
    this.running = false;
    clearTimeout(this.debounceTimer);
    clearTimeout(this.pollTimer);
    this.debounceTimer = this.pollTimer = undefined;
    this.firstEventAt = undefined;
    for (const { watcher } of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Stamp the folders now and call onChange if they differ from the last stamp. */
  check(source: ChangeSource = 'check'): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.checking) {
      this.recheck ??= source;
      return this.checking;
    }
    const run = async (): Promise<void> => {
      let next: ChangeSource | undefined = source;
      while (next && this.running) {
        this.recheck = undefined;
        const stamp = await this.stamp();
        if (!this.running) return;
        this.syncWatches(stamp);
        if (stamp.digest !== this.baseline?.digest) {
          this.baseline = stamp;
          try {
            this.options.onChange(stamp, next);
          } catch (err) {
            this.log('warn', `the KB change handler failed: ${(err as Error).message}`);
          }
        }
        next = this.recheck;
      }
    };
    this.checking = run().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private stamp(): Promise<KbStamp> {
    return stampKb(this.dirs, { ignore: this.ignore });
  }

  /** A file event: check once things have been quiet for debounceMs (or maxWaitMs has passed). */
  private onEvent(folder: string, filename: string | Buffer | null): void {
    if (!this.running) return;
    if (filename !== null && this.ignore(join(folder, filename.toString()))) return;
    const now = performance.now();
    this.firstEventAt ??= now;
    clearTimeout(this.debounceTimer);
    const wait = Math.min(this.debounceMs, Math.max(0, this.firstEventAt + this.maxWaitMs - now));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.firstEventAt = undefined;
      void this.check('watch');
    }, wait);
    this.debounceTimer.unref(); // a watcher never keeps the process alive
  }

  private schedulePoll(): void {
    if (!this.running || this.pollMs === 0) return;
    const delay = Math.max(this.pollMs, 100 * (this.baseline?.ms ?? 0));
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.check('poll').finally(() => this.schedulePoll());
    }, delay);
    this.pollTimer.unref();
  }

  /** Watch exactly the folders of `stamp` (a folder replaced by another one is watched anew). */
  private syncWatches(stamp: KbStamp): void {
    if (!this.useWatch || !this.running) return;
    for (const [path, w] of this.watchers) {
      if (stamp.folders.get(path) !== w.key) {
        w.watcher.close();
        this.watchers.delete(path);
      }
    }
    let failure: { code: string; message: string } | undefined;
    for (const [path, key] of stamp.folders) {
      if (this.watchers.has(path)) continue;
      try {
        const watcher = fsWatch(path, { persistent: false }, (_event, filename) => this.onEvent(path, filename));
        watcher.on('error', (err) => {
          watcher.close();
          if (this.watchers.get(path)?.watcher === watcher) this.watchers.delete(path);
          this.log('warn', `stopped watching ${path} (${err.message}); the next check or poll tries again`);
        });
        this.watchers.set(path, { key, watcher });
      } catch (err) {
        failure ??= { code: codeOf(err), message: (err as Error).message };
      }
    }
    if (failure && failure.code !== this.watchFailure) {
      const hint = failure.code === 'ENOSPC' ? ' (the inotify watch limit: raise fs.inotify.max_user_watches)' : '';
      const poll = this.pollMs
        ? `polling every ${Math.round(this.pollMs / 1000)} s instead`
        : 'polling is off: changes will not be noticed';
      this.log('warn', `cannot watch every KB folder${hint}: ${failure.message}; ${poll}`);
    } else if (!failure && this.watchFailure) {
      this.log('info', 'watching every KB folder again');
    }
    this.watchFailure = failure?.code;
  }
}
