/**
 * Starting the Slack adapter against an unlucky Web API (issue #22, defects 2 and 8): a failed
 * `auth.test` is retried, a rejected token or an unreachable API is one coded line, a port in use
 * too, and an event that arrives before the bot token is confirmed is refused so that Slack
 * retries it, then answered. The real Bolt App over loopback HTTP, nock for the Web API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp, type SlackAppOptions } from '../../../../src/adapters/slack/app.js';
import { MemoryDeliveredEvents } from '../../../../src/adapters/slack/delivered-events.js';
import { MemoryListeningStore } from '../../../../src/adapters/slack/listening.js';
import { Bot } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import { freePort } from '../../../helpers/http.js';
import { keptLogger } from '../../../helpers/log.js';
import { mention, retryHeaders, sendJson } from '../../../helpers/slack.js';
import { until } from '../../../helpers/wait.js';
import { FakeSlack, LOOPBACK_APP, occupy, Outcomes } from './harness.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const TOKEN = 'xoxb-test-secret-token';
const slack = new FakeSlack();
const outcomes = new Outcomes();
let apps: SlackApp[] = [];

function makeApp(overrides: Partial<SlackAppOptions> = {}): { app: SlackApp; lines: string[] } {
  const { logger, lines } = keptLogger('debug');
  const app = createSlackApp({
    ...LOOPBACK_APP,
    bot: new Bot(kb, { ranker }),
    botToken: TOKEN,
    listening: new MemoryListeningStore(),
    dedupe: new MemoryDeliveredEvents(),
    logger,
    onHandled: outcomes.onHandled,
    ...overrides,
  });
  apps.push(app);
  return { app, lines };
}

beforeAll(() => slack.install());
afterAll(() => slack.uninstall());
afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop(0).catch(() => undefined)));
  apps = [];
  slack.reset();
  outcomes.clear();
});

describe('Slack start-up', () => {
  it('retries a failed auth.test (a 429, then internal_error) and then answers', async () => {
    slack.behave['auth.test'] = (_body, attempt) =>
      attempt === 1
        ? [429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '0' }]
        : attempt === 2
          ? [200, { ok: false, error: 'internal_error' }]
          : undefined;
    const { app } = makeApp();
    const { port } = await app.start();
    expect(slack.attempts['auth.test']).toBe(3);
    const done = outcomes.next();
    const res = await sendJson(`http://127.0.0.1:${port}/slack/events`, mention(SEED_PASTE));
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ kind: 'event', outcome: 'replied' });
    expect(slack.posted()).toHaveLength(1);
  });

  it.each(['invalid_auth', 'account_inactive'])(
    'fails with one line (slack_auth_invalid) when Slack answers %s, without the token',
    async (error) => {
      slack.behave['auth.test'] = () => [200, { ok: false, error }];
      const { app, lines } = makeApp();
      const failure = await app.start().then(
        () => undefined,
        (err: unknown) => err as Error & { code?: string },
      );
      expect(failure).toMatchObject({ code: 'slack_auth_invalid' });
      expect(failure?.message).toContain(error);
      expect(failure?.message).not.toContain('\n');
      expect(failure?.message).not.toContain(TOKEN);
      expect(slack.attempts['auth.test']).toBe(1); // a rejected token is not retried
      expect(lines.join('\n')).not.toContain(TOKEN);
    },
  );

  it('fails with slack_unreachable within its start-up time when the Web API cannot be reached, and frees the port', async () => {
    const closed = await freePort();
    const port = await freePort();
    const { app } = makeApp({ apiUrl: `http://127.0.0.1:${closed}/api/`, port, startTimeoutMs: 1500 });
    const started = Date.now();
    const failure = await app.start().then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(failure).toMatchObject({ code: 'slack_unreachable' });
    expect(failure?.message).not.toContain('\n');
    expect(Date.now() - started).toBeLessThan(8000); // bounded, not Bolt's ten retries in thirty minutes
    // Nothing kept listening (so `npm start` can exit): the port it was given is free again.
    const again = makeApp({ port });
    slack.behave['auth.test'] = () => undefined;
    await expect(again.app.start()).resolves.toMatchObject({ port });
  });

  it('fails with one line (slack_port_in_use) naming the port when another program listens there', async () => {
    const { server, port } = await occupy();
    try {
      const { app } = makeApp({ port });
      const failure = await app.start().then(
        () => undefined,
        (err: unknown) => err as Error & { code?: string },
      );
      expect(failure).toMatchObject({ code: 'slack_port_in_use' });
      expect(failure?.message).toContain(String(port));
      expect(failure?.message).not.toContain('\n');
      expect(failure?.message).not.toMatch(/\bat \w+/); // no stack
    } finally {
      server.close();
    }
  });

  it('refuses an event that arrives before the bot token is confirmed (so Slack retries it) and answers the retry', async () => {
    let apiBack!: () => void;
    const back = new Promise<void>((resolve) => (apiBack = resolve));
    slack.behave['auth.test'] = async () => {
      await back; // the Web API does not answer yet
      return undefined;
    };
    const port = await freePort();
    const { app } = makeApp({ port });
    const starting = app.start();
    await until(() => slack.attempts['auth.test'] === 1, 'auth.test to be called');
    const event = mention(SEED_PASTE);
    const endpoint = `http://127.0.0.1:${port}/slack/events`;
    const early = await sendJson(endpoint, event);
    expect(early.status).toBe(503); // not acked, so Slack delivers it again
    expect(outcomes.handled).toEqual([]);

    apiBack();
    await starting;
    const done = outcomes.next();
    const retry = await sendJson(endpoint, event, { headers: retryHeaders(1, 'http_error') });
    expect(retry.status).toBe(200);
    expect(await done).toMatchObject({ outcome: 'replied' });
    expect(slack.posted()).toHaveLength(1);
  });

  it('runs Socket Mode without a signing secret, and a rejected app-level token is one line', async () => {
    slack.behave['apps.connections.open'] = () => [200, { ok: false, error: 'invalid_auth' }];
    const { app } = makeApp({ appToken: 'xapp-test-secret', signingSecret: undefined });
    expect(app.mode).toBe('socket');
    const failure = await app.start().then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(failure).toMatchObject({ code: 'slack_auth_invalid' });
    expect(failure?.message).toContain('SLACK_APP_TOKEN');
    expect(failure?.message).not.toContain('xapp-test-secret');
  });
});
