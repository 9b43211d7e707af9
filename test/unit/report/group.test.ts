// The grouping of similar messages (src/report/group.ts) against its definition: comparing every
// message with every leader.
import { describe, expect, it } from 'vitest';
import { groupSimilar } from '../../../src/report/group.js';
import { signatureOf, similarity } from '../../../src/memory/signature.js';
import type { Signature } from '../../../src/memory/types.js';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** The definition: each item to the most similar earlier leader at or above the threshold. */
function bruteForce(sigs: Signature[], threshold: number): number[][] {
  const groups: number[][] = [];
  sigs.forEach((s, n) => {
    let best = -1;
    let bestSim = threshold;
    groups.forEach((g, k) => {
      const sim = similarity(s, sigs[g[0]!]!);
      if (sim > bestSim || (sim === bestSim && best === -1)) [best, bestSim] = [k, sim];
    });
    if (best >= 0) groups[best]!.push(n);
    else groups.push([n]);
  });
  return groups;
}

describe('groupSimilar', () => {
  it('finds exactly the groups comparing every message with every leader gives', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const vocabulary = 12 + Math.floor(random() * 40);
      const topics = Array.from({ length: 6 }, () =>
        Array.from({ length: 5 }, () => `w${Math.floor(random() ** 2 * vocabulary)}`),
      );
      const sigs = Array.from({ length: 150 }, () => {
        const weights = new Map<string, number>();
        for (const w of topics[Math.floor(random() * topics.length)]!)
          if (random() < 0.8) weights.set(w, 0.2 + random() * 3);
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--)
          weights.set(`w${Math.floor(random() * vocabulary)}`, random() * 2);
        return signatureOf(weights);
      });
      const threshold = [0.3, 0.6, 0.8][seed % 3]!;
      const items = sigs.map((_, n) => n);
      const got = groupSimilar(
        items,
        (n) => sigs[n]!,
        () => null,
        { threshold },
      );
      expect(got, `seed ${seed}`).toEqual(bruteForce(sigs, threshold));
      expect(got.length, `seed ${seed}: some grouping happens`).toBeLessThan(sigs.length);
    }
  });

  it('groups messages with an empty signature by identical text, in input order', () => {
    const items = [
      { s: [] as Signature, text: 'same' },
      { s: [] as Signature, text: null },
      { s: [] as Signature, text: 'same' },
      { s: [] as Signature, text: null },
    ];
    expect(
      groupSimilar(
        items,
        (i) => i.s,
        (i) => i.text,
        { threshold: 0.6 },
      ),
    ).toEqual([
      [items[0], items[2]],
      [items[1], items[3]],
    ]);
  });

  // A guard against a hang, not a measurement (the grouping's speed is not a figure tested here):
  // a month of a busy bot's log, nearly all of it distinct, must not make `kbbot report` go
  // quadratic. Comparing every message with every leader takes minutes on these 20,000 messages;
  // the index takes around a second. The limit sits far from both, so a loaded CI box cannot
  // fail it while a lost prefix filter still does.
  it('groups 20,000 mostly distinct messages without comparing every pair', () => {
    const random = rng(7);
    const sigs = Array.from({ length: 20_000 }, () =>
      signatureOf(
        new Map(
          Array.from(
            { length: 10 },
            () => [`w${Math.floor(random() ** 3 * 5000)}`, 0.1 + random() * 3] as [string, number],
          ),
        ),
      ),
    );
    const started = performance.now();
    const groups = groupSimilar(
      sigs,
      (s) => s,
      () => null,
      { threshold: 0.6 },
    );
    const elapsed = performance.now() - started;
    expect(groups.flat()).toHaveLength(20_000);
    expect(elapsed).toBeLessThan(20_000);
  }, 120_000);
});
