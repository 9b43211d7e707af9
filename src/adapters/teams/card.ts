/**
 * The Teams renderer: a reply as an Adaptive Card 1.5 (a plain object; the Teams adapter wraps it
 * in an attachment).
 *
 * An answer: the id and title as a heading, why it matched, a "Close call: …" line when another
 * article matched almost as well, a FactSet (applies to, product, date,
 * confidence), a heading and text per part, the registry warning in warning colour before the
 * fix, the fix in the article's own words, then each step as a RichTextBlock ("1." bold, registry keys and paths as monospace TextRuns:
 * TextBlock markdown has no inline code), registry keys and files in monospace, related articles,
 * then `Action.Submit` buttons with `data: { kbAction, id }` (helpful, not_it, other_matches,
 * full_article, share) and an `Action.OpenUrl` to the article.
 *
 * KB and user text in TextBlocks goes through `cardText` (no emphasis, link, list, tag or `<at>`
 * mention can come from it); TextRuns are not markdown and only get `cardInert`. The serialised
 * card stays under `maxBytes`: body items after the point where it would not fit are dropped and
 * a note says so; the actions, including the full-article one, are always kept.
 *
 * Team fixes (issue #24): an answer that leads with a fix the team saved starts with a Container in
 * the "good" style: "✅ Your team fixed this before: <title> — <author>, 5 Dec 2026, [thread](link)",
 * the fix as written (code as CodeBlocks, lists as lists), and its own Helped / Not it buttons (an
 * ActionSet carrying the fix id) and Open thread link; the article follows as usual. A fix alone
 * is that Container. "Saved as a team fix" is one line with an Undo button, the offer to save a
 * person's fix one line with a Save as fix button, a "seen before" list one entry per past thread
 * (title, how it ended, date, link), and an acknowledgement its text (bots cannot react in Teams).
 */
import type {
  AnswerAction,
  AnswerStep,
  ArticleAnswer,
  Candidate,
  CodeBlock,
  HistoryItem,
  Reply,
  Rich,
  TeamFix,
} from '../../bot/reply.js';
import {
  cardCode,
  cardInert,
  cardText,
  clip,
  collapse,
  confidenceOf,
  mentionsAsText,
} from '../../bot/render/escape.js';
import {
  answerTitle,
  closeCallText,
  docParagraphsOf,
  noMatchLines,
  openLabel,
  outline,
  relatedLabel,
  type Paragraph,
  type Part,
} from '../../bot/render/outline.js';
import { teamsThreadLink } from './links.js';

export interface CardOptions {
  /** Bytes of the serialised card (Teams rejects messages over 28 KB; this leaves room for the activity around it). */
  maxBytes?: number;
  /** Characters per TextBlock or step. */
  maxText?: number;
}

export const CARD_DEFAULTS = {
  maxBytes: 26_000,
  maxText: 4000,
  schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  /** Buttons Teams shows under a card. */
  maxActions: 6,
  candidates: 10,
  trimmedNote: '… trimmed: open the article for the rest.',
  /** Lines of one code block shown; the rest is cut with "…". */
  codeLines: 40,
  /** Past threads listed in a "seen before" card. */
  historyItems: 10,
  /** Characters of a fix's or past thread's title shown. */
  fixTitle: 300,
} as const;

/** Labels of the team-fix parts of a card. */
export const CARD_TEXTS = {
  fixLead: 'Your team fixed this before:',
  openThread: 'Open thread',
  threadLink: 'thread',
  undo: 'Undo',
  saveFix: 'Save as fix',
} as const;

/** Month names for "5 Dec 2026": the same in every locale and time zone (UTC dates). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * A fence's language as Teams' CodeBlock names it (Teams highlights only these); anything else
 * (yaml, console, promql) is shown as PlainText.
 */
export const CODE_LANGUAGES: Readonly<Record<string, string>> = {
  bash: 'Bash',
  sh: 'Bash',
  shell: 'Bash',
  zsh: 'Bash',
  console: 'Bash',
  powershell: 'PowerShell',
  ps: 'PowerShell',
  ps1: 'PowerShell',
  pwsh: 'PowerShell',
  cmd: 'DOS',
  bat: 'DOS',
  batch: 'DOS',
  c: 'C',
  cpp: 'C++',
  'c++': 'C++',
  cs: 'C#',
  csharp: 'C#',
  css: 'CSS',
  go: 'Go',
  graphql: 'GraphQL',
  html: 'HTML',
  java: 'Java',
  js: 'JavaScript',
  javascript: 'JavaScript',
  json: 'JSON',
  perl: 'Perl',
  php: 'PHP',
  py: 'Python',
  python: 'Python',
  sql: 'SQL',
  ts: 'TypeScript',
  typescript: 'TypeScript',
  vb: 'Visual Basic',
  xml: 'XML',
};

export type CardElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  fallbackText?: string;
  msteams?: { width: 'Full' };
  body: CardElement[];
  actions: CardElement[];
}

const text = (value: string, extra: CardElement = {}): CardElement => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});
const headingBlock = (value: string): CardElement => text(value, { weight: 'Bolder', spacing: 'Medium' });
const run = (value: string, extra: CardElement = {}): CardElement => ({
  type: 'TextRun',
  text: cardInert(value),
  ...extra,
});

/** Spans cut to `max` characters in total, the last one with an ellipsis. */
function clipRich(rich: Rich, max: number): Rich {
  const out: Rich = [];
  let left = max;
  for (const span of rich) {
    if (left <= 1) break;
    const t = clip(span.text, left);
    out.push({ ...span, text: t });
    left -= t.length;
    if (t !== span.text) break;
  }
  return out;
}

const richBlock = (rich: Rich, max: number, lead: CardElement[] = [], extra: CardElement = {}): CardElement => ({
  type: 'RichTextBlock',
  inlines: [
    ...lead,
    ...clipRich(rich, max).map((s) => (s.code ? run(collapse(s.text), { fontType: 'Monospace' }) : run(s.text))),
  ],
  ...extra,
});

/** Code cut to `max` characters and CARD_DEFAULTS.codeLines lines, "…" on a line of its own when cut. */
function clipCode(code: string, max: number): string {
  let out = code.split('\n').slice(0, CARD_DEFAULTS.codeLines).join('\n');
  if (out.length > max) {
    out = out.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
    // Whole lines where there are several; a single long line is cut where it has to be.
    const nl = out.lastIndexOf('\n');
    if (nl > 0) out = out.slice(0, nl);
  }
  return out === code ? code : `${out}\n…`;
}

/**
 * A code block: Teams' CodeBlock element (monospace, highlighted, copyable), falling back to a
 * monospace TextBlock where a client does not know it. The code is not markdown in the CodeBlock
 * and is escaped like all KB text in the fallback.
 */
function codeElement(code: CodeBlock, max: number, extra: CardElement = {}): CardElement {
  const snippet = clipCode(code.text.replace(/\t/g, '    '), max);
  return {
    type: 'CodeBlock',
    codeSnippet: cardCode(snippet),
    language: CODE_LANGUAGES[code.lang ?? ''] ?? 'PlainText',
    fallback: text(cardText(snippet), { fontType: 'Monospace' }),
    ...extra,
  };
}

/** Lead runs of a list line: an em space per level and the marker ("•" for a bullet). */
const itemLead = (depth: number, marker: string): CardElement[] => [
  run('\u2003'.repeat(depth + 1)),
  run(/^[-*+•]$/.test(marker) ? '• ' : `${marker} `),
];

/** A section paragraph: archive text as before; a team document's code as a CodeBlock, lists one RichTextBlock an item, inline code monospace. */
function paragraphElements(p: Paragraph, max: number): CardElement[] {
  if (p.code) return [codeElement(p.code, max, { spacing: 'Small' })];
  if (p.list) return p.list.map((it) => richBlock(it.text, max, itemLead(it.depth, it.marker), { spacing: 'None' }));
  if (p.heading) return [text(cardText(clip(p.text, max)), { weight: 'Bolder', spacing: 'Small' })];
  if (p.rich) return [richBlock(p.rich, max)];
  return p.quoted
    ? p.text
        .split('\n')
        .map((l, i) => text(cardText(clip(l, max)), { fontType: 'Monospace', spacing: i ? 'None' : 'Small' }))
    : [text(cardText(clip(p.text, max)))];
}

/** A team document's step details: items (nested), paragraphs and code blocks, in order. */
function detailElements(s: AnswerStep, max: number): CardElement[] {
  return (s.details ?? []).map((d) =>
    d.kind === 'code'
      ? codeElement(d.code, max, { spacing: 'Small' })
      : d.kind === 'item'
        ? richBlock(d.text, max, itemLead(d.depth, d.marker), { spacing: 'None' })
        : richBlock(d.text, max, [run('\u2003')], { spacing: 'None' }),
  );
}

function partElements(part: Part, max: number): CardElement[] {
  switch (part.kind) {
    case 'text':
      return [headingBlock(cardText(part.heading)), ...part.paragraphs.flatMap((p) => paragraphElements(p, max))];
    case 'warning':
      return [text(`⚠ **Warning:** ${cardText(clip(part.text, max))}`, { color: 'Warning', spacing: 'Medium' })];
    case 'steps':
      return [
        headingBlock(cardText(part.heading)),
        // The fix in the article's own words, then its steps.
        ...(part.lead ?? []).flatMap((p) => paragraphElements(p, max)),
        ...part.steps.flatMap((s, i) => [
          richBlock(s.text, max, [run(`${i + 1}. `, { weight: 'Bolder' })], { spacing: 'Small' }),
          ...s.items.map((item) => richBlock(item, max, [run('\u2003')], { spacing: 'None' })),
          ...detailElements(s, max),
        ]),
      ];
    case 'no_fix':
      return [text(`**No fix:** ${cardText(clip(part.text, max))}`, { spacing: 'Medium' })];
    case 'list':
      return [
        headingBlock(cardText(part.heading)),
        ...part.items.map((item) => richBlock(item, max, [], { spacing: 'None' })),
      ];
    case 'related':
      return [
        text(`**See also:** ${cardText(clip(part.items.map(relatedLabel).join(', '), max))}`, {
          isSubtle: true,
          spacing: 'Medium',
        }),
      ];
  }
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The card with as much of `body` as fits in maxBytes: `fixed` items always, the rest in order until one does not fit. */
function fit(
  shell: Omit<AdaptiveCard, 'body'>,
  fixed: CardElement[],
  rest: CardElement[],
  maxBytes: number,
): AdaptiveCard {
  const note = text(`_${CARD_DEFAULTS.trimmedNote}_`, { isSubtle: true, spacing: 'Medium' });
  const { actions, ...head } = shell;
  const card = (body: CardElement[]): AdaptiveCard => ({ ...head, body, actions });
  let used = bytes(card(fixed)) + bytes(note) + 1;
  const body = [...fixed];
  for (const el of rest) {
    const size = bytes(el) + 1;
    if (used + size > maxBytes) return card([...body, note]);
    used += size;
    body.push(el);
  }
  return card(body);
}

const shellOf = (fallback: string, actions: CardElement[]): Omit<AdaptiveCard, 'body'> => ({
  type: 'AdaptiveCard',
  $schema: CARD_DEFAULTS.schema,
  version: CARD_DEFAULTS.version,
  fallbackText: cardText(clip(collapse(fallback), 300)),
  msteams: { width: 'Full' },
  actions,
});

/** "2026-12-05" → "5 Dec 2026"; anything else as it is. */
export function dayOf(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : date;
}

/** The latest time a JavaScript Date can hold (ms since the epoch); beyond it toISOString throws. */
const MAX_TIME_MS = 8.64e15;

/** Milliseconds since the epoch as "5 Dec 2026" (UTC); '' when not a time. */
const dayAt = (ms: number): string =>
  Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS ? dayOf(new Date(ms).toISOString()) : '';

/**
 * A link target for markdown and Action.OpenUrl: http(s) only, no spaces, brackets or quotes
 * that could end the markdown link early; null for anything else.
 */
export function safeUrl(url: string | null | undefined): string | null {
  const u = url?.trim() ?? '';
  if (!/^https?:\/\/[^\s"<>\\^`{|}]+$/i.test(u) || u.length > 2000) return null;
  return u.replace(/[()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Card-level or ActionSet buttons for an answer's actions: Action.Submit with `{ kbAction, id }`. */
const submitActions = (actions: readonly AnswerAction[]): CardElement[] =>
  actions.map((x) => ({ type: 'Action.Submit', title: cardInert(x.label), data: { kbAction: x.id, id: x.value } }));

/** The "Your team fixed this before" Container: the lead line, the fix as written, its buttons and thread link. */
function teamFixContainer(fix: TeamFix, o: Required<CardOptions>): CardElement {
  const who = collapse(fix.authorName ?? '') || collapse(fix.author);
  const link = safeUrl(fix.permalink);
  const facts = [cardText(clip(who, 100)), cardText(dayOf(fix.date))].filter(Boolean);
  if (link) facts.push(`[${CARD_TEXTS.threadLink}](${link})`);
  const lead = `✅ **${CARD_TEXTS.fixLead}** ${cardText(clip(collapse(fix.title), CARD_DEFAULTS.fixTitle))}${
    facts.length ? ` — ${facts.join(', ')}` : ''
  }`;
  const body = docParagraphsOf(fix.text).flatMap((p) => paragraphElements(p, o.maxText));
  const buttons = submitActions(fix.actions);
  if (link) buttons.push({ type: 'Action.OpenUrl', title: CARD_TEXTS.openThread, url: link });
  const items: CardElement[] = [text(lead), ...body];
  if (buttons.length) items.push({ type: 'ActionSet', actions: buttons.slice(0, CARD_DEFAULTS.maxActions) });
  return { type: 'Container', style: 'good', bleed: true, items };
}

/** The plain words of a team fix, for the fallback text and notifications. */
const fixSummary = (fix: TeamFix): string => `${CARD_TEXTS.fixLead} ${collapse(fix.title)}`;

function answerCard(
  a: ArticleAnswer,
  intro: string | undefined,
  o: Required<CardOptions>,
  teamFix?: TeamFix,
): AdaptiveCard {
  const fixed: CardElement[] = [];
  if (teamFix) fixed.push(teamFixContainer(teamFix, o));
  if (intro?.trim()) fixed.push(text(cardText(clip(collapse(intro), o.maxText))));
  const title = a.format === 'doc' ? collapse(answerTitle(a)) : `${a.id}: ${collapse(a.title)}`;
  fixed.push(
    text(cardText(clip(title, 300)), {
      style: 'heading',
      size: 'Medium',
      weight: 'Bolder',
      ...(teamFix ? { spacing: 'Large' } : {}),
    }),
  );
  if (collapse(a.why))
    fixed.push(
      text(`Matched: ${cardText(clip(collapse(a.why), 500))}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
    );
  const close = closeCallText(a);
  if (close) fixed.push(text(cardText(clip(close, 500)), { size: 'Small', spacing: 'None' }));
  const facts = [
    ['Source', a.source ?? ''],
    // A team document without a link: its id (a path) as text, never a made-up link.
    ['Article', a.format === 'doc' && !(a.url && /^https?:\/\//i.test(a.url)) ? a.id : ''],
    ['Applies to', a.appliesTo.map(collapse).filter(Boolean).join('; ')],
    ['Product', a.product ?? ''],
    ['Date', a.date ?? ''],
    ['Confidence', a.confidence === undefined ? '' : confidenceOf(a.confidence)],
  ].filter(([, v]) => v);
  fixed.push({ type: 'FactSet', facts: facts.map(([t, v]) => ({ title: t, value: cardText(clip(v ?? '', 500)) })) });
  const rest = outline(a).flatMap((p) => partElements(p, o.maxText));
  const actions: CardElement[] = submitActions(a.actions);
  if (a.url && /^https?:\/\//i.test(a.url))
    actions.push({ type: 'Action.OpenUrl', title: cardInert(openLabel(a)), url: a.url });
  // The full-article action is never dropped: if there are more than Teams shows, the others go first.
  const shown =
    actions.length > CARD_DEFAULTS.maxActions
      ? actions.filter((x) => (x.data as { kbAction?: string } | undefined)?.kbAction !== 'share')
      : actions;
  const fallback = teamFix ? `${fixSummary(teamFix)}. ${title}` : title;
  return fit(shellOf(fallback, shown.slice(0, CARD_DEFAULTS.maxActions)), fixed, rest, o.maxBytes);
}

/** A team fix alone (no article answered). */
function fixCard(fix: TeamFix, intro: string | undefined, o: Required<CardOptions>): AdaptiveCard {
  const fixed: CardElement[] = [];
  if (intro?.trim()) fixed.push(text(cardText(clip(collapse(intro), o.maxText))));
  fixed.push(teamFixContainer(fix, o));
  return fit(shellOf(fixSummary(fix), []), fixed, [], o.maxBytes);
}

/** One line and one button: "Saved as a team fix: … [Undo]", "Save @ana's fix for next time? [Save as fix]". */
function lineCard(line: string, button: CardElement, o: Required<CardOptions>): AdaptiveCard {
  const value = mentionsAsText(collapse(line));
  return fit(shellOf(value, [button]), [text(cardText(clip(value, o.maxText)))], [], o.maxBytes);
}

/** Past threads with the same error: title and how it ended, then the date and a link to the thread. */
function historyCard(intro: string, items: readonly HistoryItem[], o: Required<CardOptions>): AdaptiveCard {
  const heading = collapse(intro) || 'Seen before:';
  const rest = items.slice(0, CARD_DEFAULTS.historyItems).map((item, i) => {
    const link = safeUrl(item.permalink ?? teamsThreadLink(item.conversation, item.thread));
    const when = [dayAt(item.at), link ? `[${CARD_TEXTS.threadLink}](${link})` : ''].filter(Boolean).join(' · ');
    const entry = [
      text(
        `**${i + 1}. ${cardText(clip(collapse(item.title), CARD_DEFAULTS.fixTitle))}** — ${cardText(clip(collapse(item.outcome), 300))}`,
      ),
    ];
    if (when) entry.push(text(when, { isSubtle: true, size: 'Small', spacing: 'None' }));
    return { type: 'Container', items: entry, spacing: 'Medium', ...(item.kind === 'fix' ? { style: 'good' } : {}) };
  });
  return fit(shellOf(heading, []), [text(cardText(clip(heading, o.maxText)), { weight: 'Bolder' })], rest, o.maxBytes);
}

function candidatesCard(intro: string, candidates: Candidate[], o: Required<CardOptions>): AdaptiveCard {
  const shown = candidates.slice(0, CARD_DEFAULTS.candidates);
  const heading = collapse(intro) || 'Did you mean:';
  const pick = (c: Candidate): CardElement => ({
    type: 'Action.Submit',
    title: cardInert(c.id),
    data: { kbAction: 'pick', id: c.id },
  });
  const rest = shown.map((c, i) => {
    const title = collapse(c.title).replace(new RegExp(`^${c.id}:\\s*`), '');
    const items = [text(`**${i + 1}. ${cardText(c.id)}:** ${cardText(clip(title, 300))}`)];
    if (collapse(c.why))
      items.push(text(cardText(clip(collapse(c.why), 500)), { isSubtle: true, size: 'Small', spacing: 'None' }));
    return { type: 'Container', items, selectAction: pick(c), spacing: 'Medium' };
  });
  const actions = shown
    .slice(0, CARD_DEFAULTS.maxActions)
    .map((c, i) => ({ ...pick(c), title: cardInert(`${i + 1}. ${c.id}`) }));
  return fit(
    shellOf(heading, actions),
    [text(cardText(clip(heading, o.maxText)), { weight: 'Bolder' })],
    rest,
    o.maxBytes,
  );
}

function textCard(lines: string[], o: Required<CardOptions>): AdaptiveCard {
  const blocks = lines
    .filter((l) => l.trim())
    .map((l, i) => text(cardText(clip(l, o.maxText)), { spacing: i ? 'Small' : 'None' }));
  return fit(shellOf(lines.join(' '), []), blocks.slice(0, 1), blocks.slice(1), o.maxBytes);
}

export function renderAdaptiveCard(reply: Reply, options: CardOptions = {}): AdaptiveCard {
  const o: Required<CardOptions> = {
    maxBytes: Math.max(4000, options.maxBytes ?? CARD_DEFAULTS.maxBytes),
    maxText: Math.max(200, options.maxText ?? CARD_DEFAULTS.maxText),
  };
  switch (reply.kind) {
    case 'answer':
      return answerCard(reply.answer, reply.intro, o, reply.teamFix);
    case 'fix':
      return fixCard(reply.fix, reply.intro, o);
    case 'suggestions':
      return candidatesCard(reply.intro, reply.candidates, o);
    case 'no_match':
      return textCard(noMatchLines(reply), o);
    case 'text':
      return textCard(reply.text.split('\n'), o);
    case 'ack':
      // Bots cannot react to a message in Teams: the acknowledgement is said.
      return textCard(mentionsAsText(reply.text).split('\n'), o);
    case 'saved':
      return lineCard(
        reply.text,
        { type: 'Action.Submit', title: CARD_TEXTS.undo, data: { kbAction: 'undo_fix', id: reply.fixId } },
        o,
      );
    case 'offer_save':
      return lineCard(
        reply.text,
        { type: 'Action.Submit', title: CARD_TEXTS.saveFix, data: { kbAction: 'save_fix', id: reply.messageId } },
        o,
      );
    case 'history':
      return historyCard(reply.intro, reply.items, o);
  }
}
