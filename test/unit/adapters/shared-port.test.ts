/** Slack (HTTP) and Teams in one process on one port: Teams' /api/messages mounted on Slack's server. */
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
import { FakeSlack, LOOPBACK_APP } from './slack/harness.js';

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
const fake = new FakeSlack();
// Created after nock is in place: Bolt checks the token (auth.test) as soon as the App exists.
let slack: ReturnType<typeof createSlackApp>;
beforeAll(() => {
  fake.install();
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot,
    listening: new MemoryListeningStore(),
    dedupe: new MemoryDeliveredEvents(),
    logger,
    extraRoutes: [{ path: TEAMS_PATH, method: ['POST'], handler: teams.handle }],
  });
});
afterAll(async () => {
  await slack.stop();
  fake.uninstall();
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
