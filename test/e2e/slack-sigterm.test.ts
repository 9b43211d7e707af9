// SIGTERM while a Slack reply waits out a rate limit (issue #22), as an operator meets it: `node
// dist/src/main.js` in Slack HTTP mode against a loopback stand-in for Slack's Web API whose
// chat.postMessage answers 429. A reply whose wait ends within SHUTDOWN_GRACE_MS is posted before
// the bot exits; one whose wait does not is logged (event id, not the text) and its delivery freed,
// so Slack's retry to the restarted bot (same DATA_DIR) is answered, once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SEEDS_DIR, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';

const MAIN = join(REPO, 'dist', 'src', 'main.js');
const SECRET = 'sigterm-signing-secret';
const tmp = tempDir('kbbot-slack-sigterm-');

/** What chat.postMessage posted, how often it was tried, and the Retry-After of the 429s it answers (0: none). */
const posted: Record<string, unknown>[] = [];
let attempts = 0;
let rateLimits = { count: 0, retryAfter: 0 };
const api = createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (text += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/auth.test')) {
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
      return;
    }
    attempts++;
    if (rateLimits.count > 0) {
      rateLimits.count--;
      res.writeHead(429, { 'retry-after': String(rateLimits.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    posted.push(Object.fromEntries(new URLSearchParams(text)));
    res.end(JSON.stringify({ ok: true, ts: `1800000000.00000${posted.length}`, channel: 'C1' }));
  });
});
let apiUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  tmp.cleanup();
});

interface Bot {
  child: ChildProcess;
  endpoint: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Start the bot on `dataDir` and wait until Slack listens (killed after a generous bound). */
async function startBot(dataDir: string, graceMs: number, logLevel = 'info'): Promise<Bot> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmp.dir,
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      KB_DIR: SEEDS_DIR,
      KB_WATCH: 'false',
      LOG_LEVEL: logLevel,
      SLACK_BOT_TOKEN: 'xoxb-sigterm-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: apiUrl,
      PORT: String(port),
      SHUTDOWN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    void exited.then(() => reject(new Error(`the bot exited before listening:\n${stderr}`)));
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/Slack: listening on port/.test(stderr))
        resolve({ child, endpoint: `http://127.0.0.1:${port}/slack/events`, stderr: () => stderr, exited });
    });
  });
}

let seq = 0;
function mention(): Record<string, unknown> {
  const ts = `1700000${String(++seq).padStart(3, '0')}.000100`;
  return {
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvSigterm${seq}`,
    event_time: 1700000000,
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${SEED_PASTE}`, ts, event_ts: ts, channel: 'C1' },
  };
}

/** A signed POST of `payload` (Slack's retry headers with `retry`); resolves with the status. */
function send(endpoint: string, payload: unknown, retry?: number): Promise<number> {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
    ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' } : {}),
  };
  return new Promise((resolve) => {
    const req = request(endpoint, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Wait for `check` to hold (a generous bound, so a bot that never gets there fails instead of hanging). */
const until = async (check: () => boolean, what: string): Promise<void> => {
  for (const end = Date.now() + 15_000; !check();) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('Slack under SIGTERM', () => {
  it('posts a reply waiting out a 429 within the grace period before exiting', async () => {
    posted.length = 0;
    attempts = 0;
    rateLimits = { count: 1, retryAfter: 1 };
    const bot = await startBot(join(tmp.dir, 'data-finish'), 20_000);
    expect(await send(bot.endpoint, mention())).toBe(200);
    await until(() => attempts === 1, 'the rate-limited first attempt');
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0])).toContain('Q290226');
    expect(bot.stderr()).not.toMatch(/dropped/);
  });

  it('drops a reply still waiting when the grace period ends, and the restarted bot answers the retry once', async () => {
    posted.length = 0;
    attempts = 0;
    rateLimits = { count: 1000, retryAfter: 30 };
    const dataDir = join(tmp.dir, 'data-drop');
    const first = await startBot(dataDir, 300);
    const event = mention();
    expect(await send(first.endpoint, event)).toBe(200);
    await until(() => attempts === 1, 'the rate-limited first attempt');
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null }); // not 30 s later
    expect(first.stderr()).toMatch(new RegExp(`warn: .*dropped the reply to event ${event.event_id as string}`));
    expect(first.stderr()).not.toContain('0xc0020002');
    expect(posted).toEqual([]);

    rateLimits = { count: 0, retryAfter: 0 };
    const second = await startBot(dataDir, 300, 'debug');
    try {
      expect(await send(second.endpoint, event, 1)).toBe(200);
      await until(() => posted.length === 1, 'the retry answered');
      expect(JSON.stringify(posted[0])).toContain('Q290226');
      expect(await send(second.endpoint, event, 2)).toBe(200);
      await until(() => /app_mention: duplicate/.test(second.stderr()), 'the second retry recognised');
      expect(posted).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    }
  });
});
