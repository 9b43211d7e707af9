/**
 * Team documents: Markdown (CommonMark + GFM, YAML or TOML front matter), HTML exports and plain
 * text, read into the same Article the archive gives. Sections by heading meaning (headings.ts),
 * error messages (errors.ts), steps with their code (steps.ts), links to other articles (links.ts).
 */
import type { Nodes, RootContent } from 'mdast';
import { basename } from 'node:path';
import type { Article, Sections } from '../../article.js';
import { ArticleParseError } from '../../errors.js';
import { fillUrlTemplate, relativeId, type ParseContext } from '../context.js';
import { extractRegistryKeys } from '../registry.js';
import { collapse, unique } from '../text.js';
import { cleanTree } from './clean.js';
import { extractErrors } from './errors.js';
import { fmDate, fmList, fmString, readFrontMatter } from './front-matter.js';
import { headingMatcher } from './headings.js';
import { relatedIds } from './links.js';
import { blocksText, inlineText } from './render.js';
import { BODY_KEY, cutSections } from './sections.js';
import { readTree } from './sniff.js';
import { extractDocSteps } from './steps.js';

/** Front-matter keys holding the article's own link, in order of preference. */
const URL_KEYS = ['url', 'canonical_url', 'permalink', 'source'];
/** Front-matter keys naming the alerts the article is the runbook of. */
const ALERT_KEYS = ['alert', 'alerts', 'alertname'];
/** Longest summary taken from the first paragraph (characters). */
const MAX_SUMMARY_CHARS = 600;

/**
 * Read a team document. `text` is decoded; `path` is where it was found (its id is its path
 * relative to `context.root` unless its front matter gives an `id`). Throws ArticleParseError
 * ('kb_empty', 'kb_not_article') with a reason for files that are not articles.
 */
export function parseDocument(text: string, path: string, context: ParseContext): Article {
  if (!text.trim()) throw new ArticleParseError('kb_empty', 'file is empty (only whitespace)');
  const tree = readTree(text);
  const { data: fm } = readFrontMatter(tree.root);
  cleanTree(tree.root);
  const nodes = tree.root.children.filter((n) => n.type !== 'yaml' && n.type !== 'toml');
  refuseNonArticle(nodes);

  const relId = relativeId(path, context.root);
  const id = fmString(fm, 'id') ?? relId;
  const stem = basename(path).replace(/\.[^.]+$/, '');
  const match = headingMatcher(context.headings);
  const cut = cutSections(nodes, match);
  const fmTitle = fmString(fm, 'title');
  // Without an H1 the first heading is the title, unless it only names a section ("Symptoms",
  // "Steps to check"): that says nothing about the article, so the front matter or file name does.
  const heading = cut.firstHeading && !match(cut.firstHeading) ? cut.firstHeading : null;
  const title = oneLine(cut.h1 ?? heading ?? fmTitle ?? tree.htmlTitle ?? stem) || stem;

  const sections: Sections = {};
  const described = fmString(fm, 'description') ?? tree.meta.description ?? null;
  const lead = described ? null : firstParagraph(cut.sections);
  if (described || lead) sections.summary = described ?? blocksText([lead!]);
  for (const [key, blocks] of cut.sections) {
    const shown = blocksText(blocks);
    if (shown) sections[key] = sections[key] ? `${sections[key]}\n\n${shown}` : shown;
  }

  // Other names of the article are indexed as keywords: a front-matter or <title> other than the
  // title shown, and the file name when the title is only a first heading ("Steps to check").
  const altTitles = [fmTitle, tree.htmlTitle, cut.h1 || fmTitle ? null : stem.replace(/[-_]+/g, ' ')]
    .filter((t): t is string => !!t && oneLine(t) !== title)
    .map(oneLine);
  const allText = [...Object.values(sections)].join('\n\n');
  return {
    path,
    id,
    title,
    product: fmString(fm, 'product', 'ms.service') ?? tree.meta['confluence:space'] ?? null,
    category: null,
    versions: [],
    date: fmDate(fm, 'date', 'ms.date', 'lastmod'),
    keywords: unique([...altTitles, ...fmList(fm, 'tags', 'keywords'), ...metaList(tree.meta.keywords)]),
    issueType: null,
    solutionType: null,
    appliesTo: fmList(fm, 'appliesto', 'applies_to'),
    sections,
    errorMessages: extractErrors(cut.sections, title),
    steps: extractDocSteps(cut.sections, cut.mapped.size > 0),
    registryKeys: extractRegistryKeys(allText),
    files: [],
    related: relatedIds(tree.root, relId),
    registryWarning: false,
    form: tree.form,
    source: context.source ?? null,
    url: ownUrl([fmString(fm, ...URL_KEYS), tree.meta.canonical, tree.meta['og:url']], context, relId),
    alertNames: alertNames(fmList(fm, ...ALERT_KEYS), stem, cut.h1),
  };
}

function oneLine(s: string): string {
  return collapse(s);
}

function metaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The first paragraph with some words: of the text before the first heading, else of the whole document. */
function firstParagraph(sections: ReadonlyMap<string, readonly RootContent[]>): RootContent | null {
  const words = (n: RootContent): boolean => {
    if (n.type !== 'paragraph') return false;
    const text = inlineText(n.children);
    return text.length <= MAX_SUMMARY_CHARS * 4 && (text.match(/\p{L}{2,}/gu)?.length ?? 0) >= 2;
  };
  const body = sections.get(BODY_KEY)?.find(words);
  if (body) return body;
  for (const blocks of sections.values()) {
    const p = blocks.find(words);
    if (p) return p;
  }
  return null;
}

/** The article's link: its own (http or https), else the folder's template, else null. */
function ownUrl(candidates: (string | null | undefined)[], context: ParseContext, relId: string): string | null {
  const own = candidates.find((u) => !!u && /^https?:\/\/\S+$/i.test(u.trim()));
  if (own) return own.trim();
  return context.urlTemplate ? fillUrlTemplate(context.urlTemplate, relId) : null;
}

/** One identifier with a capital inside it: "etcdNoLeader", "KubePodCrashLooping" (not "README", "nginx-is-down"). */
const ALERT_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
const INTERIOR_CAPITAL = /[a-z0-9][A-Z]/;

function alertNames(given: string[], stem: string, h1: string | null): string[] {
  const out = [...given];
  if (ALERT_IDENTIFIER.test(stem) && INTERIOR_CAPITAL.test(stem)) out.push(stem);
  const h = h1?.trim() ?? '';
  if (ALERT_IDENTIFIER.test(h) && (INTERIOR_CAPITAL.test(h) || h === stem)) out.push(h);
  return unique(out);
}

/**
 * Refuse what is not an article: a page with no words, a page that is only a title, a page that
 * is only links (an index page).
 */
function refuseNonArticle(nodes: readonly RootContent[]): void {
  let words = 0;
  let linkWords = 0;
  let headingWords = 0;
  const count = (s: string): number => s.match(/[\p{L}\p{N}]{2,}/gu)?.length ?? 0;
  const visit = (n: Nodes, inLink: boolean, inHeading: boolean): void => {
    if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'code') {
      const c = count(n.value);
      if (inHeading) headingWords += c;
      else if (inLink) linkWords += c;
      else words += c;
    }
    if ('children' in n)
      for (const c of n.children as Nodes[])
        visit(c, inLink || n.type === 'link' || n.type === 'linkReference', inHeading || n.type === 'heading');
  };
  for (const n of nodes) visit(n, false, false);
  if (words > 0) return;
  if (linkWords > 0)
    throw new ArticleParseError(
      'kb_not_article',
      'not a KB article: the page is only links (an index page), with no text of its own',
    );
  if (headingWords > 0)
    throw new ArticleParseError('kb_not_article', 'not a KB article: it has a title but no text under it');
  throw new ArticleParseError('kb_not_article', 'not a KB article: it has no words in it');
}
