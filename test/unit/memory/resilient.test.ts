// The storage as the bot gets it from main.ts (src/memory/resilient.ts): when the disk fills up
// while running, the bot keeps answering (de-duplication in memory), says so once a minute in the
// log rather than once per message, reports "degraded" for readiness, refuses feedback it cannot
// keep (so the clicker is told), and catches up when space returns.
import { afterAll, describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot } from '../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../src/bot/learning.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { asyncFromSync } from '../../../src/memory/async-types.js';
import { ResilientStorage, STORAGE_HEALTH_DEFAULTS } from '../../../src/memory/resilient.js';
import { StorageError } from '../../../src/memory/sqlite/errors.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import { tempDir } from '../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';
import { clock, dataDirs, fillableStorage, recorder } from './disk-full.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const tmp = tempDir('kbbot-resilient-');
afterAll(tmp.cleanup);

const newDir = dataDirs(tmp.dir);

/** What main.ts builds: the bot on the resilient storage, driven like an adapter does. */
async function setup(options: { now?: () => number } = {}) {
  const dir = newDir();
  const disk = fillableStorage(dir);
  const log = recorder();
  const storage = new ResilientStorage(disk.storage, { log, ...options });
  const shared = asyncFromSync(storage);
  const bot = new Bot(kb, {
    ranker,
    threads: shared.threads,
    learning: new FeedbackLearning(shared.feedback),
    interactions: shared.interactions,
    dataVersion: () => shared.dataVersion(),
  });
  const chat = new FakeAdapter(bot, { conversation: 'C1' });
  /** One delivery as an adapter handles it: claim, reply, done; null when it was a repeat. */
  const deliver = async (eventId: string, text: string, thread?: string) => {
    if (!storage.delivered.claim(`slack:${eventId}`)) return 'duplicate';
    try {
      const reply = await chat.say(text, thread ? { thread } : {});
      storage.delivered.done(`slack:${eventId}`);
      return reply;
    } catch (err) {
      storage.delivered.release(`slack:${eventId}`);
      throw err;
    }
  };
  return { dir, disk, log, storage, chat, deliver };
}

const storageWarnings = (lines: string[]): string[] => lines.filter((l) => l.startsWith('warn: storage'));

describe('with the disk full', () => {
  it('answers all 20 mentions, de-duplicates in memory, and logs each kind of failure once, with a count', async () => {
    const { disk, log, storage, deliver } = await setup();
    expect(storage.health()).toEqual({ status: 'ok' });
    disk.setFull(true);
    for (let i = 1; i <= 20; i++) {
      const reply = await deliver(`Ev${i}`, SEED_PASTE);
      expect(reply, `mention ${i}`).toMatchObject({ kind: 'answer', answer: { id: 'Q290226' } });
    }
    expect(disk.refused).toBeGreaterThanOrEqual(20); // the disk really refused them
    // Slack's retry of an answered event is still recognised, from memory
    expect(await deliver('Ev7', SEED_PASTE)).toBe('duplicate');

    const warnings = storageWarnings(log.lines);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(3); // delivered ids, threads, the interaction log: once each
    for (const w of warnings) expect(w).toContain('database or disk is full');
    const kinds = warnings.map((w) => /cannot write (.+?) \(/.exec(w)?.[1]);
    expect(new Set(kinds).size).toBe(warnings.length);

    const health = storage.health();
    expect(health).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });
    expect(health.status === 'degraded' && health.failures).toBeGreaterThanOrEqual(20);
    expect(health.status === 'degraded' && health.lastError).toContain('database or disk is full');
  });

  it('keeps a thread in memory so follow-ups work, and writes it and the log to disk when space returns', async () => {
    const { dir, disk, log, storage, deliver } = await setup();
    disk.setFull(true);
    const first = await deliver('Ev1', SEED_PASTE, 'T-full');
    expect(first).toMatchObject({ kind: 'answer', answer: { id: 'Q290226' } });
    const next = await deliver('Ev2', 'the other one', 'T-full');
    expect(next).toMatchObject({ kind: 'answer' });
    expect(next).not.toMatchObject({ answer: { id: 'Q290226' } }); // the second candidate: the thread was remembered

    disk.setFull(false);
    expect(await deliver('Ev3', 'Q174743', 'T-other')).toMatchObject({ kind: 'answer' });
    expect(storage.health()).toEqual({ status: 'ok' });
    expect(log.lines.filter((l) => l.startsWith('info: storage'))).toEqual([
      expect.stringMatching(
        /^info: storage: writable again after \d+ failed calls over \d+ s; wrote 1 thread\(s\) and 1 log row\(s\)/,
      ),
    ]);

    // What a restarted bot reads: the thread written while the disk was full, and every message in the log.
    const reopened = openStorage(dir);
    try {
      expect(reopened.threads.get('C1\u0000T-full')?.shown).toBe(1); // the follow-up moved to the second article
      expect(reopened.interactions.list()).toHaveLength(2); // the paste (written late) and the lookup; follow-ups are not logged
      expect(reopened.delivered.claim('slack:Ev3')).toBe(false);
    } finally {
      reopened.close();
    }
  });

  it('refuses feedback it cannot keep, so the person clicking is told; the bot still answers', async () => {
    const { disk, storage, chat, deliver } = await setup();
    const answer = await deliver('Ev1', SEED_PASTE, 'T-fb');
    expect(answer).toMatchObject({ kind: 'answer', answer: { id: 'Q290226' } });
    disk.setFull(true);
    await expect(chat.press('helpful', 'Q290226', 'T-fb')).rejects.toThrow(StorageError);
    await expect(chat.press('helpful', 'Q290226', 'T-fb')).rejects.toThrow(/database or disk is full/);
    expect(storage.feedback.list()).toEqual([]); // nothing pretends to be kept
    expect(await deliver('Ev2', SEED_PASTE, 'T-fb2')).toMatchObject({ kind: 'answer' });
    disk.setFull(false);
    expect(await chat.press('helpful', 'Q290226', 'T-fb')).toMatchObject({ kind: 'text' });
    expect(storage.feedback.list()).toHaveLength(1);
  });

  it('logs a kind again only after a minute, with how many failed meanwhile', async () => {
    const c = clock();
    const { disk, log, storage } = await setup({ now: c.now });
    disk.setFull(true);
    for (let i = 0; i < 5; i++) storage.interactions.record(row(i));
    expect(storageWarnings(log.lines)).toHaveLength(1);
    c.advance(STORAGE_HEALTH_DEFAULTS.logEveryMs - 1);
    storage.interactions.record(row(5));
    expect(storageWarnings(log.lines)).toHaveLength(1);
    c.advance(1);
    storage.interactions.record(row(6));
    const warnings = storageWarnings(log.lines);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/cannot write the interaction log \(7 failed writes so far; /);
  });

  it('frees a claim whose release failed once space returns, so the re-delivery is answered', async () => {
    const { disk, storage } = await setup();
    expect(storage.delivered.claim('slack:Ev1')).toBe(true); // on disk
    disk.setFull(true);
    storage.delivered.release('slack:Ev1'); // the reply failed, and the release cannot reach the disk
    disk.setFull(false);
    expect(storage.delivered.claim('slack:Ev1')).toBe(true); // Slack's retry
    expect(storage.delivered.claim('slack:Ev1')).toBe(false);
  });

  it("never writes a forgotten user's messages kept in memory, even when the forget is what ends the outage", async () => {
    const { dir, disk, storage, chat } = await setup();
    disk.setFull(true);
    await chat.say(SEED_PASTE, { user: 'U1', thread: 'T-U1' });
    await chat.say(SEED_PASTE, { user: 'U2', thread: 'T-U2' });
    disk.setFull(false);
    storage.forgetUser('U1'); // the first write that succeeds: the catch-up of what was kept follows it
    const reopened = openStorage(dir);
    try {
      expect(reopened.interactions.list().map((r) => r.user)).toEqual(['U2']);
      expect(reopened.threads.get('C1\u0000T-U1')).toBeUndefined();
      expect(reopened.threads.get('C1\u0000T-U2')?.user).toBe('U2');
    } finally {
      reopened.close();
    }
  });

  it('does not hide a bug: an error that is not the storage failing goes to the caller', async () => {
    const { storage } = await setup();
    expect(() => storage.threads.set('T1', null as never)).toThrow(TypeError);
    expect(storage.health()).toEqual({ status: 'ok' });
  });
});

function row(i: number) {
  return {
    at: 1_700_000_000_000 + i,
    user: 'U1',
    conversation: 'C1',
    thread: `T${i}`,
    intent: 'error_paste',
    outcome: 'answered' as const,
    articleId: 'Q290226',
    confidence: 0.99,
    text: SEED_PASTE,
    signature: [],
  };
}
