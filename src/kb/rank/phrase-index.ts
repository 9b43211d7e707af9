/**
 * Error text matched as text: every run of SHINGLE consecutive words of the text an article quotes
 * (title, error messages, symptoms) is hashed; a pasted error is looked up by its own runs. An
 * article that contains the whole paste matches all of its runs, whatever the line wrapping,
 * truncation or chatter around it; variable parts (server names, paths) only cost the runs they touch.
 * Stored as two sorted typed arrays (hash, article), so the corpus costs tens of MB, not a Map.
 */
import { normaliseText, terms, words } from './tokens.js';

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
  const ws = shape.tokens === 'words' ? words(normaliseText(text)) : terms(text);
  const n = shape.length;
  if (ws.length === 0) return [];
  if (ws.length < n)
    return shape.tokens === 'words' ? [hashRun([...ws, ...Array<string>(n - ws.length).fill('')], 0, n)] : [];
  const out: number[] = [];
  for (let i = 0; i + n <= ws.length; i++) out.push(hashRun(ws, i, n));
  return out;
}

export class PhraseIndex {
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

  /** [start, end) of a hash's postings. */
  private range(h: number): [number, number] {
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.hashes[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.hashes.length && this.hashes[end] === h) end++;
    return [lo, end];
  }

  /**
   * Articles containing runs of the message, best coverage first. Runs found in more than
   * `maxDocShare` of the articles say nothing and are ignored; runs found nowhere (chatter, host
   * names) lower every article's coverage alike.
   */
  match(text: string, limit = 50, maxDocShare = 0.02): { hits: PhraseMatch[]; runs: number } {
    const runs = runHashes(text, this.shape);
    const maxDf = Math.max(5, Math.floor(this.docCount * maxDocShare));
    const perDoc = new Map<number, { weight: number; matched: number; positions: number[] }>();
    let total = 0;
    const seen = new Set<number>();
    runs.forEach((h, pos) => {
      if (seen.has(h)) return;
      seen.add(h);
      const [start, end] = this.range(h);
      const df = end - start;
      if (df > maxDf) return;
      // A run found nowhere (chatter, a host name) weighs like the rarest run: it counts against every article.
      const w = Math.log(1 + this.docCount / Math.max(1, df));
      total += w;
      for (let i = start; i < end; i++) {
        const doc = this.docs[i] ?? 0;
        let entry = perDoc.get(doc);
        if (!entry) perDoc.set(doc, (entry = { weight: 0, matched: 0, positions: [] }));
        entry.weight += w;
        entry.matched++;
        entry.positions.push(pos);
      }
    });
    const hits: PhraseMatch[] = [];
    for (const [doc, e] of perDoc) {
      hits.push({
        doc,
        coverage: total > 0 ? e.weight / total : 0,
        matched: e.matched,
        longest: longestRun(e.positions) + this.shape.length - 1,
      });
    }
    hits.sort((a, b) => b.coverage - a.coverage || b.longest - a.longest);
    return { hits: hits.slice(0, limit), runs: seen.size };
  }
}

function longestRun(positions: number[]): number {
  let best = 0;
  let cur = 0;
  let prev = -2;
  for (const p of positions) {
    cur = p === prev + 1 ? cur + 1 : 1;
    prev = p;
    if (cur > best) best = cur;
  }
  return best;
}
