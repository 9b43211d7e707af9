/** Abbreviations and long forms of a message (src/kb/rank/synonyms.ts): each distinct token looked at once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expansionsFor,
  HAND_SYNONYMS,
  HAND_WORDS,
  type Abbreviations,
  type Expansion,
} from '../../../../src/kb/rank/synonyms.js';
import { normaliseText, surfaceTokens } from '../../../../src/kb/rank/tokens.js';
import { cpuMs } from '../../../helpers/cpu-time.js';

const abbreviations: Abbreviations = new Map([
  ['is', 'information store'],
  ['post', 'power-on self test'],
  ['kmserver', 'key management server'],
  ['ndr', 'non-delivery report'],
  ...HAND_SYNONYMS,
]);

/** Expansions as first defined: every token, every abbreviation of the map. */
function reference(text: string): Expansion[] {
  const normalised = normaliseText(text);
  const tokens = surfaceTokens(normalised);
  const out: Expansion[] = [];
  const seen = new Set<string>();
  for (const tok of tokens) {
    const exp = abbreviations.get(tok);
    const escaped = tok.toUpperCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (exp && !HAND_WORDS.has(tok) && !new RegExp(`\\b${escaped}\\b`).test(text)) continue;
    if (exp && !seen.has(tok) && !normalised.includes(exp)) {
      seen.add(tok);
      out.push({ from: tok, to: exp });
    }
  }
  const padded = ` ${tokens.join(' ')} `;
  for (const [abbr, exp] of abbreviations) {
    if (
      exp.includes(' ') &&
      !seen.has(abbr) &&
      padded.includes(` ${exp} `) &&
      !tokens.includes(abbr) &&
      abbr.length > 2
    ) {
      seen.add(abbr);
      out.push({ from: exp, to: abbr });
    }
  }
  return out;
}

describe('expansionsFor', () => {
  it('expands abbreviations and long forms', () => {
    expect(expansionsFor('the IS will not start', abbreviations)).toEqual([{ from: 'is', to: 'information store' }]);
    expect(expansionsFor('the mailbox is full', abbreviations)).toEqual([]);
    expect(expansionsFor('the message transfer agent is stuck', abbreviations)).toContainEqual({
      from: 'message transfer agent',
      to: 'mta',
    });
  });

  it('expands as looking at every token and every abbreviation did (property)', () => {
    const word = fc.constantFrom(
      'IS',
      'is',
      'POST',
      'post',
      'KMS',
      'kms',
      'key',
      'management',
      'server',
      'message',
      'transfer',
      'agent',
      'non-delivery',
      'report',
      'NDR',
      'MS-DOS',
      'dos',
      'the',
      'Kmserver',
      'BSOD',
      'x1',
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 25 }), fc.constantFrom(' ', ', ', '. ', '\n'), (words, sep) => {
        const text = words.join(sep);
        expect(expansionsFor(text, abbreviations)).toEqual(reference(text));
      }),
      { numRuns: 1500, seed: 22 },
    );
  });

  it('looks at a repeated abbreviation once', () => {
    const text = 'is IS kms '.repeat(2000);
    expect(expansionsFor(text, abbreviations)).toEqual(reference(text));
    expect(cpuMs(() => expansionsFor(text, abbreviations))).toBeLessThan(100);
  });
});
