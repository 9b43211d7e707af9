/**
 * Nothing lost, nobody stalls it (issue #22), on Slack: hostile requests (a timestamp from the
 * future, replays of a signed command or click), a content type with a charset, writes made before
 * the ack, rate limits longer than a few seconds, and shutdown with replies in flight. The real
 * Bolt App over loopback HTTP on the bot's SQLite storage; `reader`, a second connection to the same
 * DATA_DIR, sees what a restarted bot (or a second process) would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp, type SlackAppOptions } from '../../../../src/adapters/slack/app.js';
import { StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { asyncFromSync, type AsyncStorage } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import type { Storage } from '../../../../src/memory/types.js';
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import { post } from '../../../helpers/http.js';
import { keptLogger } from '../../../helpers/log.js';
import {
  button,
  command,
  mention,
  nextTs,
  retryHeaders,
  sendForm,
  sendJson,
  signedHeaders,
} from '../../../helpers/slack.js';
import { until } from '../../../helpers/wait.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, rateLimited, startApp, storedBot } from './harness.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const slack = new FakeSlack();
const outcomes = new Outcomes();
const data = tempDir('kbbot-slack-rel-');
let storage: Storage;
/** `storage` as main.ts hands it to the bot and the adapter (every call a Promise). */
let stored: AsyncStorage;
/** Another connection to the same data: what a restarted bot would read. */
let reader: Storage;
let shared: SlackApp;
let endpoint: string;
let log: string[];
/** Called when the shared app writes the head of its answer to a request (its ack). */
let onAck: ((req: IncomingMessage) => void) | undefined;

function makeApp(overrides: Partial<SlackAppOptions> = {}): { app: SlackApp; lines: string[] } {
  const { logger, lines } = keptLogger('info');
  const app = createSlackApp({
    ...LOOPBACK_APP,
    bot: storedBot(kb, ranker, stored),
    listening: new StoredListeningStore(stored.settings),
    dedupe: stored.delivered,
    logger,
    onHandled: outcomes.onHandled,
    ...overrides,
  });
  return { app, lines };
}

/** An app of its own for a test that stops it. */
async function started(
  overrides: Partial<SlackAppOptions> = {},
): Promise<{ app: SlackApp; url: string; lines: string[] }> {
  const { app, lines } = makeApp(overrides);
  return { app, url: await startApp(app), lines };
}

beforeAll(async () => {
  slack.install();
  storage = openStorage(data.dir);
  stored = asyncFromSync(storage);
  reader = openStorage(data.dir);
  const made = makeApp();
  shared = made.app;
  log = made.lines;
  // Watch the moment each answer's head is written: that is the ack Slack gets.
  const receiver = shared.receiver as { requestListener: (req: IncomingMessage, res: ServerResponse) => void };
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      onAck?.(req);
      return writeHead(...args);
    }) as typeof res.writeHead;
    inner(req, res);
  };
  endpoint = await startApp(shared);
});

afterAll(async () => {
  await shared.stop(0);
  reader.close();
  storage.close();
  slack.uninstall();
  data.cleanup();
});

beforeEach(() => {
  slack.reset();
  outcomes.clear();
  log.length = 0;
  onAck = undefined;
});

describe('hostile requests', () => {
  it('refuses a request timestamped an hour in the future, and answers nothing', async () => {
    const res = await sendJson(endpoint, mention(SEED_PASTE), { ts: Math.floor(Date.now() / 1000) + 3600 });
    expect(res.status).toBe(401);
    // a request after it is answered: nothing of the refused one was left running
    const done = outcomes.next();
    await sendJson(endpoint, mention(SEED_PASTE));
    await done;
    expect(outcomes.handled).toHaveLength(1);
    expect(slack.posted()).toHaveLength(1);
  });

  it('answers a slash command sent as application/x-www-form-urlencoded; charset=utf-8', async () => {
    const done = outcomes.next();
    const res = await sendForm(endpoint, command('Q290226'), {
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ kind: 'command', outcome: 'replied' });
    expect(JSON.stringify(slack.posted('response_url'))).toContain('Q290226');
  });

  it('answers a signed /kb replayed within the window once', async () => {
    const body = new URLSearchParams(command(SEED_PASTE)).toString();
    const headers = signedHeaders(body, 'application/x-www-form-urlencoded');
    const first = outcomes.next();
    expect((await post(endpoint, body, headers)).status).toBe(200);
    expect(await first).toMatchObject({ kind: 'command', outcome: 'replied' });
    const replay = outcomes.next();
    expect((await post(endpoint, body, headers)).status).toBe(200);
    expect(await replay).toMatchObject({ outcome: 'duplicate' });
    expect(slack.posted('response_url')).toHaveLength(1);
  });

  it('stores a replayed "Helped" click once', async () => {
    const before = reader.feedback.list().length;
    const body = new URLSearchParams({
      payload: JSON.stringify(button('kb_helpful', 'Q290226', { channel: 'C_REPLAY', threadTs: nextTs() })),
    }).toString();
    const headers = signedHeaders(body, 'application/x-www-form-urlencoded');
    for (let i = 0; i < 3; i++) {
      const next = outcomes.next();
      expect((await post(endpoint, body, headers)).status).toBe(200);
      await next;
    }
    expect(outcomes.handled.map((h) => h.outcome)).toEqual(['replied', 'duplicate', 'duplicate']);
    expect(reader.feedback.list().length - before).toBe(1);
  });
});

describe('writes before the ack', () => {
  it('has a "Helped" click stored when Slack gets the ack', async () => {
    const before = reader.feedback.list().length;
    let storedAtAck: number | undefined;
    onAck = () => (storedAtAck ??= reader.feedback.list().length - before);
    const done = outcomes.next();
    await sendForm(endpoint, {
      payload: JSON.stringify(button('kb_helpful', 'Q290226', { channel: 'C_ACK', threadTs: nextTs() })),
    });
    await done;
    expect(storedAtAck).toBe(1);
  });

  it('has `/kb listen on` saved when Slack gets the ack', async () => {
    let savedAtAck: string | undefined;
    onAck = () => (savedAtAck ??= reader.settings.get('C_ACKLISTEN', 'listening') ?? 'nothing');
    const done = outcomes.next();
    await sendForm(endpoint, command('listen on', 'C_ACKLISTEN'));
    await done;
    expect(savedAtAck).toBe('on');
  });

  it('has an event claimed when Slack gets the ack, so no other process answers it too', async () => {
    const event = mention(SEED_PASTE);
    let claimableAtAck: boolean | undefined;
    onAck = () => (claimableAtAck ??= reader.delivered.claim(String(event.event_id)));
    const done = outcomes.next();
    await sendJson(endpoint, event);
    await done;
    expect(claimableAtAck).toBe(false);
  });
});

describe('the delivered set', () => {
  it('shared by two replicas: an event sent to one and its retry to the other at once get one reply', async () => {
    const other = openStorage(data.dir); // the second replica's own connection to the storage
    const { app, url } = await started({ dedupe: asyncFromSync(other).delivered });
    try {
      const event = mention(SEED_PASTE);
      const both = [outcomes.next(), outcomes.next()];
      const sent = await Promise.all([sendJson(endpoint, event), sendJson(url, event, { headers: retryHeaders(1) })]);
      expect(sent.map((r) => r.status)).toEqual([200, 200]);
      expect((await Promise.all(both)).map((h) => h.outcome).sort()).toEqual(['duplicate', 'replied']);
      expect(slack.posted()).toHaveLength(1);
    } finally {
      await app.stop(0);
      other.close();
    }
  });

  it('that cannot be reached: the event is still answered, and the log says its claim failed', async () => {
    const down = (): Promise<never> => Promise.reject(new Error('storage_unavailable: the database cannot be reached'));
    const { app, url, lines } = await started({ dedupe: { claim: down, done: down, release: down } });
    try {
      const event = mention(SEED_PASTE);
      const done = outcomes.next();
      expect((await sendJson(url, event)).status).toBe(200);
      expect(await done).toMatchObject({ outcome: 'replied' });
      expect(slack.posted()).toHaveLength(1);
      expect(lines.join('\n')).toMatch(
        new RegExp(`could not claim event ${String(event.event_id)} .*cannot be reached.*answering it anyway`),
      );
    } finally {
      await app.stop(0);
    }
  });
});

describe('rate limits and failed posts', () => {
  it('posts exactly once after five 429s in a row', async () => {
    slack.behave['chat.postMessage'] = (_body, attempt) => (attempt <= 5 ? rateLimited(0) : undefined);
    const done = outcomes.next();
    await sendJson(endpoint, mention(SEED_PASTE));
    expect(await done).toMatchObject({ outcome: 'replied' });
    expect(slack.attempts['chat.postMessage']).toBe(6);
    expect(slack.posted()).toHaveLength(1);
  });

  it('drops a reply rate-limited past its limit, logs it with the event id (not the text) and frees its claim', async () => {
    const { app, url, lines } = await started({ maxRateLimitWaitMs: 500 });
    try {
      slack.behave['chat.postMessage'] = () => rateLimited(1);
      const event = mention(SEED_PASTE);
      const done = outcomes.next();
      await sendJson(url, event);
      expect(await done).toMatchObject({ outcome: 'failed' });
      expect(slack.posted()).toEqual([]);
      const warning = lines.find((l) => l.includes(String(event.event_id)));
      expect(warning).toMatch(/^kbbot warn: .*rate-limited/);
      expect(lines.join('\n')).not.toContain('0xc0020002');
      expect(reader.delivered.claim(String(event.event_id))).toBe(true); // released: a re-delivery is answered
    } finally {
      await app.stop(0);
    }
  });

  it('answers the re-delivery of an event whose reply could not be posted', async () => {
    slack.behave['chat.postMessage'] = (_body, attempt) =>
      attempt === 1 ? [200, { ok: false, error: 'internal_error' }] : undefined;
    const event = mention(SEED_PASTE);
    const failed = outcomes.next();
    await sendJson(endpoint, event);
    expect(await failed).toMatchObject({ outcome: 'failed' });
    const again = outcomes.next();
    await sendJson(endpoint, event, { headers: retryHeaders(1) });
    expect(await again).toMatchObject({ outcome: 'replied' });
    expect(slack.posted()).toHaveLength(1);
  });
});

describe('stop(graceMs)', () => {
  it('lets a reply waiting out a 429 finish, marks it answered, then takes no more requests', async () => {
    const { app, url } = await started();
    slack.behave['chat.postMessage'] = (_body, attempt) => (attempt === 1 ? rateLimited(1) : undefined);
    const event = mention(SEED_PASTE);
    await sendJson(url, event);
    await until(() => slack.attempts['chat.postMessage'] === 1, 'the first, rate-limited attempt');
    await app.stop(10_000);
    expect(slack.posted()).toHaveLength(1);
    expect(reader.delivered.claim(String(event.event_id))).toBe(false); // answered
    await expect(sendJson(url, mention(SEED_PASTE))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('drops a reply still waiting when the grace is over: logged with its event id, its claim released', async () => {
    const { app, url, lines } = await started();
    slack.behave['chat.postMessage'] = () => rateLimited(30);
    const event = mention(SEED_PASTE);
    await sendJson(url, event);
    await until(() => slack.attempts['chat.postMessage'] === 1, 'the first, rate-limited attempt');
    const stopping = Date.now();
    await app.stop(200);
    expect(Date.now() - stopping).toBeLessThan(5000); // not the 30 s Retry-After
    const warning = lines.find((l) => l.includes(String(event.event_id)));
    expect(warning).toMatch(/^kbbot warn: .*dropped/);
    expect(lines.join('\n')).not.toContain('0xc0020002');
    expect(reader.delivered.claim(String(event.event_id))).toBe(true); // released: a re-delivery is answered
    expect(slack.posted()).toEqual([]);
  });
});
