/**
 * A deliberately simple ranker until real search lands: token overlap between the query and each
 * article, weighted by where the token occurs (title, quoted error messages and symptoms count
 * more than the rest) and by how rare it is across the KB (idf), saturated per token.
 */
import type { Article } from './article.js';
import type { KnowledgeBase } from './knowledge-base.js';

export interface NaiveSearchOptions {
  /** Weight of a token occurrence per field. */
  weights?: Partial<typeof NAIVE_SEARCH_DEFAULTS.weights>;
  /** Results returned by `search`. */
  limit?: number;
}

export const NAIVE_SEARCH_DEFAULTS = {
  weights: { title: 3, errorMessages: 3, symptoms: 2, other: 1 },
  limit: 5,
  /** Per-token saturation: a token's contribution is w / (w + k). */
  saturation: 1.5,
} as const;

export interface SearchHit {
  article: Article;
  score: number;
}

/** Words too common to say anything about which article is meant. */
const STOPWORDS = new Set(
  `a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these
  those there here you your we our they their he she his her i me my not no can cannot could would should will may might do
  does did done have has had what when where which who why how all any some such than too very into out up down over under
  again once only own same so just also more most other about after before between through during while`.split(/\s+/),
);

/** Lower-case word tokens (letters, digits, hex like 0xc0020002), stopwords and 1-letter tokens dropped. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z0-9_]+/g)) {
    const t = m[0];
    if (t.length > 1 && !STOPWORDS.has(t)) out.push(t);
  }
  return out;
}

export class NaiveSearch {
  private readonly docs: { article: Article; weights: Map<string, number> }[] = [];
  private readonly df = new Map<string, number>();
  private readonly weights: typeof NAIVE_SEARCH_DEFAULTS.weights;
  private readonly limit: number;

  constructor(kb: KnowledgeBase, options: NaiveSearchOptions = {}) {
    this.weights = { ...NAIVE_SEARCH_DEFAULTS.weights, ...options.weights };
    this.limit = options.limit ?? NAIVE_SEARCH_DEFAULTS.limit;
    for (const article of kb) {
      const weights = this.weigh(article);
      this.docs.push({ article, weights });
      for (const t of weights.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  /** Best articles first; only articles sharing at least one token with the query. */
  search(query: string): SearchHit[] {
    const terms = [...new Set(tokenize(query))];
    const n = this.docs.length;
    const k = NAIVE_SEARCH_DEFAULTS.saturation;
    const hits: SearchHit[] = [];
    for (const doc of this.docs) {
      let score = 0;
      for (const t of terms) {
        const w = doc.weights.get(t);
        if (w === undefined) continue;
        const idf = Math.log(1 + n / (this.df.get(t) ?? 1));
        score += (idf * w) / (w + k);
      }
      if (score > 0) hits.push({ article: doc.article, score });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, this.limit);
  }

  private weigh(article: Article): Map<string, number> {
    const weights = new Map<string, number>();
    const add = (text: string | null | undefined, w: number): void => {
      if (!text) return;
      for (const t of tokenize(text)) weights.set(t, (weights.get(t) ?? 0) + w);
    };
    add(article.title, this.weights.title);
    for (const e of article.errorMessages) add(e, this.weights.errorMessages);
    for (const [name, text] of Object.entries(article.sections)) add(text, name === 'symptoms' ? this.weights.symptoms : this.weights.other);
    add(article.keywords.join(' '), this.weights.other);
    return weights;
  }
}
