/**
 * What a team document is written in, told by its content (never its extension): HTML (a doctype
 * or a leading tag such as <html>, <body>, <div>, <h1>), Markdown (front matter, headings, fences,
 * links, emphasis or code spans), else plain text. Each becomes the same mdast tree.
 */
import type { Root } from 'mdast';
import type { ArticleForm } from '../../article.js';
import { htmlToMdast } from './html.js';
import { plainToMdast } from './plain.js';
import { cutAtLine, MAX_DOCUMENT_CHARS, markdownTree } from './tree.js';

/** Leading tags of an HTML page or export. */
const HTML_START =
  /^(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|h[1-6]|p|table|section|article|main|header|ul|ol|meta|title|span|font|center|style|link)[\s>/])/i;

/** Markdown syntax that plain text does not have (checked on whole lines). */
const MARKDOWN_LINE = /^(?:#{1,6}[ \t]+\S|```|~~~|(?:=+|-{3,})[ \t]*$|\s{0,3}>\s|\[[^\]]+\]:\s*\S|\|.*\|[ \t]*$)/m;
/** Inline Markdown: links, images, code spans, strong emphasis. */
const MARKDOWN_INLINE = /\]\([^)\s]+\)|`[^`\n]+`|\*\*[^*\n]+\*\*|__[^_\n]+__/;

/** A document's form by its content. */
export function sniffForm(text: string): Extract<ArticleForm, 'gfm' | 'html' | 'plain'> {
  const start = text.trimStart();
  if (start.startsWith('---\n') || start.startsWith('+++\n')) return 'gfm';
  if (HTML_START.test(start) && !hasMarkdownHeadings(start)) return 'html';
  const head = start.slice(0, 64 * 1024);
  if (MARKDOWN_LINE.test(head) || MARKDOWN_INLINE.test(head)) return 'gfm';
  return 'plain';
}

/** An HTML-looking start in a Markdown file (`<p align="center">` above `# Title`). */
function hasMarkdownHeadings(text: string): boolean {
  return (
    /^#{1,6}[ \t]+\S/m.test(text.slice(0, 64 * 1024)) && !/<\/(?:p|div|h[1-6]|body|html)>/i.test(text.slice(-2048))
  );
}

export interface DocTree {
  root: Root;
  form: Extract<ArticleForm, 'gfm' | 'html' | 'plain'>;
  /** An HTML page's <title>. */
  htmlTitle: string | null;
  /** An HTML page's <meta> values by name. */
  meta: Record<string, string>;
}

/** The document's tree, read by the reader its form needs. */
export function readTree(text: string): DocTree {
  const form = sniffForm(text);
  if (form === 'html') {
    const doc = htmlToMdast(text.length > MAX_DOCUMENT_CHARS * 2 ? cutAtLine(text, MAX_DOCUMENT_CHARS * 2) : text);
    return { root: doc.root, form, htmlTitle: doc.title, meta: doc.meta };
  }
  const root = form === 'gfm' ? markdownTree(text) : plainToMdast(cutAtLine(text, MAX_DOCUMENT_CHARS));
  return { root, form, htmlTitle: null, meta: {} };
}
