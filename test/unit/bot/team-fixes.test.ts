/**
 * Incident threads (issue #24), the whole story on the in-memory adapter with the real SQLite
 * storage in a temp DATA_DIR: a pasted error is answered; "the other one" moves on; a person's fix
 * gets silence; "@kbbot save fix" saves it in one line; "that worked" credits the fix, not the
 * article; the same error in another channel is answered with the fix first (author, date, thread
 * link), after a restart too; undo; a storage outage; STORE_MESSAGES off. Also the other ways to
 * save (text, :pushpin:, the offer after "that worked") and feedback on fixes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot, TEAM_FIX_DEFAULTS, type BotEvent } from '../../../src/bot/bot.js';
import { buildTeamFix, fixExcerpt, TEAM_FIX_CHARS, TEAM_FIX_TOO_LONG } from '../../../src/bot/build-answer.js';
import { FeedbackLearning } from '../../../src/bot/learning.js';
import { threadKey, type MessageContext, type ThreadMessage } from '../../../src/bot/message.js';
import type { Reply, TeamFix } from '../../../src/bot/reply.js';
import { BOT_TEXTS } from '../../../src/bot/texts.js';
import { MemoryThreadStore } from '../../../src/bot/threads.js';
import { FixIndex } from '../../../src/fixes/index.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { asyncFromSync, type AsyncStorage } from '../../../src/memory/async-types.js';
import { AsyncResilientStorage } from '../../../src/memory/async-resilient.js';
import { STORAGE_FILE, openStorage } from '../../../src/memory/sqlite/open.js';
import type { FixRecord, Storage } from '../../../src/memory/types.js';
import { tempDir } from '../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';
import { fillableStorage } from '../memory/disk-full.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const tmp = tempDir('kbbot-team-fixes-');
afterAll(tmp.cleanup);

let dirs = 0;
const dataDir = (): string => join(tmp.dir, `data-${++dirs}`);

const ANA = 'U_ANA';
const BOB = 'U_BOB';
const FIX = 'fixed it by restarting the KM service and re-running update.exe';
const BOT_MENTION = '<@U0KBBOT>';

/**
 * A bot on `storage` as main.ts wires it (fixes kept even with STORE_MESSAGES off), through the
 * async interfaces; the tests read what was kept through `storage` itself.
 */
function startBot(given: Storage | AsyncStorage, options: { storeMessages?: boolean; events?: BotEvent[] } = {}) {
  const storage = given instanceof AsyncResilientStorage ? given : asyncFromSync(given as Storage);
  const storeMessages = options.storeMessages ?? true;
  const learning = new FeedbackLearning(storage.feedback);
  const index = new FixIndex({ store: storage.fixes });
  const bot = new Bot(kb, {
    ranker,
    threads: storeMessages ? storage.threads : new MemoryThreadStore(),
    learning,
    interactions: storage.interactions,
    dataVersion: () => storage.dataVersion(),
    storeMessages,
    onEvent: (e) => options.events?.push(e),
    fixes: { store: storage.fixes, index },
  });
  return { bot, index, chat: new FakeAdapter(bot, { conversation: 'C_INCIDENT', via: 'overheard' }) };
}

/**
 * What Slack's Web API gives the bot about a thread: the thread's messages as `chat` saw them
 * (conversations.replies) and permalinks (chat.getPermalink).
 */
function slackContext(chat: FakeAdapter, thread: string): MessageContext {
  return {
    history: async (): Promise<ThreadMessage[]> =>
      chat.transcript
        .filter((x) => x.message.thread === thread && !x.message.reaction)
        .flatMap((x) => [
          { id: x.message.id ?? '', user: x.message.user, text: x.message.text, bot: false },
          ...(x.postedId ? [{ id: x.postedId, user: 'U0KBBOT', text: '(reply)', bot: true }] : []),
        ]),
    permalink: async (id) =>
      `https://acme.slack.com/archives/${chat.transcript[0]?.message.conversation}/p${id.replace('.', '')}`,
  };
}

function answerOf(reply: Reply | null) {
  if (reply?.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  return reply;
}

function teamFixOf(reply: Reply | null): TeamFix {
  if (reply?.kind === 'fix') return reply.fix;
  const fix = answerOf(reply).teamFix;
  if (!fix) throw new Error(`expected the answer to lead with a team fix, got ${JSON.stringify(reply).slice(0, 300)}`);
  return fix;
}

function rows(dir: string, sql: string): Record<string, unknown>[] {
  const db = new Database(join(dir, STORAGE_FILE), { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** The thread up to the save: paste, "the other one", Ana's fix, "@kbbot save fix". */
async function incident(chat: FakeAdapter, thread = 'T-incident') {
  const first = answerOf(await chat.say(SEED_PASTE, { thread, user: ANA }));
  const next = answerOf(await chat.say('the other one', { thread, user: ANA }));
  expect(await chat.say(FIX, { thread, user: ANA })).toBeNull();
  const fixMessageId = chat.lastMessageId as string;
  const saved = await chat.say(`${BOT_MENTION} save fix`, {
    thread,
    user: BOB,
    via: 'mention',
    context: slackContext(chat, thread),
  });
  return { first, next, saved, fixMessageId };
}

describe('the incident thread of issue #24', () => {
  it('paste, the other one, a fix (silence), save fix, "that worked" credits the fix; the next paste leads with it, after a restart too', async () => {
    const dir = dataDir();
    const events: BotEvent[] = [];
    let storage = openStorage(dir);
    let { chat } = startBot(storage, { events });

    const { first, next, saved, fixMessageId } = await incident(chat);
    expect(first.answer.id).toBe('Q290226');
    expect(next.answer.id).not.toBe('Q290226');
    expect(saved).toEqual({
      kind: 'saved',
      fixId: 'fix-1',
      title: SEED_PASTE,
      text: `Saved as a team fix: ${SEED_PASTE} (fix-1)`,
    });
    const stored = storage.fixes.get('fix-1') as FixRecord;
    expect(stored).toMatchObject({
      text: FIX,
      author: ANA,
      savedBy: BOB,
      conversation: 'C_INCIDENT',
      thread: 'T-incident',
      messageId: fixMessageId,
      permalink: `https://acme.slack.com/archives/C_INCIDENT/p${fixMessageId.replace('.', '')}`,
      errors: [SEED_PASTE],
      via: 'mention',
    });
    expect(stored.codes).toContain('0xc0020002');
    // The articles offered there, and what was said of them: the first was turned down.
    expect(stored.offered).toEqual([
      { articleId: 'Q290226', verdict: 'not_it' },
      { articleId: next.answer.id, verdict: null },
    ]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'fix_saved', fixId: 'fix-1', savedBy: BOB }));

    // "that worked" after the save credits the fix, with a ✅, not the article shown last.
    const before = storage.feedback.list().length;
    expect(await chat.say('that worked', { thread: 'T-incident', user: BOB })).toEqual({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: BOT_TEXTS.thanks('fix-1'),
    });
    const votes = storage.feedback.list().slice(before);
    expect(votes.map((f) => [f.articleId, f.helpful, f.user])).toEqual([['fix-1', true, BOB]]);

    // The same error the next day, in another channel: the fix first, then the article.
    const other = await chat.say(SEED_PASTE, { conversation: 'C_OTHER', thread: 'T-next-day', user: 'U_CAROL' });
    expect(answerOf(other).answer.id).toBe('Q290226');
    const led = teamFixOf(other);
    expect(led).toMatchObject({ id: 'fix-1', text: FIX, author: ANA, permalink: stored.permalink });
    expect(led.date).toBe(new Date(stored.savedAt).toISOString().slice(0, 10));
    expect(led.actions.map((a) => [a.id, a.value])).toEqual([
      ['helpful', 'fix-1'],
      ['not_it', 'fix-1'],
    ]);
    const logged = storage.interactions.list().at(-1);
    expect([logged?.conversation, logged?.articleId, logged?.fixId]).toEqual(['C_OTHER', 'Q290226', 'fix-1']);
    expect(events.at(-1)).toMatchObject({ type: 'answered', articleId: 'Q290226', fixId: 'fix-1' });

    // A restart: a new process on the same DATA_DIR answers the same.
    storage.close();
    storage = openStorage(dir);
    ({ chat } = startBot(storage));
    expect(teamFixOf(await chat.say(SEED_PASTE, { conversation: 'C_THIRD', thread: 'T-restart' }))).toMatchObject({
      id: 'fix-1',
      author: ANA,
    });
    // A thread's person messages are kept in memory only: after a restart, "save fix" without the
    // transport reading the thread back (Slack does) has nothing to save.
    expect(await chat.say(`${BOT_MENTION} save fix`, { thread: 'T-incident', user: BOB, via: 'mention' })).toEqual({
      kind: 'text',
      text: BOT_TEXTS.nothingToSave,
    });
    storage.close();
  });

  it('a fix report is never a query, and "fixed it" alone credits the article only straight after the answer', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    // Reads like an error paste to the intent model ("re-run update.exe"), but reports a fix.
    expect(await chat.say('the workaround was to re-run update.exe as admin', { thread: 'T1', user: BOB })).toBeNull();
    // Overheard anywhere, a fix report is never answered.
    expect(await chat.say(`${SEED_PASTE} -- fixed it by re-running update.exe`, { thread: 'T-new' })).toBeNull();
    // "looking at the logs" in between: the thanks after it is for a colleague, not the bot.
    expect(await chat.say('thanks for looking Ana', { thread: 'T1', user: BOB })).not.toEqual(
      expect.objectContaining({ kind: 'ack', text: BOT_TEXTS.thanks('Q290226') }),
    );
    expect(storage.feedback.list().filter((f) => f.articleId === 'Q290226')).toEqual([]);
    // Straight after the answer, "fixed it" is feedback on it.
    answerOf(await chat.say(SEED_PASTE, { thread: 'T2', user: ANA }));
    expect(await chat.say('fixed it', { thread: 'T2', user: ANA })).toEqual({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: BOT_TEXTS.thanks('Q290226'),
    });
    // After someone else spoke, it is not.
    answerOf(await chat.say(SEED_PASTE, { thread: 'T3', user: ANA }));
    expect(await chat.say('checking the service account now', { thread: 'T3', user: BOB })).toBeNull();
    expect(await chat.say('fixed it', { thread: 'T3', user: ANA })).toBeNull();
    expect(storage.feedback.list().map((f) => f.thread)).toEqual(['T2']);
    storage.close();
  });

  it('"that worked" after the bot\'s "why this one?" is still about its answer', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    expect((await chat.say('why this one?', { thread: 'T1', user: ANA }))?.kind).toBe('text');
    expect(await chat.say('that worked', { thread: 'T1', user: ANA })).toMatchObject({ kind: 'ack' });
    expect(storage.feedback.list().map((f) => f.articleId)).toEqual(['Q290226']);
    storage.close();
  });

  it('a saved fix is shown when asked for by its id', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    await chat.say(`${BOT_MENTION} save fix: ${FIX}`, { via: 'mention', user: ANA });
    for (const text of ['fix-1', 'show fix 1', `${BOT_MENTION} FIX-1`])
      expect(teamFixOf(await chat.say(text, { via: 'mention' }))).toMatchObject({ id: 'fix-1', text: FIX });
    expect(await chat.say('fix-7', { via: 'mention' })).toEqual({ kind: 'text', text: BOT_TEXTS.unknownFix('fix-7') });
    expect(await chat.say('fix-1', { via: 'overheard' })).toBeNull();
    storage.close();
  });

  it('the offer to save names the fix\'s author as the platform gave the name, and says "your" to the author', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    expect(await chat.say(FIX, { thread: 'T1', user: 'aad-ann', userName: 'Ann Lee' })).toBeNull();
    expect(await chat.say('that worked, thanks', { thread: 'T1', user: BOB })).toMatchObject({
      kind: 'offer_save',
      text: "Save Ann Lee's fix for next time?",
    });
    expect(
      await chat.say(`${BOT_MENTION} fixed it by re-running update.exe as admin`, {
        thread: 'T1',
        user: BOB,
        via: 'mention',
      }),
    ).toMatchObject({
      kind: 'offer_save',
      text: 'Save your fix for next time?',
    });
    storage.close();
  });

  it('"that worked" after an unsaved fix offers to save it; saving applies the credit', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    expect(await chat.say(FIX, { thread: 'T1', user: ANA })).toBeNull();
    const fixId = chat.lastMessageId as string;
    expect(await chat.say('that worked, thanks', { thread: 'T1', user: BOB })).toEqual({
      kind: 'offer_save',
      text: `Save <@${ANA}>'s fix for next time?`,
      messageId: fixId,
      author: ANA,
    });
    expect(storage.feedback.list()).toEqual([]);
    const saved = await chat.press('save_fix', fixId, 'T1', { user: BOB, conversation: 'C_INCIDENT' });
    expect(saved).toMatchObject({ kind: 'saved', fixId: 'fix-1' });
    expect(storage.fixes.get('fix-1')).toMatchObject({ text: FIX, author: ANA, savedBy: BOB, messageId: fixId });
    expect(storage.feedback.list().map((f) => [f.articleId, f.user, f.helpful])).toEqual([['fix-1', BOB, true]]);
    // Saving the same message again says so.
    expect(await chat.press('save_fix', fixId, 'T1', { user: BOB, conversation: 'C_INCIDENT' })).toEqual({
      kind: 'text',
      text: BOT_TEXTS.alreadySaved('fix-1'),
    });
    storage.close();
  });

  it('"save fix" where the transport cannot read the thread back (Teams, the console) takes the fix report the bot kept', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    expect(await chat.say(FIX, { thread: 'T1', user: ANA })).toBeNull();
    const fixMessageId = chat.lastMessageId;
    expect(await chat.say('I will add this to the runbook later', { thread: 'T1', user: BOB })).toBeNull();
    expect(await chat.say('thanks Ana', { thread: 'T1', user: BOB })).toBeNull();
    expect(await chat.say(`${BOT_MENTION} save fix`, { thread: 'T1', user: BOB, via: 'mention' })).toMatchObject({
      kind: 'saved',
      fixId: 'fix-1',
    });
    expect(storage.fixes.get('fix-1')).toMatchObject({ text: FIX, author: ANA, messageId: fixMessageId });
    storage.close();
  });

  it('the "Save as fix" shortcut saves the message it is used on, with the thread\'s error and any credit given before', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    expect(await chat.say(FIX, { thread: 'T1', user: ANA })).toBeNull();
    const fixMessageId = chat.lastMessageId as string;
    expect((await chat.say('that did the trick', { thread: 'T1', user: BOB }))?.kind).toBe('offer_save');
    const request = {
      text: FIX,
      author: ANA,
      authorName: 'Ana Lopez',
      savedBy: 'U_CAROL',
      conversation: 'C_INCIDENT',
      thread: 'T1',
      messageId: fixMessageId,
      permalink: 'https://teams.example/l/message/1',
      via: 'action' as const,
    };
    expect(await chat.saveFix(request)).toMatchObject({ kind: 'saved', fixId: 'fix-1', title: SEED_PASTE });
    expect(storage.fixes.get('fix-1')).toMatchObject({
      authorName: 'Ana Lopez',
      savedBy: 'U_CAROL',
      permalink: request.permalink,
      errors: [SEED_PASTE],
      via: 'action',
    });
    expect(storage.feedback.list().map((f) => [f.articleId, f.user, f.helpful])).toEqual([['fix-1', BOB, true]]);
    expect(await chat.saveFix(request)).toEqual({ kind: 'text', text: BOT_TEXTS.alreadySaved('fix-1') });
    // On a message of a thread the bot never saw: saved with no error, titled by its first line.
    expect(
      await chat.saveFix({ ...request, thread: 'T-other', messageId: '1600000000.000100', title: undefined }),
    ).toMatchObject({ kind: 'saved', fixId: 'fix-2', title: FIX });
    storage.close();
  });

  it('"@kbbot fixed it by …" is offered for saving, never answered with an article', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    const reply = await chat.say(`${BOT_MENTION} fixed it by re-running update.exe as admin`, { via: 'mention' });
    expect(reply).toMatchObject({ kind: 'offer_save', author: 'U_TESTER' });
    storage.close();
  });

  it('save fix: <text> and save fix as "<title>"; a fresh thread needs no answer first', async () => {
    const storage = openStorage(dataDir());
    const { chat, index } = startBot(storage);
    const text = 'Stop KMS, delete the KMServer key, then:\n```\nupdate.exe /force\n```';
    const saved = await chat.say(`${BOT_MENTION} save fix as "KMS won't start after SP3": ${text}`, {
      thread: 'T-fresh',
      via: 'mention',
      user: ANA,
      userName: 'Ana Lopez',
    });
    expect(saved).toMatchObject({ kind: 'saved', fixId: 'fix-1', title: "KMS won't start after SP3" });
    expect(storage.fixes.get('fix-1')).toMatchObject({
      text,
      author: ANA,
      authorName: 'Ana Lopez',
      savedBy: ANA,
      errors: [],
      via: 'text',
    });
    expect(index.get('fix-1')?.title).toBe("KMS won't start after SP3");
    storage.close();
  });

  it(":pushpin: on a person's message saves it; 👍 on the answer rates it silently; reactions elsewhere do nothing", async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    const answerId = chat.transcript.at(-1)?.postedId as string;
    expect(await chat.react('+1', answerId, { thread: 'T1', user: BOB })).toBeNull();
    expect(storage.feedback.list().map((f) => [f.articleId, f.helpful])).toEqual([['Q290226', true]]);
    // The bot's own answer is never saved as a fix.
    expect(await chat.react('pushpin', answerId, { thread: 'T1', user: BOB })).toBeNull();
    expect(
      await chat.say('restarted KMS and re-ran update.exe, all green now', { thread: 'T1', user: ANA }),
    ).toBeNull();
    const fixId = chat.lastMessageId as string;
    expect(await chat.react('pushpin', fixId, { thread: 'T1', user: BOB })).toMatchObject({
      kind: 'saved',
      fixId: 'fix-1',
    });
    expect(storage.fixes.get('fix-1')).toMatchObject({ author: ANA, savedBy: BOB, via: 'reaction', messageId: fixId });
    // 👎 on the saved fix is a vote against it, and no reply.
    expect(await chat.react('-1', fixId, { thread: 'T1', user: 'U_CAROL' })).toBeNull();
    expect(storage.feedback.list().at(-1)).toMatchObject({ articleId: 'fix-1', helpful: false, user: 'U_CAROL' });
    // Outside a thread the bot follows, reactions are nothing to it.
    expect(await chat.react('pushpin', '1600000000.000100', { thread: 'T-unknown' })).toBeNull();
    expect(await chat.react('+1', '1600000000.000100', { thread: 'T-unknown' })).toBeNull();
    storage.close();
  });

  it('under an answer led by a fix, "nope" is about the fix; after its Not it button, "that worked" is about the article', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    await incident(chat);
    const where = { conversation: 'C2', thread: 'T2', user: 'U_CAROL' };
    expect(teamFixOf(await chat.say(SEED_PASTE, where)).id).toBe('fix-1');
    const before = storage.feedback.list().length;
    expect(await chat.say('nope', where)).toEqual({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: BOT_TEXTS.notIt('fix-1'),
    });
    // A person spoke last ("nope"): thanks now are for a colleague.
    expect(await chat.say('thanks', where)).toBeNull();
    const other = { conversation: 'C3', thread: 'T3', user: 'U_DAN' };
    expect(teamFixOf(await chat.say(SEED_PASTE, other)).id).toBe('fix-1');
    expect(await chat.press('not_it', 'fix-1', 'T3', other)).toMatchObject({ kind: 'ack' });
    expect(await chat.say('that worked', other)).toEqual({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: BOT_TEXTS.thanks('Q290226'),
    });
    expect(
      storage.feedback
        .list()
        .slice(before)
        .map((f) => [f.articleId, f.helpful, f.user]),
    ).toEqual([
      ['fix-1', false, 'U_CAROL'],
      ['fix-1', false, 'U_DAN'],
      ['Q290226', true, 'U_DAN'],
    ]);
    storage.close();
  });

  it('a fix answers alone where no article matches, and one that keeps being "not it" stops leading', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    const error = 'Service KMS failed to start: Error 0x8007000D The data is invalid';
    expect(await chat.say(error, { thread: 'T1', user: ANA })).toBeNull();
    expect(
      await chat.say('resolved: re-registered the KMS DLLs with regsvr32 and it started', { thread: 'T1' }),
    ).toBeNull();
    // The bot kept nothing of this thread (it stayed silent): the error is read back from the thread's start.
    const save = `${BOT_MENTION} save fix: re-registered the KMS DLLs with regsvr32`;
    expect(await chat.say(save, { via: 'mention', thread: 'T1', context: slackContext(chat, 'T1') })).toMatchObject({
      kind: 'saved',
    });
    expect(storage.fixes.get('fix-1')?.errors).toEqual([error]);
    const alone = await chat.say(error, { conversation: 'C2', thread: 'T2', user: BOB });
    expect(alone?.kind).toBe('fix');
    expect(teamFixOf(alone).id).toBe('fix-1');
    // "just the steps" under it shows the fix again; the button rates it.
    expect((await chat.say('just the steps', { conversation: 'C2', thread: 'T2', user: BOB }))?.kind).toBe('fix');
    for (const user of ['U1', 'U2', 'U3'])
      expect(await chat.press('not_it', 'fix-1', 'T2', { user, conversation: 'C2' })).toEqual({
        kind: 'ack',
        emoji: 'white_check_mark',
        text: BOT_TEXTS.notIt('fix-1'),
      });
    const after = await chat.say(error, { conversation: 'C3', thread: 'T3', user: BOB, via: 'mention' });
    expect(after?.kind).not.toBe('fix');
    expect(after?.kind === 'answer' && after.teamFix).toBeFalsy();
    storage.close();
  });
});

describe('has anyone seen this before?', () => {
  it('lists the thread the fix came from, and says so when nothing similar was seen', async () => {
    const storage = openStorage(dataDir());
    const { chat } = startBot(storage);
    await incident(chat);
    answerOf(await chat.say(SEED_PASTE, { conversation: 'C2', thread: 'T2', user: 'U_CAROL' }));
    const seen = await chat.say('has anyone seen this before?', { conversation: 'C2', thread: 'T2', user: 'U_CAROL' });
    expect(seen).toMatchObject({ kind: 'history', intro: BOT_TEXTS.historyIntro });
    expect(seen?.kind === 'history' && seen.items[0]).toMatchObject({
      kind: 'fix',
      fixId: 'fix-1',
      thread: 'T-incident',
    });
    const freshStorage = openStorage(dataDir());
    const fresh = startBot(freshStorage);
    answerOf(await fresh.chat.say(SEED_PASTE, { thread: 'T9' }));
    expect(await fresh.chat.say('has anyone seen this before?', { thread: 'T9' })).toEqual({
      kind: 'text',
      text: BOT_TEXTS.historyNone('the team fixes and past threads the bot answered'),
    });
    freshStorage.close();
    storage.close();
  });
});

describe('undo', () => {
  it('only the saver or the author, within a day; the fix is gone from the index at once', async () => {
    const storage = openStorage(dataDir());
    const { chat, index } = startBot(storage);
    await incident(chat);
    expect(
      await chat.press('undo_fix', 'fix-1', 'T-incident', { user: 'U_CAROL', conversation: 'C_INCIDENT' }),
    ).toEqual({ kind: 'text', text: BOT_TEXTS.undoNotYours('fix-1') });
    expect(await chat.press('undo_fix', 'fix-1', 'T-incident', { user: BOB, conversation: 'C_INCIDENT' })).toEqual({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: BOT_TEXTS.removed('fix-1'),
    });
    expect(storage.fixes.get('fix-1')).toBeUndefined();
    expect(index.size).toBe(0);
    expect(answerOf(await chat.say(SEED_PASTE, { conversation: 'C2', thread: 'T2' })).teamFix).toBeUndefined();
    expect(await chat.press('undo_fix', 'fix-1', 'T-incident', { user: BOB, conversation: 'C_INCIDENT' })).toEqual({
      kind: 'text',
      text: BOT_TEXTS.alreadyGone('fix-1'),
    });
    // Saved again, then too late to undo.
    expect(
      await chat.say(`${BOT_MENTION} save fix: ${FIX}`, { thread: 'T-incident', user: ANA, via: 'mention' }),
    ).toMatchObject({
      kind: 'saved',
      fixId: 'fix-2',
    });
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + TEAM_FIX_DEFAULTS.undoMs + 1000;
      expect(await chat.press('undo_fix', 'fix-2', 'T-incident', { user: ANA, conversation: 'C_INCIDENT' })).toEqual({
        kind: 'text',
        text: BOT_TEXTS.undoTooLate('fix-2'),
      });
    } finally {
      Date.now = realNow;
    }
    storage.close();
  });
});

describe('storage', () => {
  it('while the disk is full a save is refused in words, and nothing is half-saved; it works once there is room', async () => {
    const dir = dataDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const disk = fillableStorage(dir);
    const storage = new AsyncResilientStorage(asyncFromSync(disk.storage), { log: { warn: () => {}, info: () => {} } });
    const { chat, index } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    disk.setFull(true);
    expect(await chat.say(`${BOT_MENTION} save fix: ${FIX}`, { thread: 'T1', via: 'mention' })).toEqual({
      kind: 'text',
      text: "Couldn't save the fix: the bot's storage is unavailable (try again shortly)",
    });
    expect(index.size).toBe(0);
    disk.setFull(false);
    expect(await chat.say(`${BOT_MENTION} save fix: ${FIX}`, { thread: 'T1', via: 'mention' })).toMatchObject({
      kind: 'saved',
      fixId: 'fix-1',
    });
    expect(index.size).toBe(1);
    await storage.close();
  });

  it('without a fix store, saving says so', async () => {
    const chat = new FakeAdapter(new Bot(kb, { ranker }));
    expect(await chat.say(`${BOT_MENTION} save fix: ${FIX}`)).toEqual({ kind: 'text', text: BOT_TEXTS.fixesOff });
  });

  it('STORE_MESSAGES off: the fix is on disk, no thread text is', async () => {
    const dir = dataDir();
    const storage = openStorage(dir);
    const { chat } = startBot(storage, { storeMessages: false });
    await incident(chat);
    expect(await chat.say('that worked', { thread: 'T-incident', user: BOB })).toMatchObject({ kind: 'ack' });
    storage.close();
    expect(rows(dir, 'SELECT text, errors FROM fixes')).toEqual([{ text: FIX, errors: JSON.stringify([SEED_PASTE]) }]);
    expect(rows(dir, 'SELECT * FROM threads')).toEqual([]);
    expect(rows(dir, 'SELECT text FROM interactions').every((r) => r.text === null)).toBe(true);
    expect(rows(dir, 'SELECT query FROM feedback').every((r) => r.query === null)).toBe(true);
  });

  it("the SQLite thread store never writes a thread's person messages (ThreadState.recent)", async () => {
    const dir = dataDir();
    const storage = openStorage(dir);
    const { chat } = startBot(storage);
    answerOf(await chat.say(SEED_PASTE, { thread: 'T1', user: ANA }));
    const secret = 'checking the event log on EXCH-PRIVATE-HOST-7 now';
    expect(await chat.say(secret, { thread: 'T1', user: BOB })).toBeNull();
    storage.threads.set('direct', {
      query: 'q',
      candidates: [],
      shown: 0,
      rejected: [],
      updatedAt: Date.now(),
      recent: [{ id: '1', user: BOB, text: secret, at: 1, fixReport: false }],
    });
    const state = storage.threads.get(threadKey({ conversation: 'C_INCIDENT', thread: 'T1' }));
    expect(state?.lastSpeaker).toBe('person');
    expect(state?.recent).toBeUndefined();
    storage.close();
    for (const r of rows(dir, 'SELECT state FROM threads')) expect(String(r.state)).not.toContain('EXCH-PRIVATE');
    const bytes = ['', '-wal'].map((ext) => {
      try {
        return readFileSync(join(dir, STORAGE_FILE + ext)).toString('latin1');
      } catch {
        return '';
      }
    });
    expect(bytes.join('')).not.toContain('EXCH-PRIVATE-HOST-7');
  });
});

describe('thread state in SQLite', () => {
  it('keeps who spoke last, fix reports and credits across a restart; drops person messages and damaged fields', () => {
    const dir = dataDir();
    const state = {
      query: SEED_PASTE,
      candidates: ['Q290226'],
      shown: 0,
      rejected: [],
      updatedAt: Date.now(),
      user: ANA,
      answerId: '1700000000.000200',
      led: 'fix-1',
      lastSpeaker: 'person' as const,
      lastMessageId: '1700000000.000300',
      lastFix: { messageId: '1700000000.000300', user: ANA },
      fixes: [{ id: 'fix-1', messageId: '1700000000.000100', user: BOB }],
      errors: ['Error 0x8007000D'],
      pendingCredits: [{ messageId: '1700000000.000300', user: BOB, helpful: true, at: 5 }],
      recent: [{ id: '1700000000.000300', user: ANA, text: FIX, at: 5, fixReport: true }],
    };
    let storage = openStorage(dir);
    storage.threads.set('k', state);
    storage.close();
    storage = openStorage(dir);
    const { recent, ...kept } = state;
    void recent;
    expect(storage.threads.get('k')).toEqual(kept);
    storage.close();
    const db = new Database(join(dir, STORAGE_FILE));
    const damaged = { ...kept, lastSpeaker: 'robot', lastFix: { user: 1 }, pendingCredits: [{}], errors: [3] };
    db.prepare('UPDATE threads SET state = ? WHERE key = ?').run(JSON.stringify(damaged), 'k');
    db.close();
    storage = openStorage(dir);
    const read = storage.threads.get('k');
    expect(read).toMatchObject({ query: SEED_PASTE, answerId: state.answerId, led: 'fix-1', fixes: state.fixes });
    expect(read && ['lastSpeaker', 'lastFix', 'pendingCredits', 'errors'].filter((f) => f in read)).toEqual([]);
    storage.close();
  });
});

describe('buildTeamFix', () => {
  const base: FixRecord = {
    id: 'fix-3',
    title: 'KMS',
    text: FIX,
    author: ANA,
    authorName: null,
    savedBy: BOB,
    savedAt: Date.UTC(2026, 11, 5, 23, 30),
    conversation: 'C1',
    thread: 'T1',
    messageId: null,
    permalink: null,
    errors: [],
    codes: [],
    offered: [],
    via: 'text',
  };

  it('keeps a short fix whole, dates it in UTC, and carries its buttons', () => {
    expect(buildTeamFix(base)).toMatchObject({ id: 'fix-3', text: FIX, date: '2026-12-05', permalink: null });
  });

  it(`cuts at ${TEAM_FIX_CHARS} characters by whole blocks: a code block is kept whole or left out`, () => {
    const code = '```\n' + 'Restart-Service kms\n'.repeat(10) + '```';
    const prose = 'word '.repeat(200).trim();
    const kept = fixExcerpt(`Stopped KMS first.\n${code}\n${prose}`);
    expect(kept.length).toBeLessThanOrEqual(TEAM_FIX_CHARS);
    expect(kept).toContain(code);
    expect(kept.endsWith('…')).toBe(true);
    const cut = fixExcerpt(`${prose}\n${code}`);
    expect(cut.length).toBeLessThanOrEqual(TEAM_FIX_CHARS);
    expect(cut).not.toContain('```');
    const longCode = '```\n' + 'x'.repeat(700) + '\n```';
    expect(fixExcerpt(`Did this:\n${longCode}`)).toBe('Did this:\n…');
    expect(fixExcerpt(longCode)).toBe(TEAM_FIX_TOO_LONG);
  });
});
