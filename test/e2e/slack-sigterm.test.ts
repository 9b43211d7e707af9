// SIGTERM while a Slack reply waits out a rate limit (issue #22), as an operator meets it: `node
// dist/src/main.js` in Slack HTTP mode against a loopback stand-in for Slack's Web API whose
// chat.postMessage answers 429. A reply whose wait ends within SHUTDOWN_GRACE_MS is posted before
// the bot exits; one whose wait does not is logged (event id, not the text) and its delivery freed,
// so Slack's retry to the restarted bot (same DATA_DIR) is answered, once.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBot, whenReady, type BotProcess } from '../helpers/bot-process.js';
import { freePort, listen } from '../helpers/http.js';
import { hasLogged } from '../helpers/log.js';
import { SEEDS_DIR, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';
import { mention, parseBody, retryHeaders, sendJson, type Body } from '../helpers/slack.js';
import { until } from '../helpers/wait.js';

const SECRET = 'sigterm-signing-secret';
const tmp = tempDir('kbbot-slack-sigterm-');

/** What chat.postMessage posted, how often it was tried, and the Retry-After of the 429s it answers (0: none). */
const posted: Body[] = [];
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
    posted.push(parseBody(text));
    res.end(JSON.stringify({ ok: true, ts: `1800000000.00000${posted.length}`, channel: 'C1' }));
  });
});
let apiUrl = '';

beforeAll(async () => {
  apiUrl = `http://127.0.0.1:${await listen(api)}/api/`;
});
afterAll(async () => {
  api.closeAllConnections();
  await new Promise((resolve) => api.close(resolve));
  tmp.cleanup();
});

/** Start the bot on `dataDir` and wait until Slack listens (killed after a generous bound). */
async function startBot(
  dataDir: string,
  graceMs: number,
  logLevel = 'info',
): Promise<BotProcess & { endpoint: string }> {
  const port = await freePort();
  const bot = spawnBot(tmp.dir, {
    DATA_DIR: dataDir,
    KB_DIR: SEEDS_DIR,
    LOG_LEVEL: logLevel,
    SLACK_BOT_TOKEN: 'xoxb-sigterm-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    PORT: String(port),
    SHUTDOWN_GRACE_MS: String(graceMs),
  });
  await whenReady(bot, (stderr) => /Slack: listening on port/.test(stderr));
  return { ...bot, endpoint: `http://127.0.0.1:${port}/slack/events` };
}

/** A signed POST of `payload` (Slack's retry headers with `retry`); resolves with the status. */
const send = async (endpoint: string, payload: Body, retry?: number): Promise<number> =>
  (await sendJson(endpoint, payload, { secret: SECRET, headers: retry ? retryHeaders(retry, 'http_error') : {} }))
    .status;

describe('Slack under SIGTERM', () => {
  it('posts a reply waiting out a 429 within the grace period before exiting', async () => {
    posted.length = 0;
    attempts = 0;
    rateLimits = { count: 1, retryAfter: 1 };
    const bot = await startBot(join(tmp.dir, 'data-finish'), 20_000);
    expect(await send(bot.endpoint, mention(SEED_PASTE))).toBe(200);
    await until(() => attempts === 1, 'the rate-limited first attempt', 15_000);
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
    const event = mention(SEED_PASTE);
    expect(await send(first.endpoint, event)).toBe(200);
    await until(() => attempts === 1, 'the rate-limited first attempt', 15_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null }); // not 30 s later
    expect(
      hasLogged(first.stderr(), 'warn', new RegExp(`dropped the reply to event ${event.event_id as string}`)),
      first.stderr(),
    ).toBe(true);
    expect(first.stderr()).not.toContain('0xc0020002');
    expect(posted).toEqual([]);

    rateLimits = { count: 0, retryAfter: 0 };
    const second = await startBot(dataDir, 300, 'debug');
    try {
      expect(await send(second.endpoint, event, 1)).toBe(200);
      await until(() => posted.length === 1, 'the retry answered', 15_000);
      expect(JSON.stringify(posted[0])).toContain('Q290226');
      expect(await send(second.endpoint, event, 2)).toBe(200);
      await until(() => /app_mention: duplicate/.test(second.stderr()), 'the second retry recognised', 15_000);
      expect(posted).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    }
  });
});
