/**
 * Error text matched as text: every run of SHINGLE consecutive words of the text an article quotes
 * (title, error messages, symptoms) is hashed; a pasted error is looked up by its own runs. An
 * article that contains the whole paste matches all of its runs, whatever the line wrapping,
 * truncation or chatter around it; variable parts (server names, paths) only cost the runs they touch.
 * Stored as two sorted typed arrays (hash, article), so the corpus costs tens of MB, not a Map.
 */
import { normalisedText, terms, words } from './tokens.js';

/** Words per run for error text. */
export const SHINGLE = 3;

/**
 * What a run is made of: `words` (every word, unstemmed: error text as written) or `terms`
 * (stemmed, stopwords dropped: word pairs such as "spell check" or "directori replic" in a question).
 */
export type RunTokens = 'words' | 'terms';

export interface PhraseShape {
  tokens: RunTokens;
  length: number;
}

export const ERROR_RUNS: PhraseShape = { tokens: 'words', length: SHINGLE };

export interface PhraseIndexJSON {
  hashes: Uint32Array;
  docs: Int32Array;
  docCount: number;
  shape: PhraseShape;
}

/** How much of a message an article contains. */
export interface PhraseMatch {
  doc: number;
  /** Weighted share of the message's informative runs found in the article, 0-1. */
  coverage: number;
  /** Runs found, and informative runs in the message. */
  matched: number;
  /** Longest stretch of consecutive matched runs, in words. */
  longest: number;
}

/** FNV-1a over the words of one run. */
function hashRun(ws: string[], start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) {
    const w = ws[i] ?? '';
    for (let j = 0; j < w.length; j++) {
      h ^= w.charCodeAt(j);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x20;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashes of every run of a text, in order (a text shorter than a run gives one hash of what it has). */
export function runHashes(text: string, shape: PhraseShape = ERROR_RUNS): number[] {
  const ws = shape.tokens === 'words' ? words(normalisedText(text)) : terms(text);
  const n = shape.length;
  if (ws.length === 0) return [];
  if (ws.length < n)
    return shape.tokens === 'words' ? [hashRun([...ws, ...Array<string>(n - ws.length).fill('')], 0, n)] : [];
  const out: number[] = [];
  for (let i = 0; i + n <= ws.length; i++) out.push(hashRun(ws, i, n));
  return out;
}

export class PhraseIndex {
  private scratch: Scratch | undefined;

  private constructor(
    private readonly hashes: Uint32Array,
    private readonly docs: Int32Array,
    readonly docCount: number,
    readonly shape: PhraseShape,
  ) {}

  /** Build from each article's text (index = article number). */
  static build(texts: readonly string[], shape: PhraseShape = ERROR_RUNS): PhraseIndex {
    const docBits = Math.max(1, Math.ceil(Math.log2(texts.length + 1)));
    if (docBits > 21) throw new RangeError('phrase index holds at most 2,097,151 articles');
    const scale = 2 ** docBits;
    let keys = new Float64Array(1 << 16);
    let n = 0;
    texts.forEach((text, doc) => {
      for (const h of new Set(runHashes(text, shape))) {
        if (n === keys.length) {
          const grown = new Float64Array(keys.length * 2);
          grown.set(keys);
          keys = grown;
        }
        keys[n++] = h * scale + doc;
      }
    });
    const sorted = keys.subarray(0, n).sort();
    const hashes = new Uint32Array(n);
    const docs = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = sorted[i] ?? 0;
      const doc = k % scale;
      docs[i] = doc;
      hashes[i] = (k - doc) / scale;
    }
    return new PhraseIndex(hashes, docs, texts.length, shape);
  }

  static loadJSON(json: PhraseIndexJSON): PhraseIndex {
    return new PhraseIndex(json.hashes, json.docs, json.docCount, json.shape);
  }

  toJSON(): PhraseIndexJSON {
    return { hashes: this.hashes, docs: this.docs, docCount: this.docCount, shape: this.shape };
  }

  /**
   * [start, end) of a hash's postings: a binary search for the start, then a galloping one for the
   * end, so a run in thousands of articles costs a few steps more than a rare one, not thousands.
   */
  private range(h: number): [number, number] {
    const hashes = this.hashes;
    let lo = 0;
    let hi = hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hashes[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    if (hashes[lo] !== h) return [lo, lo];
    // The end lies in (lo + step / 2, lo + step]: double `step` until past it, then bisect.
    let step = 1;
    while (lo + step < hashes.length && hashes[lo + step] === h) step *= 2;
    let a = lo + (step >> 1) + 1;
    let b = Math.min(lo + step, hashes.length);
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (hashes[mid] === h) a = mid + 1;
      else b = mid;
    }
    return [lo, a];
  }

  /**
   * Articles containing runs of the message, best coverage first. Runs found in more than
   * `maxDocShare` of the articles say nothing and are ignored; runs found nowhere (chatter, host
   * names) lower every article's coverage alike. Only the first `maxRuns` distinct runs are looked
   * up, and when their postings together exceed `maxPostings`, the commonest are ignored too, so
   * that the rarest fit in it.
   */
  match(
    text: string,
    limit = 50,
    maxDocShare = 0.02,
    { maxPostings = Infinity, maxRuns = Infinity }: { maxPostings?: number; maxRuns?: number } = {},
  ): { hits: PhraseMatch[]; runs: number } {
    const runs = runHashes(text, this.shape);
    const maxDf = Math.max(5, Math.floor(this.docCount * maxDocShare));
    // Each distinct run once, where the message first has it, with its postings.
    const distinct: { pos: number; start: number; end: number }[] = [];
    const seen = new Set<number>();
    let postings = 0;
    runs.forEach((h, pos) => {
      if (seen.has(h) || seen.size >= maxRuns) return;
      seen.add(h);
      const [start, end] = this.range(h);
      if (end - start > maxDf) return;
      distinct.push({ pos, start, end });
      postings += end - start;
    });
    let allowed = distinct;
    if (postings > maxPostings) {
      const dfs = distinct.map((r) => r.end - r.start).sort((a, b) => a - b);
      let sum = 0;
      let cap = maxDf;
      for (const df of dfs) {
        sum += df;
        if (sum > maxPostings) {
          cap = df - 1;
          break;
        }
      }
      allowed = distinct.filter((r) => r.end - r.start <= cap);
    }
    // Per article, in arrays kept between calls: the weight of its runs, how many, and its longest
    // stretch of consecutive runs (runs come in message order, so a stretch grows as they come).
    const s = (this.scratch ??= new Scratch(this.docCount));
    const touched: number[] = [];
    let total = 0;
    for (const { pos, start, end } of allowed) {
      const df = end - start;
      // A run found nowhere (chatter, a host name) weighs like the rarest run: it counts against every article.
      const w = Math.log(1 + this.docCount / Math.max(1, df));
      total += w;
      for (let i = start; i < end; i++) {
        const doc = this.docs[i] ?? 0;
        if (s.matched[doc] === 0) {
          touched.push(doc);
          s.last[doc] = -2;
        }
        s.weight[doc] = (s.weight[doc] ?? 0) + w;
        s.matched[doc] = (s.matched[doc] ?? 0) + 1;
        const streak = pos === (s.last[doc] ?? 0) + 1 ? (s.streak[doc] ?? 0) + 1 : 1;
        s.streak[doc] = streak;
        s.last[doc] = pos;
        if (streak > (s.longest[doc] ?? 0)) s.longest[doc] = streak;
      }
    }
    const hits: PhraseMatch[] = touched.map((doc) => ({
      doc,
      coverage: total > 0 ? (s.weight[doc] ?? 0) / total : 0,
      matched: s.matched[doc] ?? 0,
      longest: (s.longest[doc] ?? 0) + this.shape.length - 1,
    }));
    for (const doc of touched) s.clear(doc);
    hits.sort((a, b) => b.coverage - a.coverage || b.longest - a.longest);
    return { hits: hits.slice(0, limit), runs: seen.size };
  }
}

/** Per-article tallies of one `match`, all zero between calls. */
class Scratch {
  readonly weight: Float64Array;
  readonly matched: Int32Array;
  readonly last: Int32Array;
  readonly streak: Int32Array;
  readonly longest: Int32Array;

  constructor(docCount: number) {
    this.weight = new Float64Array(docCount);
    this.matched = new Int32Array(docCount);
    this.last = new Int32Array(docCount);
    this.streak = new Int32Array(docCount);
    this.longest = new Int32Array(docCount);
  }

  clear(doc: number): void {
    this.weight[doc] = 0;
    this.matched[doc] = 0;
    this.streak[doc] = 0;
    this.longest[doc] = 0;
  }
}
