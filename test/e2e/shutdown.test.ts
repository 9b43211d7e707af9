// SIGTERM as a deploy sends it (issue #22): `node dist/src/main.js` (built by the global setup) in a
// child process, in Slack HTTP mode, against a loopback stand-in for Slack's Web API whose
// chat.postMessage answers each reply's first post with 429 (Retry-After: 1). Events are signed like
// Slack's and acknowledged; SIGTERM follows at once. Every acknowledged event's reply must be posted
// before the process exits 0. With a grace too short for the rate limit, the replies cut short are
// logged by event id and their deliveries freed, so Slack's retries are answered by the next start.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBot, whenReady, type BotProcess } from '../helpers/bot-process.js';
import { freePort, listen } from '../helpers/http.js';
import { hasLogged } from '../helpers/log.js';
import { tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';
import { mention, parseBody, retryHeaders, sendJson } from '../helpers/slack.js';

const BOT_TOKEN = 'xoxb-shutdown-secret-token';
const SIGNING_SECRET = 'shutdown-signing-secret';

const tmp = tempDir('kbbot-shutdown-');
afterAll(tmp.cleanup);

/** Slack's Web API on loopback: each reply's first chat.postMessage is rate-limited, the next posted. */
class FakeSlackApi {
  /** chat.postMessage bodies posted (after their 429), in order. */
  readonly posted: Record<string, unknown>[] = [];
  private readonly limited = new Set<string>();
  private waiters: { n: number; resolve: () => void }[] = [];
  readonly server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      if (method === 'auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT' }));
      if (method !== 'chat.postMessage') return res.end(JSON.stringify({ ok: true }));
      const body = parseBody(raw);
      const reply = String(body.thread_ts ?? '');
      if (!this.limited.has(reply)) {
        this.limited.add(reply);
        res.statusCode = 429;
        res.setHeader('retry-after', '1');
        return res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      this.posted.push(body);
      this.waiters = this.waiters.filter((w) => (this.posted.length >= w.n ? (w.resolve(), false) : true));
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts: `1800000000.${this.posted.length}` }));
    });
  });

  /** Resolves once `n` replies are posted in all. */
  postedCount(n: number): Promise<void> {
    if (this.posted.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async start(): Promise<string> {
    const port = await listen(this.server);
    return `http://127.0.0.1:${port}/api/`;
  }
}

/** Start the bot; resolves once it listens (its info line says so). */
async function startBot(env: Record<string, string>): Promise<BotProcess> {
  const bot = spawnBot(tmp.dir, { LOG_LEVEL: 'info', ...env });
  await whenReady(bot, (stderr) => /Slack: listening on port/.test(stderr));
  return bot;
}

/** A signed event delivery; resolves with the HTTP status (200: acknowledged). */
async function deliver(port: number, eventId: string, ts: string, retry = 0): Promise<number> {
  const event = mention(SEED_PASTE, 'C1', ts, eventId);
  const headers = retry ? retryHeaders(retry) : {};
  return (await sendJson(`http://127.0.0.1:${port}/slack/events`, event, { secret: SIGNING_SECRET, headers })).status;
}

const EVENTS = Array.from({ length: 5 }, (_, i) => ({ id: `EvTerm${i + 1}`, ts: `1700000200.00000${i + 1}` }));

describe('SIGTERM', () => {
  it('posts the reply of every acknowledged event (waiting out a rate limit) before exiting 0', async () => {
    const api = new FakeSlackApi();
    const apiUrl = await api.start();
    const port = await freePort();
    const bot = await startBot({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      DATA_DIR: join(tmp.dir, 'data-grace'),
    });
    try {
      const statuses = await Promise.all(EVENTS.map((e) => deliver(port, e.id, e.ts)));
      expect(statuses).toEqual(EVENTS.map(() => 200));
      bot.child.kill('SIGTERM');
      const exit = await bot.exited;
      expect(exit, bot.stderr()).toEqual({ code: 0, signal: null });
      expect(api.posted.map((p) => p.thread_ts).sort()).toEqual(EVENTS.map((e) => e.ts));
      expect(hasLogged(bot.stderr(), 'info', /^shutting down \(grace 10000 ms\)$/), bot.stderr()).toBe(true);
      expect(hasLogged(bot.stderr(), 'info', /^stopped$/), bot.stderr()).toBe(true);
      expect(bot.stderr()).not.toContain(BOT_TOKEN);
    } finally {
      bot.child.kill('SIGKILL');
      await new Promise((resolve) => api.server.close(resolve));
    }
  });

  it('with a grace too short: logs each reply it drops by event id, and the next start answers their retries', async () => {
    const api = new FakeSlackApi();
    const apiUrl = await api.start();
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      DATA_DIR: join(tmp.dir, 'data-short'),
      SHUTDOWN_GRACE_MS: '100',
    };
    const first = await startBot(env);
    try {
      expect(await Promise.all(EVENTS.map((e) => deliver(port, e.id, e.ts)))).toEqual(EVENTS.map(() => 200));
      first.child.kill('SIGTERM');
      expect(await first.exited, first.stderr()).toEqual({ code: 0, signal: null });
    } finally {
      first.child.kill('SIGKILL');
    }
    // Each reply still waiting on its Retry-After was dropped: logged at warn by event id, never its text.
    const dropped = EVENTS.filter((e) => !api.posted.some((p) => p.thread_ts === e.ts));
    expect(dropped.length).toBeGreaterThan(0);
    for (const e of dropped) expect(hasLogged(first.stderr(), 'warn', new RegExp(e.id)), first.stderr()).toBe(true);
    expect(first.stderr()).not.toContain('0xc0020002');

    // Slack retries what it thinks unanswered; the restarted bot answers the dropped ones, once.
    const second = await startBot(env);
    try {
      const before = api.posted.length;
      for (const e of EVENTS) expect(await deliver(port, e.id, e.ts, 1)).toBe(200);
      await api.postedCount(before + dropped.length);
      second.child.kill('SIGTERM');
      expect(await second.exited, second.stderr()).toEqual({ code: 0, signal: null });
      const answeredNow = api.posted.slice(before).map((p) => p.thread_ts);
      expect(answeredNow.sort()).toEqual(dropped.map((e) => e.ts).sort());
    } finally {
      second.child.kill('SIGKILL');
      await new Promise((resolve) => api.server.close(resolve));
    }
  });
});
