/**
 * Markup a reader should not see, taken out of the tree before sections are cut: HTML comments
 * (commented-out headings, generator markers), DocFX `[!INCLUDE …]` and `:::image …:::` lines,
 * generated tables of contents (DocToc, GitLab's `[[_TOC_]]`); raw HTML (`<details>`, `<summary>`,
 * `<br>`) becomes its text. DocFX admonitions (`> [!NOTE]`) are marked so they are shown as
 * "Note: …" and never taken for a quoted error.
 */
import type { Blockquote, List, Nodes, Paragraph, Parent, Root, RootContent } from 'mdast';
import { Parser } from 'htmlparser2';

/** Admonition kinds of DocFX and GitHub (`> [!NOTE]`), shown as "Note: …". */
const ADMONITION = /^\s*\[!(NOTE|TIP|IMPORTANT|CAUTION|WARNING)\]\s*/i;
/** A quote that is a note by its first word ("> NOTE: …", "> **Note** …"): not a quoted error either. */
const NOTE_WORD = /^\s*(NOTE|TIP|IMPORTANT|CAUTION|WARNING|INFO)\b\s*:?\s*/i;

/** Paragraphs that are DocFX/Docs directives or tables of contents, never content. */
const DIRECTIVE = /^\s*(?:\[!INCLUDE\b|\[!div\b|:::|\[\[_?TOC_?\]\]\s*$|Table of Contents\b)/i;

/** The visible text of an HTML fragment (comments, scripts and styles dropped), whitespace collapsed. */
export function htmlText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  let out = '';
  let skip = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (name === 'script' || name === 'style') skip++;
        else if (BLOCK_TAGS.has(name)) out += '\n';
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style') skip = Math.max(0, skip - 1);
        else if (BLOCK_TAGS.has(name)) out += '\n';
      },
      ontext(text) {
        if (!skip) out += text;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Tags whose text starts on a line of its own. */
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'summary',
  'details',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
]);

/** The admonition kind ("Note") a block quote opens with; null for an ordinary quote. */
export function admonitionOf(node: Blockquote): string | null {
  const data = node.data as { admonition?: string } | undefined;
  return data?.admonition ?? null;
}

/** Clean `root` in place (see the module comment). */
export function cleanTree(root: Root): void {
  cleanChildren(root);
}

/** Node kinds whose children are inline (phrasing) content. */
const PHRASING_PARENTS = new Set([
  'paragraph',
  'heading',
  'emphasis',
  'strong',
  'delete',
  'link',
  'linkReference',
  'tableCell',
]);

function cleanChildren(parent: Parent): void {
  const out: RootContent[] = [];
  const phrasing = PHRASING_PARENTS.has(parent.type);
  for (const child of parent.children as RootContent[]) {
    const kept = cleanNode(child, phrasing);
    if (kept) out.push(kept);
  }
  parent.children = out as Parent['children'];
}

function cleanNode(node: RootContent, phrasing: boolean): RootContent | null {
  switch (node.type) {
    case 'html': {
      const text = htmlText(node.value);
      if (!text) return null;
      if (phrasing) return { type: 'text', value: text, position: node.position };
      return { type: 'paragraph', children: [{ type: 'text', value: text }], position: node.position };
    }
    case 'paragraph':
      cleanChildren(node);
      if (isDirective(node) || !node.children.length) return null;
      return node;
    case 'list':
      if (isTableOfContents(node)) return null;
      cleanChildren(node);
      return node.children.length ? node : null;
    case 'blockquote': {
      markAdmonition(node);
      cleanChildren(node);
      return node.children.length ? node : null;
    }
    case 'yaml':
    case 'toml':
    case 'definition':
      return node;
    default:
      if ('children' in node) cleanChildren(node as Parent);
      return node;
  }
}

function isDirective(p: Paragraph): boolean {
  return DIRECTIVE.test(plainText(p));
}

/** The text values under `node`, concatenated (markup and link targets left out). */
function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** A list whose items are all links to anchors on the same page (a generated table of contents). */
function isTableOfContents(list: List): boolean {
  let links = 0;
  const onlyAnchors = (n: Nodes): boolean => {
    if (n.type === 'link') {
      links++;
      return n.url.startsWith('#');
    }
    if (n.type === 'text') return !n.value.trim();
    if ('children' in n) return (n.children as Nodes[]).every(onlyAnchors);
    return false;
  };
  return list.children.every(onlyAnchors) && links > 0;
}

function markAdmonition(node: Blockquote): void {
  const p = node.children[0];
  if (p?.type !== 'paragraph') return;
  let t = p.children[0];
  if (
    t?.type === 'strong' &&
    t.children.length === 1 &&
    t.children[0]?.type === 'text' &&
    NOTE_WORD.test(t.children[0].value)
  ) {
    const kind = NOTE_WORD.exec(t.children[0].value)![1]!;
    p.children.splice(0, 1, { type: 'text', value: kind + ':' });
    t = p.children[0];
    const next = p.children[1];
    if (next?.type === 'text') {
      next.value = next.value.replace(/^\s*:?\s*/, '');
      t = { type: 'text', value: `${kind}: ${next.value}` };
      p.children.splice(0, 2, t);
    }
  }
  if (t?.type !== 'text') return;
  const m = ADMONITION.exec(t.value) ?? NOTE_WORD.exec(t.value);
  if (!m) return;
  node.data = {
    ...node.data,
    admonition: m[1]![0]!.toUpperCase() + m[1]!.slice(1).toLowerCase(),
  } as Blockquote['data'];
  t.value = t.value.slice(m[0].length);
  if (!t.value) p.children.shift();
  if (!p.children.length) node.children.shift();
}
