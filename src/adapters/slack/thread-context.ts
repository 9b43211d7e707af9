/**
 * What the bot may look up about a Slack message's thread (IncomingMessage.context): the thread's
 * messages (`conversations.replies`, the `*:history` scopes the bot has already) for `save fix`,
 * and a link to a message (`chat.getPermalink`, no scope needed) for a saved fix. Looked up only
 * when the bot asks, never up front. Rate limits are waited out like posts (post.ts).
 *
 * - `history()`: the thread's last `THREAD_DEFAULTS.messages` messages, oldest first. Slack pages
 *   a thread from its start, so a long one is read page by page (at most `pages`) and its tail
 *   kept. A message an app or a bot posted (this one included: `bot_id`, `bot_message`, an
 *   `app_id`) is marked `bot` and is never saved as a person's fix. Joins, edits' old versions and
 *   other subtypes are left out. A failure of the call rejects: the bot says it could not read the
 *   thread rather than "no fix found".
 * - `permalink(ts)`: the link, or null when Slack has none to give (never throws).
 */
import type { webApi } from '@slack/bolt';
import type { MessageContext, ThreadMessage } from '../../bot/message.js';
import { appMessageText, personMessageText, type MessageParts } from './message-text.js';
import { withRateLimit } from './post.js';

type WebClient = webApi.WebClient;

export const THREAD_DEFAULTS = {
  /** Messages of a thread the bot is given at most (the latest): MessageContext.history's contract. */
  messages: 50,
  /** Messages per `conversations.replies` page (Slack recommends at most 200). */
  pageSize: 200,
  /** Pages read at most: a thread longer than pages × pageSize gives the latest of those read. */
  pages: 5,
} as const;

/** The fields of a message in `conversations.replies` this module reads. */
interface ThreadReply extends MessageParts {
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
}

/** Message subtypes that are something someone said in the thread; any other (joins, topic changes ...) is left out. */
const SAID = new Set([undefined, 'bot_message', 'thread_broadcast', 'me_message', 'file_share']);

/** Posted by an app or a bot (this one included). */
const byApp = (m: ThreadReply): boolean =>
  m.bot_id !== undefined || m.app_id !== undefined || m.subtype === 'bot_message';

/** A thread message as the bot reads it; undefined for what nobody said. */
export function threadMessage(m: ThreadReply): ThreadMessage | undefined {
  if (!m.ts || !SAID.has(m.subtype)) return undefined;
  const bot = byApp(m);
  return {
    id: m.ts,
    user: m.user ?? m.bot_id ?? '',
    text: bot ? appMessageText(m) : personMessageText(m),
    bot,
  };
}

/** The latest `THREAD_DEFAULTS.messages` messages of thread `thread` in `channel`, oldest first. */
export async function readThread(client: WebClient, channel: string, thread: string): Promise<ThreadMessage[]> {
  const out: ThreadMessage[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < THREAD_DEFAULTS.pages; page++) {
    const answer = await withRateLimit(() =>
      client.conversations.replies({
        channel,
        ts: thread,
        limit: THREAD_DEFAULTS.pageSize,
        ...(cursor ? { cursor } : {}),
      }),
    );
    for (const m of (answer.messages ?? []) as ThreadReply[]) {
      const message = threadMessage(m);
      if (message) out.push(message);
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || !cursor) break;
  }
  return out.slice(-THREAD_DEFAULTS.messages);
}

/** A link to message `ts` of `channel`, or null when Slack gives none. */
export async function permalinkOf(client: WebClient, channel: string, ts: string): Promise<string | null> {
  try {
    const answer = await withRateLimit(() => client.chat.getPermalink({ channel, message_ts: ts }));
    return typeof answer.permalink === 'string' ? answer.permalink : null;
  } catch {
    return null;
  }
}

/** The lookups the bot may make about a message of thread `thread` in `channel`. */
export function threadContext(client: WebClient, channel: string, thread: string): MessageContext {
  return {
    history: () => readThread(client, channel, thread),
    permalink: (messageId) => permalinkOf(client, channel, messageId),
  };
}
