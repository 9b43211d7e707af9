// /healthz, /readyz and /metrics where main mounts them: on the real Bolt App's HTTP port (Bolt
// customRoutes), on the real Teams server's port, and on a server of their own (METRICS_PORT); and
// the metrics counting what a user would notice: a real answered message and a no-match over Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../src/adapters/slack/app.js';
import { MemoryDeliveredEvents } from '../../../src/adapters/slack/delivered-events.js';
import { MemoryListeningStore } from '../../../src/adapters/slack/listening.js';
import { createTeamsServer, type TeamsServer } from '../../../src/adapters/teams/server.js';
import { Bot } from '../../../src/bot/bot.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../src/log.js';
import { BotMeter } from '../../../src/observability/bot.js';
import { meteredFetch } from '../../../src/observability/chat-api.js';
import { Health, listenHealth } from '../../../src/observability/health.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { postJson } from '../../helpers/http.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';
import { mention, sendJson } from '../../helpers/slack.js';
import { FakeSlack, fakeSocketMode, LOOPBACK_APP, Outcomes } from '../adapters/slack/harness.js';
import nock from 'nock';

const kb = seedKb();
const ranker = Ranker.build(kb);
const logger = createLogger('error');

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The value of one sample of the exposition (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** A bot measured by `meter`, as main wires it. */
function meteredBot(): { metrics: Metrics; meter: BotMeter; bot: Bot } {
  const metrics = new Metrics({ version: '9.9.9', processMetrics: false });
  const meter = new BotMeter(metrics, logger);
  const bot = new Bot(kb, { ranker, onEvent: (e) => meter.noteEvent(e) });
  metrics.kbLoaded(kb.size);
  return { metrics, meter, bot };
}

describe('Slack HTTP port (the real Bolt App)', () => {
  const fake = new FakeSlack();
  const outcomes = new Outcomes();
  const { metrics, meter, bot } = meteredBot();
  const health = new Health(metrics);
  let slack: SlackApp;
  let base = '';
  beforeAll(async () => {
    fake.install();
    slack = createSlackApp({
      ...LOOPBACK_APP,
      bot: meter.wrap(bot, 'slack'),
      listening: new MemoryListeningStore(),
      dedupe: new MemoryDeliveredEvents(),
      logger,
      onHandled: outcomes.onHandled,
      clientOptions: { ...LOOPBACK_APP.clientOptions, fetch: meteredFetch(metrics) },
      extraRoutes: health.routes(),
    });
    health.check('chat', () => ({ ok: slack.connected }));
    const { port } = await slack.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await slack.stop(0);
    fake.uninstall();
  });

  it('/healthz is 200, /readyz 200 with its checks once connected, /metrics the Prometheus text', async () => {
    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { chat: { ok: true } } });
    const m = await get(`${base}/metrics`);
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(m.body, 'kbbot_build_info', { version: '9.9.9' })).toBe(1);
    expect(sample(m.body, 'kbbot_kb_articles')).toBe(5);
    // The start-up token check went through the metered fetch.
    expect(sample(m.body, 'kbbot_chat_api_calls_total', { method: 'auth.test', outcome: 'ok' })).toBe(1);
  });

  it('counts a real answered message and a no-match, their latency, and the replies posted', async () => {
    const endpoint = `${base}/slack/events`;
    const answered = outcomes.next((h) => h.what === 'app_mention');
    expect((await sendJson(endpoint, mention(SEED_PASTE, 'C1'))).status).toBe(200);
    await answered;
    const noMatch = outcomes.next((h) => h.what === 'app_mention');
    expect((await sendJson(endpoint, mention('qwzx plorb vintage zebra', 'C1'))).status).toBe(200);
    await noMatch;
    const text = (await get(`${base}/metrics`)).body;
    expect(sample(text, 'kbbot_answers_total', { platform: 'slack', outcome: 'answered' })).toBe(1);
    expect(sample(text, 'kbbot_answers_total', { platform: 'slack', outcome: 'no_match' })).toBe(1);
    expect(sample(text, 'kbbot_messages_total', { platform: 'slack', via: 'mention', intent: 'error_paste' })).toBe(1);
    expect(sample(text, 'kbbot_match_duration_seconds_count', { platform: 'slack' })).toBe(2);
    expect(sample(text, 'kbbot_chat_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(2);
  });

  it('/readyz is 503 naming the failing check once the app stops taking deliveries', async () => {
    health.check('storage', () => ({ ok: false, detail: 'storage_unwritable: 3 failed call(s)' }));
    const res = await get(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({
      status: 'not ready',
      failing: ['storage'],
      checks: { storage: { ok: false, detail: 'storage_unwritable: 3 failed call(s)' }, chat: { ok: true } },
    });
    health.check('storage', () => ({ ok: true }));
  });
});

describe('Teams port (the real Teams server)', () => {
  const { metrics, meter, bot } = meteredBot();
  const health = new Health(metrics);
  let teams: TeamsServer;
  beforeAll(async () => {
    teams = createTeamsServer({
      bot: meter.wrap(bot, 'teams'),
      port: 0,
      logger,
      routes: (req, res) => health.handle(req, res),
    });
    health.check('chat', () => ({ ok: teams.listening }));
    await teams.start();
  });
  afterAll(() => teams.stop(0));

  it('serves /healthz, /readyz and /metrics beside /api/messages; other paths stay 404', async () => {
    expect((await get(`${teams.url}/healthz`)).status).toBe(200);
    const ready = await get(`${teams.url}/readyz`);
    expect([ready.status, JSON.parse(ready.body)]).toEqual([200, { status: 'ready', checks: { chat: { ok: true } } }]);
    expect(sample((await get(`${teams.url}/metrics`)).body, 'kbbot_kb_articles')).toBe(5);
    expect((await get(`${teams.url}/nothing-here`)).status).toBe(404);
    expect((await postJson(`${teams.url}/readyz`, {})).status).toBe(405);
  });
});

describe('a port of its own (METRICS_PORT: console, Socket Mode)', () => {
  it('serves the three routes, and /readyz turns 503 the moment shutdown begins', async () => {
    const { metrics } = meteredBot();
    const health = new Health(metrics).check('kb', () => ({ ok: true, detail: '5 articles' }));
    const server = await listenHealth(health, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await get(`${base}/healthz`)).status).toBe(200);
      expect((await get(`${base}/readyz`)).status).toBe(200);
      expect((await get(`${base}/metrics`)).body).toContain('kbbot_kb_articles 5');
      expect((await get(`${base}/`)).status).toBe(404);
      health.beginShutdown();
      const res = await get(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ failing: ['shutdown'], checks: { shutdown: { ok: false } } });
      expect((await get(`${base}/healthz`)).status).toBe(200); // still alive while it drains
    } finally {
      await server.close();
    }
  });
});

describe('Socket Mode: METRICS_PORT, readiness following the socket', () => {
  it('is ready once the socket connects, not once it drops or the app stops; counts apps.connections.open', async () => {
    const socketServer = await fakeSocketMode();
    const SLACK = 'https://slack.test';
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock(SLACK)
      .persist()
      .post('/api/auth.test')
      .reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' })
      .post('/api/apps.connections.open')
      .reply(200, () => ({ ok: true, url: socketServer.url }));
    const { metrics, meter, bot } = meteredBot();
    const health = new Health(metrics);
    const socket = createSlackApp({
      bot: meter.wrap(bot, 'slack'),
      botToken: 'xoxb-test',
      appToken: 'xapp-test',
      apiUrl: `${SLACK}/api/`,
      port: 0,
      listening: new MemoryListeningStore(),
      dedupe: new MemoryDeliveredEvents(),
      logger,
      clientOptions: { retryConfig: { retries: 0 }, fetch: meteredFetch(metrics) },
    });
    health.check('chat', () => ({ ok: socket.connected }));
    const server = await listenHealth(health, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await get(`${base}/readyz`)).status).toBe(503);
      await socket.start();
      expect((await get(`${base}/readyz`)).status).toBe(200);
      const text = (await get(`${base}/metrics`)).body;
      expect(sample(text, 'kbbot_chat_api_calls_total', { method: 'apps.connections.open', outcome: 'ok' })).toBe(1);
      await socket.stop(0);
      const after = await get(`${base}/readyz`);
      expect([after.status, JSON.parse(after.body).failing]).toEqual([503, ['chat']]);
    } finally {
      await server.close();
      await socketServer.close();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
