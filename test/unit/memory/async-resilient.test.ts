// The resilient storage over the asynchronous interface (src/memory/async-resilient.ts, issue #26):
// when the disk fills up (SQLite through asyncFromSync) or the Postgres server goes away mid-run,
// deliveries are still de-duplicated and answered from memory, each kind of failure is logged once
// a minute with a count, health() says degraded, what cannot be kept is refused, and what was kept
// in memory reaches the storage once it can be written again.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsyncResilientStorage } from '../../../src/memory/async-resilient.js';
import { asyncFromSync, type AsyncStorage } from '../../../src/memory/async-types.js';
import { openPostgresStorage } from '../../../src/memory/postgres/open.js';
import { STORAGE_HEALTH_DEFAULTS } from '../../../src/memory/outage.js';
import { StorageError } from '../../../src/memory/sqlite/errors.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import type { FeedbackRecord, Interaction, NewFix, ThreadState } from '../../../src/memory/types.js';
import { tempDir } from '../../helpers/paths.js';
import { PG_BIN, postgresUnavailable, startCluster, type PostgresCluster } from '../../helpers/postgres.js';
import { clock, dataDirs, fillableStorage, recorder } from './disk-full.js';

const tmp = tempDir('kbbot-async-resilient-');
afterAll(tmp.cleanup);

const newDir = dataDirs(tmp.dir);

/** The SQLite storage on a disk that fills on demand, as an AsyncStorage, wrapped. */
function setup(options: { now?: () => number; wrap?: (s: AsyncStorage) => AsyncStorage } = {}) {
  const dir = newDir();
  const disk = fillableStorage(dir);
  const log = recorder();
  const inner = asyncFromSync(disk.storage);
  const storage = new AsyncResilientStorage(options.wrap ? options.wrap(inner) : inner, { log, now: options.now });
  /** One message as an adapter and the bot handle it: claim, remember the thread, log it, done. */
  const deliver = async (eventId: string, user = 'U1', thread = `T-${eventId}`): Promise<'answered' | 'duplicate'> => {
    if (!(await storage.delivered.claim(`slack:${eventId}`))) return 'duplicate';
    await storage.threads.set(`C1\u0000${thread}`, state(user));
    await storage.interactions.record(row(eventId, user, thread));
    await storage.delivered.done(`slack:${eventId}`);
    return 'answered';
  };
  return { dir, disk, log, storage, deliver };
}

const storageWarnings = (lines: string[]): string[] => lines.filter((l) => l.startsWith('warn: storage'));
const storageInfos = (lines: string[]): string[] => lines.filter((l) => l.startsWith('info: storage'));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('over SQLite with the disk full', () => {
  it('answers all 20 deliveries, de-duplicates in memory, and logs each kind of failure once, with a count', async () => {
    const { disk, log, storage, deliver } = setup();
    expect(storage.health()).toEqual({ status: 'ok' });
    disk.setFull(true);
    for (let i = 1; i <= 20; i++) expect(await deliver(`Ev${i}`), `delivery ${i}`).toBe('answered');
    expect(disk.refused).toBeGreaterThanOrEqual(20); // the disk really refused them
    expect(await deliver('Ev7')).toBe('duplicate'); // Slack's retry of an answered event, recognised from memory

    const warnings = storageWarnings(log.lines);
    expect(warnings).toHaveLength(3); // delivered ids, threads, the interaction log: once each
    for (const w of warnings) expect(w).toContain('database or disk is full');
    const kinds = warnings.map((w) => /cannot write (.+?) \(/.exec(w)?.[1]);
    expect(new Set(kinds)).toEqual(new Set(['delivered ids', 'threads', 'the interaction log']));

    const health = storage.health();
    expect(health).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });
    expect(health.status === 'degraded' && health.failures).toBeGreaterThanOrEqual(20);
    expect(health.status === 'degraded' && health.lastError).toContain('database or disk is full');
  });

  it('keeps threads and log rows in memory, readable meanwhile, and writes them at the first successful write', async () => {
    const { dir, disk, log, storage, deliver } = setup();
    disk.setFull(true);
    expect(await deliver('Ev1', 'U1', 'T-full')).toBe('answered');
    expect((await storage.threads.get('C1\u0000T-full'))?.user).toBe('U1'); // a follow-up finds its thread
    expect(await storage.interactions.list()).toHaveLength(1);
    expect(await storage.interactions.list({ since: Date.now() + 60_000 })).toEqual([]);

    disk.setFull(false);
    expect(await deliver('Ev2', 'U1', 'T-other')).toBe('answered');
    expect(storage.health()).toEqual({ status: 'ok' });
    expect(storageInfos(log.lines)).toEqual([
      expect.stringMatching(
        /^info: storage: writable again after \d+ failed calls over \d+ s; wrote 1 thread\(s\) and 1 log row\(s\)/,
      ),
    ]);

    // What a restarted bot reads: the thread written late, and both rows, each once.
    const reopened = openStorage(dir);
    try {
      expect(reopened.threads.get('C1\u0000T-full')?.user).toBe('U1');
      expect(reopened.interactions.list().map((r) => r.thread)).toEqual(['T-full', 'T-other']);
      expect(reopened.delivered.claim('slack:Ev2')).toBe(false);
    } finally {
      reopened.close();
    }
  });

  it('keeps only the newest threads and rows within the bounds', async () => {
    const dir = newDir();
    const disk = fillableStorage(dir);
    const storage = new AsyncResilientStorage(asyncFromSync(disk.storage), {
      log: recorder(),
      maxPendingThreads: 2,
      maxPendingInteractions: 2,
    });
    disk.setFull(true);
    for (const t of ['T1', 'T2', 'T3']) {
      await storage.threads.set(t, state('U1'));
      await storage.interactions.record(row(t, 'U1', t));
    }
    expect(await storage.threads.get('T1')).toBeUndefined();
    expect(await storage.threads.get('T3')).toBeDefined();
    expect((await storage.interactions.list()).map((r) => r.thread)).toEqual(['T2', 'T3']);
  });

  it('does not let the catch-up overwrite a thread written again meanwhile with its older state', async () => {
    const { dir, disk, storage } = setup({ wrap: slowOlder });
    disk.setFull(true);
    await storage.threads.set('C1\u0000T1', { ...state('U1'), shown: 0 });
    disk.setFull(false);
    // The row ends the outage (its catch-up runs) while the follow-up writes the thread's newer state.
    await Promise.all([
      storage.interactions.record(row('Ev1', 'U1', 'T1')),
      storage.threads.set('C1\u0000T1', { ...state('U1'), shown: 1 }),
    ]);
    expect((await storage.threads.get('C1\u0000T1'))?.shown).toBe(1);
    const reopened = openStorage(dir);
    try {
      expect(reopened.threads.get('C1\u0000T1')?.shown).toBe(1);
    } finally {
      reopened.close();
    }
  });

  it('writes a thread set while the catch-up is writing its older state after it, not before', async () => {
    const { dir, disk, storage } = setup({ wrap: slowOlder });
    disk.setFull(true);
    await storage.threads.set('C1\u0000T1', { ...state('U1'), shown: 0 });
    disk.setFull(false);
    const recovering = storage.interactions.record(row('Ev1', 'U1', 'T1')); // its catch-up starts writing shown 0 (slowly)
    await new Promise((resolve) => setTimeout(resolve, 5));
    await storage.threads.set('C1\u0000T1', { ...state('U1'), shown: 1 });
    await recovering;
    const reopened = openStorage(dir);
    try {
      expect(reopened.threads.get('C1\u0000T1')?.shown).toBe(1);
    } finally {
      reopened.close();
    }
  });

  it('refuses feedback, settings changes, fix saves and deletes, and forgetUser; works again after', async () => {
    const { disk, storage } = setup();
    const saved = await storage.fixes.add(fix());
    disk.setFull(true);
    for (const refused of [
      storage.feedback.add(feedback()),
      storage.settings.set('C1', 'listen', 'off', 'U1'),
      storage.fixes.add(fix({ messageId: 'm2' })),
      storage.fixes.delete(saved.id),
      storage.forgetUser('U1'),
    ]) {
      const error = await rejection(refused);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(/database or disk is full/);
    }
    expect(await storage.feedback.list()).toEqual([]); // nothing pretends to be kept
    expect(await storage.settings.get('C1', 'listen')).toBeUndefined();
    expect(await storage.fixes.get(saved.id)).toMatchObject({ id: saved.id }); // not deleted
    disk.setFull(false);
    await storage.feedback.add(feedback());
    expect(await storage.feedback.list()).toHaveLength(1);
    expect(storage.health()).toEqual({ status: 'ok' });
  });

  it('reads fail soft: no thread, no settings, empty lists, no fix, the last data version', async () => {
    let broken = false;
    const down = (): Promise<never> => Promise.reject(new StorageError('storage_corrupt', 'file is not a database'));
    const failReads = (s: AsyncStorage): AsyncStorage => {
      const when =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        (...a: A): Promise<R> =>
          broken ? down() : f(...a);
      return {
        ...s,
        threads: { ...s.threads, get: when(s.threads.get) },
        settings: { ...s.settings, get: when(s.settings.get), all: when(s.settings.all) },
        interactions: { ...s.interactions, list: when(s.interactions.list) },
        feedback: { ...s.feedback, list: when(s.feedback.list) },
        fixes: { ...s.fixes, get: when(s.fixes.get), list: when(s.fixes.list), byMessage: when(s.fixes.byMessage) },
        dataVersion: when(s.dataVersion),
      };
    };
    const { log, storage } = setup({ wrap: failReads });
    await storage.settings.set('C1', 'listen', 'off');
    const saved = await storage.fixes.add(fix());
    await storage.interactions.record(row('Ev1', 'U1', 'T1'));
    const version = await storage.dataVersion();
    broken = true;
    expect(await storage.threads.get('anything')).toBeUndefined();
    expect(await storage.settings.get('C1', 'listen')).toBeUndefined();
    expect(await storage.settings.all('listen')).toEqual(new Map());
    expect(await storage.interactions.list()).toEqual([]);
    expect(await storage.feedback.list()).toEqual([]);
    expect(await storage.fixes.get(saved.id)).toBeUndefined();
    expect(await storage.fixes.list()).toEqual([]);
    expect(await storage.fixes.byMessage('C123', saved.messageId ?? '')).toBeUndefined();
    expect(await storage.dataVersion()).toBe(version);
    expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_corrupt', failures: 9 });
    expect(storageWarnings(log.lines)).toEqual([
      expect.stringMatching(/^warn: storage: cannot read the storage \(1 failed read so far; read as empty\)/),
    ]);
    broken = false;
    expect(await storage.settings.get('C1', 'listen')).toBe('off');
  });

  it('logs a kind again only after a minute, with how many failed meanwhile', async () => {
    const c = clock();
    const { disk, log, storage } = setup({ now: c.now });
    disk.setFull(true);
    for (let i = 0; i < 5; i++) await storage.interactions.record(row(`Ev${i}`, 'U1', `T${i}`));
    expect(storageWarnings(log.lines)).toHaveLength(1);
    c.advance(STORAGE_HEALTH_DEFAULTS.logEveryMs - 1);
    await storage.interactions.record(row('Ev5', 'U1', 'T5'));
    expect(storageWarnings(log.lines)).toHaveLength(1);
    c.advance(1);
    await storage.interactions.record(row('Ev6', 'U1', 'T6'));
    const warnings = storageWarnings(log.lines);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/cannot write the interaction log \(7 failed writes so far; /);
  });

  it('frees a claim whose release failed once space returns, so the re-delivery is answered', async () => {
    const { disk, storage } = setup();
    expect(await storage.delivered.claim('slack:Ev1')).toBe(true); // on disk
    disk.setFull(true);
    await storage.delivered.release('slack:Ev1'); // the reply failed, and the release cannot reach the disk
    disk.setFull(false);
    expect(await storage.delivered.claim('slack:Ev1')).toBe(true); // Slack's retry
    expect(await storage.delivered.claim('slack:Ev1')).toBe(false);
  });

  it('does not write a forgotten user’s rows kept in memory when the forget ends the outage', async () => {
    const { dir, disk, storage, deliver } = setup();
    disk.setFull(true);
    await deliver('Ev1', 'U1');
    await deliver('Ev2', 'U2');
    disk.setFull(false);
    await storage.forgetUser('U1');
    const reopened = openStorage(dir);
    try {
      expect(reopened.interactions.list().map((r) => r.user)).toEqual(['U2']);
      expect(reopened.threads.get('C1\u0000T-Ev1')).toBeUndefined();
      expect(reopened.threads.get('C1\u0000T-Ev2')?.user).toBe('U2');
    } finally {
      reopened.close();
    }
  });

  it('probe: says degraded while idle when the disk fills, and ends the outage (writing what was kept) once it can write', async () => {
    const { dir, disk, log, storage, deliver } = setup();
    await storage.probe();
    expect(storage.health()).toEqual({ status: 'ok' });
    disk.setFull(true);
    expect(await deliver('Ev1', 'U1', 'T-kept')).toBe('answered');
    await storage.probe(); // never rejects
    expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });

    disk.setFull(false);
    await storage.probe(); // no message needed: readiness comes back by itself
    expect(storage.health()).toEqual({ status: 'ok' });
    expect(storageInfos(log.lines)).toEqual([
      expect.stringMatching(/writable again .*wrote 1 thread\(s\) and 1 log row\(s\)/),
    ]);
    const reopened = openStorage(dir);
    try {
      expect(reopened.threads.get('C1\u0000T-kept')?.user).toBe('U1');
    } finally {
      reopened.close();
    }
  });

  it('does not hide a bug: an error that is not the storage failing goes to the caller', async () => {
    const { disk, storage } = setup();
    await expect(storage.threads.set('T1', null as never)).rejects.toThrow(TypeError);
    expect(await storage.threads.get('T1')).toBeUndefined();
    expect(storage.health()).toEqual({ status: 'ok' });
    // Nor is the bad call kept for the catch-up, where it would fail an unrelated write.
    disk.setFull(true);
    await storage.interactions.record(row('Ev1', 'U1', 'T1'));
    disk.setFull(false);
    await storage.interactions.record(row('Ev2', 'U1', 'T2'));
    expect(storage.health()).toEqual({ status: 'ok' });
  });
});

const pgReason = postgresUnavailable();
if (pgReason) console.warn(`Postgres tests skipped: ${pgReason}`);

describe.skipIf(pgReason)('over Postgres whose server stops mid-run', () => {
  let cluster: PostgresCluster | undefined;
  afterAll(() => cluster?.stop());

  /** pg_ctl on the cluster (as the postgres user when we are root), as test/helpers/postgres.ts starts it. */
  function pgCtl(c: PostgresCluster, args: string[]): void {
    const bin = join(PG_BIN, 'pg_ctl');
    const [command, argv] =
      process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    const result = spawnSync(command, argv, { cwd: c.dir, encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`pg_ctl ${args.at(-1)} failed: ${result.stderr}`);
  }

  it('answers from memory, says degraded, and writes the pending thread and rows once the server is back', async () => {
    cluster = startCluster(); // its own server: stopping the run's shared one would break other files
    const c = cluster;
    const port = new URL(c.url).port;
    const data = join(c.dir, 'data');
    const pgStorage = await openPostgresStorage(c.url, { poolSize: 2, connectTimeoutMs: 1000 });
    const log = recorder();
    const storage = new AsyncResilientStorage(pgStorage, { log });
    try {
      expect(await storage.delivered.claim('slack:Ev1')).toBe(true);
      await storage.delivered.done('slack:Ev1');

      pgCtl(c, ['-D', data, '-m', 'fast', '-w', 'stop']);
      expect(await storage.delivered.claim('slack:Ev2')).toBe(true); // answered, from memory
      await storage.threads.set('C1\u0000T2', state('U1'));
      await storage.interactions.record(row('Ev2', 'U1', 'T2'));
      await storage.delivered.done('slack:Ev2');
      expect(await storage.delivered.claim('slack:Ev2')).toBe(false); // the retry is recognised
      expect((await storage.threads.get('C1\u0000T2'))?.user).toBe('U1');
      expect((await storage.interactions.list()).map((r) => r.thread)).toEqual(['T2']);
      expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_unavailable' });
      expect(storageWarnings(log.lines).length).toBeGreaterThan(0);

      const options = `-p ${port} -k ${c.dir} -c listen_addresses=127.0.0.1`;
      pgCtl(c, ['-D', data, '-l', join(c.dir, 'log'), '-w', '-t', '30', '-o', options, 'start']);
      // The pool may still hold a connection that broke: a write or two can fail before one gets through.
      for (let i = 3; storage.health().status !== 'ok' && i < 10; i++) await storage.delivered.claim(`slack:Ev${i}`);
      expect(storage.health()).toEqual({ status: 'ok' });
      expect(storageInfos(log.lines)).toEqual([
        expect.stringMatching(/writable again after .*; wrote 1 thread\(s\) and 1 log row\(s\)/),
      ]);

      // Read straight from the server, past the memory of the wrapper.
      expect((await pgStorage.threads.get('C1\u0000T2'))?.user).toBe('U1');
      expect((await pgStorage.interactions.list()).map((r) => r.thread)).toEqual(['T2']);
    } finally {
      await storage.close();
    }
  }, 60_000);
});

/** Writes of a thread state with shown 0 (the older one in these tests) take 50 ms; others land at once. */
function slowOlder(s: AsyncStorage): AsyncStorage {
  return {
    ...s,
    threads: {
      ...s.threads,
      set: async (key, st) => {
        await new Promise((resolve) => setTimeout(resolve, st.shown === 0 ? 50 : 0));
        return s.threads.set(key, st);
      },
    },
  };
}

function state(user: string): ThreadState {
  return { query: 'Error 0x8007000D', candidates: ['Q290226', 'Q174743'], shown: 0, rejected: [], updatedAt: 1, user };
}

function row(id: string, user: string, thread: string): Interaction {
  return {
    at: 1_700_000_000_000 + Number(id.replace(/\D/g, '') || 0),
    user,
    conversation: 'C1',
    thread,
    intent: 'error_paste',
    outcome: 'answered',
    articleId: 'Q290226',
    confidence: 0.99,
    text: 'Error 0x8007000D',
    signature: [],
  };
}

function feedback(): FeedbackRecord {
  return {
    at: 1_700_000_000_000,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    articleId: 'Q290226',
    helpful: true,
    query: 'Error 0x8007000D',
    signature: [],
  };
}

function fix(overrides: Partial<NewFix> = {}): NewFix {
  return {
    title: "KMS service won't start after SP3",
    text: 'Restart the KM service',
    author: 'U1',
    authorName: null,
    savedBy: 'U2',
    savedAt: 1_733_390_000_000,
    conversation: 'C123',
    thread: '1733389000.000100',
    messageId: '1733390000.123456',
    permalink: null,
    errors: ['Error 0x8007000D'],
    codes: ['0x8007000d'],
    offered: [],
    via: 'mention',
    ...overrides,
  };
}
