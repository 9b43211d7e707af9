/**
 * Typo correction (src/kb/rank/spelling.ts): the same corrections as trying every one-edit
 * variant, at a cost linear in the word, and none for words longer than a correction can be.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANKER_DEFAULTS } from '../../../../src/kb/rank/options.js';
import { edits1, MIN_CORRECTABLE, MIN_CORRECTION_COUNT, Speller } from '../../../../src/kb/rank/spelling.js';
import { cpuMs } from '../../../helpers/cpu-time.js';

const VOCABULARY: [string, number][] = [
  ['replication', 40],
  ['server', 90],
  ['service', 80],
  ['inventory', 12],
  ['directory', 30],
  ['directions', 5],
  ['mailbox', 25],
  ['mailboxes', 9],
  ['store', 60],
  ['stores', 3],
  ['connector', 14],
  ['exchange', 70],
  ['rarely', 2],
  ['perrecipientmessagetransferfield', 3],
  ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz', 5],
];
const speller = new Speller(new Map(VOCABULARY));

/** The correction as the speller has always defined it: the most used KB word among all one-edit variants, the first of equals. */
function reference(word: string): string | undefined {
  if (word.length < MIN_CORRECTABLE || !/^[a-z]+$/.test(word) || speller.known(word)) return undefined;
  const counts = new Map(VOCABULARY);
  let best: string | undefined;
  let bestCount = MIN_CORRECTION_COUNT - 1;
  for (const cand of edits1(word)) {
    const n = counts.get(cand) ?? 0;
    if (n > bestCount) {
      best = cand;
      bestCount = n;
    }
  }
  return best;
}

describe('Speller', () => {
  it('corrects typos to the most used KB word one edit away', () => {
    expect(speller.correct('replciation')).toBe('replication');
    expect(speller.correct('sevrer')).toBe('server');
    expect(speller.correct('invetory')).toBe('inventory');
    expect(speller.correct('mailboxs')).toBe('mailbox'); // used more than "mailboxes"
    expect(speller.correct('rarelyy')).toBeUndefined(); // "rarely" is in too few articles
    expect(speller.correct('server')).toBeUndefined();
  });

  it('corrects exactly as trying every one-edit variant does (property)', () => {
    const words = VOCABULARY.map(([w]) => w).filter((w) => w.length < 30);
    const typo = fc
      .tuple(
        fc.constantFrom(...words),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'abcdeiorstvxyz')), { maxLength: 2 }),
      )
      .map(([w, edits]) => {
        let s = w;
        for (const [at, c] of edits) {
          const i = at % (s.length + 1);
          s =
            at % 3 === 0
              ? s.slice(0, i) + s.slice(i + 1)
              : at % 3 === 1
                ? s.slice(0, i) + c + s.slice(i)
                : s.slice(0, i) + c + s.slice(i + 1);
        }
        return s;
      });
    fc.assert(
      fc.property(fc.oneof(typo, fc.string({ unit: fc.constantFrom(...'abcdeirst'), maxLength: 12 })), (word) => {
        expect(speller.correct(word), word).toBe(reference(word));
      }),
      { numRuns: 2000, seed: 22 },
    );
  });

  it(`corrects words of up to maxSpellLength (${RANKER_DEFAULTS.maxSpellLength}) letters, no longer`, () => {
    expect(speller.correct('perrecipientmesagetransferfield')).toBe('perrecipientmessagetransferfield');
    // One edit from a 52-letter KB word, but longer than maxSpellLength: not looked at.
    expect(speller.correct('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxz')).toBeUndefined();
    expect(speller.correct('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxz', 60)).toBe(
      'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
    );
    expect(speller.correctable('a'.repeat(RANKER_DEFAULTS.maxSpellLength + 1))).toBe(false);
  });

  it('never looks at a word longer than every KB word but one letter', () => {
    const small = new Speller(new Map([['server', 5]]));
    expect(small.correctable('servers')).toBe(true);
    expect(small.correctable('serverss')).toBe(false);
  });

  // A guard against super-linear work, not a measurement: every one-edit variant of a 20,000-letter
  // word is over a million strings of 20,000 letters (1.2-2.6 s); now the length alone rules it out,
  // and a word within the limit costs some 50 hash steps per letter.
  it('costs nothing for a 20,000-letter word, and little for the longest it corrects', () => {
    expect(cpuMs(() => speller.correct('a'.repeat(20_000)))).toBeLessThan(50);
    expect(cpuMs(() => speller.correct('q'.repeat(RANKER_DEFAULTS.maxSpellLength)))).toBeLessThan(50);
  });
});
