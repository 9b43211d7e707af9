/**
 * A plain-text file as an mdast tree of the node kinds Markdown gives. Plain text has no markup, so
 * this reads the layout people type: the first line is the title (depth 1); "Heading:" lines, ALL-CAPS
 * lines and underlined lines are headings (depth 2; `---` under `===` is depth 3); blank lines part
 * paragraphs; "1." / "-" / "*" lines are lists (nested by indentation); indented blocks are code.
 * Inline text is taken literally.
 */
import type { BlockContent, Code, Heading, List, ListItem, Paragraph, Root, RootContent } from 'mdast';

/** A first line longer than this is a paragraph, not a title (the file has no title line). */
const MAX_TITLE = 200;

/** Columns of indentation that make a block code (as in Markdown), and the width of a tab stop. */
const CODE_INDENT = 4;

/** Lists nest at most this deep; deeper items join the deepest list (keeps consumers off the stack limit). */
const MAX_LIST_DEPTH = 16;

/** A "Heading:" or ALL-CAPS heading has at most this many words and characters. */
const MAX_HEADING_WORDS = 5;
const MAX_HEADING_CHARS = 60;

/**
 * First words of a line ending in ":" that introduce what follows rather than name a section
 * ("The following error is logged:", "Run this command:"): such a line stays text.
 */
const INTRO_WORDS = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'you',
  'your',
  'we',
  'i',
  'it',
  'if',
  'when',
  'then',
  'for',
  'to',
  'and',
  'or',
  'but',
  'as',
  'in',
  'on',
  'at',
  'with',
  'from',
  'by',
  'after',
  'before',
  'run',
  'type',
  'enter',
  'use',
  'see',
  'open',
  'click',
  'select',
  'execute',
  'follow',
  'do',
  'try',
  'check',
]);

interface Line {
  raw: string;
  /** Leading white space in columns, tabs to the next stop. */
  indent: number;
  /** The line without leading and trailing white space. */
  text: string;
  blank: boolean;
}

interface Marker {
  ordered: boolean;
  start: number | null;
  /** Column where the item's text starts. */
  contentIndent: number;
  text: string;
}

/** A plain-text file as mdast. Never throws. */
export function plainToMdast(text: string): Root {
  const lines = text
    .replace(/^\ufeff/, '')
    .split(/\r\n|\r|\n/)
    .map(scan);
  const children: RootContent[] = [];
  let i = 0;
  while (i < lines.length && (lines[i]!.blank || isRule(lines[i]!.text))) i++;
  const first = lines[i];
  if (first && first.text.length <= MAX_TITLE) {
    children.push(heading(1, first.text));
    i++;
    const next = lines[i];
    if (next && !next.blank && (isUnderline(next.text) || isRule(next.text))) i++;
  }
  children.push(...blocks(lines, i));
  return { type: 'root', children };
}

function scan(raw: string): Line {
  let indent = 0;
  for (const ch of raw) {
    if (ch === ' ') indent++;
    else if (ch === '\t') indent += CODE_INDENT - (indent % CODE_INDENT);
    else break;
  }
  const text = raw.trim();
  return { raw, indent, text, blank: text === '' };
}

function heading(depth: Heading['depth'], text: string): Heading {
  return { type: 'heading', depth, children: [{ type: 'text', value: text }] };
}

function paragraph(lines: Line[]): Paragraph {
  return { type: 'paragraph', children: [{ type: 'text', value: lines.map((l) => l.text).join('\n') }] };
}

/** The body: blocks from line `start` to the end. */
function blocks(lines: Line[], start: number): BlockContent[] {
  const out: BlockContent[] = [];
  const dashed: Heading[] = [];
  let doubled = false;
  let i = start;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.blank) {
      i++;
      continue;
    }
    const h = headingAt(lines, i, true);
    if (h) {
      const node = heading(2, h.label);
      if (h.style === '-') dashed.push(node);
      if (h.style === '=') doubled = true;
      out.push(node);
      i = h.next;
    } else if (line.indent >= CODE_INDENT) {
      const c = codeAt(lines, i, CODE_INDENT);
      out.push(c.code);
      i = c.next;
    } else if (isRule(line.text)) {
      out.push({ type: 'thematicBreak' });
      i++;
    } else if (marker(line)) {
      const l = listAt(lines, i);
      out.push(l.list);
      i = l.next;
    } else {
      const taken: Line[] = [line];
      let j = i + 1;
      while (j < lines.length && !endsParagraph(lines, j, line.indent)) taken.push(lines[j++]!);
      out.push(paragraph(taken));
      i = j;
    }
  }
  // `---` underlines a subsection where `===` underlines the sections (Markdown's h1/h2), else a section.
  if (doubled) for (const h of dashed) h.depth = 3;
  return out;
}

/** Whether line `j` does not continue the paragraph above it (whose first line is indented `indent`). */
function endsParagraph(lines: Line[], j: number, indent: number): boolean {
  const line = lines[j]!;
  return (
    line.blank ||
    isRule(line.text) ||
    marker(line) !== null ||
    line.indent >= indent + CODE_INDENT ||
    headingAt(lines, j, false) !== null
  );
}

/** How a heading is written: underlined with `=` or `-`, a "Heading:" line, an ALL-CAPS line. */
type HeadingStyle = '=' | '-' | ':' | 'caps';

/**
 * A heading at line `i`: a line underlined with `===` or `---`, a short "Heading:" line (where a block
 * starts or after a sentence), or, where a block starts, a short ALL-CAPS line. The title is the only
 * depth-1 heading; these are depth 2, but for `---` underlines in a file that also has `===` ones (3).
 */
function headingAt(
  lines: Line[],
  i: number,
  blockStart: boolean,
): { label: string; style: HeadingStyle; next: number } | null {
  const line = lines[i]!;
  if (line.blank || line.indent >= CODE_INDENT || marker(line)) return null;
  const under = lines[i + 1];
  if (under && !under.blank && under.indent < CODE_INDENT && isUnderline(under.text) && !isRule(line.text)) {
    return { label: line.text, style: under.text.startsWith('=') ? '=' : '-', next: i + 2 };
  }
  // Inside a paragraph, a "Heading:" line must follow a finished sentence ("…the\nSystem log shows:" is text).
  const colon = blockStart || /[.!?)]$/.test(lines[i - 1]?.text ?? '') ? colonHeading(line.text) : null;
  if (colon) return { label: colon, style: ':', next: i + 1 };
  const caps = blockStart ? capsHeading(line.text) : null;
  return caps ? { label: caps, style: 'caps', next: i + 1 } : null;
}

/** "Symptoms:", "Error message:", "More information:" → the label; an intro sentence → null. */
function colonHeading(text: string): string | null {
  if (!text.endsWith(':') || text.endsWith('::')) return null;
  const label = text.slice(0, -1).trim();
  if (!label || label.length > MAX_HEADING_CHARS || !/^\p{Lu}/u.test(label) || /[.,;:!?]/.test(label)) return null;
  const words = label.split(/\s+/);
  if (words.length > MAX_HEADING_WORDS || INTRO_WORDS.has(words[0]!.toLowerCase())) return null;
  return label;
}

/** "SYMPTOMS", "MORE INFORMATION:" → the label; anything with a lower-case letter → null. */
function capsHeading(text: string): string | null {
  const label = text.replace(/:$/, '').trim();
  if (!label || label.length > MAX_HEADING_CHARS || label.split(/\s+/).length > MAX_HEADING_WORDS) return null;
  if (/\p{Ll}/u.test(label) || !/\p{Lu}{2}/u.test(label)) return null;
  return /^[\p{Lu}\p{N}][\p{Lu}\p{N} &/'()-]*$/u.test(label) ? label : null;
}

/** A setext-style underline: three or more `=` or `-` and nothing else. */
function isUnderline(text: string): boolean {
  return /^(?:={3,}|-{3,})$/.test(text);
}

/** A separator line: three or more of one of `-`, `*`, `_`, `=`, spaces allowed between. */
function isRule(text: string): boolean {
  return /^([-*_=])(?:[ \t]*\1){2,}$/.test(text);
}

function marker(line: Line): Marker | null {
  if (line.blank || isRule(line.text)) return null;
  const m = /^(?:(\d{1,9})[.)]|[-*\u2022])[ \t]+(?=\S)/.exec(line.text);
  if (!m) return null;
  return {
    ordered: m[1] !== undefined,
    start: m[1] !== undefined ? Number(m[1]) : null,
    contentIndent: line.indent + m[0].length,
    text: line.text.slice(m[0].length),
  };
}

/** An indented block from line `i`: lines indented at least `threshold` (and blank lines between), dedented. */
function codeAt(lines: Line[], i: number, threshold: number): { code: Code; next: number } {
  let end = i;
  for (let j = i; j < lines.length; j++) {
    const line = lines[j]!;
    if (line.blank) continue;
    if (line.indent < threshold) break;
    end = j + 1;
  }
  const taken = lines.slice(i, end);
  const strip = taken.reduce((min, l) => (l.blank ? min : Math.min(min, l.indent)), Infinity);
  const value = taken.map((l) => (l.blank ? '' : dedent(l.raw, strip).trimEnd())).join('\n');
  return { code: { type: 'code', lang: null, meta: null, value }, next: end };
}

/** `raw` without its first `columns` columns of leading white space (tabs expanded). */
function dedent(raw: string, columns: number): string {
  let col = 0;
  let k = 0;
  while (k < raw.length && col < columns) {
    const ch = raw[k];
    if (ch === ' ') col++;
    else if (ch === '\t') col += CODE_INDENT - (col % CODE_INDENT);
    else break;
    k++;
  }
  return ' '.repeat(Math.max(0, col - columns)) + raw.slice(k);
}

interface Level {
  list: List;
  /** Indent of this list's markers. */
  indent: number;
  contentIndent: number;
  item: ListItem;
}

function newItem(m: Marker): ListItem {
  return { type: 'listItem', spread: false, checked: null, children: [paragraph([{ ...blankLine, text: m.text }])] };
}

const blankLine: Line = { raw: '', indent: 0, text: '', blank: true };

function newLevel(m: Marker, indent: number): Level {
  const item = newItem(m);
  const list: List = { type: 'list', ordered: m.ordered, start: m.start, spread: false, children: [item] };
  return { list, indent, contentIndent: m.contentIndent, item };
}

/**
 * A list from line `i` (a marker line): items nest by indentation; a line right under an item
 * continues its text, or is its code when indented 4 more than the marker; after a blank line, text
 * indented to an item's content (or code indented 4 past its marker) still belongs to it.
 */
function listAt(lines: Line[], i: number): { list: List; next: number } {
  const first = newLevel(marker(lines[i]!)!, lines[i]!.indent);
  const stack: Level[] = [first];
  let j = i + 1;
  let blankBefore = false;
  while (j < lines.length) {
    const line = lines[j]!;
    if (line.blank) {
      blankBefore = true;
      j++;
      continue;
    }
    const m = marker(line);
    if (m) {
      while (stack.length > 1 && line.indent < stack.at(-1)!.indent) stack.pop();
      const top = stack.at(-1)!;
      if (line.indent >= top.contentIndent && stack.length < MAX_LIST_DEPTH) {
        const level = newLevel(m, line.indent);
        top.item.children.push(level.list);
        stack.push(level);
      } else if (stack.length === 1 && m.ordered !== top.list.ordered && line.indent <= top.indent) {
        break; // a different kind of list starts
      } else {
        top.item = newItem(m);
        top.list.children.push(top.item);
        top.contentIndent = m.contentIndent;
        if (blankBefore) top.list.spread = true;
      }
      blankBefore = false;
      j++;
      continue;
    }
    if (isRule(line.text) || headingAt(lines, j, blankBefore)) break;
    let owner = stack.length - 1;
    if (blankBefore) {
      while (owner >= 0 && !owns(stack[owner]!, line)) owner--;
      if (owner < 0) break;
    }
    stack.length = owner + 1;
    const level = stack[owner]!;
    if (line.indent >= level.indent + CODE_INDENT && line.indent > level.contentIndent) {
      const c = codeAt(lines, j, level.indent + CODE_INDENT);
      level.item.children.push(c.code);
      j = c.next;
    } else {
      const last = level.item.children.at(-1);
      if (!blankBefore && last?.type === 'paragraph' && last.children[0]?.type === 'text') {
        last.children[0].value += `\n${line.text}`;
      } else {
        level.item.children.push(paragraph([line]));
      }
      j++;
    }
    blankBefore = false;
  }
  return { list: first.list, next: j };
}

/** Whether a line after a blank line still belongs to the item at `level`. */
function owns(level: Level, line: Line): boolean {
  return line.indent >= level.contentIndent || line.indent >= level.indent + CODE_INDENT;
}
