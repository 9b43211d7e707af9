/**
 * Peek mode on Slack (issue #25, "Quiet means quiet"): the real Bolt App on loopback, driven over
 * signed HTTP, with nock standing in for Slack's Web API (harness.ts), the real bot on the five
 * seed articles, its settings in a real SQLite storage. `/kb peek on` in a channel the bot listens
 * in; a paste there whose best two articles are nearly tied gets a :eyes: reaction and no message;
 * a colleague's :eyes: on it gets nothing; the asker's :eyes: gets the answer in the paste's thread.
 * Where peek mode is off the same paste gets nothing at all, and where the reaction cannot be
 * added nothing is said in words. Every step waits on the adapter's `onHandled` report.
 */
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
import { BOT_DEFAULTS } from '../../../../src/bot/defaults.js';
import { command, envelope, nextTs, reactionAdded, sendForm, sendJson, type Body } from '../../../helpers/slack.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, startApp, storedBot } from './harness.js';

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

beforeAll(async () => {
  fake.install();
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
