/**
 * BM25F over an article's fields: each field's term counts are length-normalised and weighted
 * (title, symptoms and quoted errors count more than MORE INFORMATION prose), summed, then
 * saturated once. Postings are stored compressed-sparse-row in typed arrays: offsets per term,
 * then article numbers and pre-computed weighted frequencies, so a query only adds up numbers.
 */
import { terms } from './tokens.js';

/** One article's text by field name; fields not in `weights` are ignored. */
export type FieldTexts = Record<string, string | undefined>;

export interface TermIndexOptions {
  /** Weight per field; a field absent here is not indexed. */
  weights: Record<string, number>;
  /** BM25 length normalisation (0 = none, 1 = full). */
  b: number;
  /** BM25 saturation. */
  k1: number;
}

export interface TermIndexJSON {
  vocabulary: string[];
  offsets: Int32Array;
  docs: Int32Array;
  freqs: Float32Array;
  docCount: number;
}

export interface TermHit {
  doc: number;
  score: number;
}

export class TermIndex {
  private readonly termIds: Map<string, number>;

  private constructor(
    private readonly vocabulary: string[],
    private readonly offsets: Int32Array,
    private readonly docs: Int32Array,
    private readonly freqs: Float32Array,
    readonly docCount: number,
    private readonly k1: number,
  ) {
    this.termIds = new Map(vocabulary.map((t, i) => [t, i]));
  }

  static build(articles: readonly FieldTexts[], options: TermIndexOptions): TermIndex {
    const fields = Object.keys(options.weights);
    // Field length in characters, a proxy for its length in terms that needs no second pass.
    const avgChars = fields.map((f) =>
      Math.max(1, articles.reduce((sum, a) => sum + (a[f]?.length ?? 0), 0) / Math.max(1, articles.length)),
    );
    const vocabulary: string[] = [];
    const termIds = new Map<string, number>();
    const termCol = new Growable(Int32Array);
    const docCol = new Growable(Int32Array);
    const freqCol = new Growable(Float32Array);
    articles.forEach((article, doc) => {
      const weighted = new Map<string, number>();
      fields.forEach((field, i) => {
        const text = article[field];
        if (!text) return;
        const w = options.weights[field] ?? 0;
        const norm = 1 - options.b + options.b * (text.length / (avgChars[i] ?? 1));
        for (const t of terms(text)) weighted.set(t, (weighted.get(t) ?? 0) + w / norm);
      });
      for (const [t, f] of weighted) {
        let id = termIds.get(t);
        if (id === undefined) {
          id = vocabulary.length;
          termIds.set(t, id);
          vocabulary.push(t);
        }
        termCol.push(id);
        docCol.push(doc);
        freqCol.push(f);
      }
    });
    const n = termCol.length;
    const termOf = termCol.view();
    const offsets = new Int32Array(vocabulary.length + 1);
    for (let i = 0; i < n; i++) {
      const slot = (termOf[i] ?? 0) + 1;
      offsets[slot] = (offsets[slot] ?? 0) + 1;
    }
    for (let i = 0; i < vocabulary.length; i++) offsets[i + 1] = (offsets[i + 1] ?? 0) + (offsets[i] ?? 0);
    const fill = offsets.slice(0, vocabulary.length);
    const docs = new Int32Array(n);
    const freqs = new Float32Array(n);
    const docOf = docCol.view();
    const freqOf = freqCol.view();
    for (let i = 0; i < n; i++) {
      const id = termOf[i] ?? 0;
      const at = fill[id] ?? 0;
      fill[id] = at + 1;
      docs[at] = docOf[i] ?? 0;
      freqs[at] = freqOf[i] ?? 0;
    }
    return new TermIndex(vocabulary, offsets, docs, freqs, articles.length, options.k1);
  }

  static loadJSON(json: TermIndexJSON, k1: number): TermIndex {
    return new TermIndex(json.vocabulary, json.offsets, json.docs, json.freqs, json.docCount, k1);
  }

  toJSON(): TermIndexJSON {
    return {
      vocabulary: this.vocabulary,
      offsets: this.offsets,
      docs: this.docs,
      freqs: this.freqs,
      docCount: this.docCount,
    };
  }

  /** Number of articles containing a (stemmed) term; 0 when unknown. */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : (this.offsets[id + 1] ?? 0) - (this.offsets[id] ?? 0);
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5));
  }

  /**
   * The most articles a term of `queryTerms` may be in and still count: `maxDocShare` of them, less
   * when the terms' postings together exceed `maxPostings`, so that the rarest terms fit in it (a
   * term in more articles is left out, and so is every term as common as the first that does not fit).
   */
  maxDocs(queryTerms: Map<string, number>, maxDocShare: number, maxPostings = Infinity): number {
    const limit = this.docCount * maxDocShare;
    const dfs: number[] = [];
    let total = 0;
    for (const term of queryTerms.keys()) {
      const df = this.df(term);
      if (df > 0 && df <= limit) {
        dfs.push(df);
        total += df;
      }
    }
    if (total <= maxPostings) return limit;
    dfs.sort((a, b) => a - b);
    let sum = 0;
    for (const df of dfs) {
      sum += df;
      if (sum > maxPostings) return df - 1;
    }
    return limit;
  }

  /**
   * Add `boost × idf × saturated frequency` of each term to `scores` (indexed by article).
   * Terms found in more than `maxDocShare` of the articles are skipped: they cost time and say little;
   * so are the commonest terms beyond `maxPostings` postings in all (see `maxDocs`).
   */
  accumulate(queryTerms: Map<string, number>, scores: Float32Array, maxDocShare = 0.3, maxPostings = Infinity): void {
    const maxDocs = this.maxDocs(queryTerms, maxDocShare, maxPostings);
    for (const [term, boost] of queryTerms) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const start = this.offsets[id] ?? 0;
      const end = this.offsets[id + 1] ?? 0;
      if (end - start > maxDocs) continue;
      const idf = this.idf(term) * boost;
      for (let i = start; i < end; i++) {
        const doc = this.docs[i] ?? 0;
        const f = this.freqs[i] ?? 0;
        scores[doc] = (scores[doc] ?? 0) + (idf * f * (this.k1 + 1)) / (f + this.k1);
      }
    }
  }

  /** True when the article contains the term (postings are in article order: a binary search). */
  contains(term: string, doc: number): boolean {
    const id = this.termIds.get(term);
    if (id === undefined) return false;
    let lo = this.offsets[id] ?? 0;
    let hi = this.offsets[id + 1] ?? 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docs[mid] ?? 0;
      if (d === doc) return true;
      if (d < doc) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  /**
   * What the plain words of a message that no article uses would add to `ceiling` if one did,
   * each weighed like the rarest known term: the part of the message the KB cannot speak to.
   * Codes and names with digits are left out (server names, paths and numbers vary).
   */
  unseen(queryTerms: Map<string, number>): number {
    const rarest = Math.log(1 + (this.docCount - 0.5) / 1.5);
    let sum = 0;
    for (const [term, boost] of queryTerms)
      if (/^[a-z]{3,}$/.test(term) && this.df(term) === 0) sum += rarest * boost * (this.k1 + 1);
    return sum;
  }

  /** The largest score any article could get for these terms (each term at full saturation), counting the terms `accumulate` counts. */
  ceiling(queryTerms: Map<string, number>, maxDocShare = 0.3, maxPostings = Infinity): number {
    const maxDocs = this.maxDocs(queryTerms, maxDocShare, maxPostings);
    let sum = 0;
    for (const [term, boost] of queryTerms) {
      const df = this.df(term);
      if (df > 0 && df <= maxDocs) sum += this.idf(term) * boost * (this.k1 + 1);
    }
    return sum;
  }
}

type NumberArray = Int32Array | Float32Array | Float64Array;

/** An append-only typed array that doubles when full. */
export class Growable<T extends NumberArray> {
  private data: T;
  length = 0;

  constructor(private readonly Kind: { new (n: number): T }) {
    this.data = new Kind(1 << 16);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new this.Kind(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}
