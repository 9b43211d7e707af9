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
 * Peek mode (issue #25): an :eyes: on a message the adapter added the bot's :eyes: to lately
 * (send.ts remembers them, with their thread: no Web API call) goes to the bot, in a thread it
 * follows or not: the asker's own gets that message answered in its thread, anyone else's silence.
 * An :eyes: anywhere else is ignored like any reaction that means nothing to the bot.
 *
 * Slack's re-deliveries are dropped by the delivery dedupe (deliveries.ts) like any event's. `reaction_removed` is acknowledged and ignored: the Undo
 * button under "Saved as a team fix" is how a save is taken back.
 */
import type { App } from '@slack/bolt';
import type { IncomingMessage } from '../../bot/message.js';
import { isPeekReaction } from '../../bot/peek.js';
import { reportRun, type Outcome, type SlackContext } from './context.js';
import type { Client } from './events.js';
import { withRateLimit } from './post.js';
import { peekedMessages, sendReply } from './send.js';
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

/** The thread message `ts` of `channel` is in (its own ts when it is a root or stands alone); undefined when Slack cannot say. */
async function lookUpThread(client: Client, channel: string, ts: string): Promise<string | undefined> {
  try {
    const answer = await withRateLimit(() => client.conversations.replies({ channel, ts, limit: 1, inclusive: true }));
    const first = (answer.messages ?? [])[0] as { thread_ts?: string } | undefined;
    return first ? (first.thread_ts ?? ts) : undefined;
  } catch (err) {
    const code = String((err as { data?: { error?: unknown } }).data?.error);
    // Not for the bot to see (left the channel, a DM it is not in, the message deleted): nothing to place.
    if (['not_in_channel', 'channel_not_found', 'thread_not_found', 'missing_scope'].includes(code)) return undefined;
    throw err;
  }
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
      // Peek mode: the bot knows the messages it added :eyes: to; only the adapter's memory places them.
      const thread = isPeekReaction(name)
        ? peekedMessages(ctx).threadOf(channel, itemTs)
        : await knownThread(ctx, client, channel, itemTs, name);
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
