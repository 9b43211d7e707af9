/**
 * Slack with the disk full (issue #22): the real Bolt App over real HTTP, nock standing in for
 * Slack's Web API, and the bot's storage as main.ts builds it (the resilient wrapper around the
 * SQLite storage, every call a Promise) on a disk that fills up (../../memory/disk-full.ts). Twenty mentions must get
 * twenty answers, a retry none, the log one line per kind of failure rather than one per event, and
 * a "helped" click that cannot be kept must tell the person clicking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import type { Deliveries } from '../../../../src/adapters/delivered.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { AsyncResilientStorage } from '../../../../src/memory/async-resilient.js';
import { asyncFromSync, type AsyncDeliveredActivities } from '../../../../src/memory/async-types.js';
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import { keptLogger } from '../../../helpers/log.js';
import { button, mention, retryHeaders, sendInteraction, sendJson, type Body } from '../../../helpers/slack.js';
import { fillableStorage, type FillableStorage } from '../../memory/disk-full.js';
import { FakeSlack, LOOPBACK_APP, startApp } from './harness.js';

const kb = seedKb();

const fake = new FakeSlack();
const posts = (): Body[] => fake.posted();
const responses = (): Body[] => fake.posted('response_url');
const handled: Handled[] = [];
let waiters: { until: () => boolean; resolve: () => void }[] = [];
const { logger: log, lines: logLines } = keptLogger('warn');

const data = tempDir('kbbot-slack-disk-full-');
let disk: FillableStorage;
let storage: AsyncResilientStorage;
let slack: SlackApp;
let endpoint: string;

/** Something happened: wake the waits it satisfies. */
function changed(): void {
  waiters = waiters.filter((w) => (w.until() ? (w.resolve(), false) : true));
}

function onHandled(h: Handled): void {
  handled.push(h);
  changed();
}

/** Resolves once `until` holds (checked on every delivery handled and every call to the fake API); fails after a generous bound. */
function waitFor(until: () => boolean, what: string): Promise<void> {
  if (until()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what}: not in time; handled ${JSON.stringify(handled)}`)),
      15_000,
    );
    waiters.push({ until, resolve: () => (clearTimeout(timer), resolve()) });
  });
}

/** A signed POST to the app; resolves with the status. */
const send = async (payload: Body, headers: Record<string, string> = {}): Promise<number> =>
  (await sendJson(endpoint, payload, { headers })).status;

/** Slack's and Teams' ids in one store, as main.ts keys them. */
const slackIds = (delivered: AsyncDeliveredActivities): Deliveries => ({
  claim: (key) => delivered.claim(`slack:${key}`),
  done: (key) => delivered.done(`slack:${key}`),
  release: (key) => delivered.release(`slack:${key}`),
});

beforeAll(async () => {
  fake.install();
  fake.onCall = () => setImmediate(changed);
  disk = fillableStorage(data.dir);
  storage = new AsyncResilientStorage(asyncFromSync(disk.storage), { log });
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot: new Bot(kb, {
      ranker: Ranker.build(kb),
      threads: storage.threads,
      learning: new FeedbackLearning(storage.feedback),
      interactions: storage.interactions,
      dataVersion: () => storage.dataVersion(),
    }),
    listening: new StoredListeningStore(storage.settings, []),
    dedupe: slackIds(storage.delivered),
    logger: log,
    onHandled,
  });
  endpoint = await startApp(slack);
});

afterAll(async () => {
  await slack.stop();
  await storage.close();
  fake.uninstall();
  data.cleanup();
});

describe('Slack with the disk full', () => {
  it('answers all 20 mentions, not a retry twice, and logs the storage failure once per kind', async () => {
    disk.setFull(true);
    const replied = () => handled.filter((h) => h.kind === 'event' && h.outcome === 'replied').length;
    for (let i = 1; i <= 20; i++)
      expect(await send(mention(SEED_PASTE, 'C1', `1700000100.0000${i}`, `EvFull${i}`))).toBe(200);
    await waitFor(() => replied() >= 20, '20 replies');
    expect(
      posts()
        .map((p) => p.thread_ts)
        .sort(),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `1700000100.0000${i + 1}`).sort());
    expect(disk.refused).toBeGreaterThanOrEqual(20); // the disk did refuse them

    // Slack's retry of one of them (same event_id) is recognised from memory, not answered again.
    await send(mention(SEED_PASTE, 'C1', '1700000100.00007', 'EvFull7'), retryHeaders(1));
    await waitFor(() => handled.some((h) => h.outcome === 'duplicate'), 'the retry dropped');
    expect(posts()).toHaveLength(20);

    const storageLines = logLines.filter((l) => l.includes('database or disk is full'));
    expect(storageLines.length).toBeGreaterThan(0);
    expect(storageLines.length).toBeLessThanOrEqual(3); // delivered ids, threads, the interaction log
    expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });
  });

  it('tells the person clicking "that helped" when their feedback cannot be kept', async () => {
    disk.setFull(true);
    const before = handled.length;
    const click = button('kb_helpful', 'Q290226', { channel: 'C1', threadTs: '1700000100.00001' });
    expect((await sendInteraction(endpoint, click)).status).toBe(200);
    await waitFor(() => handled.slice(before).some((h) => h.kind === 'action'), 'the click handled');
    expect(handled.slice(before).find((h) => h.kind === 'action')).toMatchObject({ outcome: 'failed' });
    await waitFor(() => responses().length > 0, 'the clicker told');
    expect(responses().at(-1)).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(responses().at(-1))).not.toMatch(/thank/i);
    expect(await storage.feedback.list()).toEqual([]);
  });
});
