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

/** Shape of a whole sentence: length, capitalisation, how it ends, signs of prose or of a message. */
function shapeFeatures(tokens: string[]): string[] {
  const n = tokens.length;
  const caps = tokens.filter((t) => /^[A-Z][a-z]/.test(t)).length;
  const upper = tokens.filter((t) => /^[A-Z0-9_]{2,}\W?$/.test(t)).length;
  const symbols = tokens.filter((t) => /[\\/|=<>_*#@$%{}[\]]|\d/.test(t)).length;
  const last = tokens[n - 1] ?? '';
  const f = [
    `len=${n < 3 ? 1 : n < 6 ? 2 : n < 12 ? 3 : n < 25 ? 4 : 5}`,
    `caps=${shareBucket(caps, n)}`,
    `upper=${shareBucket(upper, n)}`,
    `sym=${shareBucket(symbols, n)}`,
    `end=${/[.]$/.test(last) ? '.' : /[?!:;,]$/.test(last) ? last.slice(-1) : /["')\]>]$/.test(last) ? 'close' : 'none'}`,
    `start=${/^[A-Z][a-z]/.test(tokens[0] ?? '') ? 'Cap' : /^[A-Z]+$/.test(tokens[0] ?? '') ? 'UP' : /^[a-z]/.test(tokens[0] ?? '') ? 'low' : 'sym'}`,
  ];
  return f;
}

/** The features of a sentence, given as its whitespace-separated tokens. */
export function sentenceFeatures(tokens: string[]): string[] {
  const words = tokens.map(word).filter(Boolean);
  const f = shapeFeatures(tokens);
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

/** Log-odds that the sentence is message text rather than prose. */
export function messageScore(tokens: string[], model: SentenceModel = MESSAGE_SENTENCE_MODEL): number {
  let weights = weightMaps.get(model);
  if (!weights) weightMaps.set(model, (weights = new Map(Object.entries(model.weights))));
  let z = model.bias;
  for (const x of sentenceFeatures(tokens)) z += weights.get(x) ?? 0;
  return z;
}

/** The score as a coarse level, for the quote-end model. */
export function scoreBucket(z: number): string {
  return z < -3 ? 'p3' : z < -1.5 ? 'p2' : z < -0.5 ? 'p1' : z < 0.5 ? '0' : z < 1.5 ? 'm1' : z < 3 ? 'm2' : 'm3';
}
