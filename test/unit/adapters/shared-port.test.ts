/** Slack (HTTP) and Teams in one process on one port: Teams' /api/messages mounted on Slack's server. */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../src/adapters/slack/app.js';
import { MemoryDeliveredEvents } from '../../../src/adapters/slack/delivered-events.js';
import { MemoryListeningStore } from '../../../src/adapters/slack/listening.js';
import { createTeamsServer, TEAMS_PATH } from '../../../src/adapters/teams/server.js';
import { Bot } from '../../../src/bot/bot.js';
import { KnowledgeBase } from '../../../src/kb/knowledge-base.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../src/log.js';
import { makeArticle } from '../../helpers/articles.js';
import { postJson } from '../../helpers/http.js';

const kb = new KnowledgeBase([makeArticle({ id: 'Q1', title: 'Something' })]);
const bot = new Bot(kb, { ranker: Ranker.build(kb) });
const logger = createLogger('error');
const teams = createTeamsServer({
  bot,
  appId: '11111111-2222-3333-4444-555555555555',
  appPassword: 'pw',
  port: 0,
  logger,
});
// Created after nock is in place: Bolt checks the token (auth.test) as soon as the App exists.
let slack: ReturnType<typeof createSlackApp>;
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock('https://slack.test')
    .persist()
    .post('/api/auth.test')
    .reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' });
  slack = createSlackApp({
    bot,
    botToken: 'xoxb-test',
    signingSecret: 'secret',
    apiUrl: 'https://slack.test/api/',
    port: 0,
    host: '127.0.0.1',
    listening: new MemoryListeningStore(),
    dedupe: new MemoryDeliveredEvents(),
    logger,
    clientOptions: { retryConfig: { retries: 0 } },
    extraRoutes: [{ path: TEAMS_PATH, method: ['POST'], handler: teams.handle }],
  });
});
afterAll(async () => {
  await slack.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

const post = (port: number, path: string, body: object): Promise<{ status: number; body: string }> =>
  postJson(`http://127.0.0.1:${port}${path}`, body);

describe('one port for Slack and Teams', () => {
  it('serves Teams activities (authenticated) and Slack events (signed) side by side', async () => {
    const { port } = await slack.start();
    if (port === undefined) throw new Error('no port');
    // Teams: not an activity -> 400 from the Teams handler; an activity without a token -> 401.
    expect((await post(port, TEAMS_PATH, { hello: 'world' })).status).toBe(400);
    const activity = {
      type: 'message',
      id: 'a1',
      text: 'hi',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      from: { id: 'u' },
      recipient: { id: 'b' },
      conversation: { id: 'c' },
    };
    expect((await post(port, TEAMS_PATH, activity)).status).toBe(401);
    // Slack: an unsigned request is still refused by Slack's signature check.
    expect((await post(port, '/slack/events', { type: 'url_verification', challenge: 'x' })).status).toBe(401);
  });
});
