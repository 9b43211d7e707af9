/**
 * What an answer shows, in order, for its view: the part list every renderer walks, so the
 * console, Slack and Teams agree on content and differ only in form.
 *
 * - summary: symptoms, cause, the registry warning, the fix (steps, prose, or "no fix"), status,
 *   registry keys, files, related articles.
 * - steps: the warning, the fix, registry keys and files.
 * - full: the warning, then every section of the article with its heading, "no fix" when there is
 *   none, registry keys, files, related articles.
 */
import type { AnswerStep, ArticleAnswer, RelatedArticle, Rich } from '../reply.js';
import { collapse } from './escape.js';

/** A paragraph of an article section; `quoted` paragraphs (indented in the article: error texts, keys) keep their lines. */
export interface Paragraph {
  text: string;
  quoted: boolean;
}

export type Part =
  | { kind: 'text'; heading: string; paragraphs: Paragraph[] }
  | { kind: 'warning'; text: string }
  | { kind: 'steps'; heading: string; steps: AnswerStep[] }
  | { kind: 'no_fix'; text: string }
  | { kind: 'list'; heading: string; items: Rich[] }
  | { kind: 'related'; items: RelatedArticle[] };

/** Split section text at blank lines; indented paragraphs are quoted, others collapsed to one line. */
export function paragraphsOf(text: string): Paragraph[] {
  return text
    .split(/\n[ \t]*\n/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const quoted = /^[ \t]{2,}\S/.test(chunk) && !/^\s*(?:\d+[.)]|[-*•])\s/.test(chunk);
      return quoted
        ? {
            text: chunk
              .split('\n')
              .map((l) => collapse(l))
              .filter(Boolean)
              .join('\n'),
            quoted,
          }
        : { text: collapse(chunk), quoted };
    });
}

const prose = (heading: string, text: string | undefined): Part[] =>
  text?.trim() ? [{ kind: 'text', heading, paragraphs: paragraphsOf(text) }] : [];

function fixParts(a: ArticleAnswer): Part[] {
  if (a.steps.length) return [{ kind: 'steps', heading: 'Fix', steps: a.steps }];
  if (a.fixText?.trim()) return prose('Fix', a.fixText);
  return a.noFix ? [{ kind: 'no_fix', text: a.noFix }] : [];
}

function referenceParts(a: ArticleAnswer, withRelated: boolean): Part[] {
  const parts: Part[] = [];
  if (a.registryKeys.length)
    parts.push({ kind: 'list', heading: 'Registry keys', items: a.registryKeys.map((k) => [{ text: k, code: true }]) });
  if (a.files.length)
    parts.push({
      kind: 'list',
      heading: 'Files',
      items: a.files.map((f) => [{ text: f.name, code: true }, { text: f.version ? ` ${f.version}` : '' }]),
    });
  if (withRelated && a.related.length) parts.push({ kind: 'related', items: a.related });
  return parts;
}

export function outline(a: ArticleAnswer): Part[] {
  const warnings: Part[] = a.warnings.map((text) => ({ kind: 'warning', text }));
  if (a.view === 'steps') return [...warnings, ...fixParts(a), ...referenceParts(a, false)];
  if (a.view === 'full' && a.sections?.length) {
    const noFix: Part[] = a.noFix ? [{ kind: 'no_fix', text: a.noFix }] : [];
    return [...warnings, ...a.sections.flatMap((s) => prose(s.heading, s.text)), ...noFix, ...referenceParts(a, true)];
  }
  return [
    ...prose('Symptoms', a.symptoms),
    ...prose('Cause', a.cause),
    ...warnings,
    ...fixParts(a),
    ...prose('Status', a.status),
    ...referenceParts(a, true),
  ];
}

/** "Microsoft Exchange Server, version 5.5" when it says more than the product, else the product. */
export function appliesToOf(a: ArticleAnswer): string | null {
  const list = a.appliesTo.map(collapse).filter(Boolean);
  return list.length ? list.join('; ') : a.product;
}

/** "Q235418 (XADM: Cannot Apply Service Pack on KM Server)" or just "Q235418". */
export const relatedLabel = (r: RelatedArticle): string => (r.title ? `${r.id} (${collapse(r.title)})` : r.id);

/** A step as one string, for measuring and for plain fallbacks. */
export const richText = (rich: Rich): string => rich.map((s) => s.text).join('');

/** A no-match reply as lines: what was said, then each hint as a bullet (the chat renderers' form). */
export function noMatchLines(reply: { text: string; hints: string[] }): string[] {
  return [reply.text, ...reply.hints.map((h) => `• ${collapse(h)}`)];
}
