/**
 * The KB articles a document links to: relative links to Markdown files (and Hugo `ref`s, which
 * tree.ts turns into their targets), resolved against the document's folder into ids, i.e. paths
 * relative to the KB folder. Links that leave the KB folder, web links and anchors are not articles.
 */
import type { Nodes, Root } from 'mdast';
import { posix } from 'node:path';
import { unique } from '../text.js';

/** File extensions of linked documents that are KB articles. */
const DOC_LINK = /\.(?:md|markdown|mdx|html?|txt)$/i;

/** Ids of the articles `root` links to; `id` is the document's own (a relative path). */
export function relatedIds(root: Root, id: string): string[] {
  const out: string[] = [];
  const folder = posix.dirname(id);
  const visit = (n: Nodes): void => {
    if (n.type === 'link' || n.type === 'definition') {
      const target = resolve(n.url, folder);
      if (target && target !== id) out.push(target);
    }
    if ('children' in n) for (const c of n.children as Nodes[]) visit(c);
  };
  visit(root);
  return unique(out);
}

function resolve(url: string, folder: string): string | null {
  if (!url || /^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(url)) return null;
  let path = url.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    /* keep it as written */
  }
  if (!DOC_LINK.test(path)) return null;
  const joined = path.startsWith('/') ? posix.normalize(path.slice(1)) : posix.normalize(posix.join(folder, path));
  return joined.startsWith('../') || joined === '..' ? null : joined;
}
