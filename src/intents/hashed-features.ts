/**
 * Message → sparse hashed features for the softmax model (softmax.ts): what natural's word-level Bayes
 * model cannot see. Written by hand because no maintained JavaScript library does feature hashing
 * over mixed feature families; each family is a few lines:
 *
 * - the classifier's tokens (stemmed words, opening words, the signal pseudo-tokens of features.ts);
 * - word bigrams of the stemmed words ("was_not", "how_do");
 * - character n-grams (3 to 5) of each lowercased word with boundary marks ("<thx", "nks>"), so typos,
 *   inflections and unseen spellings ("thnks", "wrked", "restartng") share features with known words;
 * - shape: length, line count, how it ends, digits, capitals, symbols, whether it addresses someone;
 * - when the message quotes someone ("> ..."), the words the sender wrote themselves, apart: a quoted
 *   error with "any idea?" under it is a paste, with "yeah that's the rotation, ignore" it is talk.
 *
 * Each family's values are scaled by 1/sqrt(its feature count), so a long paste does not drown the
 * shape features. Indices are FNV-1a hashes into `2^bits` buckets (collisions are rare and harmless).
 */
import { fnv1a } from '../text/fnv.js';

/** Default log2 of the number of hash buckets. */
export const DEFAULT_HASH_BITS = 18;
/**
 * Words whose character n-grams are taken: the start of a message says most about its intent, and 24
 * words train in half the time of 40 for the same cross-validated accuracy.
 */
const MAX_GRAM_WORDS = 24;
/** Characters of a word used for n-grams. */
const MAX_GRAM_WORD_CHARS = 24;

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface FeatureInput {
  /** The unmarked message text. */
  text: string;
  /** The classifier's tokens: stemmed words, opening tokens, pseudo-tokens ("__hex"). */
  tokens: readonly string[];
  /** The stemmed words in order (for bigrams). */
  words: readonly string[];
  /** The message mentioned someone (the bot or a person). */
  mentioned: boolean;
  /** When the message quotes text: the stemmed words outside the quote (undefined when nothing is quoted). */
  ownWords?: readonly string[];
}

const bucket = (n: number, edges: readonly number[]): number => {
  let i = 0;
  while (i < edges.length && n > (edges[i] ?? Infinity)) i++;
  return i;
};

/** The shape of a message as a handful of categorical features. */
export function shapeFeatures(text: string, mentioned: boolean): string[] {
  const t = text.trim();
  const words = t.split(/\s+/).filter(Boolean);
  const lines = t.split('\n').filter((l) => l.trim() !== '').length;
  const letters = t.replace(/[^A-Za-z]/g, '');
  const upper = letters.replace(/[^A-Z]/g, '').length;
  const digits = t.replace(/[^0-9]/g, '').length;
  const symbols = t.replace(/[\w\s]/g, '').length;
  const out = [
    `words=${bucket(words.length, [1, 2, 4, 7, 12, 20, 40])}`,
    `lines=${bucket(lines, [1, 2, 4])}`,
    `upper=${letters.length ? bucket(upper / letters.length, [0, 0.05, 0.2, 0.5]) : 'none'}`,
    `digits=${t.length ? bucket(digits / t.length, [0, 0.02, 0.08, 0.2]) : 'none'}`,
    `symbols=${t.length ? bucket(symbols / t.length, [0.02, 0.06, 0.12]) : 'none'}`,
    `end=${/\?\s*$/.test(t) ? 'q' : /!\s*$/.test(t) ? 'bang' : /\.\s*$/.test(t) ? 'dot' : /[:;]\s*$/.test(t) ? 'colon' : /\p{Extended_Pictographic}\s*$/u.test(t) ? 'emoji' : 'none'}`,
    `start=${/^[A-Z]/.test(t) ? 'cap' : /^[a-z]/.test(t) ? 'low' : /^\d/.test(t) ? 'digit' : 'other'}`,
  ];
  if (mentioned) out.push('mentioned');
  if (/^\s*(?:you|your|u|ur)\b/i.test(t)) out.push('you-first');
  if (/\b(?:you|your|u|ur)\b/i.test(t)) out.push('you');
  if (/\b(?:i|i'm|im|my|me|we|our|us)\b/i.test(t)) out.push('first-person');
  return out;
}

/** Character n-grams (3..5) of each word, with "<" and ">" marking the word's ends. */
export function charGrams(text: string): string[] {
  const out: string[] = [];
  const words = text.toLowerCase().match(/[\p{L}\p{N}'_]+/gu) ?? [];
  for (const word of words.slice(0, MAX_GRAM_WORDS)) {
    const w = `<${word.slice(0, MAX_GRAM_WORD_CHARS)}>`;
    for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n));
  }
  return out;
}

/** The sparse feature vector of a message; indices are unique (a feature seen twice counts once). */
export function hashedFeatures(input: FeatureInput, bits: number = DEFAULT_HASH_BITS): SparseVector {
  const mask = (1 << bits) - 1;
  const acc = new Map<number, number>();
  const family = (prefix: string, features: readonly string[]): void => {
    const distinct = new Set(features);
    if (!distinct.size) return;
    const v = 1 / Math.sqrt(distinct.size);
    for (const f of distinct) {
      const i = fnv1a(prefix + f) & mask;
      acc.set(i, (acc.get(i) ?? 0) + v);
    }
  };
  family('t:', input.tokens);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < input.words.length && i < 80; i++) bigrams.push(`${input.words[i]}_${input.words[i + 1]}`);
  family('b:', bigrams);
  family('c:', charGrams(input.text));
  const shape = shapeFeatures(input.text, input.mentioned);
  if (input.ownWords) {
    shape.push('quoted', `own-words=${bucket(input.ownWords.length, [0, 3, 8, 20])}`);
    family('o:', input.ownWords);
  }
  family('s:', shape);
  family('bias', ['']);
  const indices = Int32Array.from(acc.keys());
  const values = Float32Array.from(acc.values());
  return { indices, values };
}
