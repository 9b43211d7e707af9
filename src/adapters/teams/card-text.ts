/**
 * The text of the cards a Teams message carries, for a message that has no text of its own:
 * what Alertmanager's and Grafana's Teams receivers, Power Automate workflows and connectors post
 * (and what a person forwards to the bot).
 *
 * - Adaptive Card (`application/vnd.microsoft.card.adaptive`): TextBlock texts, RichTextBlock text
 *   runs, FactSet facts as "title: value", inside Containers, ColumnSets, Columns and Tables, in
 *   order; actions and images are not text. `fallbackText` only when the card has no text.
 * - Office 365 connector card / MessageCard (`application/vnd.microsoft.teams.card.o365connector`,
 *   or content with `@type: MessageCard`): title, then text, then each section's title,
 *   activityTitle, activitySubtitle, activityText, text and facts ("name: value"); `summary` only
 *   when there is nothing else (it repeats the title).
 * - Hero and thumbnail cards: title, subtitle, text.
 * - `text/html` (a formatted message's body) and `text/plain` content: read as text (htmlparser2,
 *   block elements on their own lines).
 *
 * Anything not of the expected shape is skipped, never thrown on.
 */
import { Parser } from 'htmlparser2';
import type { Activity, Attachment } from 'botbuilder';

/** The most text read from one message's cards (the bot reads 20,000 characters at most anyway). */
export const MAX_CARD_TEXT = 40_000;

/** The most elements of one list read (a card body, a column set, facts): enough for any notification, bounded for hostile payloads. */
const MAX_ITEMS = 200;

/** Nesting of card elements read at most (columns in containers in columns ...). */
const MAX_DEPTH = 8;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);

/** "title: value" of a fact (Adaptive `title`, MessageCard `name`). */
function fact(f: unknown): string {
  if (!isObject(f)) return '';
  const title = str(f.title) || str(f.name);
  const value = str(f.value);
  return value ? (title ? `${title}: ${value}` : value) : '';
}

/** The text of Adaptive Card elements, in order. */
function adaptiveText(elements: unknown, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  for (const e of list(elements)) {
    if (!isObject(e)) continue;
    switch (e.type) {
      case 'TextBlock':
        out.push(str(e.text));
        break;
      case 'RichTextBlock':
        out.push(
          list(e.inlines)
            .map((i) => (typeof i === 'string' ? i : isObject(i) && typeof i.text === 'string' ? i.text : ''))
            .join('')
            .trim(),
        );
        break;
      case 'FactSet':
        out.push(...list(e.facts).map(fact));
        break;
      case 'Container':
        adaptiveText(e.items, depth + 1, out);
        break;
      case 'ColumnSet':
        for (const c of list(e.columns)) if (isObject(c)) adaptiveText(c.items, depth + 1, out);
        break;
      case 'Column':
        adaptiveText(e.items, depth + 1, out);
        break;
      case 'Table':
        for (const row of list(e.rows)) {
          if (!isObject(row)) continue;
          const cells: string[] = [];
          for (const cell of list(row.cells)) if (isObject(cell)) adaptiveText(cell.items, depth + 1, cells);
          out.push(cells.filter(Boolean).join(' | '));
        }
        break;
      default:
        break;
    }
  }
}

function adaptiveCardText(card: Json): string[] {
  const out: string[] = [];
  adaptiveText(card.body, 0, out);
  const some = out.filter(Boolean);
  return some.length ? some : [str(card.fallbackText)];
}

/** A MessageCard / Office 365 connector card. */
function messageCardText(card: Json): string[] {
  const out = [str(card.title), str(card.text)];
  for (const s of list(card.sections)) {
    if (!isObject(s)) continue;
    out.push(str(s.title), str(s.activityTitle), str(s.activitySubtitle), str(s.activityText), str(s.text));
    out.push(...list(s.facts).map(fact));
  }
  const some = out.filter(Boolean);
  return some.length ? some : [str(card.summary)];
}

/** Block elements whose end is a line break in `htmlText`. */
const BLOCK_TAGS = new Set(['p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'blockquote']);

/** The text of an HTML fragment (htmlparser2; entities decoded, tags dropped, block elements on their own lines). */
export function htmlText(html: string): string {
  let out = '';
  const parser = new Parser(
    {
      ontext: (t) => {
        out += t;
      },
      onclosetag: (name) => {
        if (BLOCK_TAGS.has(name)) out += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html.slice(0, MAX_CARD_TEXT * 2));
  parser.end();
  return out
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function attachmentText(a: Partial<Attachment>): string[] {
  const type = str(a.contentType).toLowerCase();
  const content: unknown = a.content;
  if (type === 'text/html' && typeof content === 'string') return [htmlText(content)];
  if (type === 'text/plain' && typeof content === 'string') return [content.trim()];
  if (!isObject(content)) return [];
  if (type === 'application/vnd.microsoft.card.adaptive' || content.type === 'AdaptiveCard')
    return adaptiveCardText(content);
  if (type === 'application/vnd.microsoft.teams.card.o365connector' || content['@type'] === 'MessageCard')
    return messageCardText(content);
  if (type === 'application/vnd.microsoft.card.hero' || type === 'application/vnd.microsoft.card.thumbnail')
    return [str(content.title), str(content.subtitle), str(content.text)];
  return [];
}

/** The text of the activity's attachments (cards, an HTML body), one part a line, or '' when they have none. */
export function cardText(activity: Partial<Activity>): string {
  const parts: string[] = [];
  for (const a of (activity.attachments ?? []).slice(0, MAX_ITEMS))
    if (isObject(a)) parts.push(...attachmentText(a as Partial<Attachment>));
  return parts
    .filter(Boolean)
    .filter((p, i, all) => all.indexOf(p) === i)
    .join('\n')
    .slice(0, MAX_CARD_TEXT);
}
