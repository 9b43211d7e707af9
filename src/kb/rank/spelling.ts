/**
 * Typo tolerance: a word of a message that no article uses ("replciation", "sevrer",
 * "invetory") is replaced by the most frequent KB word one edit away (delete, insert, replace or
 * swap one letter). Words with digits (host names, codes) are never corrected, nor words longer
 * than any correction could be.
 */
import { RANKER_DEFAULTS } from './options.js';

/** Words shorter than this are never corrected (too many neighbours). */
export const MIN_CORRECTABLE = 5;
/** A correction must be used at least this often across the KB. */
export const MIN_CORRECTION_COUNT = 3;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const A = 97;

/** Multiplier of the polynomial hash edits are screened with. */
const BASE = 131;

/** Polynomial hash mod 2^32: hash(a + b) = hash(a) * BASE^|b| + hash(b). */
function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) >>> 0;
  return h;
}

/** Every string one edit away from `w`, in the order `Speller.correct` tries them (ties go to the first). */
export function* edits1(w: string): Generator<string> {
  for (let i = 0; i <= w.length; i++) {
    const a = w.slice(0, i);
    const b = w.slice(i);
    if (b) yield a + b.slice(1);
    if (b.length > 1) yield a + (b[1] ?? '') + (b[0] ?? '') + b.slice(2);
    for (const c of LETTERS) {
      if (b) yield a + c + b.slice(1);
      yield a + c + b;
    }
  }
}

export class Speller {
  /** Hashes of the words a correction may be (used at least MIN_CORRECTION_COUNT times). */
  private readonly targets = new Set<number>();
  /** Letters in the longest of them: no longer word is one edit away from a correction. */
  private readonly longest: number = 0;

  /** word → how many articles use it. */
  constructor(private readonly counts: Map<string, number>) {
    for (const [word, n] of counts) {
      if (n < MIN_CORRECTION_COUNT) continue;
      this.targets.add(hashOf(word));
      if (word.length > this.longest) this.longest = word.length;
    }
  }

  static fromJSON(json: { words: string[]; counts: Int32Array }): Speller {
    return new Speller(new Map(json.words.map((w, i) => [w, json.counts[i] ?? 0])));
  }

  toJSON(): { words: string[]; counts: Int32Array } {
    return { words: [...this.counts.keys()], counts: Int32Array.from(this.counts.values()) };
  }

  known(word: string): boolean {
    return this.counts.has(word);
  }

  /**
   * Whether `correct` would look for a correction of `word`: letters only, unknown, and of a length
   * a correction can be one edit from, up to `maxLength` (RANKER_DEFAULTS.maxSpellLength).
   */
  correctable(word: string, maxLength = RANKER_DEFAULTS.maxSpellLength): boolean {
    return (
      word.length >= MIN_CORRECTABLE &&
      word.length <= Math.min(maxLength, this.longest + 1) &&
      /^[a-z]+$/.test(word) &&
      !this.counts.has(word)
    );
  }

  /**
   * The correction of an unknown word, or undefined when it is known, not a word, too long or has
   * none. The edits of `edits1` are tried in its order, each screened by its hash (computed from
   * the word's prefix and suffix hashes, no string built): only an edit whose hash is a correction's
   * is spelled out and looked up. Time linear in the word's length.
   */
  correct(word: string, maxLength = RANKER_DEFAULTS.maxSpellLength): string | undefined {
    if (!this.correctable(word, maxLength)) return undefined;
    const n = word.length;
    const code = (i: number): number => word.charCodeAt(i);
    const pow = new Uint32Array(n + 2);
    pow[0] = 1;
    for (let i = 1; i < pow.length; i++) pow[i] = Math.imul(pow[i - 1] ?? 0, BASE) >>> 0;
    const prefix = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) prefix[i + 1] = (Math.imul(prefix[i] ?? 0, BASE) + code(i)) >>> 0;
    const suffix = new Uint32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) suffix[i] = (Math.imul(code(i), pow[n - 1 - i] ?? 0) + (suffix[i + 1] ?? 0)) >>> 0;
    /** hash(head + tail) where head's hash is `h` and tail = word.slice(from). */
    const join = (h: number, from: number): number => (Math.imul(h, pow[n - from] ?? 0) + (suffix[from] ?? 0)) >>> 0;
    const step = (h: number, c: number): number => (Math.imul(h, BASE) + c) >>> 0;

    let best: string | undefined;
    let bestCount = MIN_CORRECTION_COUNT - 1;
    const consider = (candidate: string): void => {
      const count = this.counts.get(candidate) ?? 0;
      if (count > bestCount) {
        best = candidate;
        bestCount = count;
      }
    };
    const targets = this.targets;
    for (let i = 0; i <= n; i++) {
      const head = prefix[i] ?? 0;
      if (i < n && targets.has(join(head, i + 1))) consider(word.slice(0, i) + word.slice(i + 1));
      if (i < n - 1 && targets.has(join(step(step(head, code(i + 1)), code(i)), i + 2)))
        consider(word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2));
      for (let c = A; c < A + 26; c++) {
        const h = step(head, c);
        if (i < n && targets.has(join(h, i + 1)))
          consider(word.slice(0, i) + String.fromCharCode(c) + word.slice(i + 1));
        if (targets.has(join(h, i))) consider(word.slice(0, i) + String.fromCharCode(c) + word.slice(i));
      }
    }
    return best;
  }
}

/** Count, per lower-case alphabetic word, the articles that use it. */
export function countWords(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set(text.toLowerCase().match(/[a-z]{3,}/g) ?? []);
    for (const w of seen) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}
