/**
 * The text of a Slack message posted by another app, as one string the bot can read: the
 * message's `text`, then each attachment's pretext, title, text and fields ("title: value"; the
 * attachment's `fallback` only when it has none of these), then the text of its Block Kit blocks
 * (section text and fields, header, context, rich_text) and of attachments' blocks.
 *
 * Alertmanager's Slack receiver (`slack_configs`) sends an empty `text` and one attachment whose
 * title is "[FIRING:1] etcdNoLeader" and whose text holds the *Alert:*, *Description:* and
 * *Details:* lines; Grafana and PagerDuty use attachments or blocks. Parts are kept in Slack's own
 * markup (the bot undoes it), in the order above, so a notification's first line stays first. A
 * part that only repeats text already taken (a `text` that is the blocks' fallback, a title
 * repeated as pretext) is dropped. Anything not of the expected shape is skipped, never thrown on.
 */
import { undoChatMarkup } from '../../text/chat-markup.js';

/** The most text read from one message (the bot reads 20,000 characters at most anyway). */
export const MAX_MESSAGE_TEXT = 40_000;

/** The most attachments, blocks and elements of one kind read from a message: enough for any notification, bounded for hostile payloads. */
const MAX_ITEMS = 100;

/** Nesting of rich_text elements read at most (lists in quotes in sections). */
const MAX_DEPTH = 6;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);

/** A text object (`{type: 'mrkdwn'|'plain_text', text}`) or a bare string. */
function textOf(v: unknown): string {
  return isObject(v) ? str(v.text) : str(v);
}

function attachmentText(a: Json): string[] {
  const parts = [str(a.pretext), str(a.author_name), str(a.title), str(a.text)];
  for (const f of list(a.fields)) {
    if (!isObject(f)) continue;
    const title = str(f.title);
    const value = str(f.value);
    if (value) parts.push(title ? `${title}: ${value}` : value);
  }
  parts.push(...blocksText(a.blocks));
  const some = parts.filter(Boolean);
  return some.length ? some : [str(a.fallback)].filter(Boolean);
}

/** The text of rich_text elements: text runs, links (their label, else the URL), mentions as Slack markup. */
function richText(elements: unknown, depth: number): string {
  if (depth > MAX_DEPTH) return '';
  let out = '';
  for (const e of list(elements)) {
    if (!isObject(e)) continue;
    switch (e.type) {
      case 'text':
        out += typeof e.text === 'string' ? e.text : '';
        break;
      case 'link':
        out += str(e.text) || str(e.url);
        break;
      case 'user':
        out += typeof e.user_id === 'string' ? `<@${e.user_id}>` : '';
        break;
      case 'channel':
        out += typeof e.channel_id === 'string' ? `<#${e.channel_id}>` : '';
        break;
      case 'usergroup':
        out += typeof e.usergroup_id === 'string' ? `<!subteam^${e.usergroup_id}>` : '';
        break;
      case 'broadcast':
        out += typeof e.range === 'string' ? `<!${e.range}>` : '';
        break;
      case 'emoji':
        out += typeof e.name === 'string' ? `:${e.name}:` : '';
        break;
      case 'rich_text_section':
        out += `${richText(e.elements, depth + 1)}\n`;
        break;
      case 'rich_text_quote':
        out += `${richText(e.elements, depth + 1)
          .split('\n')
          .map((l) => (l ? `> ${l}` : l))
          .join('\n')}\n`;
        break;
      case 'rich_text_preformatted':
        out += `\`\`\`\n${richText(e.elements, depth + 1).replace(/\n$/, '')}\n\`\`\`\n`;
        break;
      case 'rich_text_list':
        for (const item of list(e.elements))
          if (isObject(item)) out += `• ${richText(item.elements, depth + 1).replace(/\n$/, '')}\n`;
        break;
      default:
        break;
    }
  }
  return out;
}

/** The text of Block Kit blocks: section (text and fields), header, context, rich_text. */
export function blocksText(blocks: unknown): string[] {
  const parts: string[] = [];
  for (const b of list(blocks)) {
    if (!isObject(b)) continue;
    switch (b.type) {
      case 'header':
        parts.push(textOf(b.text));
        break;
      case 'section':
        parts.push(textOf(b.text), ...list(b.fields).map(textOf));
        break;
      case 'context':
        parts.push(
          list(b.elements)
            .filter((e) => isObject(e) && e.type !== 'image')
            .map(textOf)
            .filter(Boolean)
            .join(' '),
        );
        break;
      case 'rich_text':
        parts.push(richText(b.elements, 0).trim());
        break;
      default:
        break;
    }
  }
  return parts.filter(Boolean);
}

/** A part's words for telling repeats: markup undone, case and spacing folded. */
const normal = (part: string): string => undoChatMarkup(part).text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The text a person's message gives the bot: what they typed, then the messages they shared into
 * it ("Share message" of an alert, `is_share`/`is_msg_unfurl` attachments, read like an app's).
 * Link previews and the blocks that repeat the typed text are left out, as they always were.
 */
export function personMessageText(event: MessageParts, own: { botId?: string; botUserId?: string } = {}): string {
  const shared = list(event.attachments).filter(
    (a) =>
      isObject(a) &&
      (a.is_share === true || a.is_msg_unfurl === true) &&
      // The bot's own answer shared on is not a question to it.
      !(own.botId !== undefined && a.bot_id === own.botId) &&
      !(own.botUserId !== undefined && a.author_id === own.botUserId),
  );
  if (!shared.length) return typeof event.text === 'string' ? event.text : '';
  return appMessageText({
    text: event.text,
    attachments: shared.map((a) => {
      const { message_blocks: messages, ...rest } = a as Json;
      const blocks = list(messages).flatMap((m) => (isObject(m) && isObject(m.message) ? list(m.message.blocks) : []));
      return { ...rest, blocks: [...list(rest.blocks), ...blocks] };
    }),
  });
}

/** The fields of a message event this module reads. */
export interface MessageParts {
  text?: unknown;
  attachments?: unknown;
  blocks?: unknown;
}

/** The message's text with its attachments' and blocks' text, each part on its own lines. */
export function appMessageText(event: MessageParts): string {
  const parts = [str(event.text)];
  for (const a of list(event.attachments)) if (isObject(a)) parts.push(...attachmentText(a));
  parts.push(...blocksText(event.blocks));
  const kept: string[] = [];
  let seen = '';
  for (const part of parts) {
    if (!part) continue;
    const words = normal(part);
    if (!words || seen.includes(words)) continue;
    kept.push(part);
    seen += `\n${words}`;
    if (seen.length > MAX_MESSAGE_TEXT) break;
  }
  return kept.join('\n').slice(0, MAX_MESSAGE_TEXT);
}
