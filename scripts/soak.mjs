// `npm run soak`: kbbot under load and faults, on loopback only. It starts the built bot
// (`node dist/src/main.js`) in Slack HTTP mode against a fake Slack Web API on 127.0.0.1, sends
// signed app_mention events at SOAK_RATE per second for SOAK_SECONDS (1 in 50 hostile: a
// 20,000-letter word, a 100 KB paste, binary bytes), makes the Web API answer 429 to everything for
// 5 s and drop every connection for 10 s in the middle, and sends SIGTERM at the end. It reports
// ack latency (p50/p99/max), how many events were answered exactly once, twice or never, and the
// bot's exit code, and writes its section of BENCHMARKS.md (SOAK_WRITE=0 to only print).
//
// Usage: npm run soak   (SOAK_RATE=100 SOAK_SECONDS=60 by default; about 90 s in all)
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { machineLine, REPO, tempDir, writeSection } from './bench-lib.mjs';

const RATE = Number(process.env.SOAK_RATE ?? 100);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const SECRET = 'soak-signing-secret';
/** When the faults happen, as fractions of the run: a 5 s 429 storm, then a 10 s outage. */
const STORM = { from: 0.4 * SECONDS, to: 0.4 * SECONDS + 5 };
const OUTAGE = { from: 0.55 * SECONDS, to: 0.55 * SECONDS + 10 };
/** After the last event, how long the bot is given (it has SHUTDOWN_GRACE_MS itself) before SIGTERM's result is judged. */
const DRAIN_MS = 15_000;

const log = (m) => console.error(`soak: ${m}`);
/** When the first event was sent (the fault windows count from it). */
let runStart = Infinity;
const elapsed = () => Math.max(0, (Date.now() - runStart) / 1000);
const mode = () => {
  const t = elapsed();
  if (t >= STORM.from && t < STORM.to) return 'storm';
  if (t >= OUTAGE.from && t < OUTAGE.to) return 'outage';
  return 'ok';
};

// ---- the fake Slack Web API -------------------------------------------------------------------
/** thread_ts -> number of chat.postMessage calls that succeeded for it. */
const replies = new Map();
const apiCounts = { ok: 0, rateLimited: 0, dropped: 0 };
const api = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const m = mode();
    if (m === 'outage') {
      apiCounts.dropped++;
      req.socket.destroy();
      return;
    }
    if (m === 'storm' && method !== 'auth.test') {
      apiCounts.rateLimited++;
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    apiCounts.ok++;
    let fields = {};
    try {
      fields = JSON.parse(body);
    } catch {
      fields = Object.fromEntries(new URLSearchParams(body));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (method === 'auth.test') {
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' }));
    } else if (method === 'chat.postMessage') {
      const thread = String(fields.thread_ts ?? '');
      replies.set(thread, (replies.get(thread) ?? 0) + 1);
      res.end(JSON.stringify({ ok: true, channel: fields.channel, ts: `${Date.now() / 1000}` }));
    } else {
      res.end(JSON.stringify({ ok: true }));
    }
  });
});

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const freePort = async () => {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
};

// ---- the bot ------------------------------------------------------------------------------------
const apiPort = await listen(api);
const botPort = await freePort();
const data = tempDir('kbbot-soak-');
const bot = spawn(process.execPath, [join(REPO, 'dist', 'src', 'main.js')], {
  cwd: REPO,
  env: {
    ...process.env,
    DOTENV_CONFIG_QUIET: 'true',
    SLACK_BOT_TOKEN: 'xoxb-soak',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `http://127.0.0.1:${apiPort}/api/`,
    PORT: String(botPort),
    DATA_DIR: data,
    KB_DIR: '',
    KB_WATCH: 'false',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
bot.stderr.setEncoding('utf8');
bot.stderr.on('data', (c) => (stderr += c));
const exited = new Promise((resolve) => bot.on('exit', (code, signal) => resolve({ code, signal })));

async function waitForBot() {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port: botPort, path: '/', method: 'GET' }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the bot did not start:\n${stderr}`);
}

// ---- the events ---------------------------------------------------------------------------------
const PASTE = 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002';
const HOSTILE = [
  () => `<@UBOT> ${'A'.repeat(20_000)}`,
  () => `<@UBOT> ${'error 0x80004005 at C:\\Windows\\System32\\kernel32.dll '.repeat(2_000)}`,
  () => `<@UBOT> ${Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256)).toString('latin1')}`,
];
const sign = (body, ts) => `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;

const acks = [];
const ackStatus = new Map();
let sent = 0;
let hostile = 0;

function sendEvent(n) {
  const ts = `1800000000.${String(n).padStart(6, '0')}`;
  const bad = n % 50 === 49;
  if (bad) hostile++;
  const text = bad ? HOSTILE[n % HOSTILE.length]() : `<@UBOT> ${PASTE}`;
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvSoak${n}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: 'U1', text, ts, event_ts: ts, channel: 'C1' },
  });
  const now = Math.floor(Date.now() / 1000);
  const t0 = performance.now();
  sent++;
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: botPort,
        path: '/slack/events',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(now),
          'x-slack-signature': sign(body, now),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          acks.push(performance.now() - t0);
          ackStatus.set(ts, res.statusCode);
          resolve();
        });
      },
    );
    req.on('error', () => {
      ackStatus.set(ts, 0);
      resolve();
    });
    req.end(body);
  });
}

await waitForBot();
log(
  `bot up on 127.0.0.1:${botPort}; sending ${RATE}/s for ${SECONDS} s (storm at ${STORM.from}-${STORM.to} s, outage at ${OUTAGE.from}-${OUTAGE.to} s)`,
);
const inflight = [];
const total = RATE * SECONDS;
runStart = Date.now();
for (let n = 0; n < total; n++) {
  const due = runStart + (n * 1000) / RATE;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(sendEvent(n));
}
await Promise.all(inflight);
log(`all ${sent} events sent; waiting up to ${DRAIN_MS / 1000} s for replies, then SIGTERM`);
const deadline = Date.now() + DRAIN_MS;
const acked = () => [...ackStatus.entries()].filter(([, s]) => s === 200).map(([ts]) => ts);
while (Date.now() < deadline && acked().some((ts) => !replies.has(ts))) await new Promise((r) => setTimeout(r, 200));
const termAt = performance.now();
bot.kill('SIGTERM');
const exit = await exited;
const exitMs = performance.now() - termAt;
api.close();

// ---- the figures --------------------------------------------------------------------------------
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};
const ackedTs = acked();
const once = ackedTs.filter((ts) => replies.get(ts) === 1).length;
const twice = ackedTs.filter((ts) => (replies.get(ts) ?? 0) > 1).length;
const never = ackedTs.filter((ts) => !replies.has(ts)).length;
const refused = sent - ackedTs.length;
const result = {
  events: sent,
  hostile,
  acked: ackedTs.length,
  refused,
  ackP50: q(acks, 0.5),
  ackP99: q(acks, 0.99),
  ackMax: Math.max(...acks),
  answeredOnce: once,
  answeredTwice: twice,
  neverAnswered: never,
  api: apiCounts,
  exit,
  exitMs,
};
log(JSON.stringify(result));
const errorLines = stderr.split('\n').filter((l) => l.trim());
if (errorLines.length)
  log(`the bot's stderr (${errorLines.length} lines), first 10:\n${errorLines.slice(0, 10).join('\n')}`);

const pass = result.ackP99 < 1000 && never === 0 && twice === 0 && exit.code === 0;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const f = (ms) => `${ms.toFixed(0)} ms`;
const section = `<!-- bench:soak:start -->
\`npm run soak\` (scripts/soak.mjs), ${date} UTC, ${machineLine()}: ${RATE} Slack events/s for ${SECONDS} s
(${sent.toLocaleString('en-US')} app_mentions, ${hostile} hostile: 20,000-letter words, 100 KB pastes, binary) into
\`node dist/src/main.js\` over loopback, a fake Web API answering 429 to everything for 5 s and dropping every
connection for 10 s, then SIGTERM.

| acked | ack p50 / p99 / max | answered once | twice | never | refused (Slack retries) | exit after SIGTERM |
|---|---|---|---|---|---|---|
| ${ackedTs.length.toLocaleString('en-US')} | ${f(result.ackP50)} / ${f(result.ackP99)} / ${f(result.ackMax)} | ${once.toLocaleString('en-US')} | ${twice} | ${never} | ${refused} | code ${exit.code} in ${f(exitMs)} |

Web API calls: ${apiCounts.ok.toLocaleString('en-US')} answered, ${apiCounts.rateLimited.toLocaleString('en-US')} rate-limited, ${apiCounts.dropped.toLocaleString('en-US')} dropped. Target: ack p99 under 1 s, every acked event answered exactly once, exit 0: ${pass ? 'met' : 'NOT met'}.
<!-- bench:soak:end -->`;
if (process.env.SOAK_WRITE !== '0')
  writeSection(
    '<!-- bench:soak:start -->',
    '<!-- bench:soak:end -->',
    section,
    '## Soak: load, faults and SIGTERM',
    'soak',
  );
process.exitCode = pass ? 0 : 1;
