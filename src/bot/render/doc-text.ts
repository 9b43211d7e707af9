/**
 * A team document's section and step text, as the document parser writes it (src/kb/parse/doc):
 *
 * - paragraphs separated by a blank line;
 * - list items one per line ("- item", "1. item", "a. item"), nested items indented two spaces;
 * - fenced code on lines of its own ("```bash" … "```"), kept exactly;
 * - inline code in backticks ("run `oc get pods`").
 *
 * This reads that normalised format back into blocks for the renderers. It is not a Markdown parser:
 * the Markdown was parsed (with mdast) before the text was written.
 */
import type { Rich } from '../reply.js';

/** One item of a list: how deep it is nested (0: top), its marker ("-", "1.", "a.") and its text. */
export interface DocItem {
  depth: number;
  marker: string;
  text: string;
}

export type DocBlock =
  | { kind: 'para'; text: string }
  /** A sub-heading inside a section ("### CLI Checks"), shown as a label. */
  | { kind: 'heading'; text: string }
  | { kind: 'list'; items: DocItem[] }
  /** A fenced block: `text` is its lines as they are, without the fences. */
  | { kind: 'code'; lang: string | null; text: string };

/** Spaces per level of list nesting. */
export const DOC_INDENT = 2;

/** An opening fence: indent, three or more backticks or tildes, an info string whose first word is the language. */
const FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
/** A list item line: indent, marker, text. */
const ITEM = /^([ \t]*)([-*+•]|\d{1,3}[.)]|[a-z][.)])[ \t]+(\S.*)$/;
/** A sub-heading line the parser may leave inside a section. */
const HEADING = /^#{1,6}[ \t]+(\S.*?)[ \t#]*$/;

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The blocks of `text`, in order. A fence left open runs to the end (its text is still shown as code). */
export function docBlocks(text: string): DocBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: DocBlock[] = [];
  let para: string[] = [];
  let list: DocItem[] | null = null;
  const flush = (): void => {
    if (para.length) blocks.push({ kind: 'para', text: collapse(para.join(' ')) });
    if (list?.length) blocks.push({ kind: 'list', items: list });
    para = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const indent = (fence[1] ?? '').length;
      const mark = fence[2] ?? '```';
      const body: string[] = [];
      for (i++; i < lines.length; i++) {
        const l = lines[i] ?? '';
        const close = l.trim();
        if (close.startsWith(mark) && close.replace(new RegExp(`^\\${mark[0]}+`), '') === '') break;
        body.push(l.slice(Math.min(indent, /^[ \t]*/.exec(l)?.[0].length ?? 0)));
      }
      blocks.push({ kind: 'code', lang: fence[3] ? fence[3].toLowerCase() : null, text: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading && !list && !para.length) {
      blocks.push({ kind: 'heading', text: collapse(heading[1] ?? '') });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      if (para.length) flush();
      list ??= [];
      const indent = (item[1] ?? '').replace(/\t/g, '  ').length;
      list.push({ depth: Math.floor(indent / DOC_INDENT), marker: item[2] ?? '-', text: collapse(item[3] ?? '') });
      continue;
    }
    if (list) {
      // A line under an item that is not an item itself continues it.
      const last = list[list.length - 1];
      if (last) last.text = collapse(`${last.text} ${line}`);
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}

/**
 * Text with its inline code marked: a run of backticks opens a code span that the next run of the
 * same length closes (one space inside each end dropped, as CommonMark does); an unmatched run is
 * text. `mark` marks the prose between code spans further (registry keys, paths).
 */
export function inlineCode(text: string, mark: (prose: string) => Rich = (t) => [{ text: t }]): Rich {
  const out: Rich = [];
  let prose = '';
  const push = (): void => {
    if (prose) out.push(...mark(prose));
    prose = '';
  };
  let at = 0;
  while (at < text.length) {
    const open = /`+/.exec(text.slice(at));
    if (!open) break;
    const start = at + open.index;
    const run = open[0];
    const close = new RegExp(`(?<!\`)${run}(?!\`)`).exec(text.slice(start + run.length));
    if (!close) {
      prose += text.slice(at, start + run.length);
      at = start + run.length;
      continue;
    }
    prose += text.slice(at, start);
    push();
    let code = text.slice(start + run.length, start + run.length + close.index);
    if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
    out.push({ text: code, code: true });
    at = start + run.length + close.index + run.length;
  }
  prose += text.slice(at);
  push();
  return out.length ? out : [{ text: '' }];
}

/** Blocks back to the text format (for a shortened section). */
export function docText(blocks: readonly DocBlock[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'para':
          return b.text;
        case 'heading':
          return `### ${b.text}`;
        case 'list':
          return b.items.map((it) => `${' '.repeat(it.depth * DOC_INDENT)}${it.marker} ${it.text}`).join('\n');
        case 'code': {
          const fence = '`'.repeat(Math.max(3, ...[...b.text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
          return `${fence}${b.lang ?? ''}\n${b.text}\n${fence}`;
        }
      }
    })
    .join('\n\n');
}

/** The text of a block as one line (for measuring). */
export const blockChars = (b: DocBlock): number =>
  b.kind === 'list' ? b.items.reduce((n, it) => n + it.text.length + 3, 0) : b.text.length;

export const DOC_SHORT = {
  /** Lines of a code block kept in a shortened section; the rest is cut with "…". */
  codeLines: 8,
  /** Code blocks kept in a shortened section ("its first commands"). */
  codeBlocks: 2,
  /** List items kept in a shortened section. */
  items: 6,
} as const;

/**
 * A section cut for the summary view: whole blocks while they fit in `max` characters of prose,
 * the first paragraph that does not fit cut at a word with "...", and at most a few code blocks
 * of a few lines each. A fence is never left open: a cut code block keeps both fences.
 */
export function shortenDoc(text: string, max: number): string {
  const kept: DocBlock[] = [];
  let used = 0;
  let code = 0;
  for (const b of docBlocks(text)) {
    if (b.kind === 'code') {
      if (code >= DOC_SHORT.codeBlocks) {
        // The line introducing a command not shown ("Check the consumption:") goes with it.
        const last = kept[kept.length - 1];
        if (last?.kind === 'para' && last.text.endsWith(':')) kept.pop();
        break;
      }
      code++;
      const lines = b.text.split('\n');
      kept.push(
        lines.length > DOC_SHORT.codeLines
          ? { ...b, text: [...lines.slice(0, DOC_SHORT.codeLines), '…'].join('\n') }
          : b,
      );
      continue;
    }
    const left = max - used;
    if (left < Math.min(40, blockChars(b))) {
      if (kept.length === 0) kept.push(cutBlock(b, max));
      else if (kept.at(-1)?.kind !== 'code') markCut(kept);
      break;
    }
    if (blockChars(b) > left) {
      kept.push(cutBlock(b, left));
      break;
    }
    kept.push(b);
    used += blockChars(b);
  }
  return docText(kept);
}

/** Cut a prose block to about `max` characters. */
function cutBlock(b: DocBlock, max: number): DocBlock {
  if (b.kind === 'para' || b.kind === 'heading') return { ...b, text: cutWords(b.text, max) };
  if (b.kind === 'list') {
    const items: DocItem[] = [];
    let used = 0;
    for (const it of b.items.slice(0, DOC_SHORT.items)) {
      if (used + it.text.length + 3 > max) {
        if (!items.length) items.push({ ...it, text: cutWords(it.text, max) });
        break;
      }
      items.push(it);
      used += it.text.length + 3;
    }
    if (items.length < b.items.length) {
      const last = items[items.length - 1];
      if (last && !last.text.endsWith('...')) last.text = `${last.text.replace(/[\s,;:.]+$/, '')}...`;
    }
    return { ...b, items };
  }
  return b;
}

/** Mark the last kept prose block as cut. */
function markCut(kept: DocBlock[]): void {
  const last = kept[kept.length - 1];
  if (last?.kind === 'para' && !last.text.endsWith('...')) last.text = `${last.text.replace(/[\s,;:.]+$/, '')}...`;
}

/** Cut at a word boundary near `max` characters, with "..." when cut; never inside a code span. */
function cutWords(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.6) cut = cut.slice(0, space);
  // An odd number of backticks would leave a code span open: cut before the last one.
  const ticks = cut.match(/`/g)?.length ?? 0;
  if (ticks % 2) cut = cut.slice(0, cut.lastIndexOf('`'));
  return `${cut.replace(/[\s,;:.]+$/, '')}...`;
}
