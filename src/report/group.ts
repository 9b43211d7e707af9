/**
 * Grouping similar messages (the "same question" lists of `kbbot report`, see ./report.ts).
 *
 * Greedy, oldest message first: a message joins the group whose first message ("leader") is most
 * similar to it (cosine of signatures, see ../memory/signature.ts) if that is >= `threshold`, else
 * it starts a group. Leaders are found through an inverted index holding each leader under its
 * rarest terms only, as many as it takes for the others to weigh less than `threshold` (prefix
 * filtering, as in Bayardo et al., "Scaling up all pairs similarity search"): a message sharing
 * none of them cannot reach the threshold, so the result is exactly that of comparing every message
 * with every leader, and common words add no long lists. Messages with an empty signature group by
 * identical text.
 */
import type { Signature } from '../memory/types.js';

export interface GroupOptions {
  threshold: number;
}

/** A signature with its terms numbered densely (ids ascending) and weights scaled to unit length. */
interface Vec {
  ids: Int32Array;
  weights: Float64Array;
}

/**
 * Greedy grouping by signature similarity (see the module comment), in the items' order: each item
 * joins the group whose leader (first item) is most similar to it, at or above `threshold` (ties:
 * the older group), else leads a new group. Exactly what comparing every item with every leader
 * gives, found through a prefix-filtered inverted index of leaders. Items with an empty signature
 * group by identical `text` (all text-less ones together). Groups and members keep the input order.
 */
export function groupSimilar<T>(
  items: readonly T[],
  signatureOf: (t: T) => Signature,
  textOf: (t: T) => string | null,
  options: GroupOptions,
): T[][] {
  // Terms numbered 0.. in order of first use, and in how many items each occurs.
  const termIds = new Map<number, number>();
  const df: number[] = [];
  const vecs = items.map((item) => toVec(signatureOf(item), termIds, df));

  const t = options.threshold;
  const groups: T[][] = [];
  const leaders: (Vec | null)[] = [];
  /** Per leader: the length of its terms left out of the index (bounds their share of a dot product). */
  const rests: number[] = [];
  /** Term id -> the leaders indexed under it, with their weight of it. */
  const postings: ({ groups: number[]; weights: number[] } | undefined)[] = [];
  const byText = new Map<string | null, number>();
  let stamp = new Int32Array(64).fill(-1);
  let acc = new Float64Array(64);
  const touched: number[] = [];

  for (let n = 0; n < items.length; n++) {
    const item = items[n]!;
    const vec = vecs[n];
    if (!vec) {
      const text = textOf(item);
      const g = byText.get(text);
      if (g !== undefined) groups[g]!.push(item);
      else {
        byText.set(text, groups.length);
        groups.push([item]);
        leaders.push(null);
        rests.push(0);
      }
      continue;
    }
    if (stamp.length < groups.length) {
      const grown = new Int32Array(groups.length * 2).fill(-1);
      grown.set(stamp);
      stamp = grown;
      acc = new Float64Array(groups.length * 2);
    }
    // The dot product with each leader over the leader's indexed terms...
    touched.length = 0;
    for (let k = 0; k < vec.ids.length; k++) {
      const posting = postings[vec.ids[k]!];
      if (!posting) continue;
      const w = vec.weights[k]!;
      for (let p = 0; p < posting.groups.length; p++) {
        const g = posting.groups[p]!;
        if (stamp[g] !== n) {
          stamp[g] = n;
          acc[g] = 0;
          touched.push(g);
        }
        acc[g]! += w * posting.weights[p]!;
      }
    }
    // ... plus at most the length of the rest: only leaders that can still win are compared in full.
    let best = -1;
    let bestSim = t;
    for (const g of touched) {
      const rest = rests[g]!;
      if (acc[g]! + rest + 1e-9 < bestSim) continue;
      const sim = rest === 0 ? Math.min(1, acc[g]!) : dot(vec, leaders[g]!);
      // The most similar leader at or above the threshold; on a tie, the older group.
      if (sim > bestSim || (sim === bestSim && (best === -1 || g < best))) {
        best = g;
        bestSim = sim;
      }
    }
    if (best >= 0) {
      groups[best]!.push(item);
      continue;
    }
    const g = groups.length;
    groups.push([item]);
    leaders.push(vec);
    const { terms, rest } = prefixOf(vec, df, t);
    rests.push(rest);
    for (const k of terms) {
      const id = vec.ids[k]!;
      const posting = postings[id] ?? (postings[id] = { groups: [], weights: [] });
      posting.groups.push(g);
      posting.weights.push(vec.weights[k]!);
    }
  }
  return groups;
}

/**
 * The terms (positions in `vec`) a leader is indexed under: its rarest terms until the others
 * weigh less than `t` (unit length), and the length of those others. A message sharing none of
 * the indexed terms has a dot product with the leader of at most that length, below `t`
 * (Cauchy-Schwarz), so it cannot belong to the group: the filter loses nothing, and common terms
 * (long lists) are mostly left out.
 */
function prefixOf(vec: Vec, df: readonly number[], t: number): { terms: number[]; rest: number } {
  const order = [...vec.ids.keys()].sort((a, b) => df[vec.ids[a]!]! - df[vec.ids[b]!]! || vec.ids[a]! - vec.ids[b]!);
  const limit = t * t * (1 - 1e-9);
  let rest = 0;
  let k = order.length;
  // Leave out the most common terms while what is left out stays below the limit.
  while (k > 1) {
    const w = vec.weights[order[k - 1]!]!;
    if (rest + w * w >= limit) break;
    rest += w * w;
    k--;
  }
  return { terms: order.slice(0, k), rest: Math.sqrt(rest) };
}

/**
 * The signature as a Vec (terms numbered through `termIds`, counted in `df`; weights merged per
 * term and scaled to unit length), or null when it has no positive weight.
 */
function toVec(sig: Signature, termIds: Map<number, number>, df: number[]): Vec | null {
  const ids = new Int32Array(sig.length);
  const weights = new Float64Array(sig.length);
  let m = 0;
  for (const [h, w] of sig) {
    if (!(w > 0) || !Number.isFinite(w)) continue;
    let id = termIds.get(h);
    if (id === undefined) {
      id = df.length;
      termIds.set(h, id);
      df.push(0);
    }
    // Insertion sort by id (signatures are short), merging a repeated term.
    let k = m;
    while (k > 0 && ids[k - 1]! > id) k--;
    if (k > 0 && ids[k - 1] === id) {
      weights[k - 1]! += w;
      continue;
    }
    ids.copyWithin(k + 1, k, m);
    weights.copyWithin(k + 1, k, m);
    ids[k] = id;
    weights[k] = w;
    m++;
  }
  if (m === 0) return null;
  let norm = 0;
  for (let k = 0; k < m; k++) {
    df[ids[k]!]!++;
    norm += weights[k]! * weights[k]!;
  }
  norm = Math.sqrt(norm);
  for (let k = 0; k < m; k++) weights[k]! /= norm;
  return { ids: ids.subarray(0, m), weights: weights.subarray(0, m) };
}

/** Cosine similarity of two unit-length Vecs (what `similarity` of ../memory/signature.ts gives). */
function dot(a: Vec, b: Vec): number {
  const ia = a.ids;
  const ib = b.ids;
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < ia.length && j < ib.length) {
    const x = ia[i]!;
    const y = ib[j]!;
    if (x === y) sum += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return Math.min(1, sum);
}
