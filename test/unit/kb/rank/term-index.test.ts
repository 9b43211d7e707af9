/** The BM25F term index (src/kb/rank/term-index.ts): a message's postings are bounded, its rarest terms kept. */
import { describe, expect, it } from 'vitest';
import { TermIndex } from '../../../../src/kb/rank/term-index.js';

// 100 articles: "qqa" in 2, "qqb" in 20, "qqc" in 50, "qqd" in 80.
const articles = Array.from({ length: 100 }, (_, i) => ({
  title: [i < 2 ? 'qqa' : '', i < 20 ? 'qqb' : '', i < 50 ? 'qqc' : '', i < 80 ? 'qqd' : '', `own${i}`].join(' '),
}));
const index = TermIndex.build(articles, { weights: { title: 1 }, b: 0.6, k1: 1.2 });
const query = new Map([
  ['qqd', 1],
  ['qqa', 1],
  ['qqc', 1],
  ['qqb', 1],
]);

function scoresOf(maxPostings?: number): Float32Array {
  const scores = new Float32Array(100);
  index.accumulate(query, scores, 1, maxPostings);
  return scores;
}

describe('TermIndex postings bound', () => {
  it('counts every term when their postings fit', () => {
    expect(index.maxDocs(query, 1, 152)).toBe(100);
    expect(scoresOf(152)).toEqual(scoresOf());
  });

  it('leaves out the commonest terms beyond maxPostings, in the score and its ceiling alike', () => {
    // 2 + 20 + 50 = 72 postings fit in 100; "qqd" (80 more) does not.
    expect(index.maxDocs(query, 1, 100)).toBe(79);
    const bounded = scoresOf(100);
    const without = new Float32Array(100);
    index.accumulate(new Map([...query].filter(([t]) => t !== 'qqd')), without, 1);
    expect(bounded).toEqual(without);
    expect(index.ceiling(query, 1, 100)).toBeCloseTo(
      index.ceiling(new Map([...query].filter(([t]) => t !== 'qqd')), 1),
    );
    // Only the rarest fits in 10.
    expect(index.maxDocs(query, 1, 10)).toBe(19);
    expect(scoresOf(10).filter((s) => s > 0)).toHaveLength(2);
  });

  it('still leaves out terms in more than maxDocShare of the articles', () => {
    expect(index.maxDocs(query, 0.3, Infinity)).toBe(30);
  });
});
