/**
 * A reply to a message, posted where it belongs, and the bot told what was posted:
 *
 * - `ack` (issue #24: "noted", "removed"): in a channel thread, the `emoji` reaction on the
 *   message it answers (`reactions.add`, scope `reactions:write`) instead of one more message; in
 *   a DM, with no message to react on, or when Slack refuses the reaction, its text in the thread.
 *   The 👀 of peek mode (`ack` with `peek`, issue #25) is only ever a reaction: where it cannot be
 *   one, nothing is posted (a "(👀)" message would be the noise peek mode keeps out). Before the
 *   answer a peek earns is posted, the bot's 👀 is taken off the message (`takePeek`, scope
 *   `reactions:write`): that is what answers it once across replicas.
 * - `history` ("has anyone seen this before?"): a past thread without a link gets one from
 *   `chat.getPermalink` (one call each, at most the five items shown, made in parallel); where
 *   Slack gives none the renderer names the channel.
 * - anything else: rendered (blocks.ts) and posted in the thread.
 *
 * Once a message is posted, `bot.posted(message, reply, ts)` records its ts (so "that worked"
 * straight after it credits it) and `threads` remembers it (so a reaction on it is placed without
 * a Web API call). A failure there is logged, never thrown: the reply is out, and failing the
 * delivery would make Slack deliver it again and the bot answer twice.
 */
import type { webApi } from '@slack/bolt';
import type { IncomingMessage } from '../../bot/message.js';
import { PEEK_DEFAULTS } from '../../bot/defaults.js';
import type { HistoryItem, Reply } from '../../bot/reply.js';
import { renderSlack } from './blocks.js';
import { describeError, type SlackContext } from './context.js';
import { SlackDeliveryError } from './deliveries.js';
import { MessageThreads } from './message-threads.js';
import { addReaction, postInThread, withRateLimit } from './post.js';
import { permalinkOf } from './thread-context.js';

type WebClient = webApi.WebClient;

/** Where a reply goes. */
export interface ReplyPlace {
  channel: string;
  thread: string;
  /** The message answered (its ts): an `ack` reacts on it. None (a button press): an ack is words. */
  reactTo?: string;
  /** A direct message: acks are words (a ✅ on one's own DM says little). */
  dm?: boolean;
}

/** A DM's channel id (Slack's `D…`), for deliveries that do not say the channel's type. */
export const isDmChannel = (channel: string): boolean => channel.startsWith('D');

/** Past threads given a link where Slack has one. */
async function withLinks(client: WebClient, items: HistoryItem[]): Promise<HistoryItem[]> {
  return Promise.all(
    items.map(async (item) =>
      item.permalink ? item : { ...item, permalink: await permalinkOf(client, item.conversation, item.thread) },
    ),
  );
}

/** The messages each adapter (by its context) added the peek :eyes: to lately, and their threads (reactions.ts reads them). */
const peekedByAdapter = new WeakMap<SlackContext, MessageThreads>();

/** The messages this adapter added the peek :eyes: to (at most PEEK_DEFAULTS.pending, the oldest forgotten first). */
export function peekedMessages(ctx: SlackContext): MessageThreads {
  let peeked = peekedByAdapter.get(ctx);
  if (!peeked) {
    peeked = new MessageThreads(PEEK_DEFAULTS.pending);
    peekedByAdapter.set(ctx, peeked);
  }
  return peeked;
}

/**
 * Take the bot's peek :eyes: off message `ts` of `channel`, before its answer is posted: the claim
 * that answers a peek once, whichever replica gets the asker's :eyes: (Slack removes a reaction
 * once; the second try is told `no_reaction`), and what tells a later :eyes: there is nothing left
 * to answer. False when there was none to take (answered already, here or elsewhere) or the
 * message is gone. Any other failure is logged and counts as taken: a flaky Web API call does not
 * cost the asker the answer.
 */
export async function takePeek(ctx: SlackContext, client: WebClient, channel: string, ts: string): Promise<boolean> {
  try {
    await withRateLimit(() => client.reactions.remove({ channel, timestamp: ts, name: PEEK_DEFAULTS.reaction }));
    return true;
  } catch (err) {
    const code = (err as { data?: { error?: unknown } }).data?.error;
    if (code === 'no_reaction' || code === 'message_not_found') return false;
    // Rate limited past the wait, or shutting down: the delivery fails and Slack's retry tries again.
    if (err instanceof SlackDeliveryError) throw err;
    ctx.log.warn(`slack: could not take the peek :eyes: off ${channel} ${ts}, answering anyway: ${describeError(err)}`);
    return true;
  }
}

/** How `reply` went out: reacted on the message, or posted as message `ts`. */
export type Sent = { reacted: true } | { reacted: false; ts: string | undefined };

/** Post (or react with) `reply` to `message` at `place`, then tell the bot. */
export async function sendReply(
  ctx: SlackContext,
  client: WebClient,
  place: ReplyPlace,
  message: IncomingMessage,
  reply: Reply,
): Promise<Sent> {
  if (reply.kind === 'ack' && place.reactTo && !place.dm && !isDmChannel(place.channel)) {
    if (await addReaction(client, place.channel, place.reactTo, reply.emoji)) {
      if (reply.peek) peekedMessages(ctx).remember(place.channel, place.reactTo, place.thread);
      return { reacted: true };
    }
    if (reply.peek) {
      ctx.log.debug(`slack: could not add the :${reply.emoji}: reaction of peek mode; said nothing`);
      return { reacted: false, ts: undefined };
    }
    ctx.log.debug(`slack: could not add the :${reply.emoji}: reaction; said it in words instead`);
  }
  if (reply.kind === 'ack' && reply.peek) return { reacted: false, ts: undefined };
  const shown: Reply = reply.kind === 'history' ? { ...reply, items: await withLinks(client, reply.items) } : reply;
  const ts = await postInThread(client, place.channel, place.thread, renderSlack(shown));
  if (ts) await told(ctx, place, message, reply, ts);
  return { reacted: false, ts };
}

/**
 * The bot and the thread memory learn that `reply` was posted as `ts`; resolves once the bot has it
 * (saved with the thread), so the thread's next message sees the answer. Never rejects: the reply
 * is out, and losing track of it costs only the "that worked" target.
 */
export async function told(
  ctx: SlackContext,
  place: ReplyPlace,
  message: IncomingMessage,
  reply: Reply,
  ts: string,
): Promise<void> {
  ctx.threads.remember(place.channel, ts, place.thread);
  try {
    await ctx.bot.posted(message, reply, ts);
  } catch (err) {
    ctx.log.warn(`slack: the bot could not record its reply ${ts}: ${describeError(err)}`);
  }
}
