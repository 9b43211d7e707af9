/**
 * The intent signals and rules (src/intents/features.ts, rules.ts, kb-ids.ts) cost time linear in
 * the text, whatever it holds. Each case below is a shape a regex used to backtrack on: a guard
 * against super-linear work, not a measurement (CPU time, generous; each case costs about a
 * millisecond now, and took 0.5-2 s before at these lengths: the cubic and exponential ones are kept
 * short, as a few thousand characters more would take them hours).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectSignals, formalSentence } from '../../../src/intents/features.js';
import { IntentClassifier } from '../../../src/intents/index.js';
import { findChatKbIds } from '../../../src/intents/kb-ids.js';
import { cpuMs } from '../../helpers/cpu-time.js';

const classifier = new IntentClassifier();
const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** The regex `formalSentence` replaces: a formal sentence, tried from every capitalised word to the end of its line. */
const FORMAL =
  /(?:^|\n|: ?|")[A-Z][a-z]+\s(?![^\n]*\b(?:I|I'm|I've|me|my|we|our|us|pls|lol)\b)[a-z][^\n]{12,}(?:[.!]\s*(?:$|\n|"))/;

describe('signals of long hostile text', () => {
  const traps: [string, string][] = [
    // "error" or "stop" and a long run of blanks: `\s*:?\s*` let two or three `\s*` share the run (was 30 s).
    ['error number', `error${repeat(' ', 1500)}x`],
    ['error number', `code${repeat('\t', 1500)}:x`],
    ['STOP code', `stop${repeat(' ', 20_000)}x`],
    // Empty lines: `^\s*` under /m scanned all following lines from each one.
    ['log prefix', repeat('\n', 20_000)],
    ['log prefix', repeat('\u2028', 20_000)],
    // Sentences scanned to the end of their line from every capitalised word.
    ['formal sentence', repeat('"Ab a', 30_000)],
    ['formal sentence', repeat(': Abc abc ', 30_000)],
  ];
  for (const [what, text] of traps) {
    it(`${what}: ${JSON.stringify(text.slice(0, 12))}... (${text.length} characters)`, () => {
      expect(cpuMs(() => detectSignals(text, false, false))).toBeLessThan(200);
    });
  }

  it('still reads the signals those regexes are for', () => {
    expect(detectSignals('Error: 1018 returned', false, false).tokens).toContain('__errnum');
    expect(detectSignals('error   code   :   -1018', false, false).tokens).toContain('__errnum');
    expect(detectSignals('*** STOP : 0x0000001E', false, false).tokens).toContain('__stop');
    expect(detectSignals('Bug check   :   0A', false, false).tokens).toContain('__stop');
    expect(detectSignals('\n\n   2026-11-17 16:56:14 EXSRV38 The service', false, false).tokens).toContain(
      '__logprefix',
    );
    expect(detectSignals('Setup cannot find the file specified.', false, false).tokens).toContain('__formal');
    expect(detectSignals('Setup said I cannot find the file.', false, false).tokens).not.toContain('__formal');
  });
});

describe('formalSentence', () => {
  it('says what the regex it replaces matches (property)', () => {
    // Text made of the pieces the regex turns on: capitals, lower case, blanks, line breaks, stops, quotes, colons, personal words.
    const piece = fc.constantFrom(
      'A',
      'The',
      'Error',
      'b',
      'abc',
      'cannot find the file',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r',
      '\u2028',
      '.',
      '!',
      '"',
      ':',
      ': ',
      'I',
      "I'm",
      'me',
      'my',
      'we',
      'lol',
      'x1',
      '_',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(formalSentence(text), JSON.stringify(text)).toBe(FORMAL.test(text));
      }),
      { numRuns: 3000, seed: 22 },
    );
  });
});

describe('rules and ids on hostile text', () => {
  // "hi @a@a...@a x": `@\S+` inside a repeated group could split the mentions 2^n ways (25 of them took 2 s, 40 would take days).
  it('a greeting with many run-together mentions', () => {
    const text = `hi ${repeat('@a', 50)} x`;
    expect(cpuMs(() => classifier.classify(text))).toBeLessThan(200);
    expect(classifier.classify('hi @bob@alice!').intent).toBe('greeting');
    expect(classifier.classify('hi @bob.smith').intent).toBe('greeting');
  });

  it('"kb article" and a long run of blanks', () => {
    const text = `kb article${repeat(' ', 20_000)}x`;
    expect(cpuMs(() => findChatKbIds(text))).toBeLessThan(200);
    expect(findChatKbIds(`kb article ${repeat(' ', 100)}# 290226`)).toEqual(['Q290226']);
    expect(findChatKbIds('article #  174743 and KB-235418')).toEqual(['Q174743', 'Q235418']);
  });
});
