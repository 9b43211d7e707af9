import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../../src/adapters/fake.js';
import { Bot } from '../../../../src/bot/bot.js';
import type { Reply } from '../../../../src/bot/reply.js';
import type { Logger } from '../../../../src/log.js';
import {
  childExecArgv,
  KB_RELOAD_DEFAULTS,
  KbReloader,
  type KbReloadError,
  type KbReloadOptions,
} from '../../../../src/kb/index/reload.js';
import type * as ReloadModule from '../../../../src/kb/index/reload.js';
import { openKb, type OpenedKb, type IndexOptions } from '../../../../src/kb/index/open-kb.js';
import { stampKb } from '../../../../src/kb/index/watch.js';
import { SEED_PASTE } from '../../../helpers/seed-kb.js';
import { REPO, SEED_IDS, SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

/** A new article, in the text form of the archive, quoting an error no seed has. */
const NEW_ID = 'Q999123';
const NEW_ERROR = 'Fatal Error 0x80070BAD: the Widget Spooler service could not bind to the quantum port';
const NEW_ARTICLE = `DOCUMENT:${NEW_ID} 14-MAR-2003 [exchange]
TITLE :XADM: Widget Spooler Does Not Start with Error 0x80070BAD
PRODUCT :Microsoft Exchange
PROD/VER:winnt:5.5
OPER/SYS:
KEYWORDS:exc55

======================================================================
-------------------------------------------------------------------------------
The information in this article applies to:

 - Microsoft Exchange Server, version 5.5
-------------------------------------------------------------------------------

SYMPTOMS
========

When you start the Widget Spooler service, it stops at once and the following
error message is logged in the application event log:

  ${NEW_ERROR}

CAUSE
=====

This issue can occur if another program already uses the port that the Widget
Spooler service is configured to listen on.

RESOLUTION
==========

To resolve this issue, change the port of the Widget Spooler service:

1. Start Registry Editor (Regedt32.exe).

2. Locate the following key in the registry:

   HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\WidgetSpooler

3. Change the Port value to an unused port, and then restart the service.

Additional query words:

======================================================================
Keywords          : exc55
Technology        : kbExchangeSearch kbExchange550
Version           : winnt:5.5
Issue type        : kbprb
`;

/** Resolves with the next call of a callback (rejects after `ms`). */
function nextCall<T>(ms = 10_000): { fn: (value: T) => void; next: () => Promise<T>; calls: T[] } {
  const calls: T[] = [];
  let waiting: { resolve: (v: T) => void; seen: number }[] = [];
  return {
    calls,
    fn: (value: T) => {
      calls.push(value);
      const ready = waiting.filter((w) => calls.length > w.seen);
      waiting = waiting.filter((w) => calls.length <= w.seen);
      for (const w of ready) w.resolve(value);
    },
    next: () => {
      const seen = calls.length;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no call within ${ms} ms`)), ms);
        waiting.push({ seen, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      });
    },
  };
}

function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level}: ${m}`);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function articleId(reply: Reply | null): string | undefined {
  return reply?.kind === 'answer' ? reply.answer.id : undefined;
}

describe('KbReloader: the KB hot swap', () => {
  let tmp: ReturnType<typeof tempDir>;
  let kbDir: string;
  let index: IndexOptions;
  let bot: Bot;
  let chat: FakeAdapter;
  let opened: OpenedKb;
  let reloader: KbReloader | undefined;
  let logger: ReturnType<typeof collectingLogger>;

  beforeEach(async () => {
    tmp = tempDir('kbbot-reload-');
    kbDir = join(tmp.dir, 'kb');
    cpSync(SEEDS_DIR, kbDir, { recursive: true });
    index = { dataDir: join(tmp.dir, 'data') };
    opened = await openKb([kbDir], index);
    bot = new Bot(opened.kb, { ranker: opened.ranker });
    chat = new FakeAdapter(bot);
    logger = collectingLogger();
  });
  afterEach(async () => {
    await reloader?.stop();
    reloader = undefined;
    tmp.cleanup();
  });

  /** A reloader on kbDir that swaps into `bot`, with a short debounce and no polling. */
  function startReloader(options: Partial<KbReloadOptions> = {}) {
    const swaps = nextCall<OpenedKb>();
    const errors = nextCall<KbReloadError>();
    reloader = new KbReloader([kbDir], {
      index,
      current: opened,
      logger,
      debounceMs: 30,
      pollMs: 0,
      onSwap: (o) => {
        bot.useKb(o.kb, o.ranker);
        bot.warmUp();
        swaps.fn(o);
      },
      onError: errors.fn,
      ...options,
    });
    return { reloader, swaps, errors };
  }

  /**
   * A reloader reading one file at a time (the in-process ingest yields to the event loop after
   * each), reloading for the new article: resolves once the reload has listed the files
   * (onProgress(0, total)) and is under way; `outcome` is its result.
   */
  async function reloadUnderWay() {
    const progress = nextCall<number>();
    const started = startReloader({
      index: { ...index, ingest: { batchSize: 1, onProgress: (done) => progress.fn(done) } },
    });
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    const first = progress.next();
    const outcome = started.reloader.reloadNow();
    await first;
    return { ...started, progress, outcome };
  }

  it('answers from a new article written into the watched folder', async () => {
    expect(opened.kb.size).toBe(5);
    expect(articleId(await chat.say(NEW_ERROR))).not.toBe(NEW_ID);
    const { reloader, swaps } = startReloader();
    await reloader.start();
    expect(reloader.watching).toBe(true);

    const swapped = swaps.next();
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    const o = await swapped;
    expect(o.loadedFrom).toBe('ingest');
    expect(o.kb.size).toBe(6);
    expect(o.summary.failures).toEqual([]);

    expect(articleId(await chat.say(NEW_ERROR))).toBe(NEW_ID);
    expect(articleId(await chat.say(SEED_PASTE))).toBe('Q290226'); // the old articles are still there
    expect(reloader.current).toBe(o);
    expect(swaps.calls).toHaveLength(1);
    expect(logger.lines.some((l) => l.startsWith('info: KB reloaded') && l.includes('6 articles'))).toBe(true);
  });

  it('keeps answering from the old KB while a reload is in progress', async () => {
    const { reloader, swaps, progress, outcome } = await reloadUnderWay();
    const swapped = swaps.next();
    expect(reloader.reloading).toBe(true);

    const reply = await chat.say(SEED_PASTE);
    expect(articleId(reply)).toBe('Q290226');
    expect(articleId(await chat.say(NEW_ERROR))).not.toBe(NEW_ID); // still the old KB
    expect(reloader.reloading).toBe(true);
    expect(swaps.calls).toHaveLength(0);
    expect(progress.calls.at(-1)).toBeLessThan(6); // not all files read yet

    await swapped;
    expect((await outcome).status).toBe('swapped');
    expect(articleId(await chat.say(NEW_ERROR))).toBe(NEW_ID);
  });

  it('keeps the old KB and reports it when the folder is emptied', async () => {
    const { reloader, swaps, errors } = startReloader();
    await reloader.start();
    const reported = errors.next();
    for (const f of readdirSync(kbDir)) rmSync(join(kbDir, f));
    const error = await reported;
    expect(error.kind).toBe('empty');
    expect(error.opened?.kb.size).toBe(0);
    expect(swaps.calls).toHaveLength(0);
    expect(reloader.current).toBe(opened);
    expect(articleId(await chat.say(SEED_PASTE))).toBe('Q290226');
    expect(logger.lines.some((l) => l.startsWith('warn: the KB folders now have no articles'))).toBe(true);

    // Articles coming back are swapped in.
    const swapped = swaps.next();
    writeFileSync(join(kbDir, 'only.txt'), NEW_ARTICLE, 'latin1');
    expect((await swapped).kb.size).toBe(1);
    expect(articleId(await chat.say(NEW_ERROR))).toBe(NEW_ID);
  });

  it('keeps the old KB and reports it when the folder is removed', async () => {
    const { reloader, swaps, errors } = startReloader();
    await reloader.start();
    const reported = errors.next();
    rmSync(kbDir, { recursive: true });
    const error = await reported;
    expect(error.kind).toBe('failed');
    expect(error.message).toMatch(/KB folder not found/);
    expect(swaps.calls).toHaveLength(0);
    expect(articleId(await chat.say(SEED_PASTE))).toBe('Q290226');

    // A failed reload is not retried while nothing changes.
    const outcome = await reloader.reloadNow();
    expect(outcome.status).toBe('kept');
    expect(errors.calls).toHaveLength(2);
  });

  it('swaps in the good articles when a malformed file comes with them, and reports the failure', async () => {
    const { reloader, swaps } = startReloader();
    await reloader.start();
    const swapped = swaps.next();
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    writeFileSync(join(kbDir, '006_broken.txt'), 'this is not a KB article at all\n');
    let o = await swapped;
    // Two files written one after the other may be seen as one change or two.
    while (o.summary.files < 7) o = await swaps.next();
    expect(o.kb.size).toBe(6);
    expect(o.summary.failures).toEqual([
      { path: join(kbDir, '006_broken.txt'), reason: expect.stringMatching(/not a KB article/) as string },
    ]);
    expect(articleId(await chat.say(NEW_ERROR))).toBe(NEW_ID);
    expect(logger.lines).toContain(
      'warn: 1 file(s) in the KB folders are not articles; run `npx kbbot ingest` on them to see why',
    );
  });

  it('reloads once more, and only once, for changes made during a reload', async () => {
    const { reloader, swaps, outcome } = await reloadUnderWay();
    // Three requests while the first reload runs: one more reload covers them all.
    const later = [reloader.reloadNow(), reloader.reloadNow(), reloader.reloadNow()];
    writeFileSync(join(kbDir, '006_notes.txt'), 'notes, not an article\n');
    expect((await outcome).status).toBe('swapped');
    const outcomes = await Promise.all(later);
    expect(new Set(outcomes.map((o) => (o.status === 'swapped' ? o.opened : o)))).toHaveProperty('size', 1);
    expect(swaps.calls.map((o) => [o.summary.files, o.kb.size])).toEqual([
      [6, 6],
      [7, 6],
    ]);
    expect(reloader.reloading).toBe(false);
  });

  it('notices a change by polling when it does not watch', async () => {
    const { reloader, swaps } = startReloader({ watch: false, pollMs: 40 });
    await reloader.start();
    expect(reloader.watching).toBe(false);
    const swapped = swaps.next();
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    expect((await swapped).kb.size).toBe(6);
    expect(articleId(await chat.say(NEW_ERROR))).toBe(NEW_ID);
  });

  it('notices a change made between open() and start()', async () => {
    const { reloader, swaps } = startReloader({ current: undefined });
    const first = await reloader.open();
    expect(first.kb.size).toBe(5);
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1'); // no watch armed yet
    const swapped = swaps.next();
    await reloader.start();
    expect((await swapped).kb.size).toBe(6);
  });

  it('watches subfolders, including new ones, and ignores the data dir inside the KB folder', async () => {
    const inside = { dataDir: join(kbDir, 'data') };
    opened = await openKb([kbDir], inside);
    const { reloader, swaps } = startReloader({ index: inside, current: opened });
    await reloader.start();
    const swapped = swaps.next();
    mkdirSync(join(kbDir, 'more', 'deeper'), { recursive: true });
    writeFileSync(join(kbDir, 'more', 'deeper', 'new.txt'), NEW_ARTICLE, 'latin1');
    const o = await swapped;
    expect(o.kb.get(NEW_ID)).toBeDefined();
    // The reload rewrote the index inside the KB folder: that is not a change.
    const check = await stampKb([kbDir], { ignore: (p) => p.startsWith(join(kbDir, 'data')) });
    await reloader.reloadNow(); // and a reload after it settles nothing new
    await new Promise((r) => setTimeout(r, 150)); // longer than the debounce: no event-driven reload follows
    expect(swaps.calls).toHaveLength(2);
    expect((await stampKb([kbDir], { ignore: (p) => p.startsWith(join(kbDir, 'data')) })).digest).toBe(check.digest);
  });

  it('stops: no more swaps after stop()', async () => {
    const { reloader, swaps } = startReloader();
    await reloader.start();
    await reloader.stop();
    expect(reloader.watching).toBe(false);
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    await new Promise((r) => setTimeout(r, 200)); // several debounce periods
    expect(swaps.calls).toHaveLength(0);
    expect(await reloader.reloadNow()).toEqual({ status: 'stopped' });
    expect(articleId(await chat.say(NEW_ERROR))).not.toBe(NEW_ID);
  });

  it('drops a reload that is running when stop() is called', async () => {
    const { reloader, swaps, outcome } = await reloadUnderWay();
    await reloader.stop();
    expect(await outcome).toEqual({ status: 'stopped' });
    expect(swaps.calls).toHaveLength(0);
  });

  it('has documented defaults', () => {
    expect(KB_RELOAD_DEFAULTS).toEqual({
      debounceMs: 1000,
      maxWaitMs: 60_000,
      pollMs: 60_000,
      watch: true,
      buildInChild: true,
    });
    expect(SEED_IDS).toHaveLength(5);
  });
});

describe('stampKb', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('kbbot-stamp-')));
  afterEach(() => tmp.cleanup());

  it('changes when a file is added, changed, renamed or removed, and not otherwise', async () => {
    const dir = join(tmp.dir, 'kb');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'one');
    const s0 = await stampKb([dir]);
    expect(s0).toMatchObject({ files: 1, bytes: 3, missing: [] });
    expect((await stampKb([dir])).digest).toBe(s0.digest);
    writeFileSync(join(dir, 'sub', 'b.txt'), 'two');
    const s1 = await stampKb([dir]);
    expect(s1.digest).not.toBe(s0.digest);
    expect([...s1.folders.keys()].sort()).toEqual([dir, join(dir, 'sub')]);
    rmSync(join(dir, 'sub', 'b.txt'));
    writeFileSync(join(dir, 'c.txt'), 'one');
    rmSync(join(dir, 'a.txt'));
    expect((await stampKb([dir])).digest).not.toBe(s0.digest); // renamed
    rmSync(dir, { recursive: true });
    expect(await stampKb([dir])).toMatchObject({ files: 0, missing: [dir] });
  });
});

// From the compiled JS (dist/, built by the global setup) the reloader builds the index in a child
// process; from the TypeScript source above it reads the KB on the main thread.
const DIST_RELOAD = pathToFileURL(join(REPO, 'dist', 'src', 'kb', 'index', 'reload.js')).href;
const DIST_PARSER = pathToFileURL(join(REPO, 'dist', 'src', 'kb', 'parse', 'index.js')).href;
/** Milliseconds the slow parser spends on each file; read from the environment the build process inherits. */
const DELAY_ENV = 'KBBOT_TEST_PARSE_DELAY_MS';

/** True while `pid` runs (a zombie, exited but not yet reaped by whoever adopted it, counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(get: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`nothing within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KbReloader from the compiled JS: the index is built in a child process', () => {
  let tmp: ReturnType<typeof tempDir>;
  let kbDir: string;
  let index: IndexOptions;
  let slowParser: string;
  let logger: ReturnType<typeof collectingLogger>;
  let reloader: KbReloader | undefined;
  let dist: typeof ReloadModule;

  beforeEach(async () => {
    dist = (await import(DIST_RELOAD)) as typeof ReloadModule;
    tmp = tempDir('kbbot-reload-child-');
    kbDir = join(tmp.dir, 'kb');
    cpSync(SEEDS_DIR, kbDir, { recursive: true });
    index = { dataDir: join(tmp.dir, 'data') };
    // The real parser, slowed down, saying on stderr which process parses (the build process's
    // stderr is logged). Only once: a write to the stderr of a dead parent would end the child by itself.
    slowParser = join(tmp.dir, 'slow-parser.mjs');
    writeFileSync(
      slowParser,
      `import { parseArticle as parse } from ${JSON.stringify(DIST_PARSER)};
let said = false;
export function parseArticle(...args) {
  if (!said) process.stderr.write('parsing in pid ' + process.pid + '\\n');
  said = true;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.${DELAY_ENV} ?? 0));
  return parse(...args);
}
`,
    );
    logger = collectingLogger();
  });
  afterEach(async () => {
    await reloader?.stop();
    reloader = undefined;
    delete process.env[DELAY_ENV];
    tmp.cleanup();
  });

  function distReloader(options: Partial<KbReloadOptions> = {}): KbReloader {
    reloader = new dist.KbReloader([kbDir], { index, logger, watch: false, pollMs: 0, onSwap: () => {}, ...options });
    return reloader;
  }

  /** The pid the slow parser logged from the build process (via its stderr), once it has. */
  const parsingPid = (lines: string[]): number | undefined => {
    const line = lines.find((l) => /^warn: the KB build process \(pid \d+\): parsing in pid \d+$/.test(l));
    return line ? Number(/parsing in pid (\d+)/.exec(line)?.[1]) : undefined;
  };

  it('swaps in the new article, built in another process that then exits; this process only loads the index', async () => {
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    // A named folder: the name is part of the index's freshness, so the child must build with it.
    const named = { ...index, ingest: { folders: [{ dir: kbDir, name: 'Team KB' }], parserModule: slowParser } };
    const outcome = await distReloader({ index: named }).reloadNow();
    expect(outcome.status).toBe('swapped');
    const o = (outcome as { opened: OpenedKb }).opened;
    expect(o.kb.size).toBe(6);
    expect(o.kb.get(NEW_ID)?.source).toBe('Team KB');
    expect(o.loadedFrom).toBe('ingest');

    const build = reloader?.lastBuild;
    expect(build?.pid).toBeGreaterThan(0);
    expect(build?.pid).not.toBe(process.pid);
    expect(parsingPid(logger.lines)).toBe(build?.pid); // the parser ran there, and its stderr was logged
    expect(build?.peakRssMb).toBeGreaterThan(10);
    expect(alive(build?.pid as number)).toBe(false);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^info: built the KB index in a child process \\(pid ${build?.pid}\\) in \\d+\\.\\d s \\(peak [\\d,]+ MB\\)$`,
        ),
      ),
    );
    // Here openKb found the child's index fresh and only loaded it.
    expect(logger.lines).toContainEqual(expect.stringMatching(/^debug: loaded the KB index .* \(6 articles\)$/));
    expect(logger.lines.filter((l) => /out of date|reading the KB/.test(l))).toEqual([]);
  });

  it('opens a KB without an index by building it in another process too, and a fresh one by loading it', async () => {
    const first = distReloader({ index: { ...index, ingest: { parserModule: slowParser } } });
    const opened = await first.open();
    expect(opened.kb.size).toBe(5);
    expect(opened.loadedFrom).toBe('ingest');
    const build = first.lastBuild;
    expect(build?.pid).toBeGreaterThan(0);
    expect(build?.pid).not.toBe(process.pid);
    expect(parsingPid(logger.lines)).toBe(build?.pid); // no parsing in this process
    await first.stop();

    const again = distReloader({ index: { ...index, ingest: { parserModule: slowParser } } });
    const loaded = await again.open();
    expect(loaded.loadedFrom).toBe('index');
    expect(again.lastBuild).toBeUndefined();
  });

  it('kills the build process when stopped during a build', async () => {
    process.env[DELAY_ENV] = '400'; // 6 files: over 2 s of parsing, unless stopped
    writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
    const r = distReloader({ index: { ...index, ingest: { parserModule: slowParser, batchSize: 1 } } });
    const outcome = r.reloadNow();
    const pid = await until(() => parsingPid(logger.lines));
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    await r.stop();
    expect(Date.now() - t0).toBeLessThan(dist.CHILD_KILL_GRACE_MS); // SIGTERM was enough
    expect(await outcome).toEqual({ status: 'stopped' });
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }) as Error);
    expect(r.lastBuild).toBeUndefined();
  });

  it('keeps the old KB with the folder error when a KB folder is gone', async () => {
    rmSync(kbDir, { recursive: true });
    const outcome = await distReloader().reloadNow();
    expect(outcome.status).toBe('kept');
    const { error } = outcome as { error: KbReloadError };
    expect(error.kind).toBe('failed');
    expect(error.message).toMatch(/KB folder not found/);
    expect(logger.lines.filter((l) => l.includes('main thread'))).toEqual([]); // not retried here
  });

  it('reads the KB on the main thread, with a warning, when the child process cannot be started', async () => {
    const execPath = process.execPath;
    process.execPath = join(tmp.dir, 'no-such-node');
    try {
      writeFileSync(join(kbDir, '005_new_article.txt'), NEW_ARTICLE, 'latin1');
      const outcome = await distReloader().reloadNow();
      expect(outcome.status).toBe('swapped');
      expect((outcome as { opened: OpenedKb }).opened.kb.get(NEW_ID)).toBeDefined();
    } finally {
      process.execPath = execPath;
    }
    expect(reloader?.lastBuild).toBeUndefined();
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warn: could not start a child process to build the KB index \(.*ENOENT.*\); reading the KB on the main thread$/,
      ),
    );
  });

  it('does not outlive a server that dies during a build', async () => {
    // A server process reloading with the slow parser, printing its log lines; killed with SIGKILL mid-build.
    const server = join(tmp.dir, 'server.mjs');
    writeFileSync(
      server,
      `const { KbReloader } = await import(${JSON.stringify(DIST_RELOAD)});
const say = (m) => console.log(m);
const logger = { error: say, warn: say, info: say, debug: () => {} };
const index = { dataDir: ${JSON.stringify(index.dataDir)}, ingest: { parserModule: ${JSON.stringify(slowParser)}, batchSize: 1 } };
await new KbReloader([${JSON.stringify(kbDir)}], { index, logger, watch: false, pollMs: 0, onSwap() {} }).reloadNow();
`,
    );
    const proc = spawn(process.execPath, [server], {
      env: { ...process.env, [DELAY_ENV]: '600' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    proc.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').map((l) => `warn: ${l}`)));
    try {
      const pid = await until(() => parsingPid(lines));
      expect(alive(pid)).toBe(true);
      proc.kill('SIGKILL');
      // It stops after the file it is parsing, well before the 3 s the other files would take.
      await until(() => (alive(pid) ? undefined : true), 2000);
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it('passes on Node options but a debugger or profiler', () => {
    expect(
      childExecArgv([
        '--max-old-space-size=4096',
        '--inspect',
        '--inspect-brk=0.0.0.0:9230',
        '--cpu-prof',
        '--cpu-prof-dir',
        '/tmp/prof',
        '--heap-prof-name=x.heapprofile',
        '--prof',
        '--enable-source-maps',
        '--expose-gc',
      ]),
    ).toEqual(['--max-old-space-size=4096', '--enable-source-maps', '--expose-gc']);
  });
});
