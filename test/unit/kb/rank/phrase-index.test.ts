/**
 * Error text matched as word runs (src/kb/rank/phrase-index.ts): the same matches as counting run
 * by run, with the runs a message may look up and their postings bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhraseIndex, runHashes, type PhraseMatch } from '../../../../src/kb/rank/phrase-index.js';

const WORDS = ['the', 'store', 'did', 'not', 'start', 'error', 'disk', 'full', 'mail', 'server', 'cannot', 'find'];
let seed = 7;
const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
/** Articles of common words, each with a word of its own in the middle. */
const texts = Array.from({ length: 80 }, (_, i) => {
  const ws = Array.from({ length: 6 + Math.floor(next() * 30) }, () => WORDS[Math.floor(next() * WORDS.length)]);
  ws.splice(3, 0, `own${i}`);
  return ws.join(' ');
});
const index = PhraseIndex.build(texts);
const textRuns = texts.map((t) => new Set(runHashes(t)));

/** The matches as first defined: every distinct run of the message, article by article. */
function reference(text: string, limit: number, maxDocShare: number): { hits: PhraseMatch[]; runs: number } {
  const runs = runHashes(text);
  const docsOf = (h: number): number[] => textRuns.flatMap((r, doc) => (r.has(h) ? [doc] : []));
  const maxDf = Math.max(5, Math.floor(texts.length * maxDocShare));
  const perDoc = new Map<number, { weight: number; matched: number; positions: number[] }>();
  let total = 0;
  const seen = new Set<number>();
  runs.forEach((h, pos) => {
    if (seen.has(h)) return;
    seen.add(h);
    const docs = docsOf(h);
    if (docs.length > maxDf) return;
    const w = Math.log(1 + texts.length / Math.max(1, docs.length));
    total += w;
    for (const doc of docs) {
      const e = perDoc.get(doc) ?? { weight: 0, matched: 0, positions: [] };
      perDoc.set(doc, e);
      e.weight += w;
      e.matched++;
      e.positions.push(pos);
    }
  });
  const hits = [...perDoc].map(([doc, e]) => {
    let best = 0;
    let cur = 0;
    let prev = -2;
    for (const p of e.positions) {
      cur = p === prev + 1 ? cur + 1 : 1;
      prev = p;
      best = Math.max(best, cur);
    }
    return { doc, coverage: total > 0 ? e.weight / total : 0, matched: e.matched, longest: best + 2 };
  });
  hits.sort((a, b) => b.coverage - a.coverage || b.longest - a.longest);
  return { hits: hits.slice(0, limit), runs: seen.size };
}

describe('PhraseIndex', () => {
  it('matches as counting run by run does (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS, 'chatter'), { maxLength: 40 }),
        fc.constantFrom(0.02, 0.2, 1),
        (ws, share) => {
          const text = ws.join(' ');
          expect(index.match(text, 20, share)).toEqual(reference(text, 20, share));
        },
      ),
      { numRuns: 300, seed: 22 },
    );
  });

  it('looks up only the first maxRuns distinct runs of a message', () => {
    const text = texts[3] ?? '';
    const all = index.match(text, 50, 1);
    const first = index.match(text, 50, 1, { maxRuns: 2 });
    expect(first.runs).toBe(2);
    expect(first).toEqual(reference(text.split(' ').slice(0, 4).join(' '), 50, 1));
    expect(all.runs).toBeGreaterThan(2);
  });

  it('beyond maxPostings, leaves out the commonest runs and keeps the rarest', () => {
    const text = texts[5] ?? '';
    const all = index.match(text, 80, 1);
    const bounded = index.match(text, 80, 1, { maxPostings: 12 });
    expect(bounded.hits.length).toBeGreaterThan(0);
    expect(bounded.hits.length).toBeLessThan(all.hits.length);
    // The runs with the article's own word (in it alone) are kept: it comes first.
    expect(bounded.hits[0]?.doc).toBe(5);
  });
});
