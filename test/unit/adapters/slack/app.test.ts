/**
 * The Slack adapter end to end: the real Bolt App (HTTPReceiver on a free loopback port) driven
 * over real HTTP with requests signed like Slack's, and nock standing in for Slack's Web API
 * (`https://slack.test/api/`) and for response_urls. The bot is the real one on the five seeds.
 * Every test waits on the adapter's `onHandled` report, never on a timer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { MemoryDeliveredEvents } from '../../../../src/adapters/slack/delivered-events.js';
import { StoredListeningStore } from '../../../../src/adapters/slack/listening.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import { asyncFromSync } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import type { Storage } from '../../../../src/memory/types.js';
import { CLI, DIST_CLI, REPO, tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import {
  button,
  channelMessage,
  command,
  envelope,
  mention,
  nextTs,
  retryHeaders,
  SLACK,
  sendForm,
  sendInteraction,
  sendJson,
  type Body,
} from '../../../helpers/slack.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, rateLimited, startApp, storedBot } from './harness.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

const PASTE = SEED_PASTE;

const fake = new FakeSlack();
const outcomes = new Outcomes();
/** Web API calls that succeeded (429s are only counted in `attempts`). */
const { calls, attempts } = fake;
const handled = outcomes.handled;
const posted = (method?: string): Body[] => fake.posted(method);
const nextHandled = (match?: (h: Handled) => boolean): Promise<Handled> => outcomes.next(match, 5000);

let slack: SlackApp;
let endpoint: string;
const data = tempDir('kbbot-slack-');
/** The bot's storage in `data.dir`, as `npm start` has it: threads, feedback, settings and the log. */
let storage: Storage;

const text = (b: Body | undefined): string => JSON.stringify(b ?? {});
/** The article id in an answer's header block. */
const headerOf = (b: Body | undefined): string | undefined => {
  const blocks = (b?.blocks ?? []) as { type: string; text?: { text?: string } }[];
  return blocks.find((x) => x.type === 'header')?.text?.text?.split(':')[0];
};

beforeAll(async () => {
  fake.install();
  storage = openStorage(data.dir);
  const stored = asyncFromSync(storage); // the storage's shape the bot and adapter are given in main.ts
  const listening = new StoredListeningStore(stored.settings, ['C_LISTEN']);
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot: storedBot(kb, ranker, stored),
    listening,
    dedupe: new MemoryDeliveredEvents(),
    logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
    kbStatus: () => ({ articles: kb.size, refreshedAt: new Date('2026-01-02T03:04:05Z') }),
    onHandled: outcomes.onHandled,
  });
  endpoint = await startApp(slack);
});

afterAll(async () => {
  await slack.stop();
  storage.close();
  fake.uninstall();
  data.cleanup();
});

beforeEach(() => {
  fake.reset();
  outcomes.clear();
});

describe('Slack over HTTP', () => {
  it('answers url_verification with the challenge', async () => {
    const res = await sendJson(endpoint, { token: 'legacy', type: 'url_verification', challenge: 'abc123' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: 'abc123' });
  });

  it('rejects a bad signature with 401 and posts nothing', async () => {
    const ts = nextTs();
    const res = await sendJson(endpoint, mention(PASTE, 'C1', ts), { secret: 'wrong-secret' });
    expect(res.status).toBe(401);
    expect(handled).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('answers a mention with one threaded message carrying the steps', async () => {
    const ts = nextTs();
    const done = nextHandled();
    const res = await sendJson(endpoint, mention(PASTE, 'C1', ts));
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ kind: 'event', what: 'app_mention', outcome: 'replied' });
    const [post, ...more] = posted();
    expect(more).toEqual([]);
    expect(post).toMatchObject({ channel: 'C1', thread_ts: ts });
    expect(headerOf(post)).toBe('Q290226');
    expect(text(post)).toContain('Q290226');
    expect(text(post)).toMatch(/1\. [^"]*KMServer|HKEY_LOCAL_MACHINE/);
    expect(text(post)).toContain('kb_not_it');
  });

  it('replies in the existing thread when mentioned inside one', async () => {
    const root = nextTs();
    const done = nextHandled();
    await sendJson(
      endpoint,
      envelope({
        type: 'app_mention',
        user: 'U1',
        text: `<@UBOT> ${PASTE}`,
        ts: nextTs(),
        thread_ts: root,
        channel: 'C1',
      }),
    );
    await done;
    expect(posted()).toHaveLength(1);
    expect(posted()[0]).toMatchObject({ thread_ts: root });
  });

  it('answers the same event_id once, however often Slack retries it', async () => {
    const event = mention(PASTE);
    const first = nextHandled();
    await sendJson(endpoint, event);
    await first;
    for (const n of ['1', '2']) {
      const again = nextHandled();
      const res = await sendJson(endpoint, event, { headers: retryHeaders(n) });
      expect(res.status).toBe(200);
      expect(await again).toMatchObject({ outcome: 'duplicate' });
    }
    expect(posted()).toHaveLength(1);
  });

  it('answers a direct message in its thread, and ignores edits, joins and bot messages', async () => {
    const ts = nextTs();
    const done = nextHandled();
    await sendJson(
      endpoint,
      envelope({ type: 'message', channel_type: 'im', user: 'U1', text: PASTE, ts, channel: 'D1' }),
    );
    expect(await done).toMatchObject({ what: 'message', outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'D1', thread_ts: ts })]);

    const ignoredEvents: Body[] = [
      {
        type: 'message',
        subtype: 'message_changed',
        channel_type: 'im',
        channel: 'D1',
        ts: nextTs(),
        message: { text: PASTE },
      },
      {
        type: 'message',
        subtype: 'channel_join',
        channel_type: 'channel',
        user: 'U2',
        text: 'joined',
        channel: 'C_LISTEN',
        ts: nextTs(),
      },
      { type: 'message', subtype: 'message_deleted', channel_type: 'im', channel: 'D1', ts: nextTs() },
      { type: 'message', bot_id: 'BOTHER', user: 'U9', channel_type: 'im', text: PASTE, channel: 'D1', ts: nextTs() },
    ];
    for (const e of ignoredEvents) {
      const skip = nextHandled();
      await sendJson(endpoint, envelope(e));
      expect(await skip).toMatchObject({ outcome: 'ignored' });
    }
    expect(posted()).toHaveLength(1);
  });

  it('stays silent on chatter in a channel it listens in, and answers an error pasted there', async () => {
    const chatter = nextHandled();
    await sendJson(endpoint, channelMessage("who's patching the exchange boxes tonight?", 'C_LISTEN'));
    expect(await chatter).toMatchObject({ outcome: 'silent' });
    expect(calls).toEqual([]);

    const ts = nextTs();
    const paste = nextHandled();
    await sendJson(endpoint, channelMessage(PASTE, 'C_LISTEN', ts));
    expect(await paste).toMatchObject({ outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'C_LISTEN', thread_ts: ts })]);
  });

  it('ignores a channel it does not listen in, and the message copy of a mention', async () => {
    const other = nextHandled();
    await sendJson(endpoint, channelMessage(PASTE, 'C_OTHER'));
    expect(await other).toMatchObject({ outcome: 'ignored' });
    const copy = nextHandled();
    await sendJson(endpoint, channelMessage(`<@UBOT> ${PASTE}`, 'C_LISTEN'));
    expect(await copy).toMatchObject({ outcome: 'ignored' });
    expect(calls).toEqual([]);
  });

  it('waits out a 429 and then posts exactly once', async () => {
    fake.behave['chat.postMessage'] = (_body, attempt) => (attempt === 1 ? rateLimited(1) : undefined);
    const started = Date.now();
    const done = nextHandled();
    await sendJson(endpoint, mention(PASTE));
    expect(await done).toMatchObject({ outcome: 'replied' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(attempts['chat.postMessage']).toBe(2);
    expect(posted()).toHaveLength(1);
    expect(headerOf(posted()[0])).toBe('Q290226');
  });

  it('answers /kb ephemerally, and Share posts the answer in the thread', async () => {
    const done = nextHandled();
    const res = await sendForm(endpoint, command(PASTE));
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ kind: 'command', outcome: 'replied' });
    const [answer] = posted('response_url');
    expect(answer).toMatchObject({ response_type: 'ephemeral' });
    expect(headerOf(answer)).toBe('Q290226');
    expect(text(answer)).toContain('"action_id":"kb_share"');
    expect(posted()).toEqual([]);

    const shared = nextHandled();
    const click = await sendInteraction(
      endpoint,
      button('kb_share', 'Q290226', {
        channel: 'C1',
        messageTs: '1700000999.000001',
        threadTs: '1700000555.000001',
        ephemeral: true,
      }),
    );
    expect(click.status).toBe(200);
    expect(await shared).toMatchObject({ kind: 'action', what: 'kb_share', outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'C1', thread_ts: '1700000555.000001' })]);
    expect(headerOf(posted()[0])).toBe('Q290226');
    expect(posted('response_url')[1]).toMatchObject({ delete_original: true });
  });

  it('looks up /kb Q290226 and answers /kb help', async () => {
    const lookup = nextHandled();
    await sendForm(endpoint, command('Q290226'));
    await lookup;
    expect(headerOf(posted('response_url')[0])).toBe('Q290226');
    const help = nextHandled();
    await sendForm(endpoint, command('help'));
    await help;
    expect(text(posted('response_url')[1])).toContain('/kb listen on');
  });

  it('turns listening on and off with /kb listen, saved in the storage', async () => {
    const on = nextHandled();
    await sendForm(endpoint, command('listen on', 'C_NEW'));
    await on;
    const reader = openStorage(data.dir); // another connection: what a restarted bot would read
    expect(reader.settings.get('C_NEW', 'listening')).toBe('on');
    const ts = nextTs();
    const paste = nextHandled();
    await sendJson(endpoint, channelMessage(PASTE, 'C_NEW', ts));
    expect(await paste).toMatchObject({ outcome: 'replied' });

    const off = nextHandled();
    await sendForm(endpoint, command('listen off', 'C_NEW'));
    await off;
    expect(await new StoredListeningStore(asyncFromSync(reader).settings).isListening('C_NEW')).toBe(false);
    reader.close();
    const again = nextHandled();
    await sendJson(endpoint, channelMessage(PASTE, 'C_NEW'));
    expect(await again).toMatchObject({ outcome: 'ignored' });
    expect(posted()).toHaveLength(1);
  });

  it('answers the "Find a fix" shortcut in the message\'s thread', async () => {
    const ts = nextTs();
    const done = nextHandled();
    const res = await sendInteraction(endpoint, {
      type: 'message_action',
      callback_id: 'find_fix',
      trigger_id: 'trig-s',
      response_url: `${SLACK}/respond/short`,
      token: 'legacy',
      action_ts: '1',
      team: { id: 'T1', domain: 'test' },
      channel: { id: 'C1', name: 'general' },
      user: { id: 'U1', name: 'ann' },
      message: { type: 'message', user: 'U2', ts, text: PASTE },
      message_ts: ts,
    });
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ kind: 'shortcut', outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'C1', thread_ts: ts })]);
    expect(headerOf(posted()[0])).toBe('Q290226');
  });

  it('posts the next candidate in the thread on "Not it"', async () => {
    const ts = nextTs();
    const asked = nextHandled();
    await sendJson(endpoint, mention(PASTE, 'C1', ts));
    await asked;
    const done = nextHandled();
    const res = await sendInteraction(
      endpoint,
      button('kb_not_it', 'Q290226', { channel: 'C1', messageTs: '1800000000.000001', threadTs: ts }),
    );
    expect(res.status).toBe(200);
    expect(await done).toMatchObject({ what: 'kb_not_it', outcome: 'replied' });
    const [, next, ...more] = posted();
    expect(more).toEqual([]);
    expect(next).toMatchObject({ channel: 'C1', thread_ts: ts });
    expect(headerOf(next)).toBe('Q235418'); // the runner-up among the seeds
    expect(text(next)).toContain('The next best match');
  });

  it('thanks the clicker of "Helped" ephemerally', async () => {
    const done = nextHandled();
    await sendInteraction(
      endpoint,
      button('kb_helpful', 'Q290226', { channel: 'C1', messageTs: '1800000000.000002', threadTs: nextTs() }),
    );
    await done;
    expect(posted()).toEqual([]);
    expect(posted('response_url')).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', replace_original: false }),
    ]);
    expect(text(posted('response_url')[0])).toContain('Q290226 helped');
  });

  it('publishes the App Home tab with the KB size', async () => {
    const done = nextHandled();
    await sendJson(
      endpoint,
      envelope({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', ts: nextTs() }),
    );
    expect(await done).toMatchObject({ what: 'app_home_opened', outcome: 'replied' });
    const [home] = posted('views.publish');
    expect(home).toMatchObject({ user_id: 'U1', view: { type: 'home' } });
    expect(text(home)).toContain(`${kb.size} articles`);
    expect(text(home)).toContain('2026-01-02 03:04:05 UTC');
  });

  it.skipIf(!existsSync(DIST_CLI))(
    'leaves a log that `kbbot report --json` turns into answered articles and unanswered questions',
    async () => {
      const answered = nextHandled();
      await sendJson(
        endpoint,
        envelope({ type: 'app_mention', user: 'U7', text: `<@UBOT> ${PASTE}`, ts: nextTs(), channel: 'C7' }),
      );
      await answered;
      const helped = nextHandled();
      await sendInteraction(
        endpoint,
        button('kb_helpful', 'Q290226', { channel: 'C7', messageTs: '1800000000.000009', threadTs: nextTs() }),
      );
      await helped;
      const QUESTION = 'why does the coffee machine printer queue jam every friday?';
      const unanswered = nextHandled();
      await sendJson(
        endpoint,
        envelope({ type: 'app_mention', user: 'U7', text: `<@UBOT> ${QUESTION}`, ts: nextTs(), channel: 'C7' }),
      );
      await unanswered;

      // What a KB owner runs, against the live bot's data folder.
      const run = spawnSync(process.execPath, [CLI, 'report', '--data', data.dir, '--json'], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as {
        articles: { id: string; answered: number; helped: number }[];
        unanswered: { examples: (string | null)[] }[];
      };
      const article = report.articles.find((a) => a.id === 'Q290226');
      expect(article?.answered).toBeGreaterThanOrEqual(1);
      expect(article?.helped).toBeGreaterThanOrEqual(1);
      expect(report.unanswered.flatMap((g) => g.examples)).toContain(QUESTION);
    },
  );
});
