/**
 * Reactions in threads the bot follows (issue #24): `reaction_added` on a message of such a
 * thread is handed to the bot as a message with no text and a `reaction` (IncomingMessage), so
 * 👍 on the bot's answer is feedback on that answer, 👍 on a person's fix credits the fix, and
 * :pushpin: on a person's message saves it as a team fix. The bot decides which names mean
 * something; its reply goes in the thread (an acknowledgement as a reaction: send.ts).
 *
 * Placing the message: a reaction names only the message (channel and ts). Its thread is, in
 * order: the message itself when it is a thread's root the bot knows; the thread remembered for
 * it (message-threads.ts: every message and answer of the threads the bot follows passes through
 * the adapter); else Slack's `conversations.replies` (ts = the message, `limit` 1, `inclusive`).
 * That call is made only for the names in `LOOKUP_REACTIONS`, so the reactions a workspace adds
 * all day to messages nowhere near the bot do not each cost a Web API call.
 *
 * Ignored (reported `ignored`): reactions on anything but a message, the bot's own reactions,
 * reactions in threads the bot does not follow, and :pushpin: on the bot's own or an app's
 * message (it is not a person's fix).
 *
 * Peek mode (issue #25): an :eyes: on a message this adapter added the bot's :eyes: to lately
 * (send.ts remembers them, with their thread: no Web API call) goes to the bot, in a thread it
 * follows or not: the asker's own gets that message answered in its thread, anyone else's silence.
 * Several replicas, restarts (issue #26): an :eyes: on a message the adapter does not remember is
 * read further only when it is its author's own (the event names both) in a channel with peek
 * mode on; then the message is read back from Slack (`readMessage`: `conversations.replies`, which
 * gives a root message itself, or a reply's thread from which the reply is picked) and handed to
 * the bot (`peeked`) only when the bot's own :eyes: is still among its reactions and it is not the
 * bot's. The bot answers it within PEEK_DEFAULTS.pendingMs of the message. On either path the
 * bot's :eyes: is taken off the message before the answer is posted (send.ts `takePeek`): the
 * replica whose removal Slack accepts answers, any other stays silent, and a later :eyes: finds no
 * offer left. An :eyes: anywhere else is ignored like any reaction that means nothing to the bot.
 *
 * Slack's re-deliveries are dropped by the delivery dedupe (deliveries.ts) like any event's. `reaction_removed` is acknowledged and ignored: the Undo
 * button under "Saved as a team fix" is how a save is taken back.
 */
import type { App } from '@slack/bolt';
import type { IncomingMessage } from '../../bot/message.js';
import { isPeekReaction, type PeekableMessage, type PeekedMessage } from '../../bot/peek.js';
import { reportRun, type Outcome, type SlackContext } from './context.js';
import type { Client } from './events.js';
import { withRateLimit } from './post.js';
import { personMessageText, type MessageParts } from './message-text.js';
import { peekedMessages, sendReply, takePeek } from './send.js';
import { threadContext } from './thread-context.js';

/** The reaction that saves a person's message as a team fix. */
export const SAVE_REACTION = 'pushpin';

/**
 * Reactions worth a Web API call to find the thread of a message the adapter has not seen since
 * it started: the ones the bot may act on (saving, and feedback: 👍 👎 ✅ ❌ and their usual
 * synonyms). Skin tones (`+1::skin-tone-3`) count as the base name.
 */
export const LOOKUP_REACTIONS: ReadonlySet<string> = new Set([
  SAVE_REACTION,
  '+1',
  'thumbsup',
  '-1',
  'thumbsdown',
  'white_check_mark',
  'heavy_check_mark',
  'ballot_box_with_check',
  'x',
  'ok_hand',
  'raised_hands',
  'tada',
  'pray',
]);

/** The fields of a `reaction_added` event this module reads. */
interface ReactionEvent {
  user?: string;
  reaction?: string;
  item_user?: string;
  item?: { type?: string; channel?: string; ts?: string };
  event_ts?: string;
}

/** A reaction's name without its skin tone. */
export const baseReaction = (name: string): string => name.replace(/::skin-tone-\d$/, '');

/** Slack's answers meaning the message is not for the bot to see (left the channel, a DM it is not in, the message deleted). */
const UNSEEN = ['not_in_channel', 'channel_not_found', 'thread_not_found', 'missing_scope'];

/** `call`'s answer, or undefined when Slack says the bot cannot see the message (UNSEEN). */
async function unlessUnseen<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await withRateLimit(call);
  } catch (err) {
    if (UNSEEN.includes(String((err as { data?: { error?: unknown } }).data?.error))) return undefined;
    throw err;
  }
}

/** The thread message `ts` of `channel` is in (its own ts when it is a root or stands alone); undefined when Slack cannot say. */
async function lookUpThread(client: Client, channel: string, ts: string): Promise<string | undefined> {
  const answer = await unlessUnseen(() => client.conversations.replies({ channel, ts, limit: 1, inclusive: true }));
  const first = (answer?.messages ?? [])[0] as { thread_ts?: string } | undefined;
  return first ? (first.thread_ts ?? ts) : undefined;
}

/** The fields of a message read back from Slack that a peek needs. */
interface ReadMessage extends MessageParts {
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  reactions?: { name?: string; users?: string[] }[];
}

/**
 * Message `ts` of `channel` as Slack has it now, and its thread. `conversations.replies` with `ts`
 * and `limit` 1 gives the message itself when it is a thread's root or stands alone, and the
 * thread's root when it is a reply; the reply is then read within its thread (`oldest` = `latest`
 * = its ts). Undefined when Slack has no such message for the bot.
 */
async function readMessage(
  client: Client,
  channel: string,
  ts: string,
): Promise<{ message: ReadMessage; thread: string } | undefined> {
  const first = await unlessUnseen(() => client.conversations.replies({ channel, ts, limit: 1, inclusive: true }));
  const head = (first?.messages ?? [])[0] as ReadMessage | undefined;
  if (!head) return undefined;
  if (head.ts === ts) return { message: head, thread: head.thread_ts ?? ts };
  const thread = head.thread_ts ?? head.ts ?? ts;
  const around = await unlessUnseen(() =>
    client.conversations.replies({ channel, ts: thread, oldest: ts, latest: ts, inclusive: true, limit: 2 }),
  );
  const message = ((around?.messages ?? []) as ReadMessage[]).find((m) => m.ts === ts);
  return message ? { message, thread } : undefined;
}

/**
 * The message `reactor`'s :eyes: is on, read back from Slack, when the bot offered a peek there:
 * `reactor` wrote it (not the bot, not an app) and the bot's own :eyes: is still on it. Its age is
 * the bot's to judge (PendingPeeks: `at`).
 */
async function readPeeked(
  client: Client,
  channel: string,
  ts: string,
  reactor: string,
  botUserId: string,
): Promise<{ peeked: PeekedMessage; thread: string } | undefined> {
  const read = await readMessage(client, channel, ts);
  const message = read?.message;
  if (!message || message.user !== reactor || message.user === botUserId || message.bot_id) return undefined;
  const offered = (message.reactions ?? []).some(
    (r) => isPeekReaction(r.name ?? '') && (r.users ?? []).includes(botUserId),
  );
  if (!offered) return undefined;
  return {
    peeked: { text: personMessageText(message, { botUserId }), id: ts, user: reactor, at: Number(ts) * 1000 },
    thread: read.thread,
  };
}

/** The thread a reaction's message is in, when the bot follows it. */
async function knownThread(
  ctx: SlackContext,
  client: Client,
  channel: string,
  ts: string,
  name: string,
): Promise<string | undefined> {
  if (await ctx.bot.knowsThread(channel, ts)) return ts;
  const remembered = ctx.threads.threadOf(channel, ts);
  if (remembered !== undefined) return (await ctx.bot.knowsThread(channel, remembered)) ? remembered : undefined;
  if (!LOOKUP_REACTIONS.has(baseReaction(name))) return undefined;
  const thread = await lookUpThread(client, channel, ts);
  if (thread === undefined) return undefined;
  ctx.threads.remember(channel, ts, thread);
  return (await ctx.bot.knowsThread(channel, thread)) ? thread : undefined;
}

/** A `reaction_added` of the peek reaction on a message, as the handler checked it. */
type PeekEvent = ReactionEvent & { user: string; reaction: string; item: { channel: string; ts: string } };

/**
 * The asker's :eyes: on a message the bot offered a peek on: answered in the message's thread, once
 * (the bot's :eyes: taken off first: `takePeek`). From this adapter's memory when it offered the
 * peek itself; otherwise, when the reactor wrote the message and the channel has peek mode on,
 * read back from Slack (readPeeked). 'silent' for someone else's :eyes: on a message remembered.
 */
async function peek(ctx: SlackContext, client: Client, e: PeekEvent, botUserId: string | undefined): Promise<Outcome> {
  const { channel, ts } = e.item;
  const reaction = { name: e.reaction, itemId: ts, ...(e.item_user ? { itemUser: e.item_user } : {}) };
  const asMessage = (thread: string, peeked?: PeekedMessage): PeekableMessage => ({
    text: '',
    user: e.user,
    conversation: channel,
    thread,
    via: 'overheard',
    id: e.event_ts ?? ts,
    reaction,
    context: threadContext(client, channel, thread),
    ...(peeked ? { peeked } : {}),
  });
  const answer = async (message: PeekableMessage): Promise<Outcome | undefined> => {
    const reply = await ctx.bot.respond(message);
    if (!reply) return undefined;
    if (!(await takePeek(ctx, client, channel, ts))) {
      ctx.log.debug(`slack: the peek on ${channel} ${ts} was answered already; said nothing`);
      return 'silent';
    }
    await sendReply(ctx, client, { channel, thread: message.thread, reactTo: ts }, message, reply);
    return 'replied';
  };

  const remembered = peekedMessages(ctx).threadOf(channel, ts);
  if (remembered !== undefined) {
    const outcome = await answer(asMessage(remembered));
    if (outcome) return outcome;
  }
  // Only the author's own :eyes: can earn an answer; Slack's read-back costs a call, so only in a peek channel.
  if (e.item_user !== e.user || !botUserId || !(await ctx.listening.peeks(channel)))
    return remembered === undefined ? 'ignored' : 'silent';
  const read = await readPeeked(client, channel, ts, e.user, botUserId);
  if (!read) return 'silent';
  return (await answer(asMessage(read.thread, read.peeked))) ?? 'silent';
}

export function registerReactions(app: App, ctx: SlackContext): void {
  app.event('reaction_added', async ({ event, client, context }) => {
    await reportRun(ctx, 'event', 'reaction_added', async (): Promise<Outcome> => {
      const e = event as unknown as ReactionEvent;
      const channel = e.item?.channel;
      const itemTs = e.item?.ts;
      const name = e.reaction;
      if (e.item?.type !== 'message' || !channel || !itemTs || !name || !e.user) return 'ignored';
      if (e.user === context.botUserId) return 'ignored';
      // A pin on the bot's own answer, or on an app's message (no person wrote it), is no person's fix.
      if (baseReaction(name) === SAVE_REACTION && (!e.item_user || e.item_user === context.botUserId)) return 'ignored';
      if (isPeekReaction(name)) return peek(ctx, client, e as PeekEvent, context.botUserId);
      const thread = await knownThread(ctx, client, channel, itemTs, name);
      if (thread === undefined) return 'ignored';
      const message: IncomingMessage = {
        text: '',
        user: e.user,
        conversation: channel,
        thread,
        via: 'overheard',
        id: e.event_ts ?? itemTs,
        reaction: { name, itemId: itemTs, ...(e.item_user ? { itemUser: e.item_user } : {}) },
        context: threadContext(client, channel, thread),
      };
      const reply = await ctx.bot.respond(message);
      if (!reply) return 'silent';
      await sendReply(ctx, client, { channel, thread, reactTo: itemTs }, message, reply);
      return 'replied';
    });
  });

  app.event('reaction_removed', async () => {
    await reportRun(ctx, 'event', 'reaction_removed', () => Promise.resolve<Outcome>('ignored'));
  });
}
