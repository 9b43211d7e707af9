/**
 * The "save fix" command in a message addressed to the bot (issue #24, design 3.4):
 *
 * - `save fix`: save the latest person message in the thread (the caller finds it);
 * - `save fix: <text>`: save the text itself;
 * - `save fix as "<title>"`, optionally followed by `: <text>`: either of those, with the title given.
 *
 * Titles may be quoted "…", “…”, '…' or ‘…’, or unquoted up to a colon or the end of the line.
 * Leading mentions (`<@U123>`, `@kbbot`) are skipped. Only a message that is the command is read:
 * "how do I save fixes?" and "we should save fix notes" are not.
 */

/** What a save command asks for: a title and the text to save, when given. */
export interface SaveFixCommand {
  title?: string;
  text?: string;
}

/** Mentions before the command: Slack's `<@U123>` / `<@U123|name>`, a typed `@kbbot`, a Teams `<at>kbbot</at>`. */
const LEADING_MENTIONS = /^(?:\s*(?:<@[\w.|-]+>|<at>[^<]*<\/at>|@[\w.-]+)[\s,:]*)+/i;

/** The command word and what may follow it: "save fix", "save this fix", "save the fix", "save as fix". */
const HEAD = /^\s*save\s+(?:(?:this|the|that|as(?:\s+a)?)\s+)?fix\b/i;

/** Opening quote → closing quote of a title. */
const QUOTES: Record<string, string> = { '"': '"', '“': '”', "'": "'", '‘': '’' };

/** The command in `message`, or undefined when the message is not a save command. */
export function readSaveFix(message: string): SaveFixCommand | undefined {
  const body = message.replace(LEADING_MENTIONS, '');
  const head = HEAD.exec(body);
  if (!head) return undefined;
  let rest = body.slice(head[0].length);
  const out: SaveFixCommand = {};

  const as = /^\s+as\b\s*/i.exec(rest);
  if (as) {
    rest = rest.slice(as[0].length);
    const title = readTitle(rest);
    if (!title) return undefined;
    out.title = title.title;
    rest = title.rest;
  }

  const trailing = rest.replace(/^[ \t]+/, '');
  if (/^[.!]*\s*$/.test(trailing)) return out;
  const colon = /^(?:[:\-–—]|\r?\n)\s*/.exec(trailing);
  if (!colon) return undefined;
  const text = trailing.slice(colon[0].length).trim();
  if (text) out.text = text;
  return out;
}

/** A title at the start of `s` (quoted, or up to a colon or the end of the line) and what follows it. */
function readTitle(s: string): { title: string; rest: string } | undefined {
  const close = QUOTES[s[0] ?? ''];
  if (close) {
    const end = closingQuote(s, close);
    if (end < 0) return undefined;
    const title = s.slice(1, end).replace(/\s+/g, ' ').trim();
    return title ? { title, rest: s.slice(end + 1) } : undefined;
  }
  const lineEnd = s.indexOf('\n');
  const line = lineEnd < 0 ? s : s.slice(0, lineEnd);
  const colon = line.search(/:(?:\s|$)/);
  const cut = colon >= 0 ? colon : line.length;
  const title = line.slice(0, cut).replace(/\s+/g, ' ').trim();
  if (!title) return undefined;
  return { title, rest: s.slice(cut) };
}

/**
 * Where the quote `close` ends a title that opens at `s[0]`: the first `close` followed by a space,
 * a colon, punctuation or the end, so an apostrophe inside 'KMS won't start' is not the end; -1: none.
 */
function closingQuote(s: string, close: string): number {
  for (let i = s.indexOf(close, 1); i >= 0; i = s.indexOf(close, i + 1))
    if (i + 1 >= s.length || /[\s:.,!\-–—]/.test(s[i + 1]!)) return i;
  return -1;
}
