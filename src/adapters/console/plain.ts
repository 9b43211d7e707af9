/**
 * The console renderer: a reply as plain text for a terminal, readable in `width` columns.
 *
 * An answer reads:
 *
 *     Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002
 *     Matched: error text "…" (confidence 0.98)
 *     Close call: Q235418 XADM: Cannot Apply Service Pack on KM Server also matches — say "the other one"
 *     Microsoft Exchange Server, version 5.5 | 2001-08-23
 *
 *     Symptoms:
 *       An error message occurs when you try to apply …
 *
 *     Warning: Back up the registry before you edit it: …
 *
 *     Fix:
 *       To resolve this issue, remove the KMS component and apply it again. If …
 *       1. Stop KMS.
 *       2. Start Registry Editor (Regedt32.exe).
 *
 *     Registry keys:            (only keys the steps shown do not name)
 *       HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Exchange\KMServer
 *
 *     See also: Q235418 (XADM: Cannot Apply Service Pack on KM Server)
 *     Article: https://support.microsoft.com/kb/290226
 *
 * When the team saved a fix for the error, it comes first, then the article as above:
 *
 *     Your team fixed this before: KMS service won't start after SP3 (fix-12)
 *       — Ana Lopez, 2026-12-05
 *       Fixed it by restarting the KM service and re-running update.exe
 *       Thread: https://acme.slack.com/archives/C123/p1733390100000200
 *
 * "Has anyone seen this before?" lists past threads, one a line with where to find it under it:
 *
 *     2 earlier threads with this error:
 *       2026-12-05  fixed: KMS service won't start after SP3 (fix-12)
 *                   https://acme.slack.com/archives/C123/p1733390100000200
 *       2026-11-30  Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 … — Q290226 helped
 *                   in C456, thread 1733000000.000100
 *
 * The console has no buttons: where chat shows Undo or Save as fix, it says what to type instead
 * (CONSOLE_HINTS). Acknowledgements are their text.
 *
 * Prose and steps wrap at the width with hanging indents; a token longer than a line (a long
 * registry key) is kept whole on a line of its own, and a code span is never broken. Code is
 * shown as it is (cyan with colour). Without colour the output has no escape codes at all: KB
 * text has its control characters removed.
 */
import type {
  ArticleAnswer,
  Candidate,
  CodeBlock,
  HistoryItem,
  Reply,
  Rich,
  StepDetail,
  TeamFix,
} from '../../bot/reply.js';
import { ITEM_MARKER } from '../../bot/step-parts.js';
import { collapse, confidenceOf, mentionsAsText, stripControl } from '../../bot/render/escape.js';
import {
  appliesToOf,
  closeCallText,
  docParagraphsOf,
  outline,
  relatedLabel,
  type Paragraph,
  type Part,
} from '../../bot/render/outline.js';

export interface PlainOptions {
  /** Columns to wrap at. */
  width?: number;
  /** ANSI colours: bold title, dim meta, cyan code, yellow warning. */
  color?: boolean;
}

export const PLAIN_DEFAULTS = {
  width: 80,
  color: false,
  /** Narrowest width honoured; anything smaller is read as this. */
  minWidth: 20,
} as const;

/**
 * What the console says where Slack and Teams show a button: the console has none, so it names
 * what to type instead (the same command the bot reads in any chat, or the CLI).
 */
export const CONSOLE_HINTS = {
  /** Under "Saved as a team fix": chat's Undo button is not here; the CLI removes a fix. */
  removeFix: (fixId: string): string => `(to remove it: npx kbbot fixes delete ${fixId})`,
  /** Under "Save …'s fix for next time?": chat's Save as fix button is not here. */
  saveFix: '(to keep it, type: save fix)',
  /** A history reply with nothing in it and no intro. */
  noHistory: 'No earlier thread with this error.',
} as const;

const ANSI = { bold: '\x1b[1m', dim: '\x1b[2m', cyan: '\x1b[36m', yellow: '\x1b[33m', reset: '\x1b[0m' } as const;
type Style = keyof typeof ANSI | null;

/** A piece of a word: words are built of pieces so a code span inside "(Regedt32.exe)." keeps its colour. */
interface Piece {
  text: string;
  style: Style;
}
type Word = Piece[];

interface Ctx {
  width: number;
  color: boolean;
}

const paint = (ctx: Ctx, style: Style, text: string): string =>
  ctx.color && style && text ? `${ANSI[style]}${text}${ANSI.reset}` : text;
const lengthOf = (word: Word): number => word.reduce((n, p) => n + p.text.length, 0);

/** A step's item as its marker ("- ", "a. ") and the rest, so the marker starts its line. */
function splitMarker(item: Rich): { marker: string; body: Rich } {
  const [first, ...rest] = item;
  const marker = ITEM_MARKER.exec(first?.text ?? '')?.[0] ?? '';
  return marker && first
    ? { marker, body: [{ ...first, text: first.text.slice(marker.length) }, ...rest] }
    : { marker: '', body: item };
}

/** Rich text to words: prose splits at whitespace, a code span is one unbreakable piece. */
function wordsOf(rich: Rich, style: Style = null): Word[] {
  const words: Word[] = [];
  let current: Word = [];
  const flush = (): void => {
    if (current.length) words.push(current);
    current = [];
  };
  for (const span of rich) {
    const text = stripControl(span.text);
    if (span.code) {
      if (text.trim()) current.push({ text: collapse(text), style: 'cyan' });
      continue;
    }
    const parts = text.split(/\s+/);
    parts.forEach((part, i) => {
      if (i > 0) flush();
      if (part) current.push({ text: part, style });
    });
  }
  flush();
  return words;
}

/** Greedy wrap; `first` and `rest` are the indents of the first and following lines. */
function wrap(ctx: Ctx, words: Word[], first: string, rest: string = first): string[] {
  const lines: string[] = [];
  let line = first;
  let used = first.length;
  let empty = true;
  for (const word of words) {
    const len = lengthOf(word);
    if (!empty && used + 1 + len > ctx.width) {
      lines.push(line);
      line = rest;
      used = rest.length;
      empty = true;
    }
    const text = word.map((p) => paint(ctx, p.style, p.text)).join('');
    line += (empty ? '' : ' ') + text;
    used += (empty ? 0 : 1) + len;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

const prose = (text: string, style: Style = null): Word[] => wordsOf([{ text }], style);

function heading(ctx: Ctx, text: string): string {
  return paint(ctx, 'bold', `${text}:`);
}

/** Code lines as they are (never wrapped: a command must copy as written), indented; tabs as four spaces. */
function codeLines(ctx: Ctx, code: CodeBlock, indent: string): string[] {
  return stripControl(code.text.replace(/\t/g, '    '))
    .split('\n')
    .map((l) => paint(ctx, 'cyan', `${indent}${l}`.trimEnd()));
}

/** A list item: its marker ("-", "1.", "a.") then its text hanging after it, two more spaces a level. */
function itemLines(ctx: Ctx, indent: string, depth: number, marker: string, text: Rich): string[] {
  const lead = `${indent}${'  '.repeat(depth)}${stripControl(marker)} `;
  return wrap(ctx, wordsOf(text), lead, ' '.repeat(lead.length));
}

/** A team document's paragraph: code indented as it is, a list an item a line, a sub-heading bold, prose with inline code. */
function docParagraphLines(ctx: Ctx, p: Paragraph): string[] | undefined {
  if (p.code) return codeLines(ctx, p.code, '    ');
  if (p.list) return p.list.flatMap((it) => itemLines(ctx, '  ', it.depth, it.marker, it.text));
  if (p.heading) return wrap(ctx, wordsOf(p.rich ?? [{ text: p.text }], 'bold'), '  ');
  if (p.rich) return wrap(ctx, wordsOf(p.rich), '  ');
  return undefined;
}

/** A team document's step details under a step, at the step's text indent. */
function detailLines(ctx: Ctx, details: StepDetail[], indent: string): string[] {
  return details.flatMap((d) =>
    d.kind === 'code'
      ? codeLines(ctx, d.code, `${indent}  `)
      : d.kind === 'item'
        ? itemLines(ctx, indent, d.depth, d.marker, d.text)
        : wrap(ctx, wordsOf(d.text), indent),
  );
}

function partLines(ctx: Ctx, part: Part): string[] {
  switch (part.kind) {
    case 'text': {
      const lines = [heading(ctx, part.heading)];
      part.paragraphs.forEach((p, i) => {
        if (i > 0) lines.push('');
        const doc = docParagraphLines(ctx, p);
        if (doc) lines.push(...doc);
        else if (p.quoted) for (const l of p.text.split('\n')) lines.push(...wrap(ctx, prose(l), '    '));
        else {
          const marker = /^(\d+[.)]|[-•])\s/.exec(p.text)?.[1];
          lines.push(...wrap(ctx, prose(p.text), '  ', ' '.repeat(2 + (marker ? marker.length + 1 : 0))));
        }
      });
      return lines;
    }
    case 'warning':
      return wrap(ctx, [[{ text: 'Warning:', style: 'yellow' }], ...prose(part.text)], '', '  ');
    case 'steps': {
      const digits = String(part.steps.length).length;
      const lines = [heading(ctx, part.heading)];
      // The fix in the article's own words, then its steps.
      for (const p of part.lead ?? []) lines.push(...(docParagraphLines(ctx, p) ?? wrap(ctx, prose(p.text), '  ')));
      part.steps.forEach((step, i) => {
        const number = `${String(i + 1).padStart(digits)}. `;
        const indent = ' '.repeat(2 + number.length);
        lines.push(...wrap(ctx, wordsOf(step.text), `  ${number}`, indent));
        // Each listed item on its own line, its text hanging after its marker ("- ", "a. ").
        for (const item of step.items) {
          const { marker, body } = splitMarker(item);
          lines.push(...wrap(ctx, wordsOf(body), indent + marker, indent + ' '.repeat(marker.length)));
        }
        lines.push(...detailLines(ctx, step.details ?? [], indent));
      });
      return lines;
    }
    case 'no_fix':
      return wrap(ctx, [[{ text: 'No fix:', style: 'bold' }], ...prose(part.text)], '', '  ');
    case 'list':
      return [heading(ctx, part.heading), ...part.items.flatMap((item) => wrap(ctx, wordsOf(item), '  ', '    '))];
    case 'related':
      return wrap(
        ctx,
        [[{ text: 'See also:', style: 'bold' }], ...prose(part.items.map(relatedLabel).join(', '))],
        '',
        '  ',
      );
  }
}

function answerLines(ctx: Ctx, a: ArticleAnswer, intro: string | undefined): string[] {
  const lines: string[] = [];
  if (intro?.trim()) lines.push(...wrap(ctx, prose(intro), ''), '');
  // A team document is titled by its title alone: its id is a path, shown on the Article line.
  const title =
    a.format === 'doc'
      ? prose(a.title, 'bold')
      : [[{ text: `${a.id}:`, style: 'bold' as const }], ...prose(a.title, 'bold')];
  lines.push(...wrap(ctx, title, '', '  '));
  const why = collapse(a.why);
  const sure = a.confidence === undefined ? '' : `(confidence ${confidenceOf(a.confidence)})`;
  const matched = [why ? `Matched: ${why}` : '', sure].filter(Boolean).join(' ');
  if (matched) lines.push(...wrap(ctx, prose(matched, 'dim'), '', '  '));
  const close = closeCallText(a);
  if (close) lines.push(...wrap(ctx, prose(close), '', '  '));
  const meta = [a.source ? `Source: ${a.source}` : null, appliesToOf(a), a.date].filter((m): m is string => Boolean(m));
  if (meta.length && a.view !== 'steps') lines.push(...wrap(ctx, prose(meta.join(' | '), 'dim'), '', '  '));
  for (const part of outline(a)) lines.push('', ...partLines(ctx, part));
  // A team document without a link: its id (a path), never a made-up link.
  lines.push('', ...wrap(ctx, [[{ text: 'Article:', style: 'bold' }], ...prose(a.url ?? a.id)], '', '  '));
  return lines;
}

/** "Your team fixed this before: <title> (fix-12)", "— <author>, <date>" under it, the fix as written, then "Thread: <link>". */
function teamFixLines(ctx: Ctx, fix: TeamFix): string[] {
  const author = collapse(stripControl(fix.authorName ?? '')) || collapse(stripControl(fix.author)) || 'someone';
  const head = [
    [{ text: 'Your team fixed this before:', style: 'bold' as const }],
    ...prose(collapse(fix.title), 'bold'),
    ...prose(`(${fix.id})`),
  ];
  // Who and when on a line of their own, so a long title never splits a name.
  const lines = [...wrap(ctx, head, '', '  '), ...wrap(ctx, prose(`— ${author}, ${fix.date}`, 'dim'), '  ', '    ')];
  docParagraphsOf(stripControl(fix.text)).forEach((p, i) => {
    if (i > 0) lines.push('');
    lines.push(...(docParagraphLines(ctx, p) ?? wrap(ctx, prose(p.text), '  ')));
  });
  // The thread it came from, last, as an answer ends with its article's link.
  if (fix.permalink?.trim())
    lines.push(...wrap(ctx, [[{ text: 'Thread:', style: 'bold' }], ...prose(fix.permalink)], '  ', '    '));
  return lines;
}

/** A history item's date: the UTC day ("2026-12-05"). */
const dayOf = (at: number): string => (Number.isFinite(at) ? new Date(at).toISOString().slice(0, 10) : '????-??-??');

/**
 * One past thread: "2026-12-05  <title> — <outcome>", then where it is (its link, else its channel
 * and thread), hanging under the title. A title the outcome already says is not said twice.
 */
function historyLines(ctx: Ctx, item: HistoryItem): string[] {
  const title = collapse(stripControl(item.title));
  const outcome = collapse(stripControl(item.outcome));
  const id = item.fixId ? ` (${item.fixId})` : '';
  const said =
    outcome === `fixed: ${title}`
      ? `fixed: ${title}${id}`
      : outcome === title || !title
        ? `${outcome}${id}`
        : `${title}${id} — ${outcome}`;
  const lead = `  ${dayOf(item.at)}  `;
  const hang = ' '.repeat(lead.length);
  const where = item.permalink
    ? item.permalink
    : item.conversation === item.thread
      ? `in ${item.conversation}`
      : `in ${item.conversation}, thread ${item.thread}`;
  return [...wrap(ctx, prose(said), lead, hang), ...wrap(ctx, prose(where, 'dim'), hang)];
}

function candidateLines(ctx: Ctx, candidates: Candidate[]): string[] {
  const digits = String(candidates.length).length;
  return candidates.flatMap((c, i) => {
    const number = `${String(i + 1).padStart(digits)}. `;
    const why = collapse(c.why);
    const words = [
      [{ text: `${c.id}:`, style: 'bold' as const }],
      ...prose(collapse(c.title).replace(new RegExp(`^${c.id}:\\s*`), '')),
      ...(why ? prose(`(${why})`, 'dim') : []),
    ];
    return wrap(ctx, words, `  ${number}`, ' '.repeat(2 + number.length));
  });
}

/** The reply as console text; lines end without trailing spaces, no final newline. */
export function renderPlain(reply: Reply, options: PlainOptions = {}): string {
  const ctx: Ctx = {
    width: Math.max(PLAIN_DEFAULTS.minWidth, Math.floor(options.width ?? PLAIN_DEFAULTS.width)),
    color: options.color ?? PLAIN_DEFAULTS.color,
  };
  switch (reply.kind) {
    case 'answer': {
      if (!reply.teamFix) return answerLines(ctx, reply.answer, reply.intro).join('\n');
      // The team's fix first, then the article as it always reads.
      const intro = reply.intro?.trim() ? [...wrap(ctx, prose(reply.intro), ''), ''] : [];
      return [...intro, ...teamFixLines(ctx, reply.teamFix), '', ...answerLines(ctx, reply.answer, undefined)].join(
        '\n',
      );
    }
    case 'fix': {
      const intro = reply.intro?.trim() ? [...wrap(ctx, prose(reply.intro), ''), ''] : [];
      return [...intro, ...teamFixLines(ctx, reply.fix)].join('\n');
    }
    case 'saved':
      return [
        ...wrap(ctx, prose(mentionsAsText(reply.text)), '', '  '),
        CONSOLE_HINTS.removeFix(stripControl(reply.fixId)),
      ].join('\n');
    case 'ack':
      return wrap(ctx, prose(mentionsAsText(reply.text)), '', '  ').join('\n');
    case 'offer_save':
      return [...wrap(ctx, prose(mentionsAsText(reply.text)), '', '  '), CONSOLE_HINTS.saveFix].join('\n');
    case 'history': {
      const intro = collapse(stripControl(reply.intro));
      if (!reply.items.length) return wrap(ctx, prose(intro || CONSOLE_HINTS.noHistory), '').join('\n');
      return [...(intro ? wrap(ctx, prose(intro), '') : []), ...reply.items.flatMap((i) => historyLines(ctx, i))].join(
        '\n',
      );
    }
    case 'suggestions': {
      const intro = collapse(stripControl(reply.intro));
      return [...wrap(ctx, prose(intro || 'Did you mean:'), ''), ...candidateLines(ctx, reply.candidates)].join('\n');
    }
    case 'no_match':
      return [
        ...wrap(ctx, prose(reply.text), ''),
        ...reply.hints.flatMap((h) => wrap(ctx, prose(h), '  - ', '    ')),
      ].join('\n');
    case 'text':
      return stripControl(reply.text);
  }
}
