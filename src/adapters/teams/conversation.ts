/**
 * Where a Teams activity belongs, in the bot's terms.
 *
 * - Channels: `conversation.id` is `19:…@thread.tacv2;messageid=<root>` for a post and every reply
 *   in its reply chain, so the conversation is the part before `;messageid=` and the thread is
 *   the root message id. Replies sent into that conversation id land in the same reply chain.
 * - Personal and group chats have no reply chains: the whole chat is one thread, so follow-ups
 *   ("not it", "just the steps") work as in the console.
 */
import type { Activity } from 'botbuilder';
import type { IncomingMessage, Via } from '../../bot/message.js';

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel' || type === 'groupChat') return type;
  if (type === 'personal') return 'personal';
  // The Emulator and some clients send no type: a group conversation is not a DM.
  return activity.conversation?.isGroup ? 'groupChat' : 'personal';
}

const MESSAGE_ID = /;messageid=([^;]+)/i;

/** The conversation (without the reply-chain suffix) and the thread of an activity. */
export function placeOf(activity: Partial<Activity>): { conversation: string; thread: string } {
  const id = activity.conversation?.id ?? '';
  const root = MESSAGE_ID.exec(id)?.[1];
  const conversation = id.replace(MESSAGE_ID, '');
  if (root) return { conversation, thread: root };
  if (conversationKind(activity) === 'channel')
    return { conversation, thread: activity.replyToId ?? activity.id ?? conversation };
  return { conversation, thread: conversation };
}

/** The user: the Entra object id when Teams gives it (stable across bots), else the channel id. */
export const userOf = (activity: Partial<Activity>): string =>
  activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown';

/** Whether the bot is @mentioned in the activity. */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const me = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === me,
  );
}

export function incomingOf(activity: Partial<Activity>, text: string, via: Via): IncomingMessage {
  return { text, user: userOf(activity), ...placeOf(activity), via };
}
