/**
 * Two bot processes (replicas) on one storage, each with its own caches (team fixes, feedback): a
 * fix saved through one leads the other's next answer to its error, a thread answered by one is
 * continued by the other, a "helped" given through one counts in the other's next answer, and an
 * undo through one stops the other leading with the fix from its next message (design-postgres.md
 * section 7: the data version is read once per message). Run on SQLite (two connections to one
 * DATA_DIR) and on Postgres (two pools on one database; skipped where no server can start).
 */
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot } from '../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../src/bot/learning.js';
import type { Reply } from '../../../src/bot/reply.js';
import { FixIndex } from '../../../src/fixes/index.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { asyncFromSync, type AsyncStorage } from '../../../src/memory/async-types.js';
import { openPostgresStorage } from '../../../src/memory/postgres/open.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import { tempDir } from '../../helpers/paths.js';
import { testPostgres } from '../../helpers/postgres.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const postgres = await testPostgres();

const ANA = 'U_ANA';
const CAROL = 'U_CAROL';
const FIX = 'restarted the KM service and re-ran update.exe';

/** A replica as main.ts wires it: the shared storage, caches of its own, a bot, and a chat on it. */
function replica(storage: AsyncStorage) {
  const learning = new FeedbackLearning(storage.feedback);
  const index = new FixIndex({ store: storage.fixes });
  const bot = new Bot(kb, {
    ranker,
    threads: storage.threads,
    learning,
    interactions: storage.interactions,
    dataVersion: () => storage.dataVersion(),
    fixes: { store: storage.fixes, index },
  });
  return { bot, learning, index, chat: new FakeAdapter(bot, { conversation: 'C_INCIDENT' }) };
}

/** The team fix an answer leads with, if any. */
const ledBy = (reply: Reply | null): string | undefined =>
  reply?.kind === 'answer' ? reply.teamFix?.id : reply?.kind === 'fix' ? reply.fix.id : undefined;

/** The story, on two storages open on the same data. */
async function twoReplicas(one: AsyncStorage, two: AsyncStorage): Promise<void> {
  const a = replica(one);
  const b = replica(two);
  await Promise.all([a.bot.refresh(), b.bot.refresh()]);
  expect([a.index.size, b.index.size, a.learning.size, b.learning.size]).toEqual([0, 0, 0, 0]);

  // Replica A answers the paste, and saves Ana's fix from the thread.
  const first = await a.chat.say(SEED_PASTE, { thread: 'T1', user: ANA });
  expect(first?.kind === 'answer' && first.answer.id).toBe('Q290226');
  expect(ledBy(first)).toBeUndefined();
  expect(await a.chat.say(`save fix: ${FIX}`, { thread: 'T1', user: ANA })).toMatchObject({
    kind: 'saved',
    fixId: 'fix-1',
  });

  // Replica B was told nothing: its next answer to the error leads with the fix.
  expect(await b.bot.knowsThread('C_INCIDENT', 'T1')).toBe(true);
  const elsewhere = await b.chat.say(SEED_PASTE, { conversation: 'C_OTHER', thread: 'T2', user: CAROL });
  expect(ledBy(elsewhere)).toBe('fix-1');
  expect(b.index.size).toBe(1);

  // B continues A's thread (its state is in the storage): "the other one" moves past the article A showed.
  const other = await b.chat.say('the other one', { thread: 'T1', user: ANA });
  expect(other?.kind).toBe('answer');
  expect(other?.kind === 'answer' && other.answer.id).not.toBe('Q290226');

  // "Helped" pressed on the fix, delivered to B: A's next message counts it.
  expect(await b.chat.press('helpful', 'fix-1', 'T2', { user: CAROL, conversation: 'C_OTHER' })).toMatchObject({
    kind: 'ack',
  });
  expect(a.learning.size).toBe(0);
  await a.chat.say('hello', { thread: 'T3', user: CAROL });
  expect(a.learning.list().map((f) => [f.articleId, f.user, f.helpful])).toEqual([['fix-1', CAROL, true]]);

  // Ana undoes the save through A: B no longer leads with it from its next message.
  expect(await a.chat.press('undo_fix', 'fix-1', 'T1', { user: ANA })).toMatchObject({ kind: 'ack' });
  const after = await b.chat.say(SEED_PASTE, { conversation: 'C_OTHER', thread: 'T4', user: CAROL });
  expect(after?.kind === 'answer' && after.answer.id).toBe('Q290226');
  expect(ledBy(after)).toBeUndefined();
  expect(b.index.size).toBe(0);

  // A replica starting now: `refresh` (awaited by main.ts before it logs the sizes) reads it all.
  const c = replica(two);
  await c.bot.refresh();
  expect([c.index.size, c.learning.size]).toEqual([0, 1]);
}

describe('a data version that cannot be read', () => {
  it('answers from what the caches hold, and reads again at the next message', async () => {
    const tmp = tempDir('kbbot-replicas-');
    const storage = asyncFromSync(openStorage(tmp.dir));
    try {
      let down = false;
      const index = new FixIndex({ store: storage.fixes });
      const bot = new Bot(kb, {
        ranker,
        threads: storage.threads,
        dataVersion: () => (down ? Promise.reject(new Error('connection reset')) : storage.dataVersion()),
        fixes: { store: storage.fixes, index },
      });
      const chat = new FakeAdapter(bot, { user: ANA });
      await chat.say(SEED_PASTE, { thread: 'T1' });
      expect(await chat.say(`save fix: ${FIX}`, { thread: 'T1' })).toMatchObject({ kind: 'saved' });
      down = true;
      await expect(bot.refresh()).resolves.toBeUndefined();
      expect(ledBy(await chat.say(SEED_PASTE, { thread: 'T2' }))).toBe('fix-1');
      // Back up, after another process deleted the fix (`kbbot fixes delete`): the next message reads it.
      const other = openStorage(tmp.dir);
      other.fixes.delete('fix-1');
      other.close();
      down = false;
      expect(ledBy(await chat.say(SEED_PASTE, { thread: 'T3' }))).toBeUndefined();
    } finally {
      await storage.close();
      tmp.cleanup();
    }
  });
});

describe('two replicas on one storage', () => {
  it('SQLite (two connections to one DATA_DIR): fixes, threads, feedback and undo cross from the next message on', async () => {
    const tmp = tempDir('kbbot-replicas-');
    const one = asyncFromSync(openStorage(tmp.dir));
    const two = asyncFromSync(openStorage(tmp.dir));
    try {
      await twoReplicas(one, two);
    } finally {
      await one.close();
      await two.close();
      tmp.cleanup();
    }
  });

  it.skipIf(postgres.skip !== undefined)(
    'Postgres (two pools on one database): fixes, threads, feedback and undo cross from the next message on',
    async () => {
      if (postgres.skip !== undefined) return;
      const { url } = await postgres.database();
      const one = await openPostgresStorage(url);
      const two = await openPostgresStorage(url);
      try {
        await twoReplicas(one, two);
      } finally {
        await one.close();
        await two.close();
      }
    },
    30_000,
  );
});
