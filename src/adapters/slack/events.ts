/**
 * Events API handlers: `app_mention` (via 'mention'), direct messages (via 'dm'), messages in
 * channels the bot listens in (via 'overheard') and `app_home_opened`.
 *
 * Ignored: anything with a `subtype` (joins, edits, deletes, bot messages ...), anything with a
 * `bot_id`, the bot's own messages, and channel messages that mention the bot (the `app_mention`
 * event for the same message answers those). Replies always go in the thread
 * (`thread_ts: event.thread_ts ?? event.ts`), never as a new root message; a null reply posts
 * nothing. Events are acknowledged by Bolt before these run (`processBeforeResponse: false`),
 * after the delivery was claimed (deliveries.ts); a handler reports `replied` only once its reply
 * is posted, and `failed` (logged with the event's id by deliveries.ts, claim released) otherwise.
 */
import type { App } from '@slack/bolt';
import type { IncomingMessage, Via } from '../../bot/message.js';
import { renderSlack } from './blocks.js';
import { describeError, type Outcome, type SlackContext } from './context.js';
import { homeBlocks, type KbStatus } from './home.js';
import { postInThread, publishHome } from './post.js';

/** The fields of a message or app_mention event the adapter reads. */
interface MessageEvent {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

type Client = Parameters<Parameters<App['event']>[1]>[0]['client'];

/** Why a message is not for the bot, or undefined when it is. */
function skip(event: MessageEvent, botUserId: string | undefined): string | undefined {
  if (event.subtype !== undefined) return `subtype ${event.subtype}`;
  if (event.bot_id !== undefined) return 'from a bot';
  if (!event.user) return 'no user';
  if (botUserId !== undefined && event.user === botUserId) return 'own message';
  return undefined;
}

async function answer(ctx: SlackContext, client: Client, event: MessageEvent, via: Via): Promise<Outcome> {
  const thread = event.thread_ts ?? event.ts;
  const message: IncomingMessage = {
    text: event.text ?? '',
    user: event.user ?? '',
    conversation: event.channel,
    thread,
    via,
  };
  const reply = await ctx.bot.respond(message);
  if (!reply) return 'silent';
  await postInThread(client, event.channel, thread, renderSlack(reply));
  return 'replied';
}

export function registerEvents(app: App, ctx: SlackContext, kbStatus: () => KbStatus): void {
  const run = async (what: string, work: () => Promise<Outcome>): Promise<void> => {
    try {
      ctx.report({ kind: 'event', what, outcome: await work() });
    } catch (err) {
      ctx.report({ kind: 'event', what, outcome: 'failed', error: describeError(err) });
    }
  };

  app.event('app_mention', async ({ event, client, context }) => {
    await run('app_mention', async () => {
      const e = event as unknown as MessageEvent;
      if (skip(e, context.botUserId)) return 'ignored';
      return answer(ctx, client, e, 'mention');
    });
  });

  app.event('message', async ({ event, client, context }) => {
    await run('message', async () => {
      const e = event as unknown as MessageEvent;
      if (skip(e, context.botUserId)) return 'ignored';
      if (e.channel_type === 'im') return answer(ctx, client, e, 'dm');
      if (context.botUserId && (e.text ?? '').includes(`<@${context.botUserId}>`)) return 'ignored'; // app_mention answers it
      if (!ctx.listening.isListening(e.channel)) return 'ignored';
      return answer(ctx, client, e, 'overheard');
    });
  });

  app.event('app_home_opened', async ({ event, client }) => {
    await run('app_home_opened', async () => {
      if (event.tab !== 'home') return 'ignored';
      await publishHome(client, event.user, homeBlocks(kbStatus()));
      return 'replied';
    });
  });
}
