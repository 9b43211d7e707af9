/** Tokens for ranking (src/kb/rank/tokens.ts) at a cost linear in the text, however long its words. */
import { describe, expect, it } from 'vitest';
import {
  MAX_STEM_CHARS,
  normalisedText,
  normaliseText,
  stem,
  surfaceTokens,
  terms,
  textTokens,
} from '../../../../src/kb/rank/tokens.js';
import { cpuMs } from '../../../helpers/cpu-time.js';

describe('stem', () => {
  it('stems words as Porter does', () => {
    expect(stem('replication')).toBe('replic');
    expect(stem('servers')).toBe('server');
    expect(stem('0xc0020002')).toBe('0xc0020002');
  });

  // A guard against super-linear work, not a measurement: the Porter stemmer's regexes cost a word's
  // length squared (20,000 consonants took seconds); a word over MAX_STEM_CHARS letters stays as it is.
  it(`leaves a word over ${MAX_STEM_CHARS} letters as it is, at once`, () => {
    const long = 'b'.repeat(20_000);
    expect(cpuMs(() => stem(long))).toBeLessThan(50);
    expect(stem(long)).toBe(long);
    const word = (letters: number): string => `${'ba'.repeat(letters / 2)}s`.slice(-letters);
    expect(stem(word(MAX_STEM_CHARS))).toBe(word(MAX_STEM_CHARS).slice(0, -1));
    expect(stem(word(MAX_STEM_CHARS + 2))).toBe(word(MAX_STEM_CHARS + 2));
    expect(cpuMs(() => terms(`${long} ${'q'.repeat(20_000)}`))).toBeLessThan(50);
  });
});

describe('textTokens and normalisedText', () => {
  it('are surfaceTokens(normaliseText(text)) and normaliseText(text), for any text in any order', () => {
    const texts = [
      "Can't apply SP 3 on Win95: kmserver.exe",
      'Service Pack 4 won\u2019t install',
      "Can't apply SP 3 on Win95: kmserver.exe",
    ];
    for (const text of texts) {
      expect(textTokens(text)).toEqual(surfaceTokens(normaliseText(text)));
      expect(normalisedText(text)).toBe(normaliseText(text));
    }
  });
});
