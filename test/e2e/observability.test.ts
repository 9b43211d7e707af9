// Operating kbbot as a service (issue #26), as an operator meets it: the bot process (`node
// dist/src/main.js`, and `kbbot start`) with /healthz, /readyz and /metrics on the Slack HTTP port and
// on METRICS_PORT, readiness failing as soon as SIGTERM arrives, metrics counting real messages, JSON
// log lines, and neither a secret nor (with STORE_MESSAGES off) a pasted message anywhere in its output.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBot, whenReady } from '../helpers/bot-process.js';
import { freePort, listen } from '../helpers/http.js';
import { logRecords } from '../helpers/log.js';
import { CLI, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';
import { mention, parseBody, sendJson, type Body } from '../helpers/slack.js';
import { until } from '../helpers/wait.js';

const BOT_TOKEN = 'xoxb-1234567890-observability-secret-token';
const SIGNING_SECRET = 'observability-signing-secret-5a1f';
const TEAMS_PASSWORD = 'teams-password-never-logged-9c2e';
/** A pasted message no log line may contain with STORE_MESSAGES off. */
const PASTED = `deploy-7f3a9 on host kbq-private-42 said: ${SEED_PASTE}`;
const NO_MATCH = 'how do I reset the fax modem of the print server?';

const tmp = tempDir('kbbot-observability-');
afterAll(tmp.cleanup);

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** The value of one sample of a Prometheus exposition, 0 when absent. */
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

/** Slack's Web API on loopback; chat.postMessage answers at once unless `hold` is set. */
class FakeSlackApi {
  readonly posted: Body[] = [];
  /** When set, chat.postMessage waits for this before answering. */
  hold: Promise<void> | undefined;
  held = 0;
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
      const answer = (): void => {
        this.posted.push(body);
        res.end(JSON.stringify({ ok: true, channel: body.channel, ts: `1800000000.${this.posted.length}` }));
      };
      if (!this.hold) return answer();
      this.held++;
      void this.hold.then(answer);
    });
  });

  async start(): Promise<string> {
    return `http://127.0.0.1:${await listen(this.server)}/api/`;
  }
}

describe('kbbot as a service', () => {
  it('Slack HTTP: health, readiness and metrics on its port and METRICS_PORT; 503 from SIGTERM on; no secret or pasted text in any output', async () => {
    const api = new FakeSlackApi();
    const apiUrl = await api.start();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const bot = spawnBot(tmp.dir, {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      // Teams shares Slack's port (authenticated): its password is one more secret to keep out of the logs.
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: TEAMS_PASSWORD,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATA_DIR: join(tmp.dir, 'data-slack'),
      STORE_MESSAGES: 'false',
      LOG_LEVEL: 'debug',
    });
    let release: () => void = () => undefined;
    try {
      await whenReady(bot, (stderr) => /Slack: listening on port/.test(stderr));
      const base = `http://127.0.0.1:${port}`;
      const own = `http://127.0.0.1:${metricsPort}`;
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: '{"status":"ok"}\n' });
      for (const url of [base, own]) {
        const ready = await get(`${url}/readyz`);
        expect(ready.status, ready.body).toBe(200);
        expect(JSON.parse(ready.body)).toMatchObject({
          status: 'ready',
          checks: { kb: { ok: true, detail: '5 articles' }, storage: { ok: true }, chat: { ok: true } },
        });
      }

      // A real answered message and a real no-match, counted.
      const events = `${base}/slack/events`;
      expect((await sendJson(events, mention(PASTED, 'C1'), { secret: SIGNING_SECRET })).status).toBe(200);
      await until(() => api.posted.length === 1, 'the answer posted', 15_000);
      expect((await sendJson(events, mention(NO_MATCH, 'C1'), { secret: SIGNING_SECRET })).status).toBe(200);
      await until(() => api.posted.length === 2, 'the no-match reply posted', 15_000);
      const metrics = (await get(`${base}/metrics`)).body;
      expect(sample(metrics, 'kbbot_answers_total', { platform: 'slack', outcome: 'answered' })).toBe(1);
      expect(sample(metrics, 'kbbot_answers_total', { platform: 'slack', outcome: 'no_match' })).toBe(1);
      expect(
        sample(metrics, 'kbbot_messages_total', { platform: 'slack', via: 'mention', intent: 'error_paste' }),
      ).toBe(1);
      expect(sample(metrics, 'kbbot_match_duration_seconds_count', { platform: 'slack' })).toBe(2);
      expect(sample(metrics, 'kbbot_chat_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(2);
      expect(sample(metrics, 'kbbot_kb_articles')).toBe(5);
      expect(sample(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect((await get(`${own}/metrics`)).body).toContain(
        'kbbot_answers_total{platform="slack",outcome="answered"} 1',
      );

      // SIGTERM with a reply under way: readiness fails at once, while the reply is still allowed to finish.
      api.hold = new Promise<void>((resolve) => (release = resolve));
      expect((await sendJson(events, mention(SEED_PASTE, 'C2'), { secret: SIGNING_SECRET })).status).toBe(200);
      await until(() => api.held === 1, 'the third reply on its way', 15_000);
      bot.child.kill('SIGTERM');
      await until(() => /shutting down/.test(bot.stderr()), '"shutting down" logged', 15_000);
      const during = await get(`${own}/readyz`);
      expect(during.status).toBe(503);
      const body = JSON.parse(during.body) as { status: string; failing: string[]; checks: Record<string, unknown> };
      expect(body.status).toBe('not ready');
      expect(body.failing).toContain('shutdown');
      expect(body.checks.shutdown).toEqual({ ok: false, detail: 'shutting down' });
      release();
      expect(await bot.exited, bot.stderr()).toEqual({ code: 0, signal: null });
      expect(api.posted).toHaveLength(3);
    } finally {
      release();
      bot.child.kill('SIGKILL');
      await new Promise((resolve) => api.server.close(resolve));
    }

    // Logs: JSON lines with time, level and msg, the messages' outcomes among them, with their event ids.
    const output = bot.stderr() + bot.stdout();
    const lines = bot.stderr().split('\n').filter(Boolean);
    const records = logRecords(bot.stderr());
    expect(records).toHaveLength(lines.length);
    for (const r of records) {
      expect(typeof r.msg).toBe('string');
      expect(['error', 'warn', 'info', 'debug']).toContain(r.level);
      expect(new Date(String(r.time)).toISOString()).toBe(r.time);
    }
    expect(records).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^kbbot \d+\.\d+\.\d+/), version: expect.any(String) }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ outcome: 'answered', platform: 'slack', eventId: expect.any(String) }),
    );
    // Bolt's debug lines went through the same logger.
    expect(records.some((r) => /^slack: /.test(String(r.msg)) && r.level === 'debug')).toBe(true);
    // Nothing secret, nothing of what was pasted.
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, TEAMS_PASSWORD]) expect(output).not.toContain(secret);
    for (const text of [PASTED, 'deploy-7f3a9', 'kbq-private-42', NO_MATCH]) expect(output).not.toContain(text);
  });

  it('METRICS_PORT in use: one line naming it, exit 2', async () => {
    const taken = createServer();
    const port = await listen(taken, 0, null);
    try {
      const bot = spawnBot(tmp.dir, { DATA_DIR: join(tmp.dir, 'data-taken'), METRICS_PORT: String(port) });
      expect((await bot.exited).code).toBe(2);
      expect(bot.stderr()).toBe(`kbbot: cannot listen on METRICS_PORT ${port}: another program uses it\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('console (`kbbot start`): health and metrics on METRICS_PORT, the answer on stdout, the version in the log', async () => {
    const metricsPort = await freePort();
    const child = spawn(process.execPath, [CLI, 'start'], {
      cwd: tmp.dir,
      env: {
        PATH: process.env.PATH ?? '',
        KB_WATCH: 'false',
        DATA_DIR: join(tmp.dir, 'data-console'),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const own = `http://127.0.0.1:${metricsPort}`;
    try {
      await until(() => /KB ready/.test(stderr), 'the KB loaded', 30_000);
      expect((await get(`${own}/healthz`)).status).toBe(200);
      const ready = await get(`${own}/readyz`);
      expect([ready.status, JSON.parse(ready.body).checks.kb]).toEqual([200, { ok: true, detail: '5 articles' }]);
      child.stdin.end(`${SEED_PASTE}\n\n${NO_MATCH}\n`);
      await until(() => /Q290226/.test(stdout), 'the answer on stdout', 30_000);
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(logRecords(stderr)[0]).toMatchObject({ level: 'info', msg: expect.stringMatching(/^kbbot \d/) });
    expect(logRecords(stderr)).toContainEqual(
      expect.objectContaining({ platform: 'console', outcome: 'no_match', intent: expect.any(String) }),
    );
  });
});
