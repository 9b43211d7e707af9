import type { Article, ArticleForm, Sections } from '../article.js';
import { ArticleParseError } from '../errors.js';
import { stripRegistryBoilerplate } from './boilerplate.js';
import { PRODUCT_CATEGORY } from './categories.js';
import { decodeArticleBytes } from './decode.js';
import { readEnvelope, type Envelope } from './envelope.js';
import { extractErrorMessages } from './errors.js';
import { extractFiles } from './files.js';
import { cutLayout, type Layout } from './layout.js';
import { extractRegistryKeys } from './registry.js';
import { extractRelated } from './related.js';
import { extractSteps } from './steps.js';
import { collapse, tidyBlock, unique } from './text.js';
import type { ParseContext } from './context.js';
import { parseDocument } from './doc/index.js';

/**
 * Bumped whenever parsing changes what an Article holds; stale indexes are rebuilt. 12: team
 * documents (Markdown, HTML, plain text) are read, and every article gains `source`, `url` and
 * `alertNames`. (11: the collapsed form's quote ends came from the linear model alone.)
 */
export const PARSER_VERSION = 12;

/** Largest file we try to read as an article; real KB articles are under 200 KB. */
export const MAX_ARTICLE_BYTES = 4 * 1024 * 1024;

/** Sections whose numbered list is "the fix", in order of preference after RESOLUTION/WORKAROUND. */
const STEP_FALLBACK = ['moreInformation', 'summary', 'body'];

/**
 * Parse one file's bytes into an Article. A file of the Microsoft archive (see `isArchiveText`)
 * is read as the archive: its three forms (original text, collapsed, Jekyll markdown) give the
 * same article, and a broken one is reported, never read as a plain document. Anything else is a
 * team document: Markdown, HTML or plain text (doc/index.ts). Throws ArticleParseError with a code
 * and a reason a person can act on for anything that is not an article.
 */
export function parseArticle(bytes: Buffer | string, path: string, context: ParseContext = {}): Article {
  if (bytes.length > MAX_ARTICLE_BYTES) {
    throw new ArticleParseError(
      'kb_too_large',
      `file is ${(bytes.length / 1048576).toFixed(1)} MB, larger than the ${MAX_ARTICLE_BYTES / 1048576} MB an article can be`,
    );
  }
  const text = decodeArticleBytes(bytes);
  if (!isArchiveText(text)) return parseDocument(text, path, context);
  const env = readEnvelope(text);
  const layout = cutLayout(env.body, env.form);
  const raw = cleanSections(layout, env.form);

  const sections: Sections = {};
  for (const [key, text] of raw) {
    const shown = env.form === 'collapsed' ? collapse(text) : tidyBlock(text);
    if (shown) sections[key] = sections[key] ? `${sections[key]}\n\n${shown}` : shown;
  }
  const all = [...raw.values()].join('\n\n');

  return {
    path,
    id: env.id,
    title: env.title,
    product: env.product,
    category: env.categoryTag ?? (env.product ? (PRODUCT_CATEGORY[env.product] ?? null) : null),
    versions: versionsOf(env, layout.appliesTo),
    date: env.date,
    keywords: unique([
      ...env.keywords,
      ...FOOTER_KEYWORDS.flatMap((f) => (layout.footer[f] ?? '').split(/\s+/)).filter(Boolean),
    ]),
    issueType: layout.footer['issue type'] || null,
    solutionType: layout.footer['solution type'] || null,
    appliesTo: layout.appliesTo,
    sections,
    errorMessages: unique([...raw.values()].flatMap((t) => extractErrorMessages(t, env.form))),
    steps: pickSteps(raw, layout),
    registryKeys: extractRegistryKeys(all),
    files: extractFiles(all),
    related: extractRelated(all, env.id),
    registryWarning: layout.registryWarning,
    form: env.form,
    source: context.source ?? null,
    url: null,
    alertNames: [],
  };
}

/**
 * Is this a file of the Microsoft archive? A "DOCUMENT:Q…" header, or a Jekyll page whose front
 * matter or header names a Q-number ("title: Q290226: …", a /kb/…/Q290226 permalink, an
 * "Article: Q290226" line). A KB number merely mentioned in a team document's body is not one.
 */
export function isArchiveText(text: string): boolean {
  const start = text.trimStart();
  if (/^DOCUMENT:\s*Q\d+/.test(start)) return true;
  if (!start.startsWith('---')) return false;
  const head = start.slice(0, 4096);
  const fm = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(head);
  if (!fm) return /^title\s*:\s*["']?Q\d+:/im.test(head) || /^permalink\s*:.*\/kb\/.*Q\d+/im.test(head);
  if (/^title\s*:\s*["']?Q\d+:/im.test(fm[1]!) || /^permalink\s*:.*\/Q\d+\/?["']?\s*$/im.test(fm[1]!)) return true;
  return /^\s*Article\s*:\s*Q\d+\s*$/im.test(head.slice(fm[0].length, fm[0].length + 1500));
}

/** Footer fields whose words are the article's keywords ("KBCategory:" and "KBSubcategory:" in older articles). */
const FOOTER_KEYWORDS = ['keywords', 'kbcategory', 'kbsubcategory'];

/** Section key → raw text (boilerplate removed, original line breaks and indentation kept). */
function cleanSections(layout: Layout, form: ArticleForm): Map<string, string> {
  const out = new Map<string, string>();
  const preamble = stripRegistryBoilerplate(layout.preamble).replace(/kbclone:[^\n]*/gi, '');
  if (/[A-Za-z]{3}/.test(preamble) && collapse(preamble).length > 20) out.set('body', preamble);
  for (const s of layout.sections) {
    const text = stripRegistryBoilerplate(s.text);
    out.set(s.key, out.has(s.key) ? `${out.get(s.key)}\n\n${text}` : text);
  }
  if (form === 'collapsed') for (const [k, v] of out) out.set(k, collapse(v));
  return out;
}

function pickSteps(raw: Map<string, string>, layout: Layout): string[] {
  const fixKeys = layout.sections.map((s) => s.key).filter((k) => k === 'resolution' || k === 'workaround');
  for (const key of unique([...fixKeys, ...STEP_FALLBACK])) {
    const text = raw.get(key);
    if (!text) continue;
    const steps = extractSteps(text);
    if (steps.length) return steps;
  }
  return [];
}

function versionsOf(env: Envelope, appliesTo: string[]): string[] {
  const out: string[] = [];
  for (const group of env.prodVer.split(/;|\s+(?=[A-Za-z][\w-]*:)/)) {
    const value = group.replace(/^[^:]*:/, '');
    for (const v of value.split(',')) if (v.trim()) out.push(v.trim());
  }
  if (!out.length) {
    for (const item of appliesTo) {
      const m = /\bversions?\s+([\d.]+[a-z]?(?:\s*,\s*(?:and\s+)?[\d.]+[a-z]?)*)/i.exec(item);
      if (m) out.push(...m[1]!.split(/\s*,\s*(?:and\s+)?/).filter(Boolean));
    }
  }
  return unique(out);
}

export { ArticleParseError };
