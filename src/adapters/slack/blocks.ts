/**
 * The Slack renderer: a reply as Block Kit JSON ({ text, blocks }) for chat.postMessage. Plain
 * objects only; the Slack adapter sends them.
 *
 * An answer: header (id and title), context (why it matched, confidence, applies-to, date), a
 * context "Close call: …" when another article matched almost as well, a section per part
 * (symptoms, cause, the registry warning, the fix in the article's own words and its numbered steps with registry keys and
 * paths in `code`, "no fix", status, keys, files), a context with related articles, a divider,
 * and an actions block: Helped / Not it / Other matches / Full article / Share (action_id
 * `kb_<action>`, value = the article id) and a link button to the article (`kb_open`).
 *
 * Incident threads (issue #24): an answer that a team fix leads opens with it (":white_check_mark:
 * *Your team fixed this before:* <title> — <@author>, 5 Dec 2026, <thread link>", the fix as
 * written with its code blocks, Helped / Not it with the fix's id, numbered past the article's
 * own buttons: `kb_helpful_2`, a divider) above the article as always; a fix alone is the same without the article. "Saved as a team fix" is one line and an
 * Undo button (`kb_undo_fix`, value the fix id); the offer to save a person's fix one line and a
 * Save as fix button (`kb_save_fix`, value the message's ts); "has anyone seen this before?" a
 * list of past threads (date, title, how it ended, a link to the thread, else its channel). An
 * acknowledgement (`ack`) renders as its text: send.ts makes it a reaction where it can.
 *
 * Every piece of KB or user text goes through `slackText`/`slackCode`/`slackEntities` (see
 * escape.ts): no mention, broadcast, link or formatting can come from it; text objects are also
 * `verbatim: true` so Slack does not auto-link or auto-mention. Limits are kept by trimming, never
 * by failing: ≤ 50 blocks, ≤ 3,000 characters per section text, ≤ 150 per header, ≤ 75 per
 * button, ≤ 2,000 per value, unique action_ids, and a total text budget; a trimmed answer says so
 * and keeps its buttons.
 */
import type {
  AnswerAction,
  AnswerStep,
  ArticleAnswer,
  Candidate,
  HistoryItem,
  Reply,
  TeamFix,
} from '../../bot/reply.js';
import {
  clip,
  clipFenced,
  collapse,
  confidenceOf,
  slackCode,
  slackCodeBlock,
  slackEntities,
  slackRich,
  slackText,
} from '../../bot/render/escape.js';
import {
  answerTitle,
  appliesToOf,
  closeCallText,
  noMatchLines,
  openLabel,
  outline,
  relatedLabel,
  type Paragraph,
  type Part,
} from '../../bot/render/outline.js';

export interface SlackOptions {
  /** Blocks per message (Slack: 50). */
  maxBlocks?: number;
  /** Characters per section/context text (Slack: 3,000). */
  maxText?: number;
  /** Characters of text over all blocks; past it the answer is trimmed (readability, and well under Slack's message size). */
  maxTotal?: number;
}

export const SLACK_DEFAULTS = {
  maxBlocks: 50,
  maxText: 3000,
  maxTotal: 12_000,
  /** Slack's own limits, not options. */
  headerChars: 150,
  buttonChars: 75,
  valueChars: 2000,
  fallbackChars: 300,
  candidates: 10,
  trimmedNote: '… trimmed: open the article for the rest.',
} as const;

export type SlackBlock = Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const mrkdwn = (text: string): SlackBlock => ({ type: 'mrkdwn', text, verbatim: true });
const plain = (text: string, max: number): SlackBlock => ({
  type: 'plain_text',
  text: clip(slackEntities(collapse(text)), max),
  emoji: false,
});

/** Blocks within the block count and total text budget; `reserve` blocks are kept free for the tail. */
class Budget {
  readonly blocks: SlackBlock[] = [];
  trimmed = false;
  /** A code block was cut to fit one section (the rest of the answer still follows): the trimmed note is added at the end. */
  cutCode = false;
  private chars = 0;
  constructor(
    private readonly o: Required<SlackOptions>,
    private readonly reserve: number,
  ) {}

  /** Room left for the next block's text, 0 when no block can be added. */
  room(): number {
    if (this.trimmed || this.blocks.length + this.reserve >= this.o.maxBlocks) return 0;
    return Math.max(0, Math.min(this.o.maxText, this.o.maxTotal - this.chars));
  }

  /** Adds a section or context block, clipping its text to the room left; false (and trimmed) when there is none. */
  text(make: (text: SlackBlock) => SlackBlock, text: string, minimum = 40): boolean {
    const room = this.room();
    if (room < Math.min(minimum, text.length)) {
      this.trimmed = true;
      return false;
    }
    const fitted = clipFenced(text, room);
    if (fitted !== text) this.trimmed = true;
    this.chars += fitted.length;
    this.blocks.push(make(mrkdwn(fitted)));
    return !this.trimmed;
  }

  raw(block: SlackBlock): void {
    this.blocks.push(block);
  }
}

const section = (text: SlackBlock): SlackBlock => ({ type: 'section', text });
const context = (text: SlackBlock): SlackBlock => ({ type: 'context', elements: [text] });

/** Lines under a heading packed into as few sections as the text limit allows, each line clipped to fit one; `gap` goes between lines. */
function addLines(budget: Budget, maxText: number, heading: string, lines: string[], gap = '\n'): void {
  let text = `*${heading}*`;
  lines.forEach((line, i) => {
    if (budget.trimmed) return;
    const fitted = clipFenced(line, maxText - 10);
    if (fitted !== line && line.includes('```')) budget.cutCode = true;
    const sep = i ? gap : '\n';
    if (text.length + sep.length + fitted.length > Math.min(maxText, budget.room())) {
      if (budget.text(section, text)) text = fitted;
    } else text += `${sep}${fitted}`;
  });
  if (budget.trimmed) return;
  if (text) budget.text(section, text);
}

/** Indent of a step's items in mrkdwn (Slack trims leading spaces less than this looks right). */
const ITEM_INDENT = '      ';
/** Further indent per nesting level of a team document's list. */
const NEST_INDENT = '    ';

/** A list marker for mrkdwn: a bullet for "-", "*", "+", else the marker as written ("1.", "a."). */
const bulletOf = (marker: string): string => (/^[-*+•]$/.test(marker) ? '•' : slackText(marker));

/** A paragraph of a section: archive text quoted or escaped as before; a team document's code as a code block, lists one item a line, inline code as code. */
function paragraphText(p: Paragraph): string {
  if (p.code) return slackCodeBlock(p.code.text);
  if (p.list)
    return p.list.map((it) => `${NEST_INDENT.repeat(it.depth)}${bulletOf(it.marker)} ${slackRich(it.text)}`).join('\n');
  if (p.heading) return `*${slackText(p.text)}*`;
  if (p.rich) return slackRich(p.rich);
  return p.quoted
    ? p.text
        .split('\n')
        .map((l) => `> ${slackText(l)}`)
        .join('\n')
    : slackText(p.text);
}

/** A numbered step: its line, then (archive) its items, or (team document) its items, paragraphs and code blocks in order. */
function stepText(s: AnswerStep, i: number): string {
  const lines = [
    `${i + 1}. ${slackRich(s.text)}`,
    ...s.items.map((item) => `${ITEM_INDENT}${slackRich(item).replace(/^- /, '• ')}`),
  ];
  for (const d of s.details ?? []) {
    if (d.kind === 'code') lines.push(slackCodeBlock(d.code.text));
    else if (d.kind === 'item')
      lines.push(`${ITEM_INDENT}${NEST_INDENT.repeat(d.depth)}${bulletOf(d.marker)} ${slackRich(d.text)}`);
    else lines.push(`${ITEM_INDENT}${slackRich(d.text)}`);
  }
  return lines.join('\n');
}

function addPart(budget: Budget, maxText: number, part: Part): void {
  switch (part.kind) {
    case 'text': {
      const body = part.paragraphs.map(paragraphText);
      addLines(budget, maxText, slackText(part.heading), body, '\n\n');
      return;
    }
    case 'warning':
      budget.text(section, `:warning: *Warning:* ${slackText(part.text)}`);
      return;
    case 'steps':
      addLines(
        budget,
        maxText,
        slackText(part.heading),
        // The fix in the article's own words first; a step's items go on their own lines under it, a bullet for "- ".
        [...(part.lead ?? []).map(paragraphText), ...part.steps.map(stepText)],
      );
      return;
    case 'no_fix':
      budget.text(section, `*No fix:* ${slackText(part.text)}`);
      return;
    case 'list':
      addLines(
        budget,
        maxText,
        slackText(part.heading),
        part.items.map((item) => `• ${slackRich(item)}`),
      );
      return;
    case 'related':
      budget.text(context, `See also: ${part.items.map((r) => slackText(relatedLabel(r))).join(', ')}`);
  }
}

/**
 * Buttons with unique action_ids (`kb_<id>`, then `kb_<id>_2`, …) and values within Slack's limit;
 * ids in `taken` (another actions block of the same message) count as used once already.
 */
function buttons(
  items: { id: string; label: string; value?: string; url?: string; primary?: boolean }[],
  taken: Iterable<string> = [],
): SlackBlock {
  const seen = new Map<string, number>([...taken].map((id) => [id, 1]));
  const elements = items.map((b) => {
    const n = (seen.get(b.id) ?? 0) + 1;
    seen.set(b.id, n);
    const button: SlackBlock = {
      type: 'button',
      action_id: n === 1 ? b.id : `${b.id}_${n}`,
      text: plain(b.label, SLACK_DEFAULTS.buttonChars),
    };
    if (b.value !== undefined) button.value = b.value.slice(0, SLACK_DEFAULTS.valueChars);
    if (b.url) button.url = b.url;
    if (b.primary) button.style = 'primary';
    return button;
  });
  return { type: 'actions', elements: elements.slice(0, 25) };
}

/** Only http(s) URLs become link buttons. */
const safeUrl = (url: string): string | undefined =>
  /^https?:\/\/[^\s<>|]+$/i.test(url) && url.length <= 3000 ? url : undefined;

function answerMessage(
  a: ArticleAnswer,
  intro: string | undefined,
  o: Required<SlackOptions>,
  teamFix?: TeamFix,
): SlackMessage {
  const url = a.url ? safeUrl(a.url) : undefined;
  // A team document without a link shows its id (a path) as text at the end: one more block kept free.
  const idLine = a.format === 'doc' && !url;
  const budget = new Budget(o, idLine ? 4 : 3);
  if (teamFix) {
    // The article's buttons keep their ids; the fix's Helped / Not it are numbered past them (`kb_helpful_2`).
    addTeamFix(budget, teamFix, o, [...a.actions.map((x) => `kb_${x.id}`), 'kb_open']);
    budget.raw({ type: 'divider' });
  }
  if (intro?.trim()) budget.text(section, slackText(collapse(intro)));
  const title = answerTitle(a);
  budget.raw({ type: 'header', text: plain(title, SLACK_DEFAULTS.headerChars) });
  const meta = [
    collapse(a.why) ? `Matched: ${slackText(collapse(a.why))}` : '',
    a.confidence === undefined ? '' : `confidence ${confidenceOf(a.confidence)}`,
    a.source ? `from ${slackText(a.source)}` : '',
    slackText(appliesToOf(a) ?? ''),
    slackText(a.date ?? ''),
  ];
  budget.text(context, meta.filter(Boolean).join(' · '));
  const close = closeCallText(a);
  if (close) budget.text(context, slackText(close));
  for (const part of outline(a)) {
    addPart(budget, o.maxText, part);
    if (budget.trimmed) break;
  }
  if (budget.trimmed || budget.cutCode) budget.raw(context(mrkdwn(`_${SLACK_DEFAULTS.trimmedNote}_`)));
  // Never a made-up link.
  if (idLine) budget.raw(context(mrkdwn(clip(`Article: ${slackCode(a.id)}`, o.maxText))));
  budget.raw({ type: 'divider' });
  const actions = a.actions.map((x: AnswerAction) => ({
    id: `kb_${x.id}`,
    label: x.label,
    value: x.value,
    primary: x.id === 'helpful',
  }));
  budget.raw(buttons([...actions, ...(url ? [{ id: 'kb_open', label: openLabel(a), url }] : [])]));
  const fallback = teamFix ? `${FIX_LEAD} ${collapse(teamFix.title)} · ${collapse(title)}` : collapse(title);
  return { text: clip(slackText(fallback), SLACK_DEFAULTS.fallbackChars), blocks: budget.blocks };
}

/** The words a team fix's first line opens with. */
export const FIX_LEAD = 'Your team fixed this before:';

/** A Slack user id (`U…`, `W…`): only such an id becomes a `<@…>` mention. */
const SLACK_USER = /^[UW][A-Z0-9_]+$/;
/** A Slack channel id: only such an id becomes a `<#…>` link. */
const SLACK_CHANNEL = /^[CGD][A-Z0-9_]+$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-12-05" (or a time in ms) → "5 Dec 2026", in UTC; anything else as it was, escaped. */
export function slackDate(date: string | number): string {
  const d = typeof date === 'number' ? new Date(date) : new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return slackText(String(date));
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Who wrote a fix: a mention Slack renders for a Slack user id, else the name (or id) as text. */
const authorOf = (fix: Pick<TeamFix, 'author' | 'authorName'>): string =>
  SLACK_USER.test(fix.author) ? `<@${fix.author}>` : slackText(collapse(fix.authorName ?? fix.author));

/** A link with a label, only for an http(s) URL; else nothing. */
const link = (url: string | null, label: string): string => {
  const safe = url ? safeUrl(url) : undefined;
  return safe ? `<${safe}|${label}>` : '';
};

/**
 * A fix's text as written, for mrkdwn: its fenced code blocks as code blocks (lines kept, never
 * read as markup), its lines kept, inline code as code, "- " items as bullets, the rest escaped.
 */
export function fixText(text: string): string {
  const out: string[] = [];
  let code: string[] | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*```/.test(line)) {
      if (code) {
        out.push(slackCodeBlock(code.join('\n')));
        code = undefined;
      } else code = [];
      continue;
    }
    if (code) {
      code.push(line);
      continue;
    }
    const item = /^(\s*)[-*+•]\s+(.*)$/.exec(line);
    const body = item ? (item[2] ?? '') : line;
    const spans = body.split(/(`[^`\n]+`)/).map((part) => {
      const inline = /^`([^`\n]+)`$/.exec(part);
      return inline ? slackCode(inline[1] ?? '') : slackText(part);
    });
    out.push(`${item ? `${item[1] ?? ''}• ` : ''}${spans.join('')}`);
  }
  // A fence left open: what follows it is code all the same.
  if (code) out.push(slackCodeBlock(code.join('\n')));
  return out.join('\n').trim();
}

/** A team fix: its first line (title, author, date, thread), its text, and its Helped / Not it buttons. */
function addTeamFix(budget: Budget, fix: TeamFix, o: Required<SlackOptions>, taken: string[] = []): void {
  const thread = link(fix.permalink, 'thread');
  const about = [authorOf(fix), slackDate(fix.date), thread].filter(Boolean).join(', ');
  budget.text(section, `:white_check_mark: *${FIX_LEAD}* ${slackText(collapse(fix.title))} — ${about}`);
  const body = fixText(fix.text);
  if (body) budget.text(section, clipFenced(body, o.maxText));
  if (fix.actions.length)
    budget.raw(
      buttons(
        fix.actions.map((x) => ({ id: `kb_${x.id}`, label: x.label, value: x.value, primary: x.id === 'helpful' })),
        taken,
      ),
    );
}

function fixMessage(fix: TeamFix, intro: string | undefined, o: Required<SlackOptions>): SlackMessage {
  const budget = new Budget(o, 2);
  if (intro?.trim()) budget.text(section, slackText(collapse(intro)));
  addTeamFix(budget, fix, o);
  if (budget.trimmed) budget.raw(context(mrkdwn(`_${SLACK_DEFAULTS.trimmedNote}_`)));
  return {
    text: clip(slackText(`${FIX_LEAD} ${collapse(fix.title)}`), SLACK_DEFAULTS.fallbackChars),
    blocks: budget.blocks,
  };
}

/** One line of bot text and one button under it. */
function lineWithButton(
  line: string,
  button: { id: string; label: string; value: string },
  o: Required<SlackOptions>,
): SlackMessage {
  const budget = new Budget(o, 1);
  budget.text(section, line);
  budget.raw(buttons([button]));
  return { text: clip(collapse(line), SLACK_DEFAULTS.fallbackChars), blocks: budget.blocks };
}

/** "Save @ana's fix for next time?": the author's id in the text, as `<@U…>`, becomes a mention; the rest is escaped. */
const offerText = (text: string, author: string): string =>
  SLACK_USER.test(author)
    ? text
        .split(`<@${author}>`)
        .map((part) => slackText(part))
        .join(`<@${author}>`)
    : slackText(text);

/** A past thread: when (bold), what, how it ended, and a link to it (else its channel). */
function historyLine(item: HistoryItem): string {
  const where =
    link(item.permalink, 'thread') || (SLACK_CHANNEL.test(item.conversation) ? `in <#${item.conversation}>` : '');
  const what = [`*${slackDate(item.at)}*`, slackText(collapse(item.title)), `_${slackText(collapse(item.outcome))}_`];
  return `• ${[...what, where].filter(Boolean).join(' — ')}`;
}

function historyMessage(intro: string, items: HistoryItem[], o: Required<SlackOptions>): SlackMessage {
  const budget = new Budget(o, 1);
  const heading = collapse(intro);
  if (items.length) addLines(budget, o.maxText, slackText(heading), items.map(historyLine));
  else budget.text(section, slackText(heading));
  if (budget.trimmed) budget.raw(context(mrkdwn(`_${SLACK_DEFAULTS.trimmedNote}_`)));
  return { text: clip(slackText(heading), SLACK_DEFAULTS.fallbackChars), blocks: budget.blocks };
}

function candidatesMessage(intro: string, candidates: Candidate[], o: Required<SlackOptions>): SlackMessage {
  const shown = candidates.slice(0, SLACK_DEFAULTS.candidates);
  const budget = new Budget(o, 2);
  const heading = collapse(intro) || 'Did you mean:';
  budget.text(section, slackText(heading));
  shown.forEach((c, i) => {
    const title = collapse(c.title).replace(new RegExp(`^${c.id}:\\s*`), '');
    const why = collapse(c.why) ? ` — _${slackText(collapse(c.why))}_` : '';
    budget.text(section, `${i + 1}. *${slackText(c.id)}*: ${slackText(title)}${why}`);
  });
  if (budget.trimmed) budget.raw(context(mrkdwn(`_${SLACK_DEFAULTS.trimmedNote}_`)));
  if (shown.length)
    budget.raw(buttons(shown.map((c, i) => ({ id: `kb_pick_${i + 1}`, label: `${i + 1}. ${c.id}`, value: c.id }))));
  return { text: clip(slackText(heading), SLACK_DEFAULTS.fallbackChars), blocks: budget.blocks };
}

/** Long bot text in sections of at most maxText characters, split at line ends where possible. */
function textMessage(text: string, o: Required<SlackOptions>, fallback = text): SlackMessage {
  const budget = new Budget(o, 1);
  let chunk = '';
  // Escaping can make a line up to five times longer: split giant lines first.
  const piece = Math.floor(o.maxText / 5);
  const lines = text
    .split('\n')
    .flatMap((l) => (l.length > piece ? (l.match(new RegExp(`[^]{1,${piece}}`, 'g')) ?? []) : [l]));
  for (const line of lines.map((l) => slackText(l))) {
    if (chunk && chunk.length + 1 + line.length > o.maxText) {
      if (!budget.text(section, chunk)) break;
      chunk = line;
    } else chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk.trim() && !budget.trimmed) budget.text(section, chunk);
  if (budget.trimmed) budget.raw(context(mrkdwn(`_${SLACK_DEFAULTS.trimmedNote}_`)));
  return { text: clip(slackText(collapse(fallback)), SLACK_DEFAULTS.fallbackChars), blocks: budget.blocks };
}

export function renderSlack(reply: Reply, options: SlackOptions = {}): SlackMessage {
  const o: Required<SlackOptions> = {
    maxBlocks: Math.max(5, options.maxBlocks ?? SLACK_DEFAULTS.maxBlocks),
    maxText: Math.max(200, options.maxText ?? SLACK_DEFAULTS.maxText),
    maxTotal: Math.max(500, options.maxTotal ?? SLACK_DEFAULTS.maxTotal),
  };
  switch (reply.kind) {
    case 'answer':
      return answerMessage(reply.answer, reply.intro, o, reply.teamFix);
    case 'fix':
      return fixMessage(reply.fix, reply.intro, o);
    case 'saved':
      return lineWithButton(
        slackText(collapse(reply.text)),
        { id: 'kb_undo_fix', label: 'Undo', value: reply.fixId },
        o,
      );
    case 'offer_save':
      return lineWithButton(
        offerText(collapse(reply.text), reply.author),
        { id: 'kb_save_fix', label: 'Save as fix', value: reply.messageId },
        o,
      );
    case 'history':
      return historyMessage(reply.intro, reply.items, o);
    case 'ack':
      return textMessage(reply.text, o);
    case 'suggestions':
      return candidatesMessage(reply.intro, reply.candidates, o);
    case 'no_match':
      return textMessage(noMatchLines(reply).join('\n'), o, reply.text);
    case 'text':
      return textMessage(reply.text, o);
  }
}
