/**
 * Nothing lost on Teams: a turn that fails tells the user and lets the service's re-delivery be
 * answered; feedback is written before the press is answered, and a failed write says so; `stop`
 * lets replies in flight finish within its grace period and releases the ones it cuts, so their
 * re-delivery after a restart is answered exactly once. The real CloudAdapter on loopback, nock
 * standing in for the Bot Connector (a call can be held until the test lets it go).
 */
import { createServer, type Server } from 'node:http';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryDeliveries } from '../../../../src/adapters/teams/delivered.js';
import { createTeamsServer, TEAMS_TEXTS, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { asyncFromSync, type AsyncFeedbackLog } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import type { FeedbackRecord } from '../../../../src/memory/types.js';
import { tempDir } from '../../../helpers/paths.js';
import { seedKb, SEED_PASTE } from '../../../helpers/seed-kb.js';
import { listen } from '../../../helpers/http.js';
import { keptLogger } from '../../../helpers/log.js';
import { FakeConnector, personalMessage, post, press, type ConnectorCall } from './fixtures.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

const connector = new FakeConnector();
const { calls } = connector;

const servers: TeamsServer[] = [];
function server(
  options: Partial<Parameters<typeof createTeamsServer>[0]> & { logger: ReturnType<typeof keptLogger>['logger'] },
) {
  const s = createTeamsServer({
    bot: new Bot(kb, { ranker }),
    port: 0,
    retry: { baseMs: 1, sleep: async () => undefined },
    ...options,
  });
  servers.push(s);
  return s;
}

const textOf = (call: ConnectorCall | undefined): unknown => call?.body.text;
const cardText = (call: ConnectorCall | undefined): string => JSON.stringify(call?.body.attachments ?? []);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  connector.reset();
  connector.install();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop(0)));
  nock.cleanAll();
});

describe('a Teams turn that fails', () => {
  it('tells the user something went wrong, logs one line, and answers the re-delivery', async () => {
    const { logger, lines } = keptLogger('debug');
    const real = new Bot(kb, { ranker });
    let failures = 1;
    const bot = {
      respond: (...args: Parameters<Bot['respond']>) =>
        failures-- > 0 ? Promise.reject(new Error('the index file is unreadable')) : real.respond(...args),
      act: (...args: Parameters<Bot['act']>) => real.act(...args),
    };
    const s = server({ bot, logger });
    await s.start();
    const activity = personalMessage(SEED_PASTE);

    const res = await post(s.url, activity);
    expect(res.status).toBe(200);
    expect(calls.map(textOf)).toEqual([TEAMS_TEXTS.turnFailed]);
    const errors = lines.filter((l) => l.startsWith('kbbot error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/activity dm-\d+ failed: the index file is unreadable; told the user/);
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);

    calls.length = 0;
    expect((await post(s.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardText(calls[0])).toContain('Q290226');
  });

  it('when even the apology cannot be posted: a 500, so the service delivers it again, and that is answered', async () => {
    const { logger, lines } = keptLogger('warn');
    const s = server({ logger });
    await s.start();
    const activity = personalMessage(SEED_PASTE);
    const reply = connector.holdNextCall();
    const apology = connector.holdNextCall();
    reply.answer(403);
    apology.answer(403);
    expect((await post(s.url, activity)).status).toBe(500);
    expect(lines.filter((l) => l.startsWith('kbbot error:'))).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/could not tell the user either/);
    expect((await post(s.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardText(calls[0])).toContain('Q290226');
  });
});

describe('the delivered set of a Teams server', () => {
  it('shared by two replicas: an activity delivered to both at once is answered once', async () => {
    const data = tempDir('kbbot-teams-replicas-');
    // Two processes' own connections to one storage, as two replicas have to one database.
    const stores = [openStorage(data.dir), openStorage(data.dir)];
    try {
      const { logger } = keptLogger('warn');
      const replicas = stores.map((st) => server({ logger, dedupe: asyncFromSync(st).delivered }));
      await Promise.all(replicas.map((r) => r.start()));
      const activity = personalMessage(SEED_PASTE);
      const answers = await Promise.all(replicas.map((r) => post(r.url, activity)));
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      expect(calls).toHaveLength(1);
      expect(cardText(calls[0])).toContain('Q290226');
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.stop(0)));
      for (const st of stores) st.close();
      data.cleanup();
    }
  });

  it('that cannot be reached: the activity is answered anyway, and the log says the claim failed', async () => {
    const { logger, lines } = keptLogger('warn');
    const down = () => Promise.reject(new Error('storage_unavailable: the database cannot be reached'));
    const s = server({ logger, dedupe: { claim: down, done: down, release: down } });
    await s.start();
    const activity = personalMessage(SEED_PASTE);
    expect((await post(s.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardText(calls[0])).toContain('Q290226');
    expect(lines.join('\n')).toMatch(/could not claim activity .*cannot be reached.*answering it anyway/);
  });
});

describe('feedback pressed on a Teams card', () => {
  function feedbackLog(): AsyncFeedbackLog & { rows: FeedbackRecord[]; failing: boolean } {
    return {
      rows: [],
      failing: false,
      async add(f) {
        if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
        this.rows.push(f);
      },
      async list() {
        return this.rows;
      },
    };
  }

  it('is written before the press is answered', async () => {
    const log = feedbackLog();
    const { logger } = keptLogger('warn');
    const s = server({ bot: new Bot(kb, { ranker, learning: new FeedbackLearning(log) }), logger });
    await s.start();
    expect((await post(s.url, press('helpful', 'Q290226'))).status).toBe(200);
    expect(log.rows).toMatchObject([{ articleId: 'Q290226', helpful: true, user: 'aad-ann' }]);
    expect(calls).toHaveLength(1);
    expect(cardText(calls[0])).toMatch(/Q290226/);
  });

  it('that cannot be written: the user is told so instead of thanked, and the press sent again is kept', async () => {
    const log = feedbackLog();
    log.failing = true;
    const { logger, lines } = keptLogger('warn');
    const s = server({ bot: new Bot(kb, { ranker, learning: new FeedbackLearning(log) }), logger });
    await s.start();
    const pressed = press('not_it', 'Q290226');

    expect((await post(s.url, pressed)).status).toBe(200);
    expect(calls.map(textOf)).toEqual([TEAMS_TEXTS.turnFailed]);
    expect(lines.join('\n')).toMatch(/failed: SQLITE_FULL: database or disk is full; told the user/);

    log.failing = false;
    calls.length = 0;
    expect((await post(s.url, pressed)).status).toBe(200);
    expect(log.rows).toMatchObject([{ articleId: 'Q290226', helpful: false }]);
    expect(calls).toHaveLength(1);
    expect(textOf(calls[0])).not.toBe(TEAMS_TEXTS.turnFailed);
  });
});

describe('stopping the Teams server', () => {
  it('finishes a reply in flight (a slow connector) before it resolves, and refuses new requests with 503', async () => {
    const delivered = memoryDeliveries();
    const { logger, lines } = keptLogger('warn');
    const s = server({ logger, dedupe: delivered });
    // Mounted on another server too (Slack's port), where new requests still arrive while stopping.
    const outer: Server = createServer((req, res) => s.handle(req, res));
    const outerUrl = `http://127.0.0.1:${await listen(outer)}`;
    try {
      await s.start();
      const activity = personalMessage(SEED_PASTE);
      const slow = connector.holdNextCall();
      const answered = post(s.url, activity);
      await slow.arrived;

      let stopped = false;
      const stopping = s.stop(30_000).then(() => (stopped = true));
      const refused = await post(outerUrl, personalMessage(SEED_PASTE));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(stopped).toBe(false);

      slow.answer(201);
      expect((await answered).status).toBe(200);
      await stopping;
      expect(calls).toHaveLength(1);
      expect(cardText(calls[0])).toContain('Q290226');
      expect(lines.filter((l) => /dropped/.test(l))).toEqual([]);

      // Answered: a re-delivery to the restarted bot is not answered again.
      const restarted = server({ logger, dedupe: delivered });
      await restarted.start();
      expect((await post(restarted.url, activity)).status).toBe(200);
      expect(calls).toHaveLength(1);
    } finally {
      await new Promise((resolve) => outer.close(resolve));
    }
  });

  it('drops a reply slower than the grace period: logged with its id, released, answered once after a restart', async () => {
    const delivered = memoryDeliveries();
    const { logger, lines } = keptLogger('warn');
    const s = server({ logger, dedupe: delivered });
    await s.start();
    const activity = personalMessage(SEED_PASTE);
    const stuck = connector.holdNextCall();
    const cut = post(s.url, activity).catch((err: Error) => ({ status: 0, body: err.message }));
    await stuck.arrived;

    await s.stop(50);
    expect((await cut).status).toBe(503);
    const dropped = lines.filter((l) => /dropped/.test(l));
    expect(dropped).toEqual([
      `kbbot warn: teams: shutting down: dropped the reply to activity ${activity.id as string}`,
    ]);
    expect(lines.join('\n')).not.toContain('0xc0020002');

    const restarted = server({ logger, dedupe: delivered });
    await restarted.start();
    expect((await post(restarted.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardText(calls[0])).toContain('Q290226');

    // The first process's call fails late (it would have exited): still one answer, and a third delivery is skipped.
    stuck.answer(403);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await post(restarted.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
  });
});
