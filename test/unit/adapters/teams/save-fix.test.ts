/**
 * The Teams side of saving a fix, with a stand-in bot that records what it is asked: what the
 * "Save as fix" message action hands the bot (text with its code, author and name, saver, the
 * thread, the link, the title), where the confirmation goes, what the person saving sees when
 * nothing is saved or the bot cannot post, and that the bot is told the id of each reply it posts.
 * The real CloudAdapter on loopback, nock standing in for the Bot Connector.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SAVE_FIX_TEXTS } from '../../../../src/adapters/teams/save-fix.js';
import { createTeamsServer, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import type { TeamsBot } from '../../../../src/adapters/teams/handler.js';
import type { BotAction, SaveFixRequest } from '../../../../src/bot/bot.js';
import type { IncomingMessage } from '../../../../src/bot/message.js';
import type { Reply } from '../../../../src/bot/reply.js';
import { keptLogger } from '../../../helpers/log.js';
import {
  cardOf,
  FakeConnector,
  personalMessage,
  post,
  submitAction,
  teamsIds,
  threadMessage,
  USER,
  BOT,
  type Json,
} from './fixtures.js';

const CHANNEL = '19:ops@thread.tacv2';
const BO = { id: '29:user-bo', name: 'Bo Chen', aadObjectId: 'aad-bo' };

/** A bot that records every call and answers what the test says. */
class RecordingBot implements TeamsBot {
  readonly saved: SaveFixRequest[] = [];
  readonly messages: IncomingMessage[] = [];
  readonly actions: BotAction[] = [];
  readonly posts: { message: IncomingMessage; reply: Reply; id: string }[] = [];
  saveReply: Reply = {
    kind: 'saved',
    fixId: 'fix-7',
    title: 'KMS will not start',
    text: 'Saved as a team fix: KMS will not start (fix-7)',
  };
  reply: Reply | null = { kind: 'text', text: 'hello' };
  actReply: Reply = { kind: 'ack', emoji: 'white_check_mark', text: 'Removed fix-7.' };

  respond(message: IncomingMessage): Promise<Reply | null> {
    this.messages.push(message);
    return Promise.resolve(this.reply);
  }
  act(action: BotAction): Promise<Reply> {
    this.actions.push(action);
    return Promise.resolve(this.actReply);
  }
  saveFix(request: SaveFixRequest): Promise<Reply> {
    this.saved.push(request);
    return Promise.resolve(this.saveReply);
  }
  posted(message: IncomingMessage, reply: Reply, id: string): Promise<void> {
    this.posts.push({ message, reply, id });
    return Promise.resolve();
  }
}

const connector = new FakeConnector();
const { calls } = connector;
const nextId = teamsIds(1_710_000_000_000);
let bot: RecordingBot;
let server: TeamsServer;
let lines: string[];

async function serve(b: TeamsBot): Promise<void> {
  const kept = keptLogger('warn');
  lines = kept.lines;
  server = createTeamsServer({
    bot: b,
    port: 0,
    logger: kept.logger,
    retry: { baseMs: 1, sleep: async () => undefined },
  });
  await server.start();
}

const FIX_HTML =
  '<p>Fixed it by restarting the KM service &amp; re-running <code>update.exe</code>:</p>' +
  '<ol><li>stop <at id="0">kbbot</at>\u00a0the service</li><li>run it</li></ol>' +
  '<codeblock class="PowerShell"><code>Restart-Service kms<br>.\\update.exe /quiet</code></codeblock>';

const invokeOn = (
  conversationId: string,
  message: Partial<Parameters<typeof submitAction>[1]> = {},
  options: Parameters<typeof submitAction>[2] = {},
): Json =>
  submitAction(
    conversationId,
    { id: '1710000005000', html: FIX_HTML, from: { id: 'aad-ann', displayName: 'Ann Lopez' }, ...message },
    { from: BO, ...options },
  );

/** What the action's dialog shows (a `task` message), or undefined for an empty response. */
const dialogOf = (body: string): string | undefined =>
  (JSON.parse(body || '{}') as { task?: { type: string; value: string } }).task?.value;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterAll(() => nock.enableNetConnect());
beforeEach(async () => {
  connector.reset();
  connector.newId = nextId;
  connector.install();
  bot = new RecordingBot();
  await serve(bot);
});
afterEach(async () => {
  await server.stop(0);
  nock.cleanAll();
});

describe('the "Save as fix" message action', () => {
  it("hands the bot the message's text with its code and list, its author, the saver, the thread and the title", async () => {
    const link =
      'https://teams.microsoft.com/l/message/19:ops@thread.tacv2/1710000005000?parentMessageId=1710000001000';
    const res = await post(
      server.url,
      invokeOn(
        `${CHANNEL};messageid=1710000001000`,
        { replyToId: '1710000001000', linkToMessage: link },
        {
          from: BO,
          data: { title: '  KMS   will not start  ' },
        },
      ),
    );
    expect(res.status).toBe(200);
    expect(bot.saved).toEqual([
      {
        text: [
          'Fixed it by restarting the KM service & re-running `update.exe`:',
          '1. stop @kbbot the service',
          '2. run it',
          '```powershell',
          'Restart-Service kms',
          '.\\update.exe /quiet',
          '```',
        ].join('\n'),
        author: 'aad-ann',
        authorName: 'Ann Lopez',
        savedBy: 'aad-bo',
        conversation: CHANNEL,
        thread: '1710000001000',
        messageId: '1710000005000',
        permalink: link,
        title: 'KMS will not start',
        via: 'action',
      },
    ]);
    // The confirmation goes into the reply chain, sent by the bot; the dialog just closes.
    expect(dialogOf(res.body)).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', path: `${CHANNEL};messageid=1710000001000/activities` });
    expect(calls[0]?.body).toMatchObject({ type: 'message', from: { id: BOT.id }, recipient: { id: BO.id } });
    expect(calls[0]?.body.replyToId).toBeUndefined();
    const card = cardOf(calls[0]);
    expect(card).toContain('Saved as a team fix: KMS will not start (fix-7)');
    expect(card).toContain('"data":{"kbAction":"undo_fix","id":"fix-7"}');
  });

  it('finds the thread from the message when the conversation id has no reply chain, and makes a link when Teams gives none', async () => {
    await post(server.url, invokeOn(CHANNEL, { id: '1710000009000', replyToId: '1710000002000' }, { data: {} }));
    expect(bot.saved[0]).toMatchObject({ conversation: CHANNEL, thread: '1710000002000', messageId: '1710000009000' });
    expect(bot.saved[0]?.title).toBeUndefined();
    expect(bot.saved[0]?.permalink).toBe(
      'https://teams.microsoft.com/l/message/19%3Aops%40thread.tacv2/1710000009000?tenantId=tenant-1&parentMessageId=1710000002000',
    );
    expect(calls[0]?.path).toBe(`${CHANNEL};messageid=1710000002000/activities`);

    // A root message is its own thread.
    await post(server.url, invokeOn(CHANNEL, { id: '1710000003000' }));
    expect(bot.saved[1]).toMatchObject({ thread: '1710000003000' });
  });

  it('in a group chat, the whole chat is the thread and the confirmation goes to the chat', async () => {
    const chat = '19:abc@thread.v2';
    await post(server.url, invokeOn(chat, {}, { conversationType: 'groupChat' }));
    expect(bot.saved[0]).toMatchObject({ conversation: chat, thread: chat });
    expect(calls[0]?.path).toBe(`${chat}/activities`);
  });

  it("shows the person saving, and only them, why nothing was saved: a bot's message, a deleted or empty one, the bot's own reason", async () => {
    const refused = async (invoke: Json): Promise<string | undefined> => {
      const res = await post(server.url, invoke);
      expect(res.status).toBe(200);
      return dialogOf(res.body);
    };
    expect(await refused(invokeOn(CHANNEL, { from: null }))).toBe(SAVE_FIX_TEXTS.notAPerson);
    expect(await refused(invokeOn(CHANNEL, { extra: { deleted: true } }))).toBe(SAVE_FIX_TEXTS.deleted);
    expect(await refused(invokeOn(CHANNEL, { html: '<p> </p>' }))).toBe(SAVE_FIX_TEXTS.empty);
    expect(bot.saved).toEqual([]);

    bot.saveReply = { kind: 'text', text: 'Already saved as fix-3 by <@aad-bo>' };
    expect(await refused(invokeOn(CHANNEL))).toBe('Already saved as fix-3 by @aad-bo');
    expect(calls).toEqual([]);

    expect(await refused(invokeOn(CHANNEL, {}, { commandId: 'other' }))).toBe(SAVE_FIX_TEXTS.unknownCommand);
  });

  it("reads a card-only message's text, e.g. an alert posted by another app and forwarded by a person", async () => {
    const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Workaround: restart kms' }] };
    await post(
      server.url,
      invokeOn(CHANNEL, {
        html: '',
        extra: {
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: JSON.stringify(card) }],
        },
      }),
    );
    expect(bot.saved[0]?.text).toBe('Workaround: restart kms');
  });

  it('when the confirmation cannot be posted (the app is not in the chat): the dialog says the fix is saved', async () => {
    connector.failNext = [{ status: 403 }];
    const res = await post(server.url, invokeOn(CHANNEL));
    expect(res.status).toBe(200);
    expect(dialogOf(res.body)).toBe(SAVE_FIX_TEXTS.notPosted('Saved as a team fix: KMS will not start (fix-7)'));
    expect(lines.join('\n')).toMatch(/saved fix-7 but could not post the confirmation/);
  });

  it('tries the post once more when the connector says 429, then gives up within the 5 s Teams waits for the answer', async () => {
    connector.failNext = [{ status: 429 }];
    expect(dialogOf((await post(server.url, invokeOn(CHANNEL))).body)).toBeUndefined();
    expect(calls).toHaveLength(1);

    connector.failNext = [{ status: 429 }, { status: 429 }];
    const res = await post(server.url, invokeOn(CHANNEL));
    expect(dialogOf(res.body)).toBe(SAVE_FIX_TEXTS.notPosted('Saved as a team fix: KMS will not start (fix-7)'));
    expect(calls).toHaveLength(1);
  });

  it('a bot without fix saving, or one that fails, gets a word in the dialog, not a 500', async () => {
    await server.stop(0);
    const plain: TeamsBot = {
      respond: () => Promise.resolve(null),
      act: () => Promise.resolve({ kind: 'text', text: '' }),
    };
    await serve(plain);
    expect(dialogOf((await post(server.url, invokeOn(CHANNEL))).body)).toBe(SAVE_FIX_TEXTS.unavailable);

    await server.stop(0);
    const failing = new RecordingBot();
    failing.saveFix = () => Promise.reject(new Error('disk on fire'));
    await serve(failing);
    const res = await post(server.url, invokeOn(CHANNEL));
    expect(res.status).toBe(200);
    expect(dialogOf(res.body)).toBe(SAVE_FIX_TEXTS.failed);
    expect(lines.join('\n')).toMatch(/saving a fix failed: disk on fire/);
  });
});

describe('what the bot is told of Teams messages and its replies', () => {
  it("gives each message its id and the sender's name, and a link to any message of the thread", async () => {
    const root = nextId();
    await post(server.url, threadMessage(CHANNEL, root, 'hello', { from: BO }));
    const [message] = bot.messages;
    expect(message).toMatchObject({
      id: root,
      userName: 'Bo Chen',
      user: 'aad-bo',
      conversation: CHANNEL,
      thread: root,
    });
    expect(await message?.context?.permalink?.('1710000777000')).toBe(
      `https://teams.microsoft.com/l/message/19%3Aops%40thread.tacv2/1710000777000?tenantId=tenant-1&parentMessageId=${root}`,
    );
    expect(message?.context?.history).toBeUndefined(); // a Teams bot cannot read a channel's messages
  });

  it('tells the bot the id of each reply it posts: answers, new cards after a press, and cards replaced in place', async () => {
    const root = nextId();
    await post(server.url, threadMessage(CHANNEL, root, 'hello', { from: BO }));
    expect(bot.posts).toMatchObject([{ message: { id: root }, reply: { kind: 'text' }, id: connector.ids[0] }]);

    // Undo replaces the confirmation in place: its id is the card's.
    const card = connector.ids[0] ?? '';
    const press = (action: string, value: string): Json => ({
      ...threadMessage(CHANNEL, nextId(), '', { root, from: BO, mention: false }),
      text: undefined,
      replyToId: card,
      value: { kbAction: action, id: value },
    });
    await post(server.url, press('undo_fix', 'fix-7'));
    expect(bot.actions.at(-1)).toMatchObject({ action: 'undo_fix', value: 'fix-7', user: 'aad-bo', thread: root });
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: `${CHANNEL};messageid=${root}/activities/${card}` });
    expect(bot.posts.at(-1)).toMatchObject({
      reply: { kind: 'ack' },
      id: card,
      message: { via: 'command', thread: root },
    });

    // "Save as fix" on the offer also replaces it in place.
    bot.actReply = { kind: 'saved', fixId: 'fix-8', title: 't', text: 'Saved as a team fix: t (fix-8)' };
    await post(server.url, press('save_fix', '1710000005000'));
    expect(bot.actions.at(-1)).toMatchObject({ action: 'save_fix', value: '1710000005000' });
    expect(calls.at(-1)?.method).toBe('PUT');

    // "Not it" on a team fix leaves the card (its article has buttons of its own) and adds a message.
    bot.actReply = { kind: 'ack', emoji: 'white_check_mark', text: 'Noted: fix-7 was not it.' };
    const before = calls.length;
    await post(server.url, press('not_it', 'fix-7'));
    expect(calls.slice(before).map((c) => c.method)).toEqual(['POST']);
    expect(bot.posts.at(-1)?.id).toBe(connector.ids.at(-1));
  });

  it('answers a card-only notification with a team fix alone, as it would with an article', async () => {
    bot.reply = {
      kind: 'fix',
      fix: {
        id: 'fix-7',
        title: 'KMS will not start',
        text: 'restart kms',
        author: 'aad-ann',
        authorName: 'Ann Lopez',
        date: '2026-12-05',
        permalink: null,
        actions: [],
      },
    };
    const alert = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '[FIRING:1] KMS service down' }] };
    await post(
      server.url,
      personalMessage('', {
        text: undefined,
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: alert }],
      }),
    );
    expect(bot.messages[0]).toMatchObject({ fromApp: true, text: '[FIRING:1] KMS service down' });
    expect(cardOf(calls[0])).toContain('Your team fixed this before:');
  });

  it('renders an offer to save a fix with its Save as fix button, the mention inert', async () => {
    bot.reply = {
      kind: 'offer_save',
      text: "Save <@aad-ann>'s fix for next time?",
      messageId: '1710000005000',
      author: 'aad-ann',
    };
    await post(server.url, personalMessage('that worked'));
    const card = cardOf(calls[0]);
    expect(card).toContain("Save @aad-ann's fix for next time?");
    expect(card).toContain('"data":{"kbAction":"save_fix","id":"1710000005000"}');
    expect(bot.messages[0]).toMatchObject({ userName: USER.name, via: 'dm' });
  });
});
