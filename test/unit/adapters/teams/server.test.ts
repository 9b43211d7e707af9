/**
 * The Teams adapter end to end: the real CloudAdapter behind the node:http server on a free
 * loopback port, driven with Bot Framework activities POSTed over HTTP, and nock standing in for
 * the Bot Connector at the activities' serviceUrl. The bot is the real one on the five seeds.
 * The connector calls of a turn are made before the POST is answered, so no test waits on timers.
 */
// node:http loaded before nock: the test's own requests to the server go around nock, whose 'no match'
// events are then only calls the adapter makes.
import 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTeamsServer, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import { Bot, type BotEvent } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { keptLogger } from '../../../helpers/log.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import {
  channelClaims,
  connectorTokenEndpoint,
  FakeConnector,
  jwkOf,
  jwt,
  personalMessage,
  post as postTo,
  type Json,
  channelMention as channelMentionIn,
  cardOf,
} from './fixtures.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

const CHANNEL = '19:ops@thread.tacv2';
const PASTE = SEED_PASTE;

const connector = new FakeConnector();
const { calls } = connector;
const events: BotEvent[] = [];
const { logger, lines: logLines } = keptLogger('debug');
let server: TeamsServer;

/** A message in CHANNEL that @mentions the bot. */
const channelMessage = (text: string, extra: Json = {}): Json => channelMentionIn(CHANNEL, text, extra);

/** POST an activity to `url` (the unauthenticated server's by default). */
const post = (activity: Json, headers: Record<string, string> = {}, url = server.url): ReturnType<typeof postTo> =>
  postTo(url, activity, headers);

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
  server = createTeamsServer({
    bot: new Bot(kb, { ranker, onEvent: (e) => events.push(e) }),
    port: 0,
    host: '0.0.0.0',
    logger,
    retry: { baseMs: 1, sleep: async () => undefined },
  });
  await server.start();
});

afterAll(async () => {
  await server.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

beforeEach(() => {
  connector.reset();
  events.length = 0;
  connector.install();
});

afterEach(() => {
  nock.cleanAll();
});

describe('Teams endpoint without an app id', () => {
  it('listens on loopback only and says it is unauthenticated', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logLines.join('')).toMatch(/UNAUTHENTICATED/);
  });

  it('answers a channel @mention with an Adaptive Card in the same reply chain', async () => {
    const activity = channelMessage(PASTE);
    const res = await post(activity);
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.method).toBe('POST');
    // replyToActivity: conversations/{conversation id with ;messageid=}/activities/{the message}
    expect(call?.path).toBe(`${(activity.conversation as Json).id as string}/activities/${activity.id as string}`);
    expect(call?.body.replyToId).toBe(activity.id);
    expect(cardOf(call)).toContain('Q290226');
    expect(events).toContainEqual(expect.objectContaining({ type: 'answered', articleId: 'Q290226' }));
    const answered = events.find((e) => e.type === 'answered');
    expect(answered?.type === 'answered' && answered.message).toMatchObject({
      via: 'mention',
      conversation: CHANNEL,
      thread: activity.id,
      user: 'aad-ann',
    });
  });

  it('answers a body that is not an activity with 400, and sends nothing', async () => {
    const r = await post({ hello: 'world' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('not a Bot Framework activity');
  });

  it('stays silent on channel messages that do not mention the bot', async () => {
    const res = await post(channelMessage(PASTE, { text: PASTE, entities: [] }));
    expect(res.status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('answers a personal chat message with a card', async () => {
    const res = await post(personalMessage(PASTE));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardOf(calls[0])).toContain('Q290226');
    expect(calls[0]?.authorization).toBeNull(); // no app id: nothing to sign with
    const answered = events.find((e) => e.type === 'answered');
    expect(answered?.type === 'answered' && answered.message.via).toBe('dm');
  });

  it('answers the same activity delivered twice only once', async () => {
    const activity = personalMessage(PASTE);
    expect((await post(activity)).status).toBe(200);
    expect((await post(activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('answers the messaging-extension search in the invoke response with result cards', async () => {
    const invoke = {
      ...personalMessage(''),
      type: 'invoke',
      name: 'composeExtension/query',
      text: undefined,
      value: {
        commandId: 'searchKb',
        parameters: [{ name: 'query', value: PASTE }],
        queryOptions: { skip: 0, count: 25 },
      },
    };
    const res = await post(invoke);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as {
      composeExtension: { type: string; attachmentLayout: string; attachments: Json[] };
    };
    expect(body.composeExtension.type).toBe('result');
    expect(body.composeExtension.attachmentLayout).toBe('list');
    const [first] = body.composeExtension.attachments;
    expect(first?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(first?.content)).toContain('Q290226');
    expect(first?.preview).toMatchObject({ contentType: 'application/vnd.microsoft.card.thumbnail' });
    expect(JSON.stringify(first?.preview)).toContain('Q290226');
    expect(calls).toEqual([]); // nothing posted to the conversation
  });

  it('records "not it" and replaces the card with the next candidate', async () => {
    const root = channelMessage(PASTE);
    await post(root);
    const [answered] = calls;
    expect(cardOf(answered)).toContain('Q290226');
    calls.length = 0;
    events.length = 0;
    const press = {
      ...channelMessage('', { text: undefined, entities: [] }),
      conversation: root.conversation,
      replyToId: 'sent-card-1',
      value: { kbAction: 'not_it', id: 'Q290226' },
    };
    const res = await post(press);
    expect(res.status).toBe(200);
    expect(events).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: 'Q290226', helpful: false }));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('PUT');
    expect(calls[0]?.path).toBe(`${(root.conversation as Json).id as string}/activities/sent-card-1`);
    const card = cardOf(calls[0]);
    expect(card).not.toMatch(/"Q290226/);
    expect(card).toMatch(/Q\d{6}/);
  });

  it('repeats a reply the connector throttled (429 without Retry-After)', async () => {
    logLines.length = 0;
    connector.failNext = [{ status: 429 }];
    const res = await post(personalMessage(PASTE));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(logLines.join('')).toMatch(/connector said 429/);
  });

  it('leaves a 429 with Retry-After to the connector client, which waits and repeats it itself', async () => {
    logLines.length = 0;
    connector.failNext = [{ status: 429, headers: { 'retry-after': '0' } }];
    const res = await post(personalMessage(PASTE));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(connector.failNext).toEqual([]);
    expect(logLines.join('')).not.toMatch(/connector said/);
  });

  it('sends the answer as a new message when the card cannot be updated', async () => {
    const root = channelMessage(PASTE);
    await post(root);
    calls.length = 0;
    connector.failNext = [{ status: 403 }];
    const press = {
      ...channelMessage('', { text: undefined, entities: [] }),
      conversation: root.conversation,
      replyToId: 'sent-card-9',
      value: { kbAction: 'full_article', id: 'Q290226' },
    };
    expect((await post(press)).status).toBe(200);
    expect(calls.map((c) => c.method)).toEqual(['POST']);
    expect(cardOf(calls[0])).toContain('Q290226');
  });
});

describe('Teams endpoint with an app id', () => {
  let secured: TeamsServer;
  beforeAll(async () => {
    secured = createTeamsServer({
      bot: new Bot(kb, { ranker }),
      appId: 'kbbot-app-id',
      appPassword: 'secret',
      port: 0,
      host: '127.0.0.1',
      logger,
    });
    await secured.start();
  });
  afterAll(() => secured.stop());

  it('accepts a token signed by the channel and replies with a connector token from Entra', async () => {
    const seen: string[] = [];
    nock.emitter.on('no match', (req: { method?: string; url?: string; href?: string; path?: string }) =>
      seen.push(`${req.method} ${req.url ?? req.href ?? req.path}`),
    );
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Read by the token gate (auth.ts) and by botbuilder's own check after it.
    const keys = nock('https://login.botframework.com')
      .persist()
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, {
        issuer: 'https://api.botframework.com',
        jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
      })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [jwkOf(publicKey, 'test-key')] });
    const token = connectorTokenEndpoint();
    const bearer = jwt({ alg: 'RS256', typ: 'JWT', kid: 'test-key' }, channelClaims('kbbot-app-id'), privateKey);
    try {
      const res = await post(personalMessage(PASTE), { authorization: `Bearer ${bearer}` }, secured.url);
      expect(seen).toEqual([]);
      expect(res.status).toBe(200);
      expect(calls.map((c) => c.authorization)).toEqual(['Bearer connector-token']);
      expect(cardOf(calls[0])).toContain('Q290226');
    } finally {
      nock.emitter.removeAllListeners('no match');
      token.persist(false);
      keys.persist(false);
    }
  });

  it('refuses a request without a valid token with 401, sends nothing and prints nothing', async () => {
    const noisy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await post(personalMessage(PASTE), {}, secured.url)).status).toBe(401);
      expect((await post(personalMessage(PASTE), { authorization: 'Bearer not.a.token' }, secured.url)).status).toBe(
        401,
      );
      expect(noisy).not.toHaveBeenCalled();
    } finally {
      noisy.mockRestore();
    }
    expect(calls).toEqual([]);
  });
});
