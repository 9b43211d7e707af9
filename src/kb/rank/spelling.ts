/**
 * Typo tolerance: a word of a message that no article uses ("replciation", "sevrer",
 * "invetory") is replaced by the most frequent KB word one edit away (delete, insert, replace or
 * swap one letter). Words with digits (host names, codes) are never corrected.
 */

/** Words shorter than this are never corrected (too many neighbours). */
export const MIN_CORRECTABLE = 5;
/** A correction must be used at least this often across the KB. */
export const MIN_CORRECTION_COUNT = 3;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Every string one edit away from `w`. */
function* edits1(w: string): Generator<string> {
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
  /** word → how many articles use it. */
  constructor(private readonly counts: Map<string, number>) {}

  static fromJSON(json: { words: string[]; counts: Int32Array }): Speller {
    return new Speller(new Map(json.words.map((w, i) => [w, json.counts[i] ?? 0])));
  }

  toJSON(): { words: string[]; counts: Int32Array } {
    return { words: [...this.counts.keys()], counts: Int32Array.from(this.counts.values()) };
  }

  known(word: string): boolean {
    return this.counts.has(word);
  }

  /** The correction of an unknown word, or undefined when it is known, not a word, or has none. */
  correct(word: string): string | undefined {
    if (word.length < MIN_CORRECTABLE || !/^[a-z]+$/.test(word) || this.counts.has(word)) return undefined;
    let best: string | undefined;
    let bestCount = MIN_CORRECTION_COUNT - 1;
    for (const cand of edits1(word)) {
      const n = this.counts.get(cand) ?? 0;
      if (n > bestCount) {
        best = cand;
        bestCount = n;
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
