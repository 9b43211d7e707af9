// SIGTERM as a deploy sends it (issue #22): `node dist/src/main.js` (built by the global setup) in a
// child process, in Slack HTTP mode, against a loopback stand-in for Slack's Web API whose
// chat.postMessage answers each reply's first post with 429 (Retry-After: 1). Events are signed like
// Slack's and acknowledged; SIGTERM follows at once. Every acknowledged event's reply must be posted
// before the process exits 0. With a grace too short for the rate limit, the replies cut short are
// logged by event id and their deliveries freed, so Slack's retries are answered by the next start.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';

const MAIN = join(REPO, 'dist', 'src', 'main.js');
const BOT_TOKEN = 'xoxb-shutdown-secret-token';
const SIGNING_SECRET = 'shutdown-signing-secret';

const tmp = tempDir('kbbot-shutdown-');
afterAll(tmp.cleanup);

/** Slack's Web API on loopback: each reply's first chat.postMessage is rate-limited, the next posted. */
class FakeSlackApi {
  /** chat.postMessage bodies posted (after their 429), in order. */
  readonly posted: Record<string, string>[] = [];
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
      const body = parse(raw, req.headers['content-type'] ?? '');
      const reply = body.thread_ts ?? '';
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

function parse(raw: string, contentType: string): Record<string, string> {
  if (contentType.includes('json')) return JSON.parse(raw) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(raw));
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Bot {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the bot; resolves once it listens (its info line says so). */
function startBot(env: Record<string, string>): Promise<Bot> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmp.dir, // no .env here
    env: { PATH: process.env.PATH ?? '', KB_WATCH: 'false', LOG_LEVEL: 'info', ...env },
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000); // a hang fails the test, not the run
  void exited.then(() => clearTimeout(killer));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/Slack: listening on port/.test(stderr)) resolve({ child, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => reject(new Error(`the bot exited (${code}) before listening:\n${stderr}`)));
  });
}

/** A signed event delivery; resolves with the HTTP status (200: acknowledged). */
function deliver(port: number, eventId: string, ts: string, retry = 0): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000000,
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${SEED_PASTE}`, ts, event_ts: ts, channel: 'C1' },
  });
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(now),
    'x-slack-signature': `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${now}:${body}`).digest('hex')}`,
    ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = request(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
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
      expect(bot.stderr()).toMatch(/kbbot info: shutting down \(grace 10000 ms\)/);
      expect(bot.stderr()).toMatch(/kbbot info: stopped\n/);
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
    for (const e of dropped) expect(first.stderr()).toMatch(new RegExp(`kbbot warn: .*${e.id}`));
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
