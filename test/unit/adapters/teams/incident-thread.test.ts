/**
 * An incident thread on Teams (issue #24), end to end: the real CloudAdapter behind the node:http
 * server on loopback, Bot Framework activities POSTed as Teams sends them, nock standing in for
 * the Bot Connector, the real bot on the seed KB with its saved fixes in a real SQLite database in
 * a temp dir.
 *
 * The story: Bo pastes an error mentioning kbbot → the article; Ann replies with the fix without
 * mentioning kbbot → kbbot never sees it, says nothing; Bo picks "Save as fix" on Ann's message →
 * one line in the thread, "Saved as a team fix: …" with Undo; "@kbbot that worked" → credits the
 * fix, not the article; the same error pasted in another channel → the card leads with Ann's fix,
 * her name, the date and the thread link, the article below; after a restart (storage closed and
 * reopened, new bot and server) the same. Then the fix's own Helped button, and Undo.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CARD_TEXTS, dayOf, type AdaptiveCard, type CardElement } from '../../../../src/adapters/teams/card.js';
import { createTeamsServer, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { isoDate } from '../../../../src/fixes/export.js';
import { FixIndex } from '../../../../src/fixes/index.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { asyncFromSync } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import type { Storage } from '../../../../src/memory/types.js';
import { keptLogger } from '../../../helpers/log.js';
import { tempDir } from '../../../helpers/paths.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';
import {
  cardOf,
  FakeConnector,
  post,
  submitAction,
  teamsIds,
  threadMessage,
  type ConnectorCall,
  type Json,
} from './fixtures.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

const INCIDENT = '19:incident@thread.tacv2';
const OTHER = '19:platform@thread.tacv2';
const THIRD = '19:oncall@thread.tacv2';
const ANN = { id: '29:user-ann', name: 'Ann Lopez', aadObjectId: 'aad-ann' };
const BO = { id: '29:user-bo', name: 'Bo Chen', aadObjectId: 'aad-bo' };
const FIX_HTML =
  '<p>fixed it by restarting the KM service and re-running update.exe:</p>' +
  '<pre class="PowerShell">Restart-Service kms\n.\\update.exe /quiet</pre>';
const LINK = (id: string): string =>
  `https://teams.microsoft.com/l/message/19%3Aincident%40thread.tacv2/${id}?tenantId=tenant-1&parentMessageId=`;

const connector = new FakeConnector();
const { calls } = connector;
const nextId = teamsIds();

interface Running {
  storage: Storage;
  server: TeamsServer;
}

/** The bot as main.ts wires it: SQLite storage in `dir`, feedback learning, the fix store and its index. */
async function start(dir: string): Promise<Running> {
  const storage = openStorage(dir);
  const stored = asyncFromSync(storage); // as main.ts gives it to the bot
  const learning = new FeedbackLearning(stored.feedback);
  const index = new FixIndex({ store: stored.fixes });
  const bot = new Bot(kb, {
    ranker,
    threads: stored.threads,
    learning,
    interactions: stored.interactions,
    dataVersion: () => stored.dataVersion(),
    fixes: { store: stored.fixes, index },
  });
  const server = createTeamsServer({
    bot,
    port: 0,
    logger: keptLogger('warn').logger,
    retry: { baseMs: 1, sleep: async () => undefined },
  });
  await server.start();
  return { storage, server };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  await running.server.stop(0);
  running.storage.close();
}

/** The card a connector call posted, parsed. */
const cardIn = (call: ConnectorCall | undefined): AdaptiveCard => JSON.parse(cardOf(call)) as AdaptiveCard;

/** Every TextBlock text in a card or element, nested ones included. */
function texts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(texts);
  if (!node || typeof node !== 'object') return [];
  const o = node as CardElement;
  const own = o.type === 'TextBlock' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(texts)];
}

/** Every Action.Submit's data in a card (card actions and ActionSets). */
function submits(node: unknown): Json[] {
  if (Array.isArray(node)) return node.flatMap(submits);
  if (!node || typeof node !== 'object') return [];
  const o = node as CardElement;
  const own = o.type === 'Action.Submit' ? [o.data as Json] : [];
  return [...own, ...Object.values(o).flatMap(submits)];
}

/** A card button press in `channel`'s reply chain `root`, on card `cardId`, by `from`. */
function pressIn(channel: string, root: string, cardId: string, action: string, id: string, from = BO): Json {
  return {
    ...threadMessage(channel, nextId(), '', { root, from, mention: false }),
    text: undefined,
    replyToId: cardId,
    value: { kbAction: action, id },
  };
}

/** The lead Container of an answer card that leads with a team fix. */
function leadOf(card: AdaptiveCard): CardElement {
  const first = card.body[0] as CardElement;
  expect(first).toMatchObject({ type: 'Container', style: 'good' });
  return first;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  connector.reset();
  connector.newId = nextId;
  connector.install();
});
afterEach(() => nock.cleanAll());

describe('an incident thread on Teams', () => {
  const { dir, cleanup } = tempDir();
  let running: Running | undefined;
  afterAll(async () => {
    await stop(running);
    cleanup();
  });

  // Shared by the steps, in order.
  const root = nextId();
  const fixMessage = { id: '', link: '' };

  it('1. the pasted error, mentioning kbbot, gets the article in the thread', async () => {
    running = await start(dir);
    const res = await post(running.server.url, threadMessage(INCIDENT, root, SEED_PASTE, { from: BO }));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe(`${INCIDENT};messageid=${root}/activities/${root}`);
    const card = cardIn(calls[0]);
    expect(texts(card.body)[0]).toMatch(/^Q290226: /);
    expect(JSON.stringify(card)).not.toContain(CARD_TEXTS.fixLead);
  });

  it("2. Ann's fix, not mentioning kbbot, is not for the bot: nothing is posted", async () => {
    fixMessage.id = nextId();
    fixMessage.link = LINK(fixMessage.id) + root;
    const res = await post(
      running!.server.url,
      threadMessage(INCIDENT, fixMessage.id, 'fixed it by restarting the KM service and re-running update.exe', {
        root,
        from: ANN,
        mention: false,
      }),
    );
    expect(res.status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('3. "Save as fix" on her message: saved with her name, the code kept, one line with Undo in the thread', async () => {
    const invoke = submitAction(
      `${INCIDENT};messageid=${root}`,
      {
        id: fixMessage.id,
        replyToId: root,
        html: FIX_HTML,
        from: { id: ANN.aadObjectId, displayName: ANN.name },
        linkToMessage: fixMessage.link,
      },
      { from: BO, data: { title: '' } },
    );
    const res = await post(running!.server.url, invoke);
    expect(res.status).toBe(200);
    // An empty invoke response closes the action's dialog; the confirmation is in the thread.
    expect(JSON.parse(res.body || '{}')).toEqual({});
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', path: `${INCIDENT};messageid=${root}/activities` });
    const card = cardIn(calls[0]);
    expect(texts(card.body)).toHaveLength(1);
    expect(texts(card.body)[0]).toMatch(/^Saved as a team fix: .+ \(fix-1\)$/);
    expect(submits(card)).toEqual([{ kbAction: 'undo_fix', id: 'fix-1' }]);

    const [fix] = running!.storage.fixes.list();
    expect(fix).toMatchObject({
      id: 'fix-1',
      author: ANN.aadObjectId,
      authorName: ANN.name,
      savedBy: BO.aadObjectId,
      conversation: INCIDENT,
      thread: root,
      messageId: fixMessage.id,
      permalink: fixMessage.link,
      via: 'action',
    });
    expect(fix?.text).toBe(
      'fixed it by restarting the KM service and re-running update.exe:\n```powershell\nRestart-Service kms\n.\\update.exe /quiet\n```',
    );
    expect(fix?.errors[0]).toContain('0xc0020002');
  });

  it('4. "@kbbot that worked" credits the fix, not the article', async () => {
    const res = await post(
      running!.server.url,
      threadMessage(INCIDENT, nextId(), 'that worked, thanks', { root, from: BO }),
    );
    expect(res.status).toBe(200);
    const votes = running!.storage.feedback.list();
    expect(votes.filter((v) => v.articleId === 'fix-1')).toMatchObject([{ helpful: true, user: BO.aadObjectId }]);
    expect(votes.filter((v) => v.articleId === 'Q290226')).toEqual([]);
    // Bots cannot react in Teams: the acknowledgement is one short card in the thread.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toContain(`${INCIDENT};messageid=${root}/activities`);
    const [ack] = texts(cardIn(calls[0]).body);
    expect(ack).toContain('fix-1');
    expect(ack).not.toContain('Q290226');
  });

  const expectLeadsWithFix = (call: ConnectorCall | undefined): void => {
    const card = cardIn(call);
    const lead = leadOf(card);
    const [line] = texts(lead);
    const fix = running!.storage.fixes.get('fix-1');
    expect(line).toContain(`**${CARD_TEXTS.fixLead}**`);
    expect(line).toContain(ANN.name);
    expect(line).toContain(dayOf(isoDate(fix?.savedAt ?? 0)));
    expect(line).toContain(`[${CARD_TEXTS.threadLink}](${fixMessage.link})`);
    // The fix as written, its command as a PowerShell CodeBlock.
    expect(JSON.stringify(lead)).toContain('restarting the KM service');
    expect(lead.items).toContainEqual(
      expect.objectContaining({
        type: 'CodeBlock',
        codeSnippet: 'Restart-Service kms\n.\\update.exe /quiet',
        language: 'PowerShell',
      }),
    );
    expect(submits(lead)).toEqual([
      { kbAction: 'helpful', id: 'fix-1' },
      { kbAction: 'not_it', id: 'fix-1' },
    ]);
    // The article follows, as usual.
    expect(texts(card.body).some((t) => t.startsWith('Q290226: '))).toBe(true);
  };

  it('5. the same error pasted in another channel: the card leads with the fix, its author, date and thread link', async () => {
    const other = nextId();
    const res = await post(running!.server.url, threadMessage(OTHER, other, SEED_PASTE, { from: BO }));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.path).toBe(`${OTHER};messageid=${other}/activities/${other}`);
    expectLeadsWithFix(calls[0]);
  });

  it('6. after a restart (storage closed and reopened, new bot and server): the same', async () => {
    await stop(running);
    running = await start(dir);
    const third = nextId();
    const res = await post(running.server.url, threadMessage(THIRD, third, SEED_PASTE, { from: ANN }));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expectLeadsWithFix(calls[0]);
  });

  it('6b. the compose-box search for the error: the first result card leads with the fix', async () => {
    const invoke = {
      ...threadMessage(THIRD, nextId(), '', { from: BO, mention: false }),
      type: 'invoke',
      name: 'composeExtension/query',
      text: undefined,
      value: { commandId: 'searchKb', parameters: [{ name: 'query', value: SEED_PASTE }] },
    };
    const res = await post(running!.server.url, invoke);
    expect(res.status).toBe(200);
    const [first] = (JSON.parse(res.body) as { composeExtension: { attachments: { content: AdaptiveCard }[] } })
      .composeExtension.attachments;
    expect(texts(leadOf(first!.content))[0]).toContain(CARD_TEXTS.fixLead);
    expect(calls).toEqual([]);
  });

  it("7. the fix's own Helped button credits the fix", async () => {
    const third = nextId();
    await post(running!.server.url, threadMessage(THIRD, third, SEED_PASTE, { from: ANN }));
    const card = connector.ids[0] ?? '';
    calls.length = 0;
    const res = await post(running!.server.url, pressIn(THIRD, third, card, 'helpful', 'fix-1', ANN));
    expect(res.status).toBe(200);
    expect(
      running!.storage.feedback.list().filter((v) => v.articleId === 'fix-1' && v.user === ANN.aadObjectId),
    ).toMatchObject([{ helpful: true }]);
    // Helped adds a message; the card with the article stays.
    expect(calls.map((c) => c.method)).toEqual(['POST']);
  });

  it('8. Undo on the confirmation removes the fix, and the card says so in place', async () => {
    const other = nextId();
    await post(
      running!.server.url,
      submitAction(`${OTHER};messageid=${other}`, {
        id: nextId(),
        replyToId: other,
        html: '<p>workaround: re-run update.exe as admin</p>',
        from: { id: ANN.aadObjectId, displayName: ANN.name },
      }),
    );
    const confirmation = connector.ids[0] ?? '';
    expect(texts(cardIn(calls[0]).body)[0]).toMatch(/\(fix-2\)$/);
    calls.length = 0;
    const res = await post(running!.server.url, pressIn(OTHER, other, confirmation, 'undo_fix', 'fix-2', ANN));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'PUT', path: `${OTHER};messageid=${other}/activities/${confirmation}` });
    expect(running!.storage.fixes.get('fix-2')).toBeUndefined();
    expect(submits(cardIn(calls[0]))).toEqual([]);
  });

  it('9. "@kbbot save fix: <text>" saves the text as the sender\'s fix, under their name, with the same confirmation', async () => {
    const root = nextId();
    const res = await post(
      running!.server.url,
      threadMessage(THIRD, root, 'save fix: restart the print spooler, then clear C:\\spool', { from: BO }),
    );
    expect(res.status).toBe(200);
    const card = cardIn(calls[0]);
    expect(texts(card.body)[0]).toMatch(/^Saved as a team fix: .+ \(fix-3\)$/);
    expect(submits(card)).toEqual([{ kbAction: 'undo_fix', id: 'fix-3' }]);
    expect(running!.storage.fixes.get('fix-3')).toMatchObject({
      author: BO.aadObjectId,
      authorName: BO.name,
      conversation: THIRD,
      thread: root,
      text: 'restart the print spooler, then clear C:\\spool',
    });
  });
});
