/**
 * The "Save as fix" message action (command `saveFix`, context `message`, static parameter
 * `title`): a person picks "Save as fix" in a message's "..." menu, may give a title, and Teams
 * sends a `composeExtension/submitAction` invoke with the message (`value.messagePayload`).
 *
 * - The fix is the message's body (HTML read by message-body.ts, code and steps kept); its author
 *   is `messagePayload.from.user` (the Entra object id, as the bot keys users, and the display
 *   name); the saver is the invoke's sender; the link is `messagePayload.linkToMessage`.
 * - The place is the bot's: in a channel the conversation without `;messageid=` and the thread the
 *   reply chain's root (`;messageid=` of the conversation id, else the message's `replyToId`, else
 *   the message itself); in a chat the whole chat is one thread (as conversation.ts keys them).
 * - Messages written by an app or a bot, deleted messages and messages with no text are refused.
 */
import type { Activity, MessageActionsPayload } from 'botbuilder';
import type { SaveFixRequest } from '../../bot/bot.js';
import { clip, collapse } from '../../bot/render/escape.js';
import { cardText as attachmentsText } from './card-text.js';
import { conversationKind, userOf } from './conversation.js';
import { teamsMessageLink } from './links.js';
import { SAVE_FIX_TITLE_PARAMETER } from './commands.js';
import { bodyText } from './message-body.js';

export { SAVE_FIX_COMMAND, SAVE_FIX_TITLE_PARAMETER } from './commands.js';

export const SAVE_FIX_DEFAULTS = {
  /** Characters of a title given in the form that are kept (the bot's own limit is 100; this bounds what reaches it). */
  maxTitle: 200,
  /** Characters of the message text handed to the bot (it reads 20,000 at most). */
  maxText: 20_000,
  /**
   * Repeats of the confirmation's post when the connector says 429/503, and the longest wait
   * between them: Teams waits 5 s for the action's answer, then asks again (and the bot would
   * answer "already saved"); after these the dialog says the fix is saved instead.
   */
  postRetries: 1,
  postWaitMs: 1500,
} as const;

/** What the person saving is told in the action's dialog when nothing was saved (not posted in the chat). */
export const SAVE_FIX_TEXTS = {
  notAPerson: 'Only a message a person wrote can be saved as a fix.',
  deleted: 'That message was deleted; there is nothing to save.',
  empty: 'That message has no text to save as a fix.',
  unavailable: 'Saving fixes is not available in this kbbot.',
  unknownCommand: 'kbbot does not know that command.',
  failed: 'Sorry, something went wrong saving that; please try again.',
  notPosted: (saved: string): string =>
    `${saved}. kbbot could not post that in the conversation (is the app added here?); the fix is saved all the same.`,
} as const;

/** The submit-action payload, as far as it is read here. */
export interface SaveFixAction {
  commandId?: string;
  data?: unknown;
  messagePayload?: MessageActionsPayload;
}

const MESSAGE_ID = /;messageid=([^;]+)/i;

/** The conversation and thread the message belongs to, and the conversation id that posts into its reply chain. */
export function fixPlaceOf(
  activity: Partial<Activity>,
  payload: MessageActionsPayload,
): { conversation: string; thread: string; postTo: string } {
  const id = activity.conversation?.id ?? '';
  const conversation = id.replace(MESSAGE_ID, '');
  if (conversationKind(activity) !== 'channel') return { conversation, thread: conversation, postTo: conversation };
  const thread = MESSAGE_ID.exec(id)?.[1] ?? payload.replyToId ?? payload.id ?? conversation;
  return {
    conversation,
    thread,
    postTo: thread === conversation ? conversation : `${conversation};messageid=${thread}`,
  };
}

/** The title typed in the form, if any. */
function titleOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[SAVE_FIX_TITLE_PARAMETER];
  const title = typeof value === 'string' ? collapse(value) : '';
  return title ? clip(title, SAVE_FIX_DEFAULTS.maxTitle) : undefined;
}

/** The text of the message: its body, else the text of the cards it carries. */
function textOf(payload: MessageActionsPayload): string {
  const body = bodyText(payload.body);
  if (body) return body;
  const attachments = (payload.attachments ?? []).map((a) => {
    let content: unknown = a.content;
    if (typeof content === 'string' && /^\s*[{[]/.test(content)) {
      try {
        content = JSON.parse(content);
      } catch {
        // not JSON: read as it is
      }
    }
    return { contentType: a.contentType, content };
  });
  return attachmentsText({ attachments } as Partial<Activity>);
}

/** The bot's request for the message action, or what to tell the person saving when there is nothing to save. */
export function saveFixRequestOf(
  activity: Partial<Activity>,
  action: SaveFixAction,
): { request: SaveFixRequest; postTo: string } | { refusal: string } {
  const payload = action.messagePayload;
  if (!payload) return { refusal: SAVE_FIX_TEXTS.empty };
  if (payload.deleted) return { refusal: SAVE_FIX_TEXTS.deleted };
  const author = payload.from?.user;
  if (!author?.id) return { refusal: SAVE_FIX_TEXTS.notAPerson };
  const text = textOf(payload).slice(0, SAVE_FIX_DEFAULTS.maxText).trim();
  if (!text) return { refusal: SAVE_FIX_TEXTS.empty };
  const place = fixPlaceOf(activity, payload);
  const messageId = payload.id ?? null;
  const tenantId = activity.conversation?.tenantId;
  const link =
    payload.linkToMessage && /^https:\/\/\S+$/i.test(payload.linkToMessage)
      ? payload.linkToMessage
      : messageId
        ? teamsMessageLink({ conversation: place.conversation, messageId, thread: place.thread, tenantId })
        : null;
  const title = titleOf(action.data);
  return {
    request: {
      text,
      author: author.id,
      authorName: author.displayName?.trim() || null,
      savedBy: userOf(activity),
      conversation: place.conversation,
      thread: place.thread,
      messageId,
      permalink: link,
      ...(title ? { title } : {}),
      via: 'action',
    },
    postTo: place.postTo,
  };
}
