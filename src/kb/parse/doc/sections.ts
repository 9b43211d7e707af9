/**
 * A document's sections, cut by heading depth: a heading that maps to a section (headings.ts)
 * opens it; a sub-heading stays in its parent's section unless it maps to one itself; a heading
 * that maps to nothing opens a section under a camelCase key, as the archive's do. Text before
 * the first heading is the `body`. Repeated sections are concatenated.
 */
import type { Heading, RootContent } from 'mdast';
import { camelKey } from '../text.js';
import type { SectionName } from '../context.js';
import type { HeadingMatcher } from './headings.js';
import { inlineText, tidyInline } from './render.js';

/** Key of the text before the first heading, and of a heading whose words make no key. */
export const BODY_KEY = 'body';

export interface Cut {
  /** The first H1's text, without markup; null without one. */
  h1: string | null;
  /** The first heading's text (any depth); null without headings. */
  firstHeading: string | null;
  /** Section key → its blocks, in document order; `body` holds what comes before the first heading. */
  sections: Map<string, RootContent[]>;
  /** Keys that are vocabulary sections (symptoms, cause, impact, diagnosis, resolution). */
  mapped: Set<SectionName>;
}

/** Heading text without markup, single-spaced. */
export function headingText(h: Heading): string {
  return tidyInline(inlineText(h.children, false)).replace(/\s+/g, ' ');
}

/** Cut `nodes` (a document's blocks, front matter removed) into sections. */
export function cutSections(nodes: readonly RootContent[], match: HeadingMatcher): Cut {
  const h1Node = nodes.find((n): n is Heading => n.type === 'heading' && n.depth === 1 && !!headingText(n));
  const first = nodes.find((n): n is Heading => n.type === 'heading' && !!headingText(n));
  const sections = new Map<string, RootContent[]>();
  const mapped = new Set<SectionName>();
  let key = BODY_KEY;
  let depth = 0;
  const add = (k: string, n: RootContent): void => {
    const list = sections.get(k);
    if (list) list.push(n);
    else sections.set(k, [n]);
  };
  for (const node of nodes) {
    if (node.type !== 'heading') {
      add(key, node);
      continue;
    }
    if (node === h1Node) continue;
    const text = headingText(node);
    if (!text) continue;
    const section = match(text);
    if (section) {
      key = section;
      depth = node.depth;
      mapped.add(section);
      if (!sections.has(key)) sections.set(key, []);
    } else if (key !== BODY_KEY && node.depth > depth) {
      add(key, { type: 'paragraph', children: [{ type: 'text', value: text }], position: node.position });
    } else {
      key = camelKey(text.replace(/^\s*(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)])\s+/, '')) || BODY_KEY;
      depth = node.depth;
      if (!sections.has(key)) sections.set(key, []);
    }
  }
  return {
    h1: h1Node ? headingText(h1Node) : null,
    firstHeading: first ? headingText(first) : null,
    sections,
    mapped,
  };
}
