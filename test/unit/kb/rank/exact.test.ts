/** Exact quotes (src/kb/rank/exact.ts): the parts of a message tried as the error alone, bounded and in linear time. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactCandidates, exactShare } from '../../../../src/kb/rank/exact.js';
import { RANKER_DEFAULTS } from '../../../../src/kb/rank/options.js';
import { cpuMs } from '../../../helpers/cpu-time.js';

describe('exactCandidates', () => {
  it('tries the message, and what follows chatter, quotes and full stops taken off', () => {
    expect(exactCandidates('getting this when I run setup: "The System cannot find the file specified."')).toEqual([
      'getting this when I run setup: "The System cannot find the file specified.',
      'getting this when I run setup: "The System cannot find the file specified',
      'The System cannot find the file specified.',
      'The System cannot find the file specified',
    ]);
  });

  it('gives what the regexes it used did, for messages with no more cuts than the bound (property)', () => {
    const reference = (message: string): string[] => {
      const text = message.replace(/\s+/g, ' ').trim();
      const out = new Set<string>();
      const add = (s: string): void => {
        const t = s
          .trim()
          .replace(/^["'“‘(]+|["'”’)]+$/g, '')
          .trim();
        if (t.length >= 12) out.add(t);
        const bare = t.replace(/[.…]+$/, '').trim();
        if (bare.length >= 12) out.add(bare);
      };
      add(text);
      for (const m of text.matchAll(/(?:[:?!]|\s[-–—]|["“])\s*/g)) add(text.slice((m.index ?? 0) + m[0].length));
      return [...out].sort((a, b) => b.length - a.length);
    };
    const piece = fc.constantFrom(
      'The System',
      ' cannot',
      ' find',
      ':',
      ' - ',
      '"',
      '“',
      '”',
      "'",
      ')',
      '(',
      '.',
      '…',
      '!',
      '?',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const message = pieces.join('');
        fc.pre([...message.matchAll(/[:?!"“]|\s[-–—]/g)].length <= RANKER_DEFAULTS.exactCuts);
        expect(exactCandidates(message)).toEqual(reference(message));
      }),
      { numRuns: 2000, seed: 22 },
    );
  });

  it(`tries what follows the first ${RANKER_DEFAULTS.exactCuts} colons, dashes or quotes, no more`, () => {
    const message = Array.from({ length: 200 }, (_, i) => `field${i}: value number ${i}`).join(' ');
    const candidates = exactCandidates(message);
    expect(candidates.length).toBeLessThanOrEqual(2 * (RANKER_DEFAULTS.exactCuts + 1));
    expect(candidates.some((c) => c.startsWith(`value number ${RANKER_DEFAULTS.exactCuts - 1} `))).toBe(true);
    expect(candidates.some((c) => c.startsWith(`value number ${RANKER_DEFAULTS.exactCuts + 1} `))).toBe(false);
  });

  // A guard against super-linear work, not a measurement: quote marks and full stops were taken off
  // the end by regexes tried again from every mark of a long run (quadratic), for every cut.
  it('takes off long runs of quote marks and full stops in linear time', () => {
    for (const text of [`a ${')'.repeat(20_000)} b`, `a ${'.'.repeat(20_000)} b`, `a ${'\u201d'.repeat(20_000)}x`]) {
      expect(cpuMs(() => exactCandidates(text))).toBeLessThan(100);
    }
    expect(exactCandidates(`"${'x'.repeat(20)}${')'.repeat(30)}`)).toContain('x'.repeat(20));
  });
});

describe('exactShare', () => {
  it('is the share of the message an article quotes, case-insensitive matches at 0.8', () => {
    const candidates = exactCandidates('error: The System cannot find the file specified');
    const length = 'error: The System cannot find the file specified'.length;
    expect(exactShare(candidates, length, 'xx The System cannot find the file specified yy')).toBeCloseTo(41 / 48);
    expect(exactShare(candidates, length, 'xx the system cannot find the file specified yy')).toBeCloseTo(
      (0.8 * 41) / 48,
    );
  });
});
