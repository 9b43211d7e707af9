// The service benchmark of issue #26: kbbot as one replica of a service, on loopback only. It starts
// the built bot (`node dist/src/main.js`) in Slack HTTP mode with its storage (--storage sqlite, the
// default: SQLite in a temp DATA_DIR; --storage postgres: DATABASE_URL to a throwaway PostgreSQL 15
// cluster on loopback with fsync on, or to BENCH_DATABASE_URL), the bundled seeds KB (or --kb DIR),
// and SLACK_API_URL pointing at a fake Slack Web API on 127.0.0.1 that notes when each
// chat.postMessage arrives. With Postgres the run fails rather than report figures when the
// database has no delivery rows for its events (a bot that does not read DATABASE_URL). Then:
//   1. Event -> reply: N distinct signed app_mention events (--events, default 300), sent one at a
//      time (the next once the previous one's reply is posted): the time from sending an event to
//      the fake Web API receiving the chat.postMessage in its thread, p50/p99, and the ack (the HTTP
//      response to the event) p50/p99. A few warm-up events first, not counted.
//   2. Throughput: events offered at rising rates (--rates, default 10,20,50,100,150,200 per
//      second), each for --seconds (default 5), on a fixed schedule whatever the answers
//      (concurrent requests, as Slack sends them). Per rate: ack p99, reply p99, whether every
//      event was acked and answered, and how far behind the bot was when the offer stopped. The
//      figure is the highest rate with ack p99 under Slack's 3 s, every reply posted, and the last
//      reply posted within 1 s of the last event (the bot kept pace rather than queued); the ramp
//      stops after the first rate that misses it (--all-rates to go on).
// It prints a table (--json: one JSON object instead), with the machine's load average at the start
// and the end, and the bot's CPU seconds per phase (a steadier figure than wall time on a shared
// machine; with the throwaway Postgres cluster, the server's too, since it shares the cores), and a
// one-row summary whose rows from a SQLite and a Postgres run stack into one table. It writes
// nothing to BENCHMARKS.md.
//
// Usage: npm run build && node scripts/bench-service.mjs [--events N] [--json] [--kb DIR]
//          [--storage sqlite|postgres] [--rates 10,20,50] [--seconds S] [--all-rates]
//        BENCH_DATABASE_URL=postgres://... (a running server instead of a throwaway cluster),
//        BENCH_PG_BIN=/path/to/postgresql/bin (where initdb and pg_ctl are; default /usr/lib/postgresql/15/bin)
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  freeLoopbackPort,
  listenLoopback,
  loadAverageLine,
  machineLine,
  peakRssMb,
  quantile,
  REPO,
  RSS_HOOK,
  tempDir,
} from './bench-lib.mjs';

const log = (m) => console.error(`bench-service: ${m}`);
const fail = (m) => {
  log(m);
  process.exit(2);
};

let opts;
try {
  opts = parseArgs({
    options: {
      events: { type: 'string', default: '300' },
      json: { type: 'boolean', default: false },
      kb: { type: 'string' },
      storage: { type: 'string', default: 'sqlite' },
      rates: { type: 'string', default: '10,20,50,100,150,200' },
      seconds: { type: 'string', default: '5' },
      'all-rates': { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  fail(err.message);
}
const EVENTS = Number(opts.events);
const RATES = opts.rates.split(',').map(Number);
const SECONDS = Number(opts.seconds);
if (!Number.isInteger(EVENTS) || EVENTS < 1) fail(`--events must be a whole number above 0, not ${opts.events}`);
if (RATES.some((r) => !(r > 0))) fail(`--rates must be events per second above 0, comma-separated, not ${opts.rates}`);
if (!(SECONDS > 0)) fail(`--seconds must be above 0, not ${opts.seconds}`);
const KB = opts.kb ? resolve(opts.kb) : join(REPO, 'seeds');
if (!existsSync(KB)) fail(`no KB folder ${KB}`);
const MAIN = join(REPO, 'dist', 'src', 'main.js');
if (!existsSync(MAIN)) fail(`no ${MAIN}: run npm run build first`);

/** Slack gives up on an event's HTTP request after this long (and retries it): the ack target. */
const ACK_LIMIT_MS = 3000;
/** Warm-up events before phase 1 (JIT, first SQLite pages, the WebClient's connections); not counted. */
const WARM_UP = 20;
/** Phase 1: how long one event's reply is waited for before it counts as never posted. */
const REPLY_TIMEOUT_MS = 15_000;
/** Phase 2: after a rate's last ack, how long its missing replies are waited for. */
const DRAIN_MS = 15_000;
/**
 * Phase 2: a rate is kept pace with when the step's last reply is posted within this long of its last
 * event being sent. Over a step of a few seconds a bot that falls behind can still ack under 3 s while
 * its queue grows (and would not over a minute); this tells the two apart.
 */
const KEPT_PACE_MS = 1000;
/** A request to the bot unanswered for this long is given up (counted as not acked). */
const REQUEST_TIMEOUT_MS = 30_000;
const SECRET = 'bench-service-signing-secret';

// ---- storage: what the bot is given to keep what it remembers -----------------------------------
/** The PostgreSQL 15 server binaries for --storage postgres (Debian's place; BENCH_PG_BIN elsewhere). */
const PG_BIN = process.env.BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** Per --storage, the environment that points the bot at it (and a note for the report). */
const STORAGES = {
  /** The embedded default: kbbot.db in a temp DATA_DIR. */
  sqlite: async () => ({ env: { DATA_DIR: tempDir('kbbot-bench-service-') }, note: 'SQLite in a temp DATA_DIR' }),
  /**
   * Postgres (issue #26): BENCH_DATABASE_URL when set (a server someone runs; the bot's tables go in
   * that database), else a throwaway cluster on a free loopback port, stopped and removed at exit.
   * DATA_DIR still holds the replica's KB index cache.
   */
  postgres: async () => {
    const given = process.env.BENCH_DATABASE_URL;
    const dataDir = tempDir('kbbot-bench-service-');
    if (given)
      return { env: { DATABASE_URL: given, DATA_DIR: dataDir }, url: given, note: 'Postgres at BENCH_DATABASE_URL' };
    const cluster = await startPostgres();
    return {
      env: { DATABASE_URL: cluster.url, DATA_DIR: dataDir },
      url: cluster.url,
      note: 'Postgres 15 on loopback (a throwaway cluster, fsync on)',
      stop: cluster.stop,
      serverPid: cluster.serverPid,
    };
  },
};

/**
 * initdb and pg_ctl (as the postgres user when this runs as root: the server refuses root) in a temp
 * folder, on a free loopback port, with fsync on as in production: the same cluster as the tests'
 * (test/helpers/postgres.ts). Resolves with its URL and a synchronous `stop`, also run at exit.
 */
async function startPostgres() {
  for (const bin of ['initdb', 'pg_ctl', 'postgres'])
    if (!existsSync(join(PG_BIN, bin)))
      fail(`--storage postgres: no ${bin} in ${PG_BIN} (set BENCH_PG_BIN, or BENCH_DATABASE_URL for a running server)`);
  const asRoot = process.getuid?.() === 0;
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (asRoot && (uid.status !== 0 || gid.status !== 0))
    fail('--storage postgres: running as root and there is no postgres user to start the server as');
  const dir = mkdtempSync(join(os.tmpdir(), 'kbbot-bench-pg-'));
  if (asRoot) chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
  const data = join(dir, 'data');
  const run = (bin, args) => {
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
      : [join(PG_BIN, bin), args];
    return spawnSync(command, argv, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  };
  let running = false;
  const stop = () => {
    if (running) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    running = false;
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.status !== 0) fail(`--storage postgres: initdb failed: ${init.stderr || init.stdout}`);
  const port = await freeLoopbackPort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const started = run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', options, 'start']);
  if (started.status !== 0) fail(`--storage postgres: pg_ctl start failed: ${started.stderr || started.stdout}`);
  running = true;
  /** The postmaster's pid (the first line of postmaster.pid), for its CPU time; undefined once stopped. */
  const serverPid = () => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, serverPid };
}

/**
 * How many of this run's events the database at `url` has a delivery row for: proof the bot kept
 * its memory there, not in SQLite beside a DATABASE_URL it does not read yet. An error's message
 * (no such table) when it cannot say.
 */
async function deliveriesInDatabase(url) {
  // Anywhere in the key: the adapter may namespace it (`slack:<event_id>`).
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM delivered WHERE key LIKE $1', [`%${RUN}-%`]);
    return rows[0].n;
  } catch (err) {
    return err.message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (!Object.hasOwn(STORAGES, opts.storage))
  fail(`--storage must be one of ${Object.keys(STORAGES).join(', ')}, not ${opts.storage}`);
/** This run's event ids start with it, so a database that outlives runs (BENCH_DATABASE_URL) never sees one twice. */
const RUN = `EvBench${randomBytes(4).toString('hex')}`;
const storage = await STORAGES[opts.storage]();

// ---- the fake Slack Web API ---------------------------------------------------------------------
/** thread_ts -> when (performance.now()) the first chat.postMessage in that thread arrived, and how many did. */
const replies = new Map();
/** thread_ts -> called with the arrival time of the first reply in that thread. */
const waiters = new Map();
/** Web API calls by method. */
const apiCalls = {};

function fieldsOf(raw) {
  try {
    return JSON.parse(raw);
  } catch {
    return Object.fromEntries(new URLSearchParams(raw));
  }
}

const api = createServer((req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const at = performance.now();
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    apiCalls[method] = (apiCalls[method] ?? 0) + 1;
    res.setHeader('content-type', 'application/json');
    if (method === 'auth.test') {
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' }));
      return;
    }
    const fields = fieldsOf(raw);
    if (method === 'chat.postMessage') {
      const thread = String(fields.thread_ts ?? '');
      const seen = replies.get(thread);
      if (seen) seen.count++;
      else {
        replies.set(thread, { at, count: 1 });
        waiters.get(thread)?.(at);
        waiters.delete(thread);
      }
      res.end(JSON.stringify({ ok: true, channel: fields.channel, ts: `${Date.now() / 1000}` }));
      return;
    }
    res.end(JSON.stringify({ ok: true }));
  });
});

// ---- the bot ------------------------------------------------------------------------------------
const apiPort = await listenLoopback(api);
const botPort = await freeLoopbackPort();
const cwd = tempDir('kbbot-bench-service-cwd-'); // no .env here
const bot = spawn(process.execPath, ['--import', RSS_HOOK, MAIN], {
  cwd,
  // Only what an operator would set: nothing of this shell's environment leaks in (a DATABASE_URL, a .env's KB_DIR).
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? cwd,
    SLACK_BOT_TOKEN: 'xoxb-bench-service',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: `http://127.0.0.1:${apiPort}/api/`,
    PORT: String(botPort),
    KB_DIR: KB,
    KB_WATCH: 'false',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...storage.env,
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
bot.stderr.setEncoding('utf8');
bot.stderr.on('data', (c) => {
  stderr += c;
  if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000); // a log storm must not eat this process's memory
});
const exited = new Promise((done) => bot.on('close', (code, signal) => done({ code, signal })));
let botGone = false;
void exited.then(() => (botGone = true));
process.on('exit', () => {
  if (!botGone) bot.kill('SIGKILL');
});

/** The bot's CPU time so far (user + system, all threads), in seconds; NaN where /proc is not there. */
function botCpuSeconds() {
  const stat = procStat(bot.pid);
  return stat ? stat.self : NaN;
}

/**
 * A process's CPU time from /proc/<pid>/stat in seconds: its own (`self`, user + system), that of
 * its children it has reaped (`reaped`), and its parent's pid; undefined when it is gone or there is no /proc.
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Clock ticks (USER_HZ, 100 on Linux): utime, stime, cutime, cstime; the parent pid is the second field.
    return {
      self: (Number(fields[11]) + Number(fields[12])) / 100,
      reaped: (Number(fields[13]) + Number(fields[14])) / 100,
      ppid: Number(fields[1]),
    };
  } catch {
    return undefined;
  }
}

/**
 * The throwaway Postgres server's CPU time so far, in seconds: the postmaster and every backend,
 * those still running and those it has reaped. It shares the machine's cores with the bot, so a
 * Postgres figure is only fair with it counted. NaN with SQLite or a server this run did not start.
 */
function dbCpuSeconds() {
  const postmaster = storage.serverPid?.();
  const root = postmaster === undefined ? undefined : procStat(postmaster);
  if (!root) return NaN;
  let total = root.self + root.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const child = procStat(name);
    if (child?.ppid === postmaster) total += child.self;
  }
  return total;
}

/** GET `path` on the bot; resolves with the status, 0 when it could not connect. */
const get = (path) =>
  new Promise((done) => {
    const req = request({ host: '127.0.0.1', port: botPort, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', () => done(0));
    req.end();
  });

async function waitUntilReady() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (botGone) fail(`the bot exited before it was ready:\n${stderr}`);
    if ((await get('/readyz')) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`the bot was not ready (/readyz) within 60 s:\n${stderr}`);
}

// ---- the events ---------------------------------------------------------------------------------
/** What people @mention the bot with: errors the seeds answer, and a question nothing answers (still replied to). */
const TEXTS = [
  'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
  'Setup fails: Unable to create Encryption-Cfg object in the site you are running Setup. Verify the Microsoft Exchange Directory is running then try again.',
  'Update.exe says The system cannot find the file specified when it checks Kmserver.exe on the KM server',
  'KMS database conversion fails during the Exchange 5.5 upgrade, what now?',
  'how do I reset the fax modem of the print server?',
];
const CHANNELS = ['C0BENCH1', 'C0BENCH2', 'C0BENCH3', 'C0BENCH4'];
const BASE_SECONDS = Math.floor(Date.now() / 1000);
let counter = 0;
/** Keep-alive connections, no cap: like Slack, which does not queue one event behind another. */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * Send the next distinct signed app_mention. Resolves with its ts (the thread the reply goes to),
 * when it was sent, and a promise of its ack: { ms, status } (status 0: no answer).
 */
function sendEvent() {
  const n = counter++;
  const ts = `${BASE_SECONDS}.${String(n).padStart(6, '0')}`;
  const channel = CHANNELS[n % CHANNELS.length];
  const text = `<@UBOT> on web-${n}: ${TEXTS[n % TEXTS.length]}`;
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `${RUN}-${n}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: `U${n % 7}`, text, ts, event_ts: ts, channel },
  });
  const now = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${now}:${body}`).digest('hex')}`;
  const sentAt = performance.now();
  const ack = new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: botPort,
        path: '/slack/events',
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(now),
          'x-slack-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => done({ ms: performance.now() - sentAt, status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done({ ms: Infinity, status: 0 }));
    req.end(body);
  });
  return { ts, sentAt, ack };
}

/** Resolves with the arrival time of the first reply in thread `ts`, or undefined after `ms`. */
function replyTo(ts, ms) {
  const seen = replies.get(ts);
  if (seen) return Promise.resolve(seen.at);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      waiters.delete(ts);
      done(undefined);
    }, ms);
    waiters.set(ts, (at) => {
      clearTimeout(timer);
      done(at);
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- phase 1: one at a time ---------------------------------------------------------------------
async function oneAtATime(count) {
  const acks = [];
  const latencies = [];
  let answered = 0;
  let notAcked = 0;
  const cpu0 = botCpuSeconds();
  const db0 = dbCpuSeconds();
  for (let i = 0; i < count; i++) {
    const { ts, sentAt, ack } = sendEvent();
    const [a, at] = await Promise.all([ack, replyTo(ts, REPLY_TIMEOUT_MS)]);
    acks.push(a.ms);
    if (a.status !== 200) notAcked++;
    if (at !== undefined) {
      answered++;
      latencies.push(at - sentAt);
    }
  }
  return {
    events: count,
    notAcked,
    answered,
    ackP50: quantile(acks, 0.5),
    ackP99: quantile(acks, 0.99),
    replyP50: quantile(latencies, 0.5),
    replyP99: quantile(latencies, 0.99),
    replyMax: Math.max(...latencies),
    botCpuSeconds: botCpuSeconds() - cpu0,
    dbCpuSeconds: dbCpuSeconds() - db0,
  };
}

// ---- phase 2: rising rates ----------------------------------------------------------------------
async function atRate(rate) {
  const count = Math.max(1, Math.round(rate * SECONDS));
  const sent = [];
  const cpu0 = botCpuSeconds();
  const db0 = dbCpuSeconds();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sent.push(sendEvent());
  }
  const lastSentAt = performance.now();
  const sendSeconds = (lastSentAt - start) / 1000;
  const acks = await Promise.all(sent.map((s) => s.ack));
  const drainUntil = performance.now() + DRAIN_MS;
  while (performance.now() < drainUntil && sent.some((s) => !replies.has(s.ts))) await sleep(50);
  const latencies = sent.filter((s) => replies.has(s.ts)).map((s) => replies.get(s.ts).at - s.sentAt);
  const ackMs = acks.map((a) => a.ms);
  const acked = acks.filter((a) => a.status === 200).length;
  const answered = latencies.length;
  const twice = sent.filter((s) => (replies.get(s.ts)?.count ?? 0) > 1).length;
  const ackP99 = quantile(ackMs, 0.99);
  const lastReplyAt = Math.max(...sent.map((s) => replies.get(s.ts)?.at ?? Infinity));
  const answeredInTime = ackP99 < ACK_LIMIT_MS && acked === count && answered === count;
  return {
    rate,
    events: count,
    // What the sender managed: below `rate` when this process could not keep to the schedule.
    offeredPerSecond: count > 1 ? (count - 1) / sendSeconds : count,
    acked,
    ackP50: quantile(ackMs, 0.5),
    ackP99,
    ackMax: Math.max(...ackMs),
    acksOver3s: ackMs.filter((ms) => ms >= ACK_LIMIT_MS).length,
    answered,
    answeredTwice: twice,
    replyP50: quantile(latencies, 0.5),
    replyP99: quantile(latencies, 0.99),
    botCpuSeconds: botCpuSeconds() - cpu0,
    dbCpuSeconds: dbCpuSeconds() - db0,
    // From the last event sent to the last reply posted: how far behind the bot was when the offer stopped.
    behindMs: lastReplyAt - lastSentAt,
    answeredInTime,
    keptPace: lastReplyAt - lastSentAt < KEPT_PACE_MS,
    sustained: answeredInTime && lastReplyAt - lastSentAt < KEPT_PACE_MS,
  };
}

// ---- the run ------------------------------------------------------------------------------------
const kbFiles = readdirSync(KB).length;
const loadAtStart = loadAverageLine();
await waitUntilReady();
log(
  `bot ready on 127.0.0.1:${botPort} (${storage.note}, KB ${KB}); ${WARM_UP} warm-up events, then ${EVENTS} one at a time`,
);
await oneAtATime(WARM_UP);
const sequential = await oneAtATime(EVENTS);
log(`one at a time: reply p50 ${sequential.replyP50.toFixed(1)} ms, p99 ${sequential.replyP99.toFixed(1)} ms`);
const ramp = [];
for (const rate of RATES) {
  await sleep(1000); // let the previous step's stragglers settle
  const step = await atRate(rate);
  ramp.push(step);
  log(
    `${rate}/s: ack p99 ${step.ackP99.toFixed(0)} ms, reply p99 ${step.replyP99.toFixed(0)} ms, answered ${step.answered}/${step.events}, ${step.behindMs.toFixed(0)} ms behind at the end${step.sustained ? '' : ' (not sustained)'}`,
  );
  if (!step.sustained && !opts['all-rates']) break;
}
const loadAtEnd = loadAverageLine();
bot.kill('SIGTERM');
const exit = await Promise.race([exited, sleep(30_000).then(() => ({ code: null, signal: 'timeout' }))]);
api.closeAllConnections();
api.close();
agent.destroy();
// Postgres figures only when the bot kept its memory there: every event of phase 1 (and the warm-up) has its delivery row.
const inDatabase = storage.url ? await deliveriesInDatabase(storage.url) : undefined;
await storage.stop?.();
if (storage.url && !(typeof inDatabase === 'number' && inDatabase >= WARM_UP + EVENTS))
  fail(
    `--storage postgres: the database has ${typeof inDatabase === 'number' ? `delivery rows for ${inDatabase} of the ${counter} events sent` : `no delivery rows (${inDatabase})`}: the bot kept its memory elsewhere (SQLite in DATA_DIR, while it does not read DATABASE_URL), so these are not Postgres figures`,
  );

const best = ramp.filter((s) => s.sustained).reduce((m, s) => Math.max(m, s.rate), 0);
const errorLines = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('KBBOT_MAXRSS_KB='));
const result = {
  date: new Date().toISOString(),
  machine: machineLine(),
  loadAverage: { start: loadAtStart, end: loadAtEnd, cores: os.availableParallelism() },
  storage: opts.storage,
  kb: { dir: KB, files: kbFiles },
  warmUp: WARM_UP,
  oneAtATime: sequential,
  ramp: { secondsPerRate: SECONDS, steps: ramp },
  sustainedEventsPerSecond: best,
  botPeakRssMb: peakRssMb(stderr),
  botLogLines: errorLines.length,
  apiCalls,
  exit,
};

if (opts.json) {
  // Milliseconds and seconds to 2 decimals; Infinity (never answered) becomes null.
  const round = (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v);
  console.log(JSON.stringify(result, round, 2));
} else {
  const ms = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms` : '-');
  const s = sequential;
  const lines = [
    `kbbot service benchmark (scripts/bench-service.mjs), ${result.date.slice(0, 16).replace('T', ' ')} UTC`,
    `${result.machine}; load average ${loadAtStart} at the start, ${loadAtEnd} at the end (1/5/15 min)`,
    `one replica, Slack HTTP mode on loopback, ${storage.note}, KB ${KB} (${kbFiles} files), fake Web API on loopback`,
    '',
    `Slack event -> reply posted, ${s.events} app_mentions one at a time (after ${WARM_UP} warm-up):`,
    '',
    '| events | answered | reply p50 | reply p99 | reply max | ack p50 | ack p99 | bot CPU |',
    '|---|---|---|---|---|---|---|---|',
    `| ${s.events} | ${s.answered} | ${ms(s.replyP50)} | ${ms(s.replyP99)} | ${ms(s.replyMax)} | ${ms(s.ackP50)} | ${ms(s.ackP99)} | ${s.botCpuSeconds.toFixed(1)} s |`,
    '',
    `Throughput, each rate offered for ${SECONDS} s (concurrent requests):`,
    '',
    '| rate/s | events | offered/s | acked | ack p50 | ack p99 | ack max | reply p50 | reply p99 | answered | behind at end | bot CPU | ack p99 < 3 s, all answered | kept pace |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...ramp.map(
      (r) =>
        `| ${r.rate} | ${r.events} | ${r.offeredPerSecond.toFixed(0)} | ${r.acked} | ${ms(r.ackP50)} | ${ms(r.ackP99)} | ${ms(r.ackMax)} | ${ms(r.replyP50)} | ${ms(r.replyP99)} | ${r.answered}${r.answeredTwice ? ` (${r.answeredTwice} twice)` : ''} | ${ms(r.behindMs)} | ${r.botCpuSeconds.toFixed(1)} s | ${r.answeredInTime ? 'yes' : 'no'} | ${r.keptPace ? 'yes' : 'no'} |`,
    ),
    '',
    `Sustained by one replica: ${best ? `${best} events/s${best === Math.max(...RATES) ? ', the top of the ramp (higher --rates find the ceiling)' : ''}` : 'none of the rates'} (highest rate with ack p99 < 3 s, every reply posted, and the last within ${KEPT_PACE_MS / 1000} s of the last event${ramp.length < RATES.length ? '; the ramp stopped at the first rate that missed' : ''}).`,
    `Bot peak RSS ${result.botPeakRssMb.toFixed(0)} MB; exit after SIGTERM: code ${exit.code}${exit.signal ? ` (${exit.signal})` : ''}; ${errorLines.length} log lines at warn or above.`,
    '',
    'Summary (one row per --storage; the rows of two runs stack into one table):',
    '',
    '| storage | reply p50 | reply p99 | ack p99 | sustained events/s (ack p99 < 3 s) | bot CPU per event | database CPU per event |',
    '|---|---|---|---|---|---|---|',
    `| ${opts.storage} | ${ms(s.replyP50)} | ${ms(s.replyP99)} | ${ms(s.ackP99)} | ${best || 'none'} | ${((s.botCpuSeconds / s.events) * 1000).toFixed(1)} ms | ${Number.isFinite(s.dbCpuSeconds) ? `${((s.dbCpuSeconds / s.events) * 1000).toFixed(1)} ms` : '-'} |`,
  ];
  console.log(lines.join('\n'));
}
if (errorLines.length)
  log(`the bot's log (${errorLines.length} lines), first 5:\n${errorLines.slice(0, 5).join('\n')}`);
process.exitCode = exit.code === 0 ? 0 : 1;
