/** An article rendered as a plain-text chat answer. */
import type { Article } from '../kb/article.js';

export const ANSWER_LIMITS = {
  /** Characters of the symptoms shown. */
  symptoms: 300,
  /** Characters of the cause (and of a resolution shown when there are no steps). */
  cause: 500,
  /** Entries on the "See also" line. */
  related: 6,
} as const;

export const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Cut at a word boundary near `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  const flat = collapse(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}...`;
}

/** The title without a leading copy of the id ("Q290226: XADM: ..." -> "XADM: ..."). */
export function titleOf(article: Article): string {
  const prefix = `${article.id}:`;
  return article.title.startsWith(prefix) ? article.title.slice(prefix.length).trim() : article.title;
}

/**
 * The answer text. `seeAlso` lists other articles worth a look (ids, or "id (title)"); without it
 * the article's own related Q-numbers are used.
 */
export function formatAnswer(article: Article, seeAlso: readonly string[] = article.related): string {
  const lines: string[] = [`${article.id}: ${titleOf(article)}`];
  const meta = [article.product, article.versions.length ? `version ${article.versions.join(', ')}` : null, article.date].filter(Boolean);
  if (meta.length) lines.push(meta.join(' | '));
  const { symptoms, cause, resolution, workaround } = article.sections;
  if (symptoms) lines.push('', `Symptoms: ${shorten(symptoms, ANSWER_LIMITS.symptoms)}`);
  if (cause) lines.push('', `Cause: ${shorten(cause, ANSWER_LIMITS.cause)}`);
  if (article.steps.length) {
    lines.push('', 'Fix:');
    article.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${collapse(step)}`));
  } else if (resolution ?? workaround) {
    lines.push('', `${resolution ? 'Resolution' : 'Workaround'}: ${shorten((resolution ?? workaround) as string, ANSWER_LIMITS.cause)}`);
  }
  if (article.registryKeys.length) {
    lines.push('', article.registryWarning ? 'Registry keys (back up the registry before editing it):' : 'Registry keys:');
    for (const key of article.registryKeys) lines.push(`  ${key}`);
  }
  if (seeAlso.length) lines.push('', `See also: ${seeAlso.slice(0, ANSWER_LIMITS.related).join(', ')}`);
  return lines.join('\n');
}
