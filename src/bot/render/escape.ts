/**
 * Escaping shared by the renderers. Text from the KB or from users is never trusted as markup:
 *
 * - Slack mrkdwn: `&`, `<`, `>` become entities (so `<!channel>`, `<@U123>`, `<http://x|y>` stay
 *   text), bare `@channel` / `@here` / `@everyone` get a zero-width space after the `@`, and the
 *   formatting characters `*`, `~`, `` ` `` (and `_` where it could open or close italics) are
 *   swapped for look-alikes, since mrkdwn has no backslash escapes.
 * - Adaptive Card TextBlock markdown: the same look-alikes for emphasis, `](` split so no link can
 *   form, a zero-width space after `<` before a letter, `/` or `!` (no `<at>` mention, no tag, no
 *   autolink) and after `&` before an entity, and list markers at a line start made inert.
 * - Console: control characters (ESC and friends) removed so KB text cannot colour or move the
 *   cursor.
 */

/** Zero-width space: invisible, but breaks the pattern it is put into. */
export const ZWSP = '\u200B';

/** Look-alikes for characters that would otherwise format text. */
export const LOOKALIKES = {
  '*': '\u2217', // ∗ asterisk operator
  '~': '\u223C', // ∼ tilde operator
  '`': '\u02CB', // ˋ modifier letter grave accent
  _: '\u02CD', // ˍ modifier letter low macron
} as const;

/** A run of text; `code` marks registry keys, paths and file names. Same shape as the reply model's Span. */
interface Span {
  text: string;
  code?: boolean;
}

/** Whitespace runs to one space, trimmed. */
export const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** C0/C1 control characters other than tab and newline (ESC sequences, bells, backspaces). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export const stripControl = (text: string): string => text.replace(CONTROL, '');

/**
 * Slack-style user references in the bot's own lines ("Save <@U123>'s fix for next time?") as
 * inert text, for media that do not render Slack's markup (the console, Teams): "@U123", or the
 * name the markup carries ("<@U123|ana>" → "@ana").
 */
export const mentionsAsText = (text: string): string =>
  text.replace(/<@([\w.-]+)(?:\|([^<>]+))?>/g, (_, id: string, name?: string) => `@${name ?? id}`);

/** `@here` → `@\u200Bhere`: no broadcast ping in any client. */
export const neutraliseBroadcasts = (text: string): string =>
  text.replace(/@(?=(?:channel|here|everyone)\b)/gi, `@${ZWSP}`);

/** Slack entities only: `&`, `<`, `>`. For plain_text objects, URLs and code spans. */
export function slackEntities(text: string): string {
  return neutraliseBroadcasts(stripControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** `_` that is not inside a word could open or close emphasis; `a_b` cannot. */
const looseUnderscores = (text: string): string =>
  text.replace(/_/g, (u, at: number, all: string) =>
    /\w/.test(all[at - 1] ?? '') && /\w/.test(all[at + 1] ?? '') ? u : LOOKALIKES._,
  );

/** KB or user prose for a Slack mrkdwn text object. */
export function slackText(text: string): string {
  return looseUnderscores(slackEntities(text).replace(/[*~`]/g, (c) => LOOKALIKES[c as '*' | '~' | '`']));
}

/** Inside a Slack inline code span: entities, and no backtick that would end it. */
export function slackCode(text: string): string {
  return `\`${slackEntities(text).replace(/`/g, LOOKALIKES['`'])}\``;
}

/** A line of spans for mrkdwn: code in backticks, prose escaped. */
export function slackRich(spans: readonly Span[]): string {
  return spans.map((s) => (s.code ? slackCode(s.text) : slackText(s.text))).join('');
}

/** `<at>`, `<b>`, `</x>`, `<!x>`, `<http…>` can never start; `&lt;` can never decode into one. */
export function cardInert(text: string): string {
  return neutraliseBroadcasts(stripControl(text))
    .replace(/<(?=[A-Za-z/!?])/g, `<${ZWSP}`)
    .replace(/&(?=#?\w+;)/g, `&${ZWSP}`);
}

/** KB or user prose for an Adaptive Card TextBlock (markdown subset). */
export function cardText(text: string): string {
  return looseUnderscores(
    cardInert(text)
      .replace(/[*~`]/g, (c) => LOOKALIKES[c as '*' | '~' | '`'])
      .replace(/\](?=[([:])/g, `]${ZWSP}`),
  ).replace(/^(\s*)(\d+[.)]|[-+#>])[ \t]/gm, '$1$2\u00A0');
}

/** Cut to `max` characters with an ellipsis, at a word boundary when one is near; never inside an entity or a surrogate pair. */
export function clip(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ellipsis.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[#\w]*$/, '');
  const space = cut.lastIndexOf(' ');
  if (space > cut.length * 0.8) cut = cut.slice(0, space);
  return `${cut.trimEnd()}${ellipsis}`;
}

/** A fence that opens or closes a Slack code block. */
const SLACK_FENCE = '```';

/**
 * A code block for Slack mrkdwn: entities escaped (so `<!channel>` stays text: Slack shows the
 * entity as the character, so the code reads and copies as written), broadcasts neutralised, and
 * any run of three backticks inside broken so it cannot close the block early. Slack shows no
 * language, so none is given.
 */
export function slackCodeBlock(code: string): string {
  const body = slackEntities(code.replace(/\t/g, '    ')).replace(/`{3,}/g, (run) => run.split('').join(ZWSP));
  return `${SLACK_FENCE}\n${body}\n${SLACK_FENCE}`;
}

/**
 * `clip` for mrkdwn that may hold code blocks: when the cut falls inside a block, the block is
 * closed after the ellipsis, so a fence is never left open. Text without a fence is clipped
 * exactly as `clip` does.
 */
export function clipFenced(text: string, max: number): string {
  if (text.length <= max || !text.includes(SLACK_FENCE)) return clip(text, max);
  const closing = `\n${SLACK_FENCE}`;
  let cut = clip(text, max - closing.length).replace(/`{1,2}…$/, '…');
  const fences = cut.split(SLACK_FENCE).length - 1;
  if (fences % 2 === 1) cut = /```…$/.test(cut) ? cut.slice(0, -4).trimEnd() + '…' : `${cut}${closing}`;
  return cut;
}

/**
 * Code for an Adaptive Card CodeBlock (not markdown): control characters removed, broadcasts
 * neutralised and `<at>` split so it can never be read as a mention; everything else kept so the
 * command copies as written.
 */
export function cardCode(code: string): string {
  return neutraliseBroadcasts(stripControl(code)).replace(/<(?=\/?at\b|!)/gi, `<${ZWSP}`);
}

/** "0.9" → "0.90". */
export const confidenceOf = (c: number): string => (Number.isFinite(c) ? Math.min(1, Math.max(0, c)) : 0).toFixed(2);
