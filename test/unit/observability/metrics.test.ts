// What the metrics count, each from where it happens: a registry per Metrics (two side by side), the
// bot's outcomes (answered, did_you_mean, no_match, silent) through BotMeter, Slack Web API calls,
// errors and retries through the metered fetch, Bot Connector calls through withRetry's onCall,
// and storage errors through the counting storage under AsyncResilientStorage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../src/adapters/teams/retry.js';
import { Bot } from '../../../src/bot/bot.js';
import type { IncomingMessage } from '../../../src/bot/message.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { AsyncResilientStorage } from '../../../src/memory/async-resilient.js';
import { asyncFromSync } from '../../../src/memory/async-types.js';
import { StorageError } from '../../../src/memory/sqlite/errors.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import { BotMeter } from '../../../src/observability/bot.js';
import { meteredFetch, slackMethodOf, teamsRetryObserver } from '../../../src/observability/chat-api.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { countingStorageErrors } from '../../../src/observability/storage.js';
import { keptLogger } from '../../helpers/log.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const hit = (metric?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return hit?.value ?? 0;
}

const message = (text: string, via: IncomingMessage['via'] = 'mention'): IncomingMessage => ({
  text,
  user: 'U1',
  conversation: 'C1',
  thread: `T${Math.random()}`,
  via,
});

describe('Metrics', () => {
  it('keeps a registry per instance: two count apart, and the default process metrics are there', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.feedback.inc({ helpful: 'true' });
    expect(await value(a, 'kbbot_feedback_total', { helpful: 'true' })).toBe(1);
    expect(await value(b, 'kbbot_feedback_total', { helpful: 'true' })).toBe(0);
    expect(await a.registry.metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('counts the bot outcomes: answered, did_you_mean, no_match, silent; the intents; one log line each', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const { logger, records } = keptLogger('debug');
    const meter = new BotMeter(metrics, logger);
    const bot = meter.wrap(new Bot(kb, { ranker, onEvent: (e) => meter.noteEvent(e) }), 'console');
    expect((await bot.respond(message(SEED_PASTE)))?.kind).toBe('answer');
    expect((await bot.respond(message('how do I reset the fax modem of the print server?')))?.kind).toBe('no_match');
    expect((await bot.respond(message('error: qwzx plorb vintage zebra failed')))?.kind).toBe('suggestions');
    expect(await bot.respond(message('anyone for lunch?', 'overheard'))).toBeNull();
    expect(await value(metrics, 'kbbot_answers_total', { platform: 'console', outcome: 'answered' })).toBe(1);
    expect(await value(metrics, 'kbbot_answers_total', { outcome: 'no_match' })).toBe(1);
    expect(await value(metrics, 'kbbot_answers_total', { outcome: 'did_you_mean' })).toBe(1);
    expect(await value(metrics, 'kbbot_answers_total', { outcome: 'silent' })).toBe(1);
    expect(await value(metrics, 'kbbot_messages_total', { via: 'mention', intent: 'error_paste' })).toBe(1);
    expect(await value(metrics, 'kbbot_messages_total', { via: 'overheard' })).toBe(1);
    const answered = records.find((r) => r.outcome === 'answered');
    expect(answered).toMatchObject({ level: 'info', platform: 'console', intent: 'error_paste', articleId: 'Q290226' });
    expect(typeof answered?.latencyMs).toBe('number');
    expect(records.find((r) => r.outcome === 'silent')).toMatchObject({ level: 'debug' });
    // Never the message text.
    expect(JSON.stringify(records)).not.toContain('0xc0020002');
  });

  it('Slack Web API: each call by method and outcome; a 429 and a platform error counted; the repeat a retry', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const answers = [
      new Response('{"ok":false,"error":"ratelimited"}', { status: 429 }),
      new Response('{"ok":true}', { status: 200 }),
      new Response('{"ok":false,"error":"channel_not_found"}', { status: 200 }),
    ];
    const f = meteredFetch(metrics, () => Promise.resolve(answers.shift() as Response));
    const body = 'channel=C1&text=hi';
    expect((await f('https://slack.com/api/chat.postMessage', { method: 'POST', body })).status).toBe(429);
    expect((await f('https://slack.com/api/chat.postMessage', { method: 'POST', body })).status).toBe(200);
    await f('https://slack.com/api/chat.postMessage', { method: 'POST', body: 'channel=C2&text=hi' });
    const failing = meteredFetch(metrics, () => Promise.reject(new TypeError('fetch failed')));
    await expect(failing('https://slack.com/api/reactions.add', { method: 'POST', body: 'x' })).rejects.toThrow();
    const m = 'chat.postMessage';
    expect(await value(metrics, 'kbbot_chat_api_calls_total', { method: m, outcome: 'ok' })).toBe(1);
    expect(await value(metrics, 'kbbot_chat_api_calls_total', { method: m, outcome: 'error' })).toBe(2);
    expect(await value(metrics, 'kbbot_chat_api_errors_total', { method: m, reason: 'http_429' })).toBe(1);
    expect(await value(metrics, 'kbbot_chat_api_errors_total', { method: m, reason: 'channel_not_found' })).toBe(1);
    expect(await value(metrics, 'kbbot_chat_api_errors_total', { method: 'reactions.add', reason: 'network' })).toBe(1);
    expect(await value(metrics, 'kbbot_chat_api_retries_total', { platform: 'slack', method: m })).toBe(1);
    expect(slackMethodOf('http://127.0.0.1:9/api/auth.test?x=1')).toBe('auth.test');
  });

  it('Teams Bot Connector: every attempt of withRetry a call, every repeat a retry', async () => {
    const metrics = new Metrics({ processMetrics: false });
    let attempts = 0;
    const result = await withRetry(
      () =>
        ++attempts < 3
          ? Promise.reject(Object.assign(new Error('busy'), { statusCode: 429 }))
          : Promise.resolve('sent'),
      { sleep: () => Promise.resolve(), onCall: teamsRetryObserver(metrics) },
    );
    expect(result).toBe('sent');
    expect(await value(metrics, 'kbbot_chat_api_calls_total', { platform: 'teams', outcome: 'error' })).toBe(2);
    expect(await value(metrics, 'kbbot_chat_api_calls_total', { platform: 'teams', outcome: 'ok' })).toBe(1);
    expect(await value(metrics, 'kbbot_chat_api_errors_total', { platform: 'teams', reason: 'http_429' })).toBe(2);
    expect(await value(metrics, 'kbbot_chat_api_retries_total', { platform: 'teams' })).toBe(2);
  });

  it('storage errors: each failed call counted by code, the AsyncResilientStorage above it still in charge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbbot-metrics-'));
    const metrics = new Metrics({ processMetrics: false });
    const real = openStorage(dir);
    try {
      const failing = new Proxy(real, {
        get(target, prop) {
          if (prop !== 'interactions') return Reflect.get(target, prop, target) as unknown;
          return {
            ...target.interactions,
            record: () => {
              throw new StorageError('storage_unwritable', 'disk full');
            },
          };
        },
      });
      const storage = new AsyncResilientStorage(
        countingStorageErrors(asyncFromSync(failing), (e) => metrics.storageErrors.inc({ code: e.code })),
        { log: { warn: () => undefined, info: () => undefined } },
      );
      const row = {
        at: 1,
        user: 'U',
        conversation: 'C',
        thread: 'T',
        intent: 'question',
        outcome: 'answered' as const,
      };
      const full = { ...row, articleId: null, confidence: 1, text: null, signature: [] };
      await storage.interactions.record(full);
      await storage.interactions.record(full);
      expect(storage.health().status).toBe('degraded');
      expect(await value(metrics, 'kbbot_storage_errors_total', { code: 'storage_unwritable' })).toBe(2);
    } finally {
      real.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
