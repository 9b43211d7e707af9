import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../../src/adapters/fake.js';
import { Bot } from '../../../../src/bot/bot.js';
import type { Reply } from '../../../../src/bot/reply.js';
import type { Logger } from '../../../../src/log.js';
import {
  KB_RELOAD_DEFAULTS,
  KbReloader,
  type KbReloadError,
  type KbReloadOptions,
} from '../../../../src/kb/index/reload.js';
import { openKb, type OpenedKb, type IndexOptions } from '../../../../src/kb/index/open-kb.js';
import { stampKb } from '../../../../src/kb/index/watch.js';
import { SEED_PASTE } from '../../../helpers/seed-kb.js';
import { SEED_IDS, SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

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
      buildInWorker: true,
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
