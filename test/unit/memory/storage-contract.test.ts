// The storage contract (issue #26): what the bot relies on from its storage, run against the
// embedded SQLite storage (through asyncFromSync) and the Postgres one on a real server. "Two
// opens of one place" are a restart, or two replicas: the second sees what the first wrote, a
// delivery is answered by exactly one, a fix saved by one is listed by the other at once, and the
// other's writes change the data version. Postgres-only behaviour (leases, outages, the schema) is
// in ./postgres/. Skipped for Postgres, with "Postgres tests skipped: <why>", where no server can start.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { asyncFromSync, type AsyncStorage } from '../../../src/memory/async-types.js';
import { UNAVAILABLE } from '../../../src/memory/postgres/errors.js';
import { openPostgresStorage } from '../../../src/memory/postgres/open.js';
import { StorageError } from '../../../src/memory/sqlite/errors.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import type { FeedbackRecord, Interaction, NewFix, ThreadState } from '../../../src/memory/types.js';
import { tempDir } from '../../helpers/paths.js';
import { testPostgres } from '../../helpers/postgres.js';

const tmp = tempDir('kbbot-contract-');
afterAll(tmp.cleanup);
const postgres = await testPostgres();

interface Options {
  now?: () => number;
  deliveredTtlMs?: number;
  threadTtlMs?: number;
}

/** Where a storage keeps its data: each `open` is one process on it (a restart, or another replica). */
interface Place {
  open(options?: Options): Promise<AsyncStorage>;
}

interface Backend {
  name: string;
  skip?: string;
  /** A new, empty place. */
  place(): Promise<Place>;
}

let dirs = 0;
const backends: Backend[] = [
  {
    name: 'SQLite (asyncFromSync)',
    place: () => {
      const dir = join(tmp.dir, `data-${++dirs}`);
      return Promise.resolve({ open: (options) => Promise.resolve(asyncFromSync(openStorage(dir, options))) });
    },
  },
  {
    name: 'Postgres',
    ...(postgres.skip !== undefined && { skip: postgres.skip }),
    place: async () => {
      if (postgres.skip !== undefined) throw new Error(postgres.skip);
      const db = await postgres.database();
      return { open: (options) => openPostgresStorage(db.url, { poolSize: 4, ...options }) };
    },
  },
];

/** A clock the test moves. */
function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function thread(overrides: Partial<ThreadState> = {}): ThreadState {
  return {
    query: 'ID no: 0xc0020002',
    candidates: ['Q290226', 'Q196171'],
    shown: 0,
    rejected: [],
    updatedAt: 1_700_000_000_000,
    user: 'U1',
    ...overrides,
  };
}

function interaction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    at: 1_700_000_000_000,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    intent: 'error_paste',
    outcome: 'answered',
    articleId: 'Q290226',
    confidence: 0.99,
    text: 'ID no: 0xc0020002',
    signature: [
      [12345, 1.5],
      [4294967295, 0.25],
    ],
    ...overrides,
  };
}

function feedback(overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    at: 1_700_000_000_000,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    articleId: 'Q290226',
    helpful: true,
    query: 'ID no: 0xc0020002',
    signature: [[42, 1]],
    ...overrides,
  };
}

function fix(overrides: Partial<NewFix> = {}): NewFix {
  return {
    title: "KMS service won't start after SP3",
    text: 'Fixed it by restarting the KM service and re-running update.exe\n\n```powershell\nRestart-Service kms\n```',
    author: 'U123',
    authorName: 'Ana López',
    savedBy: 'U456',
    savedAt: 1_733_390_000_000,
    conversation: 'C123',
    thread: '1733389000.000100',
    messageId: '1733390000.123456',
    permalink: 'https://acme.slack.com/archives/C123/p1733390000123456',
    errors: ['Error 0x8007000D: The data is invalid.\nService KMS failed to start.'],
    codes: ['0x8007000d'],
    offered: [{ articleId: 'Q193567', verdict: 'not_it' }],
    via: 'mention',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the storage contract: ${backend.name}`, () => {
    const opened: AsyncStorage[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    /** A storage on a new place (closed after the test), and the place to open it again. */
    async function onePlace(options?: Options): Promise<{ place: Place; store: AsyncStorage }> {
      const place = await backend.place();
      const store = await place.open(options);
      opened.push(store);
      return { place, store };
    }
    async function one(options?: Options): Promise<AsyncStorage> {
      return (await onePlace(options)).store;
    }
    /** Two storages on one new place: two processes (closed after the test). */
    async function two(): Promise<[AsyncStorage, AsyncStorage]> {
      const { place, store } = await onePlace();
      return [store, await reopen(place)];
    }
    async function reopen(place: Place, options?: Options): Promise<AsyncStorage> {
      const s = await place.open(options);
      opened.push(s);
      return s;
    }

    describe('threads', () => {
      it('give undefined for an unknown key, the last state written, to the other process too', async () => {
        const [a, b] = await two();
        expect(await a.threads.get('nope')).toBeUndefined();
        await a.threads.set('C1\u0000T1', thread());
        expect(await b.threads.get('C1\u0000T1')).toEqual(thread());
        await b.threads.set('C1\u0000T1', thread({ shown: 1, rejected: ['Q290226'], lastSpeaker: 'bot' }));
        expect(await a.threads.get('C1\u0000T1')).toEqual(
          thread({ shown: 1, rejected: ['Q290226'], lastSpeaker: 'bot' }),
        );
        // Keys differing only around the NUL separator are different threads.
        await a.threads.set('C1\\0T1', thread({ query: 'other' }));
        expect((await b.threads.get('C1\u0000T1'))?.query).toBe('ID no: 0xc0020002');
        expect((await b.threads.get('C1\\0T1'))?.query).toBe('other');
        const anonymous = thread();
        delete anonymous.user;
        await a.threads.set('T2', anonymous);
        expect(await b.threads.get('T2')).toEqual(anonymous);
      });

      it('keep no recent person messages, and are forgotten after threadTtlMs without a write', async () => {
        const c = clock();
        const { place, store: a } = await onePlace({ now: c.now, threadTtlMs: 1000 });
        const recent = [{ id: 'm1', user: 'U2', text: 'restart it', at: 1, fixReport: true }];
        await a.threads.set('old', thread({ recent }));
        expect(await a.threads.get('old')).toEqual(thread());
        c.advance(600);
        await a.threads.set('recent', thread());
        c.advance(600);
        expect(await a.threads.get('old')).toBeUndefined();
        expect(await a.threads.get('recent')).toEqual(thread());
        c.advance(600);
        const b = await reopen(place, { now: c.now, threadTtlMs: 1000 });
        expect(await b.threads.get('recent')).toBeUndefined();
      });
    });

    describe('delivered ids', () => {
      it('are claimed once; a claim or an answer holds off repeats until released or expired', async () => {
        const c = clock();
        const s = await one({ now: c.now, deliveredTtlMs: 60 * 60_000 });
        const d = s.delivered;
        expect(await d.claim('Ev1')).toBe(true);
        expect(await d.claim('Ev1')).toBe(false); // being answered
        await d.done('Ev1');
        expect(await d.claim('Ev1')).toBe(false); // answered
        await d.release('Ev1'); // too late: it was answered
        expect(await d.claim('Ev1')).toBe(false);
        expect(await d.claim('Ev2')).toBe(true);
        await d.release('Ev2'); // the reply failed: the re-delivery is answered
        expect(await d.claim('Ev2')).toBe(true);
        c.advance(60 * 60_000 - 1);
        expect(await d.claim('Ev1')).toBe(false);
        c.advance(1);
        expect(await d.claim('Ev1')).toBe(true);
        expect(await d.claim('Ev1')).toBe(false);
        await d.release('never seen');
        await d.done('never claimed'); // storage was down at claim time: remembered all the same
        expect(await d.claim('never claimed')).toBe(false);
      });

      it('claimed by two processes at once: each of 200 deliveries is answered exactly once', async () => {
        const [a, b] = await two();
        const keys = Array.from({ length: 200 }, (_, i) => `slack:Ev${i}`);
        // Every key offered to both at the same moment, the order shuffled per process.
        const wins = await Promise.all(
          keys.flatMap((key, i) => [
            a.delivered.claim(key).then((won) => (won ? key : undefined)),
            b.delivered
              .claim(keys[keys.length - 1 - i] as string)
              .then((won) => (won ? keys[keys.length - 1 - i] : undefined)),
          ]),
        );
        const claimed = wins.filter((k): k is string => k !== undefined);
        expect(claimed).toHaveLength(200);
        expect(new Set(claimed).size).toBe(200);
        // Answered: the retries, to either process, are not answered again.
        await Promise.all(keys.map((key, i) => (i % 2 ? a : b).delivered.done(key)));
        expect(await Promise.all(keys.map((key, i) => (i % 2 ? b : a).delivered.claim(key)))).not.toContain(true);
      });

      it('a claim left by a process that stopped before answering is freed at the next start; an answered one stays', async () => {
        const { place, store: a } = await onePlace();
        expect(await a.delivered.claim('Ev-answered')).toBe(true);
        await a.delivered.done('Ev-answered');
        expect(await a.delivered.claim('Ev-cut')).toBe(true); // the process stops before posting
        await a.close();
        const b = await reopen(place);
        expect(await b.delivered.releaseStaleClaims()).toBe(1);
        expect(await b.delivered.releaseStaleClaims()).toBe(0);
        expect(await b.delivered.claim('Ev-cut')).toBe(true); // the retry is answered
        expect(await b.delivered.claim('Ev-answered')).toBe(false);
      });
    });

    describe('settings', () => {
      it('are set, read, listed per name and cleared, by one process and seen by the other', async () => {
        const [a, b] = await two();
        expect(await a.settings.get('C1', 'listen')).toBeUndefined();
        await a.settings.set('C1', 'listen', 'off', 'U1');
        await a.settings.set('C2', 'listen', 'on');
        await b.settings.set('C2', 'listen', 'off', 'U2');
        await a.settings.set('C3', 'listen', 'on');
        await b.settings.set('C3', 'listen', undefined);
        await a.settings.set('C1', 'other', 'x');
        await a.settings.set('C9', 'absent', undefined);
        expect(await b.settings.get('C1', 'listen')).toBe('off');
        expect(await a.settings.get('C3', 'listen')).toBeUndefined();
        expect(await b.settings.all('listen')).toEqual(
          new Map([
            ['C1', 'off'],
            ['C2', 'off'],
          ]),
        );
        expect(await a.settings.all('other')).toEqual(new Map([['C1', 'x']]));
        expect(await a.settings.all('unknown')).toEqual(new Map());
      });
    });

    describe('the interaction log and feedback', () => {
      it('list what both processes recorded, oldest first, from `since` on, as recorded', async () => {
        const [a, b] = await two();
        const later = interaction({ at: 3000, outcome: 'suggested', confidence: 0.5, intent: 'question' });
        const first = interaction({ at: 1000, fixId: 'fix-1', articleId: 'fix-1' });
        const unanswered = interaction({
          at: 2000,
          outcome: 'unanswered',
          articleId: null,
          confidence: 0,
          text: null,
          signature: [],
        });
        await a.interactions.record(later);
        await b.interactions.record(first);
        await a.interactions.record(unanswered);
        expect(await b.interactions.list()).toEqual([first, unanswered, later]);
        expect(await a.interactions.list({ since: 2000 })).toEqual([unanswered, later]);
        expect(await a.interactions.list({ since: 3001 })).toEqual([]);

        const helped = feedback({ at: 2000 });
        const notIt = feedback({ at: 1000, helpful: false, query: null, articleId: 'Q196171', user: 'U2' });
        await a.feedback.add(helped);
        await b.feedback.add(notIt);
        expect(await a.feedback.list()).toEqual([notIt, helped]);
        expect(await b.feedback.list()).toEqual([notIt, helped]);
      });
    });

    describe('team fixes', () => {
      it('are saved as written, found by id, by message and in the list; one saved by a process is listed by the other at once', async () => {
        const [a, b] = await two();
        const first = await a.fixes.add(fix());
        expect(first).toEqual({ id: 'fix-1', ...fix() });
        expect(await b.fixes.list()).toEqual([first]);
        expect(await b.fixes.get('fix-1')).toEqual(first);
        expect(await b.fixes.byMessage('C123', '1733390000.123456')).toEqual(first);
        expect(await b.fixes.byMessage('C999', '1733390000.123456')).toBeUndefined();
        const second = await b.fixes.add(
          fix({ messageId: null, permalink: null, authorName: null, savedAt: 1_733_300_000_000, via: 'text' }),
        );
        expect(second.id).toBe('fix-2');
        expect((await a.fixes.list()).map((f) => f.id)).toEqual(['fix-2', 'fix-1']); // by savedAt
        expect((await a.fixes.list({ since: 1_733_390_000_000 })).map((f) => f.id)).toEqual(['fix-1']);
        expect(await a.fixes.get('fix-3')).toBeUndefined();
      });

      it('saving a message already saved, by either process, gives the fix on record unchanged', async () => {
        const [a, b] = await two();
        const saved = await a.fixes.add(fix());
        expect(await b.fixes.add(fix({ title: 'another title', savedBy: 'U789', via: 'reaction' }))).toEqual(saved);
        // The same message id in another conversation is another message; no message id never de-duplicates.
        expect((await b.fixes.add(fix({ conversation: 'C2' }))).id).toBe('fix-2');
        expect((await a.fixes.add(fix({ messageId: null }))).id).toBe('fix-3');
        expect((await b.fixes.add(fix({ messageId: null }))).id).toBe('fix-4');
        expect(await a.fixes.list()).toHaveLength(4);
      });

      it('saved by two processes at once get distinct ids, and one message saved twice at once is one fix', async () => {
        const [a, b] = await two();
        const saved = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).fixes.add(fix({ messageId: `m${i}` }))),
        );
        expect(new Set(saved.map((f) => f.id)).size).toBe(20);
        const same = await Promise.all([
          a.fixes.add(fix({ messageId: 'dup' })),
          b.fixes.add(fix({ messageId: 'dup' })),
        ]);
        expect(same[0]).toEqual(same[1]);
        expect((await a.fixes.list()).filter((f) => f.messageId === 'dup')).toHaveLength(1);
      });

      it('delete removes one fix for both processes; its id is never given to another', async () => {
        const [a, b] = await two();
        await a.fixes.add(fix({ messageId: 'm1' }));
        await a.fixes.add(fix({ messageId: 'm2' }));
        expect(await b.fixes.delete('fix-2')).toBe(true);
        expect(await a.fixes.delete('fix-2')).toBe(false);
        expect(await a.fixes.get('fix-2')).toBeUndefined();
        expect(await a.fixes.byMessage('C123', 'm2')).toBeUndefined();
        expect((await a.fixes.add(fix({ messageId: 'm2' }))).id).toBe('fix-3'); // undo then re-save: a new id
        expect((await b.fixes.list()).map((f) => f.id)).toEqual(['fix-1', 'fix-3']);
      });
    });

    describe('forgetUser', () => {
      it("removes the user's log rows, feedback, threads (also those naming them) and the fixes they wrote; keeps the rest without their id", async () => {
        const [a, b] = await two();
        for (const user of ['U1', 'U2']) {
          await a.interactions.record(interaction({ user }));
          await a.interactions.record(interaction({ user, at: 2000 }));
          await a.feedback.add(feedback({ user }));
          await a.threads.set(`T-${user}`, thread({ user }));
          await a.settings.set(`C-${user}`, 'listen', 'off', user);
        }
        await a.threads.set('T-named', thread({ user: 'U3', lastFix: { messageId: '1.2', user: 'U1' } }));
        await a.threads.set('T-similar', thread({ user: 'U3', lastFix: { messageId: '1.4', user: 'U11' } }));
        await a.fixes.add(fix({ messageId: 'm1', author: 'U1', savedBy: 'U1' })); // wrote and saved
        await a.fixes.add(fix({ messageId: 'm2', author: 'U1', savedBy: 'U2' })); // wrote
        await a.fixes.add(fix({ messageId: 'm3', author: 'U2', savedBy: 'U1' })); // only saved
        expect(await b.forgetUser('U1')).toEqual({
          interactions: 2,
          feedback: 1,
          threads: 2,
          settings: 1,
          fixes: 2,
          fixesUnsaved: 1,
        });
        expect(await b.forgetUser('U1')).toEqual({
          interactions: 0,
          feedback: 0,
          threads: 0,
          settings: 0,
          fixes: 0,
          fixesUnsaved: 0,
        });
        expect((await a.interactions.list()).map((i) => i.user)).toEqual(['U2', 'U2']);
        expect((await a.feedback.list()).map((f) => f.user)).toEqual(['U2']);
        expect(await a.threads.get('T-U1')).toBeUndefined();
        expect(await a.threads.get('T-named')).toBeUndefined();
        expect(await a.threads.get('T-U2')).toEqual(thread({ user: 'U2' }));
        expect((await a.threads.get('T-similar'))?.lastFix?.user).toBe('U11');
        expect([...(await a.settings.all('listen')).keys()].sort()).toEqual(['C-U1', 'C-U2']);
        expect((await a.fixes.list()).map((f) => [f.id, f.author, f.savedBy])).toEqual([['fix-3', 'U2', null]]);
      });
    });

    describe('dataVersion', () => {
      it('stays while nobody writes, and changes when the other process writes', async () => {
        const [a, b] = await two();
        const writes: [string, () => Promise<unknown>][] = [
          ['a setting', () => b.settings.set('C1', 'listen', 'off')],
          ['feedback', () => b.feedback.add(feedback())],
          ['a saved fix', () => b.fixes.add(fix())],
          ['a deleted fix', () => b.fixes.delete('fix-1')],
          ['forgetUser', () => b.forgetUser('U1')],
        ];
        for (const [what, write] of writes) {
          const before = await a.dataVersion();
          expect(await a.dataVersion(), `nobody wrote before ${what}`).toBe(before);
          await write();
          expect(await a.dataVersion(), `after ${what}`).not.toBe(before);
        }
      });
    });

    describe('opening and closing', () => {
      it('two processes opening a new store at once both work on the same data', async () => {
        const place = await backend.place();
        const [a, b] = await Promise.all([place.open(), place.open()]);
        opened.push(a, b);
        await a.settings.set('C1', 'listen', 'off');
        expect(await b.settings.get('C1', 'listen')).toBe('off');
      });

      it('close is idempotent, and afterwards every call rejects with storage_closed', async () => {
        const s = await one();
        opened.splice(opened.indexOf(s), 1);
        await s.close();
        await s.close();
        const calls: (() => Promise<unknown>)[] = [
          () => s.threads.get('T1'),
          () => s.threads.set('T1', thread()),
          () => s.delivered.claim('Ev1'),
          () => s.delivered.done('Ev1'),
          () => s.delivered.release('Ev1'),
          () => s.delivered.releaseStaleClaims(),
          () => s.settings.get('C1', 'listen'),
          () => s.settings.set('C1', 'listen', 'on'),
          () => s.settings.all('listen'),
          () => s.interactions.record(interaction()),
          () => s.interactions.list(),
          () => s.feedback.add(feedback()),
          () => s.feedback.list(),
          () => s.fixes.add(fix()),
          () => s.fixes.get('fix-1'),
          () => s.fixes.list(),
          () => s.fixes.delete('fix-1'),
          () => s.fixes.byMessage('C1', 'm1'),
          () => s.forgetUser('U1'),
          () => s.dataVersion(),
        ];
        for (const call of calls) expect((await rejection(call())).code).toBe('storage_closed');
      });
    });
  });
}

// Needs no server: runs wherever the suite runs.
describe('Postgres unavailable', () => {
  it('an unreachable server is a StorageError naming host and port, never the password', async () => {
    const port = await closedPort();
    const error = await rejection(openPostgresStorage(`postgres://kbbot:s3cret-pw@127.0.0.1:${port}/kbbot`));
    expect(error.code).toBe(UNAVAILABLE);
    expect(error.message).toContain(`127.0.0.1:${port}/kbbot`);
    expect(error.message).toMatch(/ECONNREFUSED|refused/);
    expect(error.message).not.toContain('s3cret-pw');
    expect(String(error.stack)).not.toContain('s3cret-pw');
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
