/**
 * Events API handlers: `app_mention` (via 'mention'), direct messages (via 'dm'), messages in
 * channels the bot listens in (via 'overheard') and `app_home_opened`.
 *
 * Messages other apps post (Alertmanager, Grafana, PagerDuty ...: subtype `bot_message`, or a
 * `bot_id` without a subtype) are read in channels the bot listens in, with their attachments'
 * and blocks' text (message-text.ts), and answered only with an article (APP_REPLIES); a root
 * message only, not an app's reply in a thread, nor a repeat of one answered lately
 * (APP_REPEAT_MS); never in a DM. An app that mentions the bot is answered like a person who
 * does, but never with "no match" or help.
 *
 * Threads the bot follows (issue #24): a person's message in a thread the bot answered or was
 * asked in (`bot.knowsThread`) is handed to the bot (via 'overheard') in any channel the bot is a
 * member of, listened in or not, without a mention: follow-ups under its answer ("the other one"),
 * fix reports ("fixed it by …") and feedback ("that worked") need none. The bot decides what, if
 * anything, to say. Each message carries its ts (`id`) and what the bot may look up about its
 * thread (`context`: thread-context.ts).
 *
 * Peek mode (issue #25, `/kb peek on`): an overheard message in such a channel is marked `peek`, and
 * the bot's 👀 for one it is not sure about is a reaction on it (send.ts); the asker's own 👀 is
 * placed by reactions.ts.
 *
 * Ignored: any `subtype` but `bot_message` and `thread_broadcast` (joins, edits, deletes ...), the
 * bot's own messages (its bot id, user id or app id; when its bot id is unknown, every app's
 * message), and channel messages that mention the bot (the `app_mention` event for the same
 * message answers those). Replies always go in the thread (`thread_ts: event.thread_ts ??
 * event.ts`), never as a new root message; a null reply posts nothing; an acknowledgement is a
 * reaction on the message (send.ts). Once posted, the bot is told the reply's ts (`bot.posted`).
 * Events are acknowledged by Bolt before these run
 * (`processBeforeResponse: false`), after the delivery was claimed (deliveries.ts); a handler
 * reports `replied` only once its reply is posted, and `failed` (logged with the event's id by
 * deliveries.ts, claim released) otherwise.
 */
import type { App } from '@slack/bolt';
import type { Via } from '../../bot/message.js';
import type { PeekableMessage } from '../../bot/peek.js';
import type { Reply } from '../../bot/reply.js';
import { reportRun, type Outcome, type SlackContext } from './context.js';
import { homeBlocks, type KbStatus } from './home.js';
import { appMessageText, personMessageText, type MessageParts } from './message-text.js';
import { publishHome } from './post.js';
import { sendReply } from './send.js';
import { threadContext } from './thread-context.js';

/** The fields of a message or app_mention event the adapter reads. */
interface MessageEvent extends MessageParts {
  type: string;
  subtype?: string;
  bot_id?: string;
  /** The app that posted it (messages posted with an app's token). */
  app_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

/** Who the bot is (Bolt's context, from the `auth.test` made at start-up) and the app the events are for. */
export interface Self {
  botUserId?: string;
  botId?: string;
  appId?: string;
}

export type Client = Parameters<Parameters<App['event']>[1]>[0]['client'];

/** Posted by an app (an incoming webhook, a bot token): Alertmanager, Grafana, PagerDuty ... or the bot itself. */
const byApp = (event: MessageEvent): boolean => event.bot_id !== undefined || event.subtype === 'bot_message';

/** The bot's own message, told by its bot id, its user id or its app id. */
function isOwn(event: MessageEvent, self: Self): boolean {
  return (
    (self.botId !== undefined && event.bot_id === self.botId) ||
    (self.botUserId !== undefined && event.user === self.botUserId) ||
    (self.appId !== undefined && event.app_id === self.appId)
  );
}

/**
 * Subtypes that are still something someone said: an app's post, and a thread reply also sent to
 * the channel ("Also send to #channel": "that worked" said that way is feedback all the same).
 */
const READ_SUBTYPES: ReadonlySet<string> = new Set(['bot_message', 'thread_broadcast']);

/** Why a message is not for the bot, or undefined when it is. */
function skip(event: MessageEvent, self: Self): string | undefined {
  if (event.subtype !== undefined && !READ_SUBTYPES.has(event.subtype)) return `subtype ${event.subtype}`;
  if (isOwn(event, self)) return 'own message';
  if (byApp(event)) {
    // Without its own bot id the bot cannot tell its messages from other apps': none is read (no loops).
    if (self.botId === undefined) return 'from an app, own bot id unknown';
    return undefined;
  }
  if (!event.user) return 'no user';
  return undefined;
}

/**
 * The text the bot reads: a person's message as typed, with any message they shared into it
 * (its blocks only repeat what was typed, and link previews are not part of what they said);
 * another app's message with its attachments and blocks, where notifications keep what they say.
 */
const textOf = (event: MessageEvent, self: Self): string =>
  byApp(event) ? appMessageText(event) : personMessageText(event, self);

/**
 * What a message another app posted gets: overheard, only an article (the bot itself answers
 * overheard messages only when sure: an alert or a pasted error it is confident of); mentioning
 * the bot, an article or "did you mean". Never "no match", help or small talk: bots do not
 * chatter at each other, and a notification the KB has nothing for (a resolved alert, "Deploy
 * finished") passes in silence.
 */
const APP_REPLIES: Record<Via, ReadonlySet<Reply['kind']>> = {
  overheard: new Set(['answer']),
  mention: new Set(['answer', 'suggestions']),
  dm: new Set(),
  command: new Set(),
  shortcut: new Set(),
};

/**
 * An app's message repeating, word for word, one the bot answered in the same channel this
 * recently gets no second answer: the same notification sent twice (two Alertmanager replicas, a
 * re-sent webhook) is one thread of runbook, not two.
 */
export const APP_REPEAT_MS = 10 * 60_000;

/** App messages remembered for APP_REPEAT_MS at most (the oldest are forgotten first). */
const APP_REPEAT_ENTRIES = 1000;

/** App messages answered lately, per channel and text. */
class RecentAppMessages {
  private readonly answered = new Map<string, number>();

  /** Whether `text` was answered in `channel` within APP_REPEAT_MS. */
  repeats(channel: string, text: string): boolean {
    const at = this.answered.get(`${channel}\u0000${text}`);
    return at !== undefined && Date.now() - at < APP_REPEAT_MS;
  }

  remember(channel: string, text: string): void {
    const key = `${channel}\u0000${text}`;
    this.answered.delete(key);
    this.answered.set(key, Date.now());
    for (const old of this.answered.keys()) {
      if (this.answered.size <= APP_REPEAT_ENTRIES) break;
      this.answered.delete(old);
    }
  }
}

/** Hand the message to the bot and post its reply in the message's thread (see APP_REPLIES for apps' messages). */
async function answer(
  ctx: SlackContext,
  client: Client,
  event: MessageEvent,
  via: Via,
  text: string,
): Promise<Outcome> {
  const thread = event.thread_ts ?? event.ts;
  const message: PeekableMessage & { fromApp: boolean } = {
    text,
    user: event.user ?? event.bot_id ?? '',
    conversation: event.channel,
    thread,
    via,
    // Posted by another app: the bot may hold such messages to alerts and errors (IncomingMessage.fromApp).
    fromApp: byApp(event),
    id: event.ts,
    context: threadContext(client, event.channel, thread),
    // Peek mode (`/kb peek on`): overheard and not sure, the bot adds 👀 rather than stay silent.
    ...(via === 'overheard' && (await ctx.listening.peeks(event.channel)) ? { peek: true } : {}),
  };
  ctx.threads.remember(event.channel, event.ts, thread);
  const reply = await ctx.bot.respond(message);
  if (!reply) return 'silent';
  if (byApp(event) && !APP_REPLIES[via].has(reply.kind)) return 'silent';
  await sendReply(ctx, client, { channel: event.channel, thread, reactTo: event.ts, dm: via === 'dm' }, message, reply);
  return 'replied';
}

/** A person's reply in a thread the bot follows (it answered or was asked there): the bot reads it, listening or not. */
const inKnownThread = async (ctx: SlackContext, event: MessageEvent): Promise<boolean> =>
  !byApp(event) &&
  event.thread_ts !== undefined &&
  event.thread_ts !== event.ts &&
  (await ctx.bot.knowsThread(event.channel, event.thread_ts));

export function registerEvents(app: App, ctx: SlackContext, kbStatus: () => KbStatus): void {
  const run = (what: string, work: () => Promise<Outcome>): Promise<void> => reportRun(ctx, 'event', what, work);

  const recent = new RecentAppMessages();
  const selfOf = (context: Self, body: unknown): Self => ({
    botUserId: context.botUserId,
    botId: context.botId,
    appId: (body as { api_app_id?: string }).api_app_id,
  });

  app.event('app_mention', async ({ event, client, context, body }) => {
    await run('app_mention', async () => {
      const e = event as unknown as MessageEvent;
      const self = selfOf(context, body);
      if (skip(e, self)) return 'ignored';
      return answer(ctx, client, e, 'mention', textOf(e, self));
    });
  });

  app.event('message', async ({ event, client, context, body }) => {
    await run('message', async () => {
      const e = event as unknown as MessageEvent;
      const self = selfOf(context, body);
      if (skip(e, self)) return 'ignored';
      // Apps talking to the bot in a DM would be bots talking to each other: only people are answered there.
      if (e.channel_type === 'im') return byApp(e) ? 'ignored' : answer(ctx, client, e, 'dm', textOf(e, self));
      if (context.botUserId && (e.text ?? '').includes(`<@${context.botUserId}>`)) return 'ignored'; // app_mention answers it
      if (await inKnownThread(ctx, e)) return answer(ctx, client, e, 'overheard', textOf(e, self));
      if (!(await ctx.listening.isListening(e.channel))) return 'ignored';
      const text = textOf(e, self);
      if (!byApp(e)) return answer(ctx, client, e, 'overheard', text);
      // An app's reply in a thread (a status update, an acknowledgement, another bot's answer) is not a new alert.
      if (e.thread_ts !== undefined && e.thread_ts !== e.ts) return 'ignored';
      if (recent.repeats(e.channel, text)) return 'ignored';
      const outcome = await answer(ctx, client, e, 'overheard', text);
      if (outcome === 'replied') recent.remember(e.channel, text);
      return outcome;
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
