/** Choosing one article when several files carry the same KB id. */
import type { Article } from '../article.js';

/** One dropped copy: `kept` and `dropped` are the files' paths. */
export interface Duplicate {
  id: string;
  kept: string;
  dropped: string;
}

/**
 * Keep, per id, the article with the newer `date` (an article with a date beats one without);
 * on a tie the earlier one in `articles` order wins, so pass them in sorted path order.
 */
export function dedupe(articles: readonly Article[]): { articles: Article[]; duplicates: Duplicate[] } {
  const byId = new Map<string, Article>();
  const losers: Article[] = [];
  for (const article of articles) {
    const current = byId.get(article.id);
    if (!current) {
      byId.set(article.id, article);
    } else if (isNewer(article, current)) {
      byId.set(article.id, article);
      losers.push(current);
    } else {
      losers.push(article);
    }
  }
  const duplicates = losers.map((a) => ({ id: a.id, kept: (byId.get(a.id) as Article).path, dropped: a.path }));
  const kept = new Set(byId.values());
  return { articles: articles.filter((a) => kept.has(a)), duplicates };
}

function isNewer(a: Article, b: Article): boolean {
  if (a.date === null) return false;
  return b.date === null || a.date > b.date;
}
