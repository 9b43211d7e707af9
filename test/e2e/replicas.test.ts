// Two replicas on one Postgres database (issue #26, "Done when"), as an operator runs them: two
// `node dist/src/main.js` processes in Slack HTTP mode, the same DATABASE_URL (a fresh database),
// each its own DATA_DIR (the KB index cache is per replica), the bundled seeds KB, STORE_MESSAGES
// on, behind a loopback round-robin proxy (test/helpers/round-robin-proxy.ts), and one loopback
// Slack Web API that both post to (test/helpers/fake-slack-api.ts).
//
// 200 distinct app_mentions, each in a thread of its own, are each delivered to one replica and
// retried (same event_id, `x-slack-retry-num: 1`, `http_timeout`) on the other, the retry either
// at the same moment or once the first was acked. Some answers get a Helped click, replayed at once
// (the proxy's round robin sends the replay to the other replica), or a 👍 reaction (sent to the
// replica that did not post the answer, and retried on the one that did).
//
// The kill, in the middle: replica B's chat.postMessage calls are held by the fake Slack API and
// never answered, 20 events are delivered to B alone, B claims and acks each and starts posting its
// reply; then B is SIGKILLed. Its held posts never reached Slack, so they do not count as posted.
// Slack retries each of those events (here at once, to A): A must answer every one, because the
// claims of a dead replica are free as soon as its database connection is gone (design-postgres.md
// section 6). Clicks B acknowledged just before the kill must be in the database. B is then
// restarted (same port and DATA_DIR, as a supervisor would) and the remaining events go to both.
//
// "Exactly once" here: every event gets exactly one chat.postMessage that Slack answered, in its
// thread, and every acknowledged click or reaction is one feedback row. What this cannot promise,
// and the test does not stage: a replica killed after Slack took its post but before its `done`
// reached the database leaves a claim that dies with it, so the retry is answered again (the
// at-least-once window, as long as one post round trip). Missing a reply is worse than a rare double.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_LOCK } from '../../src/memory/postgres/migrations.js';
import { spawnBot, whenReady, type BotProcess } from '../helpers/bot-process.js';
import { startFakeSlackApi, type ApiCall, type FakeSlackApi } from '../helpers/fake-slack-api.js';
import { freePort } from '../helpers/http.js';
import { logRecords } from '../helpers/log.js';
import { SEEDS_DIR, tempDir } from '../helpers/paths.js';
import { testPostgres } from '../helpers/postgres.js';
import { BACKEND_HEADER, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import {
  button,
  mention,
  reactionAdded,
  retryHeaders,
  sendInteraction,
  sendJson,
  type Body,
} from '../helpers/slack.js';
import { until } from '../helpers/wait.js';

const postgres = await testPostgres();

const SECRET = 'replicas-signing-secret';
/** Distinct events, each in a thread of its own. */
const EVENTS = 200;
/** Events delivered to both replicas before the kill. */
const BEFORE_KILL = 90;
/** Events replica B has claimed and is posting the reply to when it is killed. */
const IN_FLIGHT = 20;
/** Events sent at once (each with its retry): like Slack, which does not wait for one event's reply to send the next. */
const BATCH = 10;
/** Errors the seeds answer (an article each), pasted with a distinct prefix so no two events are the same text. */
const PASTES = [
  'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
  'Setup fails: Unable to create Encryption-Cfg object in the site you are running Setup. Verify the Microsoft Exchange Directory is running then try again.',
  'Update.exe says The system cannot find the file specified when it checks Kmserver.exe on the KM server',
  'KMS database conversion fails during the Exchange 5.5 upgrade, what now?',
];

const tmp = tempDir('kbbot-replicas-');
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  tmp.cleanup();
}, 30_000);

const channelOf = (i: number): string => `C0REP${i % 8}`;
const tsOf = (i: number): string => `1700100000.${String(i).padStart(6, '0')}`;
const eventOf = (i: number): Body =>
  mention(`on web-${i}: ${PASTES[i % PASTES.length]}`, channelOf(i), tsOf(i), `EvRep${i}`);

describe.skipIf(postgres.skip)('two replicas on Postgres', () => {
  it('answers each of 200 events once with retries on the other replica and one replica killed mid-reply, losing no feedback', async () => {
    if (postgres.skip !== undefined) return;
    const db = await postgres.database();
    const api = await startFakeSlackApi();
    closers.push(() => api.close());
    const ports = [await freePort(), await freePort()];
    const proxy = await startRoundRobinProxy(ports);
    closers.push(() => proxy.close());
    const replica = replicas(db.url, api, ports);
    closers.push(() => replica.stopAll());

    const [a, firstB] = await Promise.all([replica.start('a', 0), replica.start('b', 1)]);
    let b = firstB;
    /** The replica process on backend 0 or 1 now. */
    const live = (index: number): BotProcess => (index === 0 ? a : b);
    /** Deliveries each replica process acknowledged (events, clicks, reactions), to know when it has handled them all. */
    const sent = new Map<BotProcess, number>();
    /**
     * A signed delivery through the proxy: to backend `to`, or the next one in turn ('next'). Resolves
     * with the HTTP status and the backend that answered (the proxy says which).
     */
    const send = async (
      payload: Body,
      to: number | 'next',
      retry?: number,
    ): Promise<{ status: number; backend: number }> => {
      const headers = {
        ...(to === 'next' ? {} : { [BACKEND_HEADER]: String(to) }),
        ...(retry ? retryHeaders(retry, 'http_timeout') : {}),
      };
      const options = { secret: SECRET, headers };
      const url = `${proxy.url}/slack/events`;
      const answer = await ('actions' in payload
        ? sendInteraction(url, payload, options)
        : sendJson(url, payload, options));
      const backend = Number(answer.headers[BACKEND_HEADER] ?? -1);
      if (backend >= 0) sent.set(live(backend), (sent.get(live(backend)) ?? 0) + 1);
      return { status: answer.status, backend };
    };
    /** The status of a delivery to backend `to`. */
    const status = async (payload: Body, to: number, retry?: number): Promise<number> =>
      (await send(payload, to, retry)).status;
    /** Event i to replica i % 2 and its retry to the other: at the same moment for half the events, after the ack for the rest. */
    const deliverBoth = async (i: number): Promise<void> => {
      const first = i % 2;
      const other = 1 - first;
      const event = eventOf(i);
      if (i % 4 < 2) {
        expect(await Promise.all([status(event, first), status(event, other, 1)])).toEqual([200, 200]);
      } else {
        expect(await status(event, first)).toBe(200);
        expect(await status(event, other, 1)).toBe(200);
      }
    };
    const inBatches = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i += BATCH)
        await Promise.all(range(i, Math.min(i + BATCH, to)).map((n) => deliverBoth(n)));
    };
    const postsIn = (i: number): ApiCall[] =>
      api.posts().filter((p) => p.body.channel === channelOf(i) && p.body.thread_ts === tsOf(i));
    const allAnswered = (from: number, to: number): boolean => range(from, to).every((i) => postsIn(i).length > 0);

    /** The threads whose answer got a Helped click or a 👍: `C0REP3 1700100000.000003`. */
    const feedback = new Set<string>();
    /**
     * A Helped click on event i's answer: to backend `to`, or through the proxy's round robin and
     * replayed at once (a double click, a retrying proxy), which the round robin sends to the other replica.
     */
    const helped = async (i: number, to: number | 'replayed'): Promise<void> => {
      const [answer] = postsIn(i);
      if (!answer?.ts) throw new Error(`event ${i} has no answer to click`);
      const click = button('kb_helpful', helpedValue(answer), {
        channel: channelOf(i),
        threadTs: tsOf(i),
        messageTs: answer.ts,
      });
      click.response_url = api.respondUrl(`click${i}`);
      feedback.add(`${channelOf(i)} ${tsOf(i)}`);
      if (to !== 'replayed') {
        expect(await status(click, to)).toBe(200);
        return;
      }
      const first = await send(click, 'next');
      const replay = await send(click, 'next');
      expect([first.status, replay.status]).toEqual([200, 200]);
      expect(replay.backend).toBe(1 - first.backend);
    };
    /** A 👍 on event i's answer, sent to the replica that did not post it and retried on the one that did. */
    const thumbsUp = async (i: number): Promise<void> => {
      const [answer] = postsIn(i);
      if (!answer?.ts) throw new Error(`event ${i} has no answer to react to`);
      const poster = answer.replica === 'a' ? 0 : 1;
      const reaction = reactionAdded('+1', { channel: channelOf(i), ts: answer.ts, user: 'U1', itemUser: 'UBOT' });
      feedback.add(`${channelOf(i)} ${tsOf(i)}`);
      expect(await status(reaction, 1 - poster)).toBe(200);
      expect(await status(reaction, poster, 1)).toBe(200);
    };

    // Both replicas up: the first 90 events, then feedback on some of their answers.
    await inBatches(0, BEFORE_KILL);
    await until(() => allAnswered(0, BEFORE_KILL), 'the events before the kill answered', 20_000);
    for (let i = 0; i < BEFORE_KILL; i += 10) await helped(i, 'replayed');
    for (let i = 5; i < BEFORE_KILL; i += 10) await thumbsUp(i);

    // The kill. Clicks B acknowledged just before it must be kept.
    for (let i = 3; i < BEFORE_KILL; i += 20) await helped(i, 1);
    api.hold('b', 'chat.postMessage');
    const doomed = range(BEFORE_KILL, BEFORE_KILL + IN_FLIGHT);
    expect(await Promise.all(doomed.map((i) => status(eventOf(i), 1)))).toEqual(doomed.map(() => 200));
    await until(() => api.held.length === IN_FLIGHT, 'B posting the replies it claimed', 10_000);
    b.child.kill('SIGKILL');
    expect(await b.exited).toMatchObject({ signal: 'SIGKILL' });
    // Slack retries about a minute later; by then the server has long noticed B's connections closed.
    await eventually(async () => (await owners(db.url)) <= 1, "B's liveness lock gone from the server", 10_000);
    // A supervisor restarts B (same port and DATA_DIR); it boots while A answers the retries.
    const restarted = replica.start('b2', 1);
    restarted.catch(() => undefined); // awaited below; a failed start must not also be an unhandled rejection
    await Promise.all(doomed.map(async (i) => expect(await status(eventOf(i), 0, 1)).toBe(200)));
    await until(
      () => allAnswered(BEFORE_KILL, BEFORE_KILL + IN_FLIGHT),
      "A answering the retries of B's events",
      20_000,
    );

    // The rest of the events go to both again.
    b = await restarted;
    await inBatches(BEFORE_KILL + IN_FLIGHT, EVENTS);
    await until(() => allAnswered(0, EVENTS), 'every event answered', 20_000);
    for (let i = BEFORE_KILL + IN_FLIGHT; i < EVENTS; i += 10) await helped(i, 'replayed');
    for (let i = BEFORE_KILL + IN_FLIGHT + 5; i < EVENTS; i += 10) await thumbsUp(i);
    // Every delivery to a live replica handled (replied or recognised as a duplicate): nothing is still to come.
    await until(
      () => [a, b].every((bot) => handled(bot) >= (sent.get(bot) ?? 0)),
      'the live replicas done with every delivery',
      20_000,
    );

    // Soft: a run that breaks shows every way it broke (duplicates, lost replies, lost feedback) at once.
    const replies = range(0, EVENTS).map((i) => postsIn(i).length);
    expect
      .soft({
        unanswered: spans(range(0, EVENTS).filter((i) => replies[i] === 0)),
        answeredMoreThanOnce: spans(range(0, EVENTS).filter((i) => (replies[i] ?? 0) > 1)),
      })
      .toEqual({ unanswered: '', answeredMoreThanOnce: '' });
    expect.soft(api.posts(), 'chat.postMessage calls in all: one per event, none elsewhere').toHaveLength(EVENTS);
    expect
      .soft(
        api.posts().filter((p) => !/Q\d{6}/.test(JSON.stringify(p.body.blocks))),
        'replies not from the KB',
      )
      .toEqual([]);
    expect.soft(api.held.map((c) => c.replica)).toEqual(doomed.map(() => 'b')); // never posted: B died first
    expect
      .soft(new Set(doomed.map((i) => postsIn(i)[0]?.replica)), "B's claimed events answered by A")
      .toEqual(new Set(['a']));
    expect.soft(new Set(api.posts().map((p) => p.replica))).toEqual(new Set(['a', 'b', 'b2'])); // all three served

    const rows = await query<{ conversation: string; thread: string; helpful: boolean }>(
      db.url,
      'SELECT conversation, thread, helpful FROM feedback ORDER BY conversation, thread',
    ).catch((err: Error) => [{ conversation: 'the feedback table', thread: 'cannot be read:', helpful: err.message }]);
    expect
      .soft(rows.map((r) => `${r.conversation} ${r.thread} ${String(r.helpful)}`).sort(), 'feedback rows, once each')
      .toEqual([...feedback].sort().map((k) => `${k} true`));

    for (const bot of [a, b]) {
      bot.child.kill('SIGTERM');
      expect.soft(await bot.exited).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

/** Start and stop the replica processes of one test: each its own DATA_DIR and SLACK_API_URL, one database. */
function replicas(databaseUrl: string, api: FakeSlackApi, ports: number[]) {
  const started: BotProcess[] = [];
  return {
    /** Start replica `name` on backend `index`'s port (DATA_DIR per index: a restart keeps its folder) and wait until it is ready. */
    async start(name: string, index: number): Promise<BotProcess> {
      const bot = spawnBot(
        tmp.dir,
        {
          DATABASE_URL: databaseUrl,
          DATA_DIR: join(tmp.dir, `data-${index}`),
          KB_DIR: SEEDS_DIR,
          STORE_MESSAGES: 'true',
          LOG_LEVEL: 'debug',
          LOG_FORMAT: 'json',
          SLACK_BOT_TOKEN: 'xoxb-replicas-token',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: api.url(name),
          PORT: String(ports[index]),
        },
        58_000,
      );
      started.push(bot);
      await whenReady(bot, (stderr) => /Slack: listening on port/.test(stderr));
      await eventually(() => isReady(ports[index] ?? 0), `replica ${name} ready`, 20_000);
      return bot;
    },
    async stopAll(): Promise<void> {
      for (const bot of started)
        if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await Promise.all(started.map((bot) => bot.exited.catch(() => undefined)));
    },
  };
}

/** Per replica process: how far its stderr was read, and the delivery outcomes found so far. */
const outcomesRead = new Map<BotProcess, { upTo: number; count: number }>();

/**
 * How many deliveries `bot` has logged an outcome for (replied, duplicate, ...: its debug line per
 * delivery). Read on from where the last call stopped: debug logs of a few hundred deliveries are megabytes.
 */
function handled(bot: BotProcess): number {
  const read = outcomesRead.get(bot) ?? { upTo: 0, count: 0 };
  const text = bot.stderr();
  const end = text.lastIndexOf('\n') + 1;
  if (end > read.upTo) {
    read.count += logRecords(text.slice(read.upTo, end)).filter(
      (r) => typeof r.outcome === 'string' && String(r.msg).startsWith('slack: '),
    ).length;
    read.upTo = end;
  }
  outcomesRead.set(bot, read);
  return read.count;
}

/** The value of the Helped button under a posted answer (the article's id). */
function helpedValue(answer: ApiCall): string {
  const blocks = (answer.body.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[];
  const value = blocks.flatMap((block) => block.elements ?? []).find((e) => e.action_id === 'kb_helpful')?.value;
  if (value === undefined) throw new Error(`no Helped button under ${JSON.stringify(answer.body)}`);
  return value;
}

/** Increasing event numbers as spans, `0-89, 110, 112-199`, so a failure reads at a glance. */
function spans(numbers: number[]): string {
  const out: string[] = [];
  for (let k = 0; k < numbers.length;) {
    let end = k;
    while (numbers[end + 1] === (numbers[end] ?? 0) + 1) end++;
    out.push(end === k ? String(numbers[k]) : `${numbers[k]}-${numbers[end]}`);
    k = end + 1;
  }
  return out.join(', ');
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Resolves once `check()` resolves true, tried every few tens of milliseconds; rejects after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const stop = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** How many kbbot storages hold their liveness lock in the database (design-postgres.md section 6); 0 where none is on Postgres. */
async function owners(url: string): Promise<number> {
  const [row] = await query<{ owners: number }>(
    url,
    `SELECT count(*)::int AS owners FROM pg_locks
      WHERE locktype = 'advisory' AND classid = ${OWNER_LOCK}::oid
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return row?.owners ?? 0;
}

/** GET /readyz on `port` answers 200. */
const isReady = (port: number): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
