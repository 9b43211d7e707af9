/**
 * Incident threads on Slack (issue #24, "Done when"): the real Bolt App on loopback, driven over
 * signed HTTP, with nock standing in for Slack's Web API (harness.ts keeps the channels' messages
 * and reads them back like `conversations.replies`), the real bot on the five seed articles, its
 * threads, feedback, log and team fixes in a real SQLite storage in a temp dir. The incident
 * thread runs message by message: the paste is answered; "the other one" with no mention, in a
 * channel the bot does not listen in, gets the next article; a person's fix gets silence;
 * `@kbbot save fix` one line with an Undo button; "that worked" a ✅ reaction and a vote for the
 * fix, not the article; the same paste in another channel leads with the fix, its author, its date
 * and a link to the thread; and again after the app and the storage are closed and reopened on
 * the same data. Then the other ways in: the Save as fix shortcut, a :pushpin: reaction, the Undo
 * button, and ✅ said in words when Slack refuses the reaction. Every step waits on the adapter's
 * `onHandled` report, never on a timer.
 */
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
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import {
  button,
  envelope,
  messageShortcut,
  nextTs,
  reactionAdded,
  sendInteraction,
  sendJson,
  type Body,
} from '../../../helpers/slack.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, permalinkFor, startApp, storedBot } from './harness.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

const PASTE = SEED_PASTE;
const FIX = 'fixed it by restarting the KM service and re-running update.exe';
/** The channel the bot listens in, and the incident's channel, where it only was mentioned. */
const LISTENED = 'C_LISTEN';
const INCIDENT = 'C1';

const fake = new FakeSlack();
const outcomes = new Outcomes();
const data = tempDir('kbbot-slack-incident-');
let storage: Storage;
let slack: SlackApp;
let endpoint: string;

async function open(): Promise<void> {
  storage = openStorage(data.dir);
  const stored = asyncFromSync(storage); // as main.ts gives it to the bot and adapter
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot: storedBot(kb, ranker, stored, { fixes: true }),
    listening: new StoredListeningStore(stored.settings, [LISTENED, 'C2']),
    dedupe: new MemoryDeliveredEvents(),
    logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
    onHandled: outcomes.onHandled,
  });
  endpoint = await startApp(slack);
}

async function close(): Promise<void> {
  await slack.stop();
  storage.close();
}

beforeAll(async () => {
  fake.install();
  // The bot's answers get their ts from the same clock as the messages: "that worked" comes after the answer.
  fake.postTs = nextTs;
  await open();
});

afterAll(async () => {
  await close();
  fake.uninstall();
  data.cleanup();
});

beforeEach(() => {
  // The channels' messages stay (the thread is read back across steps); the calls are per step.
  fake.calls.length = 0;
  for (const k of Object.keys(fake.behave)) delete fake.behave[k];
  outcomes.clear();
});

/** What one delivery did: how the adapter reported it, and the Web API calls it made. */
interface Step {
  handled: Handled;
  posts: Body[];
  calls: { method: string; body: Body }[];
}

/** Send `payload` (an event envelope or an interaction) and wait for the adapter's report of it. */
async function deliver(payload: Body, interaction = false): Promise<Step> {
  const from = fake.calls.length;
  const done = outcomes.next(() => true, 10_000);
  const res = interaction ? await sendInteraction(endpoint, payload) : await sendJson(endpoint, payload);
  expect(res.status).toBe(200);
  const handled = await done;
  const calls = fake.calls.slice(from);
  return { handled, calls, posts: calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.body) };
}

/** A person (`user`) says `text` in `channel` (in `thread`, or as a new root); `mention` makes it an app_mention. */
async function say(
  text: string,
  where: { channel: string; thread?: string; user?: string; mention?: boolean; subtype?: string },
): Promise<Step & { ts: string }> {
  const ts = nextTs();
  const user = where.user ?? 'U2';
  const said = where.mention ? `<@UBOT> ${text}` : text;
  const thread = {
    ...(where.thread ? { thread_ts: where.thread } : {}),
    ...(where.subtype ? { subtype: where.subtype } : {}),
  };
  fake.said({ channel: where.channel, ts, user, text: said, ...thread });
  const event = where.mention
    ? { type: 'app_mention', user, text: said, ts, channel: where.channel, ...thread }
    : { type: 'message', channel_type: 'channel', user, text: said, ts, channel: where.channel, ...thread };
  return { ...(await deliver(envelope(event))), ts };
}

const json = (b: unknown): string => JSON.stringify(b ?? {});
type Block = { type: string; text?: { text?: string }; elements?: { action_id?: string; value?: string }[] };
const blocksOf = (b: Body | undefined): Block[] => (b?.blocks ?? []) as Block[];
/** The article id in an answer's header block. */
const headerOf = (b: Body | undefined): string | undefined =>
  blocksOf(b)
    .find((x) => x.type === 'header')
    ?.text?.text?.split(':')[0];
const buttonsOf = (b: Body | undefined): { action_id?: string; value?: string }[] =>
  blocksOf(b).flatMap((x) => (x.type === 'actions' ? (x.elements ?? []) : []));
/** "6 Dec 2026" for now, as the answer dates a fix saved today. */
const today = (): string => {
  const d = new Date();
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
};

describe('an incident thread on Slack, message by message', () => {
  let root = '';
  let firstArticle: string | undefined;
  let fixTs = '';

  it('answers an error pasted in a channel it listens in, in the paste thread', async () => {
    const step = await say(PASTE, { channel: LISTENED });
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'replied' });
    expect(step.posts).toEqual([expect.objectContaining({ channel: LISTENED, thread_ts: step.ts })]);
    expect(headerOf(step.posts[0])).toBe('Q290226');
  });

  it('answers the paste in the incident channel it was mentioned in (it does not listen there)', async () => {
    const step = await say(PASTE, { channel: INCIDENT, user: 'U1', mention: true });
    root = step.ts;
    expect(step.handled).toMatchObject({ what: 'app_mention', outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    expect(step.posts[0]).toMatchObject({ channel: INCIDENT, thread_ts: root });
    firstArticle = headerOf(step.posts[0]);
    expect(firstArticle).toBe('Q290226');
  });

  it('"the other one" under its answer, with no mention, gets the next article', async () => {
    const step = await say('the other one', { channel: INCIDENT, thread: root, user: 'U1' });
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    expect(step.posts[0]).toMatchObject({ channel: INCIDENT, thread_ts: root });
    const next = headerOf(step.posts[0]);
    expect(next).toBeDefined();
    expect(next).not.toBe(firstArticle);
  });

  it('a person reporting their fix gets silence, not an answer', async () => {
    const step = await say(FIX, { channel: INCIDENT, thread: root, user: 'U2' });
    fixTs = step.ts;
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'silent' });
    expect(step.calls.filter((c) => c.method !== 'conversations.replies')).toEqual([]);
  });

  it('"@kbbot save fix" saves it: one line, "Saved as a team fix", with an Undo button', async () => {
    const step = await say('save fix', { channel: INCIDENT, thread: root, user: 'U1', mention: true });
    expect(step.handled).toMatchObject({ what: 'app_mention', outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    const [post] = step.posts;
    expect(post).toMatchObject({ channel: INCIDENT, thread_ts: root });
    expect(String(post?.text)).toMatch(/^Saved as a team fix: .+ \(fix-1\)$/);
    const sections = blocksOf(post).filter((b) => b.type === 'section');
    expect(sections).toHaveLength(1);
    expect(buttonsOf(post)).toEqual([expect.objectContaining({ action_id: 'kb_undo_fix', value: 'fix-1' })]);
    const fix = storage.fixes.get('fix-1');
    expect(fix).toMatchObject({ author: 'U2', savedBy: 'U1', conversation: INCIDENT, thread: root, messageId: fixTs });
    expect(fix?.text).toContain('restarting the KM service');
    expect(fix?.permalink).toBe(permalinkFor(INCIDENT, fixTs));
  });

  it('"that worked" credits the fix with a ✅ on the message, not the article, and posts nothing', async () => {
    const before = storage.feedback.list().length;
    const step = await say('that worked', { channel: INCIDENT, thread: root, user: 'U3' });
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'replied' });
    expect(step.posts).toEqual([]);
    expect(step.calls.filter((c) => c.method === 'reactions.add').map((c) => c.body)).toEqual([
      expect.objectContaining({ channel: INCIDENT, timestamp: step.ts, name: 'white_check_mark' }),
    ]);
    const votes = storage.feedback.list().slice(before);
    expect(votes).toEqual([expect.objectContaining({ articleId: 'fix-1', helpful: true })]);
    expect(storage.feedback.list().filter((f) => /^Q/.test(f.articleId) && f.thread === root)).toEqual([]);
  });

  /** The paste in `channel`, answered with the fix first; the thread's root ts. */
  const leadsWithTheFix = async (channel: string): Promise<string> => {
    const step = await say(PASTE, { channel });
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    const [post] = step.posts;
    const first = blocksOf(post)[0];
    expect(first?.type).toBe('section');
    const line = first?.text?.text ?? '';
    expect(line).toContain('Your team fixed this before:');
    expect(line).toContain('<@U2>');
    expect(line).toContain(today());
    expect(line).toContain(`<${permalinkFor(INCIDENT, fixTs)}|thread>`);
    expect(json(blocksOf(post)[1])).toContain('restarting the KM service');
    expect(buttonsOf(post)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action_id: 'kb_helpful_2', value: 'fix-1' }),
        expect.objectContaining({ action_id: 'kb_not_it_2', value: 'fix-1' }),
      ]),
    );
    // The article still follows, under a divider.
    expect(blocksOf(post).some((b) => b.type === 'divider')).toBe(true);
    expect(headerOf(post)).toBe('Q290226');
    return step.ts;
  };

  it('the same paste in another channel leads with the fix, its author, its date and the thread link', async () => {
    await leadsWithTheFix('C2');
  });

  it('after a restart on the same data, the same; its Helped button votes for the fix', async () => {
    await close();
    await open();
    const thread = await leadsWithTheFix('C2');
    const answerTs = String(fake.messages.at(-1)?.ts);
    const before = storage.feedback.list().length;
    const click = await deliver(
      button('kb_helpful_2', 'fix-1', { channel: 'C2', threadTs: thread, messageTs: answerTs }),
      true,
    );
    expect(click.handled).toMatchObject({ what: 'kb_helpful_2', outcome: 'replied' });
    expect(click.posts).toEqual([]);
    expect(click.calls.find((c) => c.method === 'response_url')?.body).toMatchObject({ response_type: 'ephemeral' });
    expect(storage.feedback.list().slice(before)).toEqual([
      expect.objectContaining({ articleId: 'fix-1', helpful: true, user: 'U1' }),
    ]);
  });
});

describe('saving a fix without a mention, and taking it back', () => {
  /** A thread the bot answered in the incident channel: its root's ts. */
  const answered = async (): Promise<string> => {
    const step = await say(PASTE, { channel: INCIDENT, user: 'U1', mention: true });
    expect(step.posts).toHaveLength(1);
    return step.ts;
  };

  it('the Save as fix shortcut saves the message it was used on and confirms in its thread', async () => {
    const root = await answered();
    const ts = nextTs();
    const text = 'the workaround was to re-run `update.exe /repair` as admin';
    fake.said({ channel: INCIDENT, ts, thread_ts: root, user: 'U4', text });
    const step = await deliver(messageShortcut('save_fix', { ts, thread_ts: root, user: 'U4', text }, INCIDENT), true);
    expect(step.handled).toMatchObject({ kind: 'shortcut', what: 'save_fix', outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    expect(step.posts[0]).toMatchObject({ channel: INCIDENT, thread_ts: root });
    expect(String(step.posts[0]?.text)).toMatch(/^Saved as a team fix: /);
    const id = buttonsOf(step.posts[0]).find((b) => b.action_id === 'kb_undo_fix')?.value ?? '';
    expect(storage.fixes.get(id)).toMatchObject({ author: 'U4', savedBy: 'U1', messageId: ts, via: 'shortcut' });
  });

  it('the shortcut on an app message saves nothing and says why, only to who used it', async () => {
    const ts = nextTs();
    const before = storage.fixes.list().length;
    const step = await deliver(
      messageShortcut('save_fix', { ts, bot_id: 'BOTHER', text: 'Deploy finished' }, INCIDENT),
      true,
    );
    expect(step.handled).toMatchObject({ what: 'save_fix', outcome: 'ignored' });
    expect(step.posts).toEqual([]);
    expect(step.calls.find((c) => c.method === 'response_url')?.body).toMatchObject({ response_type: 'ephemeral' });
    expect(storage.fixes.list()).toHaveLength(before);
  });

  it('the shortcut where the bot is not in the channel confirms to the saver alone', async () => {
    const root = nextTs();
    fake.said({ channel: 'C_NOT_IN', ts: root, user: 'U5', text: FIX });
    fake.behave['chat.postMessage'] = () => [200, { ok: false, error: 'not_in_channel' }];
    const step = await deliver(messageShortcut('save_fix', { ts: root, user: 'U5', text: FIX }, 'C_NOT_IN'), true);
    expect(step.handled).toMatchObject({ what: 'save_fix', outcome: 'replied' });
    const answer = step.calls.find((c) => c.method === 'response_url')?.body;
    expect(answer).toMatchObject({ response_type: 'ephemeral' });
    expect(json(answer)).toContain('Saved as a team fix');
  });

  it('a :pushpin: on a person message in a thread it answered saves it; a re-delivery does not save twice', async () => {
    const root = await answered();
    const pinned = await say('resolved: renewed the KMS certificate and restarted the service', {
      channel: INCIDENT,
      thread: root,
      user: 'U6',
    });
    const event = reactionAdded('pushpin', { channel: INCIDENT, ts: pinned.ts, user: 'U1', itemUser: 'U6' });
    const step = await deliver(event);
    expect(step.handled).toMatchObject({ what: 'reaction_added', outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    expect(step.posts[0]).toMatchObject({ channel: INCIDENT, thread_ts: root });
    expect(String(step.posts[0]?.text)).toMatch(/^Saved as a team fix: /);
    const saved = storage.fixes.byMessage(INCIDENT, pinned.ts);
    expect(saved).toMatchObject({ author: 'U6', savedBy: 'U1', via: 'reaction' });

    const again = await deliver(event);
    expect(again.handled).toMatchObject({ outcome: 'duplicate' });
    expect(again.calls).toEqual([]);
  });

  it('ignores reactions by the bot itself, :pushpin: on its answer, and reactions outside threads it follows', async () => {
    const root = await answered();
    const answerTs = String(fake.messages.filter((m) => m.thread_ts === root && m.bot_id).at(-1)?.ts);
    const byBot = await deliver(reactionAdded('+1', { channel: INCIDENT, ts: root, user: 'UBOT' }));
    expect(byBot.handled).toMatchObject({ outcome: 'ignored' });
    const onAnswer = await deliver(reactionAdded('pushpin', { channel: INCIDENT, ts: answerTs, itemUser: 'UBOT' }));
    expect(onAnswer.handled).toMatchObject({ outcome: 'ignored' });

    const elsewhere = nextTs();
    fake.said({ channel: 'C_RANDOM', ts: elsewhere, user: 'U7', text: 'lunch?' });
    const pin = await deliver(reactionAdded('pushpin', { channel: 'C_RANDOM', ts: elsewhere }));
    expect(pin.handled).toMatchObject({ outcome: 'ignored' });
    // A reaction that means nothing to the bot, on a message it never saw, costs no Web API call.
    const eyes = await deliver(reactionAdded('eyes', { channel: 'C_RANDOM', ts: elsewhere }));
    expect(eyes.handled).toMatchObject({ outcome: 'ignored' });
    expect(eyes.calls).toEqual([]);
    expect(storage.fixes.byMessage('C_RANDOM', elsewhere)).toBeUndefined();

    // A reply in a thread it does not follow, in a channel it does not listen in: not for the bot.
    const reply = await say('fixed it by rebooting', { channel: 'C_RANDOM', thread: elsewhere, user: 'U7' });
    expect(reply.handled).toMatchObject({ what: 'message', outcome: 'ignored' });
    expect(reply.calls).toEqual([]);
  });

  it('Undo removes the fix and replaces the confirmation; the next paste no longer leads with it', async () => {
    const root = await answered();
    const fixed = await say('fixed it by clearing the KMS cache with `kms --flush` and restarting', {
      channel: INCIDENT,
      thread: root,
      user: 'U8',
    });
    const saved = await say('save fix', { channel: INCIDENT, thread: root, user: 'U1', mention: true });
    const id = buttonsOf(saved.posts[0]).find((b) => b.action_id === 'kb_undo_fix')?.value ?? '';
    expect(storage.fixes.byMessage(INCIDENT, fixed.ts)?.id).toBe(id);
    const savedTs = String(fake.messages.at(-1)?.ts);

    // Someone else may not undo it: told alone, the button stays.
    const other = button('kb_undo_fix', id, { channel: INCIDENT, threadTs: root, messageTs: savedTs });
    (other.user as Body).id = 'U9';
    const refused = await deliver(other, true);
    expect(refused.handled).toMatchObject({ what: 'kb_undo_fix', outcome: 'replied' });
    expect(refused.calls.find((c) => c.method === 'response_url')?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
    });
    expect(storage.fixes.get(id)).toBeDefined();

    const undo = await deliver(
      button('kb_undo_fix', id, { channel: INCIDENT, threadTs: root, messageTs: savedTs }),
      true,
    );
    expect(undo.handled).toMatchObject({ what: 'kb_undo_fix', outcome: 'replied' });
    const replaced = undo.calls.find((c) => c.method === 'response_url')?.body;
    expect(replaced).toMatchObject({ replace_original: true });
    expect(json(replaced)).toContain(`Removed ${id}`);
    expect(json(replaced)).not.toContain('kb_undo_fix');
    expect(undo.posts).toEqual([]);
    expect(storage.fixes.get(id)).toBeUndefined();

    const next = await say(PASTE, { channel: 'C2' });
    expect(next.posts).toHaveLength(1);
    expect(buttonsOf(next.posts[0]).map((b) => b.value)).not.toContain(id);
  });

  it('"that worked" after an unsaved fix offers to save it; the button saves it in place of the offer', async () => {
    const root = await answered();
    const fixed = await say('sorted it by re-registering kmsvc with `regsvr32 kmsvc.dll`', {
      channel: INCIDENT,
      thread: root,
      user: 'U10',
    });
    expect(fixed.handled).toMatchObject({ outcome: 'silent' });
    const thanks = await say('that worked', { channel: INCIDENT, thread: root, user: 'U3' });
    expect(thanks.posts).toHaveLength(1);
    const offer = thanks.posts[0];
    const line = blocksOf(offer)[0]?.text?.text ?? '';
    expect(line).toBe("Save <@U10>'s fix for next time?");
    expect(buttonsOf(offer)).toEqual([expect.objectContaining({ action_id: 'kb_save_fix', value: fixed.ts })]);
    const offerTs = String(fake.messages.at(-1)?.ts);

    const click = await deliver(
      button('kb_save_fix', fixed.ts, { channel: INCIDENT, threadTs: root, messageTs: offerTs }),
      true,
    );
    expect(click.handled).toMatchObject({ what: 'kb_save_fix', outcome: 'replied' });
    const replaced = click.calls.find((c) => c.method === 'response_url')?.body;
    expect(replaced).toMatchObject({ replace_original: true });
    expect(String(replaced?.text)).toMatch(/^Saved as a team fix: /);
    expect(json(replaced)).toContain('kb_undo_fix');
    expect(json(replaced)).not.toContain('kb_save_fix');
    expect(storage.fixes.byMessage(INCIDENT, fixed.ts)).toMatchObject({ author: 'U10', savedBy: 'U1' });
  });

  it('"has anyone seen this before?" lists past threads, each with a link', async () => {
    const root = await answered();
    const step = await say('has anyone seen this before?', { channel: INCIDENT, thread: root, user: 'U3' });
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    const body = json(step.posts[0]);
    expect(String(step.posts[0]?.text)).toMatch(/^Past threads/);
    // A saved fix links to its thread; a past thread the bot answered gets its link from chat.getPermalink.
    expect(body).toContain('<https://test.slack.com/archives/C1/p');
    expect(body).toMatch(/_fixed: [^_]+_/);
    const asked = step.calls.filter((c) => c.method === 'chat.getPermalink').map((c) => c.body.channel);
    expect(asked).toContain('C2');
    expect(body).toContain('<https://test.slack.com/archives/C2/p');
  });

  it('👍 on its answer is a vote for what the answer showed first, found after a restart through conversations.replies', async () => {
    const root = await answered();
    const answer = fake.messages.filter((m) => m.thread_ts === root && m.bot_id).at(-1);
    const shown = buttonsOf(fake.posted().at(-1)).find((b) => /^kb_helpful/.test(b.action_id ?? ''))?.value;
    expect(shown).toBeDefined();
    // A new process: the adapter has seen none of the thread's messages, the bot's storage has the thread.
    await close();
    await open();
    const before = storage.feedback.list().length;
    const step = await deliver(
      reactionAdded('+1::skin-tone-2', { channel: INCIDENT, ts: String(answer?.ts), user: 'U3', itemUser: 'UBOT' }),
    );
    expect(step.handled).toMatchObject({ what: 'reaction_added', outcome: 'silent' });
    expect(step.calls.map((c) => c.method)).toEqual(['conversations.replies']);
    expect(step.calls[0]?.body).toMatchObject({ channel: INCIDENT, ts: answer?.ts, limit: '1', inclusive: 'true' });
    expect(storage.feedback.list().slice(before)).toEqual([
      expect.objectContaining({ articleId: shown, helpful: true, user: 'U3' }),
    ]);
  });

  it('reads a reply also sent to the channel (thread_broadcast) like any reply', async () => {
    const root = await answered();
    const step = await say('that worked', { channel: INCIDENT, thread: root, user: 'U3', subtype: 'thread_broadcast' });
    expect(step.handled).toMatchObject({ what: 'message', outcome: 'replied' });
    expect(step.posts).toEqual([]);
    expect(fake.reactions.get(`${INCIDENT} ${step.ts}`)).toEqual(['white_check_mark']);
  });

  it('says thanks in words in a direct message (no reaction there)', async () => {
    const ts = nextTs();
    fake.said({ channel: 'D1', ts, user: 'U1', text: PASTE });
    const asked = await deliver(
      envelope({ type: 'message', channel_type: 'im', user: 'U1', text: PASTE, ts, channel: 'D1' }),
    );
    expect(asked.posts).toHaveLength(1);
    const reply = nextTs();
    fake.said({ channel: 'D1', ts: reply, thread_ts: ts, user: 'U1', text: 'that worked' });
    const step = await deliver(
      envelope({
        type: 'message',
        channel_type: 'im',
        user: 'U1',
        text: 'that worked',
        ts: reply,
        thread_ts: ts,
        channel: 'D1',
      }),
    );
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.calls.filter((c) => c.method === 'reactions.add')).toEqual([]);
    expect(step.posts).toEqual([expect.objectContaining({ channel: 'D1', thread_ts: ts })]);
    expect(String(step.posts[0]?.text)).toMatch(/^Thanks, noted that /);
  });

  it('says ✅ in words in the thread when Slack refuses the reaction', async () => {
    const root = await answered();
    fake.behave['reactions.add'] = () => [200, { ok: false, error: 'missing_scope' }];
    const step = await say('that worked', { channel: INCIDENT, thread: root, user: 'U3' });
    expect(step.handled).toMatchObject({ outcome: 'replied' });
    expect(step.posts).toHaveLength(1);
    expect(step.posts[0]).toMatchObject({ channel: INCIDENT, thread_ts: root });
    // What the answer led with (a fix saved above, or the article) is thanked, in words.
    expect(String(step.posts[0]?.text)).toMatch(/^Thanks, noted that (fix-\d+|Q290226) helped/);
    expect(fake.reactions.get(`${INCIDENT} ${step.ts}`)).toBeUndefined();
  });
});
