/**
 * Two Slack replicas on one Postgres database (issue #26): two real Bolt Apps in this process, each
 * with its own storage pool and bot, as two `npm start` processes behind a load balancer have them,
 * and nock standing in for Slack's Web API. An event sent to one replica and its retry to the other
 * at the same moment is answered once (the claim is atomic in the database); `/kb listen on` said
 * to one holds on the other from the next message; a thread answered by one is followed by the
 * other. The two processes and SIGKILL are test/e2e/replicas.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import { StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import type { AsyncStorage } from '../../../../src/memory/async-types.js';
import { openPostgresStorage } from '../../../../src/memory/postgres/open.js';
import { testPostgres } from '../../../helpers/postgres.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import {
  channelMessage,
  command,
  mention,
  nextTs,
  retryHeaders,
  sendForm,
  sendJson,
  threadMessage,
} from '../../../helpers/slack.js';
import { until } from '../../../helpers/wait.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, startApp, storedBot } from './harness.js';

const postgres = await testPostgres();

const kb = seedKb();
const ranker = Ranker.build(kb);
const fake = new FakeSlack();
const outcomes = new Outcomes();

interface Replica {
  storage: AsyncStorage;
  app: SlackApp;
  url: string;
}
const replicas: Replica[] = [];
/** The replica a delivery goes to: 0 or 1. */
const to = (n: number): string => replicas[n % 2]?.url ?? '';

describe.skipIf(postgres.skip)('two Slack replicas on one Postgres database', () => {
  beforeAll(async () => {
    if (postgres.skip !== undefined) return;
    fake.install();
    const db = await postgres.database();
    for (let i = 0; i < 2; i++) {
      const storage = await openPostgresStorage(db.url, { poolSize: 4 });
      const app = createSlackApp({
        ...LOOPBACK_APP,
        bot: storedBot(kb, ranker, storage),
        listening: new StoredListeningStore(storage.settings),
        dedupe: storage.delivered,
        logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
        onHandled: outcomes.onHandled,
      });
      replicas.push({ storage, app, url: await startApp(app) });
    }
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas.splice(0)) {
      await r.app.stop(0);
      await r.storage.close();
    }
    fake.uninstall();
  });

  it('answers each of 20 events once, when each goes to one replica and its retry to the other at once', async () => {
    outcomes.clear();
    const before = fake.posted().length;
    const events = Array.from({ length: 20 }, () => mention(SEED_PASTE, 'C1', nextTs()));
    const answers = await Promise.all(
      events.flatMap((event, i) => [sendJson(to(i), event), sendJson(to(i + 1), event, { headers: retryHeaders(1) })]),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await until(() => outcomes.handled.length >= 40, 'every delivery handled', 20_000);
    const count = (outcome: string): number => outcomes.handled.filter((h) => h.outcome === outcome).length;
    expect({ replied: count('replied'), duplicate: count('duplicate') }).toEqual({ replied: 20, duplicate: 20 });
    const threads = fake
      .posted()
      .slice(before)
      .map((p) => String(p.thread_ts))
      .sort();
    expect(threads).toEqual(events.map((e) => String((e.event as { ts: string }).ts)).sort());
  });

  it('shares /kb listen: turned on through one replica, the other answers in that channel from the next message', async () => {
    const on = outcomes.next((h) => h.kind === 'command');
    await sendForm(to(0), command('listen on', 'C_SHARED'));
    expect(await on).toMatchObject({ outcome: 'replied' });
    const paste = outcomes.next((h) => h.kind === 'event');
    await sendJson(to(1), channelMessage(SEED_PASTE, 'C_SHARED'));
    expect(await paste).toMatchObject({ outcome: 'replied' });
  });

  it('follows a thread answered by one replica when its next message reaches the other', async () => {
    const root = nextTs();
    const asked = outcomes.next((h) => h.kind === 'event');
    await sendJson(to(0), mention(SEED_PASTE, 'C_QUIET', root));
    expect(await asked).toMatchObject({ outcome: 'replied' });
    // No mention, in a channel nobody listens in: only a followed thread is read.
    const next = outcomes.next((h) => h.kind === 'event');
    await sendJson(to(1), threadMessage('other matches?', { channel: 'C_QUIET', thread: root, user: 'U1' }));
    expect((await next).outcome).not.toBe('ignored');
  });
});
