/**
 * Peek mode on Slack (issue #25, "Quiet means quiet"): the real Bolt App on loopback, driven over
 * signed HTTP, with nock standing in for Slack's Web API (harness.ts), the real bot on the five
 * seed articles, its settings in a real SQLite storage. `/kb peek on` in a channel the bot listens
 * in; a paste there whose best two articles are nearly tied gets a :eyes: reaction and no message;
 * a colleague's :eyes: on it gets nothing; the asker's :eyes: gets the answer in the paste's thread.
 * Where peek mode is off the same paste gets nothing at all, and where the reaction cannot be
 * added nothing is said in words. Every step waits on the adapter's `onHandled` report.
 *
 * Across replicas and restarts (issue #26): two more apps (two replicas, each its own bot) on the
 * same storage. A paste offered a :eyes: by one replica is answered by the other, which reads it
 * back from the fake Web API (its reactions kept as Slack keeps them: the bot's :eyes: added, and
 * taken off before the answer), and by a replica started afresh; exactly once, whichever replica
 * gets a later :eyes:.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import { PEEK_TEXTS } from '../../../../src/adapters/slack/command.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { MemoryDeliveredEvents } from '../../../../src/adapters/slack/delivered-events.js';
import { PEEK_SETTING, StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import { asyncFromSync } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import type { Storage } from '../../../../src/memory/types.js';
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import { BOT_DEFAULTS, PEEK_DEFAULTS } from '../../../../src/bot/defaults.js';
import {
  command,
  envelope,
  nextTs,
  parseBody,
  reactionAdded,
  sendForm,
  sendJson,
  SLACK,
  type Body,
} from '../../../helpers/slack.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, startApp, storedBot, type FakeMessage } from './harness.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

/**
 * A paste with a good answer (Q290226). The overheard floor is raised above any confidence in these tests
 * (beforeEach), so the bot is unsure of every overheard message whatever the classifier makes of this one.
 */
const UNSURE = SEED_PASTE;
/** Listened in; peek mode is turned on here by the test. */
const PEEKING = 'C_PEEK';
/** Listened in, peek mode off. */
const QUIET = 'C_QUIET';
const ASKER = 'U2';

const fake = new FakeSlack();
const outcomes = new Outcomes();
const data = tempDir('kbbot-slack-peek-');
let storage: Storage;
let slack: SlackApp;
let endpoint: string;

/** The bot's user id (the fake `auth.test`'s). */
const BOT_USER = 'UBOT';

/** A message of the fake Web API, with its reactions as Slack lists them. */
type Reacted = FakeMessage & { reactions?: { name: string; users: string[]; count: number }[] };

const messageAt = (channel: unknown, ts: unknown): Reacted | undefined =>
  fake.messages.find((m) => m.channel === String(channel) && m.ts === String(ts));

/** The bot's :eyes: put on (or taken off) a message, as Slack shows it in the message's `reactions`. */
function botEyes(message: Reacted | undefined, on: boolean): boolean {
  if (!message) return false;
  const had = (message.reactions ?? []).some((r) => r.name === 'eyes' && r.users.includes(BOT_USER));
  const others = (message.reactions ?? []).filter((r) => r.name !== 'eyes');
  message.reactions = on ? [...others, { name: 'eyes', users: [BOT_USER], count: 1 }] : others;
  return had;
}

/** Slack's `reactions.add` keeps the reaction on the message, for `conversations.replies` to show. */
function keepReactions(): void {
  fake.behave['reactions.add'] = (body) => {
    if (body.name === 'eyes') botEyes(messageAt(body.channel, body.timestamp), true);
    return undefined;
  };
}

beforeAll(async () => {
  fake.install();
  // Slack's `reactions.remove` (the harness has none): `no_reaction` when the bot's reaction is not there.
  nock(SLACK)
    .persist()
    .post('/api/reactions.remove')
    .reply(async (req: Request) => {
      const body = parseBody(await req.text());
      fake.calls.push({ method: 'reactions.remove', body });
      const had = botEyes(messageAt(body.channel, body.timestamp), false);
      return [200, had ? { ok: true } : { ok: false, error: 'no_reaction' }];
    });
  fake.postTs = nextTs;
  storage = openStorage(data.dir);
  const stored = asyncFromSync(storage); // as main.ts gives it to the bot and adapter
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot: storedBot(kb, ranker, stored),
    listening: new StoredListeningStore(stored.settings, [PEEKING, QUIET]),
    dedupe: new MemoryDeliveredEvents(),
    logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
    onHandled: outcomes.onHandled,
  });
  endpoint = await startApp(slack);
});

/** The overheard floor before these tests raised it. */
const floor = BOT_DEFAULTS.overheardIntentConfidence;

afterAll(async () => {
  BOT_DEFAULTS.overheardIntentConfidence = floor;
  await slack.stop();
  storage.close();
  fake.uninstall();
  data.cleanup();
});

beforeEach(() => {
  // Every overheard message is unsure (no confidence reaches 1.01): what peek mode is for.
  BOT_DEFAULTS.overheardIntentConfidence = 1.01;
  fake.calls.length = 0;
  for (const k of Object.keys(fake.behave)) delete fake.behave[k];
  keepReactions();
  outcomes.clear();
});

interface Step {
  handled: Handled;
  calls: { method: string; body: Body }[];
  posts: Body[];
}

/** Send an event envelope, or with `form` a slash command, and wait for the adapter's report. */
async function deliver(payload: Body | Record<string, string>, form = false): Promise<Step> {
  const from = fake.calls.length;
  const done = outcomes.next(() => true, 10_000);
  const res = form ? await sendForm(endpoint, payload as Record<string, string>) : await sendJson(endpoint, payload);
  expect(res.status).toBe(200);
  const handled = await done;
  const calls = fake.calls.slice(from);
  return { handled, calls, posts: calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.body) };
}

/** The asker says `text` as a new message in `channel`, no mention. */
async function paste(text: string, channel: string): Promise<Step & { ts: string }> {
  const ts = nextTs();
  fake.said({ channel, ts, user: ASKER, text });
  const event = { type: 'message', channel_type: 'channel', user: ASKER, text, ts, channel };
  return { ...(await deliver(envelope(event))), ts };
}

const eyes = (channel: string, ts: string, user: string): Body =>
  reactionAdded('eyes', { channel, ts, user, itemUser: ASKER });

const headerOf = (b: Body | undefined): string | undefined =>
  ((b?.blocks ?? []) as { type: string; text?: { text?: string } }[])
    .find((x) => x.type === 'header')
    ?.text?.text?.split(':')[0];

describe('peek mode on Slack', () => {
  let peeked = '';

  it('/kb peek on turns it on for the channel, saved in the settings', async () => {
    const step = await deliver(command('peek on', PEEKING), true);
    expect(step.handled).toMatchObject({ kind: 'command', outcome: 'replied' });
    // (The message's text makes backticks inert; compare what comes before the first.)
    const said = (): string => String(fake.posted('response_url').at(-1)?.text);
    expect(said()).toContain(PEEK_TEXTS.on.split('`')[0]);
    expect(said()).not.toContain(PEEK_TEXTS.notListening.split('`')[0]);
    expect(storage.settings.get(PEEKING, PEEK_SETTING)).toBe('on');
  });

  it('a paste it is not sure about gets a :eyes: reaction and no message', async () => {
    const step = await paste(UNSURE, PEEKING);
    peeked = step.ts;
    expect(step.posts).toEqual([]);
    expect(step.calls).toEqual([
      { method: 'reactions.add', body: expect.objectContaining({ channel: PEEKING, timestamp: peeked, name: 'eyes' }) },
    ]);
  });

  it("a colleague's :eyes: on it gets nothing", async () => {
    const step = await deliver(eyes(PEEKING, peeked, 'U3'));
    expect(step.handled).toMatchObject({ what: 'reaction_added', outcome: 'silent' });
    expect(step.calls).toEqual([]);
  });

  it("the asker's :eyes: gets the answer in the paste's thread, once", async () => {
    const step = await deliver(eyes(PEEKING, peeked, ASKER));
    expect(step.handled).toMatchObject({ what: 'reaction_added', outcome: 'replied' });
    expect(step.posts).toEqual([expect.objectContaining({ channel: PEEKING, thread_ts: peeked })]);
    expect(headerOf(step.posts[0])).toBe('Q290226');
    // The bot's :eyes: is taken off before the answer goes out: the offer is spent.
    expect(step.calls.map((c) => c.method)).toEqual(['reactions.remove', 'chat.postMessage']);
    expect(step.calls[0]?.body).toMatchObject({ channel: PEEKING, timestamp: peeked, name: 'eyes' });

    const again = await deliver(eyes(PEEKING, peeked, ASKER));
    expect(again.handled).toMatchObject({ outcome: 'silent' });
    expect(again.posts).toEqual([]);
  });

  it('where peek mode is off, the same paste gets nothing at all', async () => {
    const step = await paste(UNSURE, QUIET);
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'silent' });
    expect(step.calls).toEqual([]);
  });

  it('when Slack refuses the reaction, nothing is said in words', async () => {
    fake.behave['reactions.add'] = () => [200, { ok: false, error: 'missing_scope' }];
    const step = await paste(UNSURE, PEEKING);
    expect(step.posts).toEqual([]);
  });

  it('/kb peek off turns it off; in a channel not listened in, /kb peek on says listening is off', async () => {
    await deliver(command('peek off', PEEKING), true);
    const said = (): string => String(fake.posted('response_url').at(-1)?.text);
    expect(said()).toBe(PEEK_TEXTS.off);
    const step = await paste(UNSURE, PEEKING);
    expect(step.calls).toEqual([]);

    await deliver(command('listen peek on', 'C_ELSEWHERE'), true);
    expect(said()).toContain(PEEK_TEXTS.notListening.split('`')[0]);
    expect(storage.settings.get('C_ELSEWHERE', PEEK_SETTING)).toBe('on');
  });
});

describe('peek mode across replicas and restarts', () => {
  /** Listened in with peek mode on, by the replicas of this block. */
  const SHARED = 'C_PEEK_SHARED';
  const replicas: { app: SlackApp; url: string }[] = [];
  let seq = 0;

  /** A ts `agoMs` before now (the peek offer holds for PEEK_DEFAULTS.pendingMs after the message). */
  const freshTs = (agoMs = 0): string => `${Math.floor((Date.now() - agoMs) / 1000)}.${String(++seq).padStart(6, '0')}`;

  /** A replica: its own bot and app on the shared storage, as another `npm start` would have them. */
  async function replica(): Promise<{ app: SlackApp; url: string }> {
    const stored = asyncFromSync(storage);
    const app = createSlackApp({
      ...LOOPBACK_APP,
      bot: storedBot(kb, ranker, stored),
      listening: new StoredListeningStore(stored.settings, [SHARED]),
      dedupe: new MemoryDeliveredEvents(),
      logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
      onHandled: outcomes.onHandled,
    });
    const started = { app, url: await startApp(app) };
    replicas.push(started);
    return started;
  }

  /** Send `payload` to the replica at `url` and wait for its report. */
  async function deliverTo(url: string, payload: Body): Promise<Step> {
    const from = fake.calls.length;
    const done = outcomes.next(() => true, 10_000);
    expect((await sendJson(url, payload)).status).toBe(200);
    const handled = await done;
    const calls = fake.calls.slice(from);
    return { handled, calls, posts: calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.body) };
  }

  /** The asker's paste (a reply in `thread` when given) reaching the replica at `url`, offered a :eyes:. */
  async function offered(url: string, thread?: string): Promise<string> {
    const ts = freshTs();
    fake.said({ channel: SHARED, ts, user: ASKER, text: UNSURE, ...(thread ? { thread_ts: thread } : {}) });
    const event = {
      type: 'message',
      channel_type: 'channel',
      user: ASKER,
      text: UNSURE,
      ts,
      channel: SHARED,
      ...(thread ? { thread_ts: thread } : {}),
    };
    const step = await deliverTo(url, envelope(event));
    expect(step.calls.map((c) => c.method)).toEqual(['reactions.add']);
    return ts;
  }

  const methods = (step: Step): string[] => step.calls.map((c) => c.method);

  let a: { app: SlackApp; url: string };
  let b: { app: SlackApp; url: string };

  beforeAll(async () => {
    await storage.settings.set(SHARED, PEEK_SETTING, 'on');
    a = await replica();
    b = await replica();
  });

  afterAll(async () => {
    for (const r of replicas.splice(0)) await r.app.stop();
  });

  it("offered by one replica, the asker's :eyes: reaching the other gets the answer in its thread, once", async () => {
    const ts = await offered(a.url);
    const step = await deliverTo(b.url, eyes(SHARED, ts, ASKER));
    expect(step.handled).toMatchObject({ what: 'reaction_added', outcome: 'replied' });
    expect(methods(step)).toEqual(['conversations.replies', 'reactions.remove', 'chat.postMessage']);
    expect(step.posts).toEqual([expect.objectContaining({ channel: SHARED, thread_ts: ts })]);
    expect(headerOf(step.posts[0])).toBe('Q290226');
    expect(botEyes(messageAt(SHARED, ts), false)).toBe(false);

    // The asker takes the :eyes: off and adds it again: on either replica, the offer is spent.
    for (const url of [b.url, a.url]) {
      const again = await deliverTo(url, eyes(SHARED, ts, ASKER));
      expect(again.handled).toMatchObject({ outcome: 'silent' });
      expect(again.posts).toEqual([]);
    }
  });

  it('answers a reply in a thread in that thread', async () => {
    const root = freshTs();
    fake.said({ channel: SHARED, ts: root, user: 'U3', text: 'deploy is red' });
    const ts = await offered(a.url, root);
    const step = await deliverTo(b.url, eyes(SHARED, ts, ASKER));
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.posts).toEqual([expect.objectContaining({ channel: SHARED, thread_ts: root })]);
  });

  it('a replica started afresh answers a peek offered before it started', async () => {
    const ts = await offered(a.url);
    await a.app.stop();
    const restarted = await replica();
    const step = await deliverTo(restarted.url, eyes(SHARED, ts, ASKER));
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.posts).toEqual([expect.objectContaining({ channel: SHARED, thread_ts: ts })]);
  });

  it("someone else's :eyes:, a message without the bot's :eyes:, or one older than the offer: nothing", async () => {
    const ts = await offered(b.url);
    const stranger = replicas.at(-1) as { url: string };
    expect(stranger.url).not.toBe(b.url);

    const colleague = await deliverTo(stranger.url, eyes(SHARED, ts, 'U3'));
    expect(colleague.handled).toMatchObject({ outcome: 'ignored' });
    expect(colleague.calls).toEqual([]);

    const unoffered = freshTs();
    fake.said({ channel: SHARED, ts: unoffered, user: ASKER, text: UNSURE });
    const none = await deliverTo(stranger.url, eyes(SHARED, unoffered, ASKER));
    expect(none.handled).toMatchObject({ outcome: 'silent' });
    expect(methods(none)).toEqual(['conversations.replies']);

    const old = freshTs(PEEK_DEFAULTS.pendingMs + 60_000);
    fake.said({ channel: SHARED, ts: old, user: ASKER, text: UNSURE });
    botEyes(messageAt(SHARED, old), true);
    const late = await deliverTo(stranger.url, eyes(SHARED, old, ASKER));
    expect(late.handled).toMatchObject({ outcome: 'silent' });
    expect(methods(late)).toEqual(['conversations.replies']);
    expect(botEyes(messageAt(SHARED, old), true)).toBe(true);
  });
});
