/**
 * A Markdown document as an mdast tree: CommonMark + GFM (tables, task lists, strikethrough,
 * footnotes, autolinks) with YAML (`---`) or TOML (`+++`) front matter, by micromark.
 */
import type { Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { plainToMdast } from './plain.js';

/** Front matter kinds read: YAML between `---` lines, TOML between `+++` lines. */
const FRONT_MATTER = ['yaml', 'toml'] as const;

/**
 * A document up to this size is read as Markdown in one piece (teamkb's largest is 36 KB). micromark
 * takes time that grows faster than the length of one long list, so a larger document is read in
 * pieces cut before its top-level headings, each at most MAX_PIECE_CHARS.
 */
export const WHOLE_MARKDOWN_CHARS = 64 * 1024;
/** Largest piece of a large document read as Markdown; what a piece has beyond this is read as plain text. */
export const MAX_PIECE_CHARS = 24 * 1024;
/**
 * Most characters of one document read as Markdown; the rest of a larger file is read as plain
 * text. micromark reads a list-heavy page at well under 1 MB/s, so this keeps a 4 MB file near a second.
 */
export const MAX_MARKDOWN_CHARS = 64 * 1024;

/**
 * Deepest container nesting (list indentation in columns, or `>` markers) read as Markdown.
 * micromark's time grows with the square of the depth, and no real document nests this deep,
 * so a file that does is read as plain text.
 */
export const MAX_NESTING_COLUMNS = 48;

/**
 * Hugo shortcodes are template calls, not Markdown: `{{< ref "./X.md" >}}` (and `relref`) is the
 * link target it stands for; any other shortcode is dropped.
 */
function resolveShortcodes(text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{[<%]\s*(?:rel)?ref\s+"([^"]*)"\s*[>%]\}\}/g, '$1').replace(/\{\{[<%][^\n]*?[>%]\}\}/g, '');
}

/**
 * Where the first line starts whose list item or block quote nests deeper than MAX_NESTING_COLUMNS
 * (lines of fenced code, however indented, do not count); -1: none.
 */
function tooDeepAt(text: string): number {
  let fence: string | null = null;
  let at = 0;
  for (const line of text.split('\n')) {
    const start = at;
    at += line.length + 1;
    const lead = /^[ \t>]*/.exec(line)![0];
    const rest = line.slice(lead.length);
    const marker = /^(`{3,}|~{3,})/.exec(rest.replace(/^[-*+] |^\d+[.)] /, ''))?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const columns = lead.replace(/\t/g, '    ').length;
    const quotes = lead.split('>').length - 1;
    if (quotes > MAX_NESTING_COLUMNS / 4 || (columns > MAX_NESTING_COLUMNS && /^(?:[-*+]|\d+[.)])(?:\s|$)/.test(rest)))
      return start;
  }
  return -1;
}

/**
 * Most characters of a document read at all: real articles are under 200 KB, and a larger file
 * (a log or a dump kept in the KB folder) is read up to here so it cannot hold ingest up.
 */
export const MAX_DOCUMENT_CHARS = 256 * 1024;

/** The tree of `text`, read as Markdown (see WHOLE_MARKDOWN_CHARS and MAX_NESTING_COLUMNS for the limits). */
export function markdownTree(text: string): Root {
  const source = resolveShortcodes(cutAtLine(text, MAX_DOCUMENT_CHARS));
  const deep = tooDeepAt(source.slice(0, MAX_MARKDOWN_CHARS));
  const end = deep < 0 ? source.length : deep;
  if (end === source.length && source.length <= WHOLE_MARKDOWN_CHARS) return parse(source);
  const root: Root = { type: 'root', children: [] };
  let budget = MAX_MARKDOWN_CHARS;
  for (const piece of pieces(source.slice(0, end))) {
    const md = budget > 0 ? cutAtLine(piece, Math.min(MAX_PIECE_CHARS, budget)) : '';
    budget -= md.length;
    if (md) root.children.push(...parse(md).children);
    if (md.length < piece.length) root.children.push(...plainRest(piece.slice(md.length)));
  }
  if (end < source.length) root.children.push(...plainRest(source.slice(end)));
  return root;
}

/** The parser's extensions, built once. */
const OPTIONS = {
  extensions: [gfm(), frontmatter([...FRONT_MATTER])],
  mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown([...FRONT_MATTER])],
};

function parse(markdown: string): Root {
  return fromMarkdown(markdown, OPTIONS);
}

/** The rest of a document read as plain text (plainToMdast's title is no title inside a document). */
function plainRest(text: string): RootContent[] {
  return plainToMdast(text).children.filter((n) => n.type !== 'heading' || n.depth > 1);
}

/** `text` cut before each ATX heading that starts a line after a blank one, outside fenced code. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  let fence: string | null = null;
  let blank = true;
  let at = 0;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && !line.trim().slice(marker.length).trim())
        fence = null;
    } else if (marker) fence = marker;
    else if (blank && /^#{1,6}(?:[ \t]|$)/.test(line) && at > from) {
      out.push(text.slice(from, at));
      from = at;
    }
    blank = !line.trim();
    at += line.length + 1;
  }
  out.push(text.slice(from));
  return out;
}

/** `text` up to the last line break before `max` (all of it when shorter). */
export function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const nl = text.lastIndexOf('\n', max);
  return text.slice(0, nl > 0 ? nl + 1 : max);
}
