import { MESSAGE_SENTENCE_MODEL } from './message-sentence-model.js';

/**
 * Does a sentence read like part of a quoted message ("Reformat the tape, and then try
 * again.") or like the article's prose about it ("LINK resumes processing when the user
 * presses the ENTER key.")? A small logistic model over the sentence's words, word pairs
 * and shape, trained by `scripts/train-quote-model.mjs` on original-form articles, where
 * sentences of indented quote blocks are messages and the rest is prose. The quote-end
 * model uses its score, bucketed, as one feature: one strong signal in place of many
 * sparse word features that overfit.
 */

export interface SentenceModel {
  bias: number;
  weights: Record<string, number>;
}

const word = (t: string): string => t.replace(/[^A-Za-z'-]/g, '').toLowerCase();

const shareBucket = (n: number, of: number): string => (n === 0 ? '0' : n / of < 0.34 ? 'lo' : n / of < 0.67 ? 'mid' : 'hi');

const isCap = (t: string): boolean => /^[A-Z][a-z]/.test(t);
const isUpper = (t: string): boolean => /^[A-Z0-9_]{2,}\W?$/.test(t);
const isSymbolic = (t: string): boolean => /[\\/|=<>_*#@$%{}[\]]|\d/.test(t);

/** Shape of a whole sentence: length, capitalisation, how it ends, signs of prose or of a message. */
function shapeFeatures(n: number, caps: number, upper: number, symbols: number, first: string, last: string): string[] {
  return [
    `len=${n < 3 ? 1 : n < 6 ? 2 : n < 12 ? 3 : n < 25 ? 4 : 5}`,
    `caps=${shareBucket(caps, n)}`,
    `upper=${shareBucket(upper, n)}`,
    `sym=${shareBucket(symbols, n)}`,
    `end=${/[.]$/.test(last) ? '.' : /[?!:;,]$/.test(last) ? last.slice(-1) : /["')\]>]$/.test(last) ? 'close' : 'none'}`,
    `start=${isCap(first) ? 'Cap' : /^[A-Z]+$/.test(first) ? 'UP' : /^[a-z]/.test(first) ? 'low' : 'sym'}`,
  ];
}

/** The features of a sentence, given as its whitespace-separated tokens (each word and word pair once). */
export function sentenceFeatures(tokens: string[]): string[] {
  const words = tokens.map(word).filter(Boolean);
  const count = (p: (t: string) => boolean): number => tokens.filter(p).length;
  const f = shapeFeatures(tokens.length, count(isCap), count(isUpper), count(isSymbolic), tokens[0] ?? '', tokens[tokens.length - 1] ?? '');
  if (words.length) f.push(`f=${words[0]}`, `l=${words[words.length - 1]}`);
  if (words.length > 1) f.push(`f2=${words[0]} ${words[1]}`);
  const seen = new Set<string>();
  for (let k = 0; k < words.length; k++) {
    seen.add(`u=${words[k]}`);
    if (k + 1 < words.length) seen.add(`b=${words[k]} ${words[k + 1]}`);
  }
  return [...f, ...seen];
}

const weightMaps = new WeakMap<SentenceModel, Map<string, number>>();
function weightsOf(model: SentenceModel): Map<string, number> {
  let weights = weightMaps.get(model);
  if (!weights) weightMaps.set(model, (weights = new Map(Object.entries(model.weights))));
  return weights;
}

/** Log-odds that the sentence is message text rather than prose. */
export function messageScore(tokens: string[], model: SentenceModel = MESSAGE_SENTENCE_MODEL): number {
  const weights = weightsOf(model);
  let z = model.bias;
  for (const x of sentenceFeatures(tokens)) z += weights.get(x) ?? 0;
  return z;
}

/**
 * Scores any span of a token window as `messageScore` does, without building feature strings
 * per span: the quote-end model asks for the sentences around every boundary of a window, so
 * each token's word and word-pair weights are looked up once per window.
 */
export class WindowScorer {
  private readonly words: string[];
  private readonly weights: Map<string, number>;
  /** Index of the first token at or after t that has a word (or n). */
  private readonly nextWord: Int32Array;
  /** Weights of the word, and of the word pair, that start at token t. */
  private readonly uni: Float64Array;
  private readonly pair: Float64Array;
  /** The previous token with the same word, and with the same word pair (or -1): a span counts each once. */
  private readonly sameWord: Int32Array;
  private readonly samePair: Int32Array;

  constructor(
    private readonly tokens: string[],
    private readonly model: SentenceModel,
  ) {
    const n = tokens.length;
    this.weights = weightsOf(model);
    this.words = tokens.map(word);
    this.nextWord = new Int32Array(n + 1).fill(n);
    for (let t = n - 1; t >= 0; t--) this.nextWord[t] = this.words[t] ? t : this.nextWord[t + 1]!;
    this.uni = new Float64Array(n);
    this.pair = new Float64Array(n);
    this.sameWord = new Int32Array(n).fill(-1);
    this.samePair = new Int32Array(n).fill(-1);
    const lastWord = new Map<string, number>();
    const lastPair = new Map<string, number>();
    for (let t = 0; t < n; t++) {
      const w = this.words[t]!;
      if (!w) continue;
      this.uni[t] = this.weight(`u=${w}`);
      this.sameWord[t] = lastWord.get(w) ?? -1;
      lastWord.set(w, t);
      const after = this.nextWord[t + 1]!;
      if (after >= n) continue;
      const key = `b=${w} ${this.words[after]}`;
      this.pair[t] = this.weight(key);
      this.samePair[t] = lastPair.get(key) ?? -1;
      lastPair.set(key, t);
    }
  }

  uses(model: SentenceModel): boolean {
    return model === this.model;
  }

  private weight(feature: string): number {
    return this.weights.get(feature) ?? 0;
  }

  /** The score of tokens[k..i) (k < i). */
  score(k: number, i: number): number {
    let z = this.model.bias;
    let caps = 0;
    let upper = 0;
    let symbols = 0;
    let first = -1;
    let second = -1;
    let last = -1;
    for (let t = k; t < i; t++) {
      const token = this.tokens[t]!;
      if (isCap(token)) caps++;
      if (isUpper(token)) upper++;
      if (isSymbolic(token)) symbols++;
      if (!this.words[t]) continue;
      if (first < 0) first = t;
      else if (second < 0) second = t;
      last = t;
      if (this.sameWord[t]! < k) z += this.uni[t]!;
      // The pair counts when its second word is inside the span too.
      if (this.nextWord[t + 1]! < i && this.samePair[t]! < k) z += this.pair[t]!;
    }
    if (first >= 0) z += this.weight(`f=${this.words[first]}`) + this.weight(`l=${this.words[last]}`);
    if (second >= 0) z += this.weight(`f2=${this.words[first]} ${this.words[second]}`);
    for (const x of shapeFeatures(i - k, caps, upper, symbols, this.tokens[k]!, this.tokens[i - 1]!)) z += this.weight(x);
    return z;
  }
}

/** The score as a coarse level, for the quote-end model. */
export function scoreBucket(z: number): string {
  return z < -3 ? 'p3' : z < -1.5 ? 'p2' : z < -0.5 ? 'p1' : z < 0.5 ? '0' : z < 1.5 ? 'm1' : z < 3 ? 'm2' : 'm3';
}
