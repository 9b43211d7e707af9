/**
 * Slack with the disk full (issue #22): the real Bolt App over real HTTP, nock standing in for
 * Slack's Web API, and the bot's storage as main.ts builds it (the resilient wrapper around the
 * SQLite storage) on a disk that fills up (../../memory/disk-full.ts). Twenty mentions must get
 * twenty answers, a retry none, the log one line per kind of failure rather than one per event, and
 * a "helped" click that cannot be kept must tell the person clicking.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import type { DeliveredActivities } from '../../../../src/memory/types.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import { ResilientStorage } from '../../../../src/memory/resilient.js';
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import { fillableStorage, type FillableStorage } from '../../memory/disk-full.js';

const SECRET = 'storage-down-signing-secret';
const SLACK = 'https://slack.test';
const kb = seedKb();

type Body = Record<string, unknown>;
const posts: Body[] = [];
const responses: Body[] = [];
const handled: Handled[] = [];
let waiters: { until: () => boolean; resolve: () => void }[] = [];
const logLines: string[] = [];

const data = tempDir('kbbot-slack-disk-full-');
let disk: FillableStorage;
let storage: ResilientStorage;
let slack: SlackApp;
let endpoint: string;

function parseBody(raw: string): Body {
  try {
    return JSON.parse(raw) as Body;
  } catch {
    const out: Body = {};
    for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
    return out;
  }
}

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

/** A POST signed like Slack's (node:http, not fetch: nock/nock#2989). */
function send(body: string, contentType: string, headers: Record<string, string> = {}): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const mention = (eventId: string, ts: string): string =>
  JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000000,
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${SEED_PASTE}`, ts, event_ts: ts, channel: 'C1' },
  });

/** Slack's and Teams' ids in one store, as main.ts keys them. */
const slackIds = (delivered: DeliveredActivities): DeliveredActivities => ({
  claim: (key) => delivered.claim(`slack:${key}`),
  done: (key) => delivered.done(`slack:${key}`),
  release: (key) => delivered.release(`slack:${key}`),
});

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const record = (into: Body[]) => async (req: Request) => {
    into.push(parseBody(await req.text()));
    setImmediate(changed);
    return [200, { ok: true, ts: `1800000000.${String(into.length).padStart(6, '0')}`, channel: 'C1' }] as const;
  };
  nock(SLACK)
    .persist()
    .post('/api/auth.test')
    .reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' })
    .post('/api/chat.postMessage')
    .reply(record(posts))
    .post(/^\/respond\//)
    .reply(record(responses));

  disk = fillableStorage(data.dir);
  const log = createLogger(
    'warn',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  );
  storage = new ResilientStorage(disk.storage, { log });
  slack = createSlackApp({
    bot: new Bot(kb, {
      ranker: Ranker.build(kb),
      threads: storage.threads,
      learning: new FeedbackLearning(storage.feedback, {}, () => storage.dataVersion()),
      interactions: storage.interactions,
    }),
    botToken: 'xoxb-test',
    signingSecret: SECRET,
    apiUrl: `${SLACK}/api/`,
    port: 0,
    host: '127.0.0.1',
    listening: new StoredListeningStore(storage.settings, []),
    dedupe: slackIds(storage.delivered),
    logger: log,
    clientOptions: { retryConfig: { retries: 0 } },
    onHandled,
  });
  const { port } = await slack.start();
  endpoint = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await slack.stop();
  storage.close();
  nock.cleanAll();
  nock.enableNetConnect();
  data.cleanup();
});

describe('Slack with the disk full', () => {
  it('answers all 20 mentions, not a retry twice, and logs the storage failure once per kind', async () => {
    disk.setFull(true);
    const replied = () => handled.filter((h) => h.kind === 'event' && h.outcome === 'replied').length;
    for (let i = 1; i <= 20; i++)
      expect(await send(mention(`EvFull${i}`, `1700000100.0000${i}`), 'application/json')).toBe(200);
    await waitFor(() => replied() >= 20, '20 replies');
    expect(posts.map((p) => p.thread_ts).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `1700000100.0000${i + 1}`).sort(),
    );
    expect(disk.refused).toBeGreaterThanOrEqual(20); // the disk did refuse them

    // Slack's retry of one of them (same event_id) is recognised from memory, not answered again.
    await send(mention('EvFull7', '1700000100.00007'), 'application/json', {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    await waitFor(() => handled.some((h) => h.outcome === 'duplicate'), 'the retry dropped');
    expect(posts).toHaveLength(20);

    const storageLines = logLines.filter((l) => l.includes('database or disk is full'));
    expect(storageLines.length).toBeGreaterThan(0);
    expect(storageLines.length).toBeLessThanOrEqual(3); // delivered ids, threads, the interaction log
    expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });
  });

  it('tells the person clicking "that helped" when their feedback cannot be kept', async () => {
    disk.setFull(true);
    const before = handled.length;
    const payload = {
      type: 'block_actions',
      team: { id: 'T1', domain: 'test' },
      user: { id: 'U1', name: 'ann' },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: 'trig1',
      container: { type: 'message', message_ts: '1800000000.000001', channel_id: 'C1', thread_ts: '1700000100.00001' },
      channel: { id: 'C1', name: 'general' },
      response_url: `${SLACK}/respond/helpful1`,
      message: { type: 'message', user: 'UBOT', ts: '1800000000.000001', thread_ts: '1700000100.00001', text: 'x' },
      actions: [
        {
          type: 'button',
          action_id: 'kb_helpful',
          block_id: 'b1',
          value: 'Q290226',
          action_ts: '1700000000.1',
          text: { type: 'plain_text', text: 'x' },
        },
      ],
    };
    const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(await send(form, 'application/x-www-form-urlencoded')).toBe(200);
    await waitFor(() => handled.slice(before).some((h) => h.kind === 'action'), 'the click handled');
    expect(handled.slice(before).find((h) => h.kind === 'action')).toMatchObject({ outcome: 'failed' });
    await waitFor(() => responses.length > 0, 'the clicker told');
    expect(responses.at(-1)).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(responses.at(-1))).not.toMatch(/thank/i);
    expect(storage.feedback.list()).toEqual([]);
  });
});
