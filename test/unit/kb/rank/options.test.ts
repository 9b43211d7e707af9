/**
 * The ranker's bounds on one message's work (RANKER_DEFAULTS in src/kb/rank/options.ts), at work:
 * a message reads as before up to each bound, and what lies beyond it is left out.
 */
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { RANKER_DEFAULTS } from '../../../../src/kb/rank/options.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { makeArticle } from '../../../helpers/articles.js';

const kb = new KnowledgeBase(
  Array.from({ length: 6 }, (_, i) =>
    makeArticle({
      id: `Q10000${i}`,
      title: `Directory replication fails on server ${i}`,
      sections: {
        symptoms: `Directory replication stops with event ${1000 + i}. The Internet Mail Service (IMS) stops.`,
      },
    }),
  ),
);
const ranker = Ranker.build(kb);

/** Made-up words no article uses, each one the speller would try. */
const madeUp = (n: number): string[] =>
  Array.from(
    { length: n },
    (_, i) => `zq${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}vk`,
  );

describe('bounds on a message', () => {
  it(`tries to correct the first ${RANKER_DEFAULTS.maxSpellingTries} unknown words only`, () => {
    const before = [...madeUp(RANKER_DEFAULTS.maxSpellingTries - 1), 'replciation'].join(' ');
    const after = [...madeUp(RANKER_DEFAULTS.maxSpellingTries), 'replciation'].join(' ');
    expect(ranker.termWeights(before).has('replic')).toBe(true);
    expect(ranker.termWeights(after).has('replic')).toBe(false);
    // A typo repeated is one try.
    expect(ranker.termWeights([...Array(30).fill('zqzqzq'), 'replciation'].join(' ')).has('replic')).toBe(true);
  });

  it('searches the first maxQueryTerms words, then codes, corrections and expansions', () => {
    const small = Ranker.build(kb, { maxQueryTerms: 3 });
    const weights = small.termWeights('directory replication stops server 0xc0020002 sevrer');
    expect([...weights.keys()]).toEqual(['directori', 'replic', 'stop', '0xc0020002', 'server']);
    expect(ranker.termWeights('directory replication stops server').has('server')).toBe(true);
  });

  it('expands the first maxExpansions abbreviations', () => {
    expect([...Ranker.build(kb, { maxExpansions: 0 }).termWeights('the IMS stops').keys()]).toEqual(['ims', 'stop']);
    expect(ranker.termWeights('the IMS stops').has('internet')).toBe(true);
  });

  it('looks up the first maxRuns word runs', () => {
    const text = 'Directory replication stops with event 1003';
    expect(Ranker.build(kb, { maxRuns: 2 }).rank(text).signals.runs).toBe(2);
    expect(ranker.rank(text).signals.runs).toBe(4);
    expect(ranker.rank(text).hits[0]?.article.id).toBe('Q100003');
  });
});
