/**
 * Links to Teams messages (deep links), for a saved fix's thread link and for past threads in a
 * "has anyone seen this before?" list.
 *
 * - A channel message: `https://teams.microsoft.com/l/message/<channel id>/<message id>?parentMessageId=<root>`
 *   (plus `tenantId` when known), which opens the reply chain at that message.
 * - A chat message: `https://teams.microsoft.com/l/message/<chat id>/<message id>?context={"contextType":"chat"}`.
 *
 * Teams message ids are numbers (milliseconds since the epoch); anything else (a Slack ts, a
 * console thread) gets no link rather than a broken one.
 */

/** The Teams web client's deep-link base. */
export const TEAMS_LINK_BASE = 'https://teams.microsoft.com/l/message/';

/** A Teams message id: digits only (Slack's ts has a dot; console threads are words). */
const MESSAGE_ID = /^\d{1,20}$/;
/**
 * A Teams chat or channel id: "19:…@thread.tacv2" (channel), "19:…@thread.v2" (group chat),
 * "19:…@unq.gbl.spaces" (a one-to-one chat). A personal chat with the bot as the Bot Framework
 * names it ("a:…") is not a Teams chat id, and gets no link.
 */
const CONVERSATION_ID = /^19:[^\s;]{1,300}$/;

export interface MessagePlace {
  /** The conversation without the reply-chain suffix (`;messageid=`). */
  conversation: string;
  /** The message linked to. */
  messageId: string;
  /** The root of its reply chain in a channel; absent or equal to `conversation` in a chat. */
  thread?: string;
  tenantId?: string;
}

/** Whether a conversation id is a Teams channel's (`@thread.tacv2` or the older `@thread.skype`). */
export const isChannelId = (conversation: string): boolean => /@thread\.(?:tacv2|skype)$/i.test(conversation);

/** A deep link to the message, or null when the ids are not Teams ones. */
export function teamsMessageLink(place: MessagePlace): string | null {
  const { conversation, messageId } = place;
  if (!CONVERSATION_ID.test(conversation) || !MESSAGE_ID.test(messageId)) return null;
  const base = `${TEAMS_LINK_BASE}${encodeURIComponent(conversation)}/${messageId}`;
  const query = new URLSearchParams();
  if (place.tenantId && /^[\w-]{1,64}$/.test(place.tenantId)) query.set('tenantId', place.tenantId);
  if (isChannelId(conversation)) {
    const root = place.thread && MESSAGE_ID.test(place.thread) ? place.thread : messageId;
    query.set('parentMessageId', root);
  } else {
    query.set('context', JSON.stringify({ contextType: 'chat' }));
  }
  return `${base}?${query.toString()}`;
}

/** A link to a past thread (conversation and thread as the bot keys them), or null when it is not a Teams channel thread. */
export function teamsThreadLink(conversation: string, thread: string): string | null {
  if (!isChannelId(conversation)) return null;
  return teamsMessageLink({ conversation, messageId: thread, thread });
}
