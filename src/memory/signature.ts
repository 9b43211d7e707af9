/**
 * A message's signature: its most telling (stemmed) search terms, each hashed to 32 bits and kept
 * with its weight. Two messages asking the same thing share terms and so have a high cosine
 * similarity; the text itself cannot be read back, so signatures are kept even when
 * STORE_MESSAGES is off. Feedback is matched on them, and the report groups messages with them.
 */
import { fnv1a } from '../text/fnv.js';
import type { Signature } from './types.js';

/** Terms kept per signature, heaviest first. */
export const SIGNATURE_TERMS = 32;

/** A term's hash in a signature: FNV-1a, 32 bits. */
export const hashTerm = fnv1a;

/** The signature of a message from its term weights (term -> weight > 0). Sorted by hash. */
export function signatureOf(weights: ReadonlyMap<string, number>, max = SIGNATURE_TERMS): Signature {
  const merged = new Map<number, number>();
  const heaviest = [...weights]
    .filter(([, w]) => w > 0 && Number.isFinite(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max);
  for (const [term, w] of heaviest) {
    const h = hashTerm(term);
    merged.set(h, (merged.get(h) ?? 0) + w);
  }
  return [...merged].map(([h, w]): [number, number] => [h, Math.round(w * 1000) / 1000]).sort((a, b) => a[0] - b[0]);
}

/** Cosine similarity of two signatures, 0-1 (0 when either is empty). */
export function similarity(a: Signature, b: Signature): number {
  let dot = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [ha, wa] = a[i] as [number, number];
    const [hb, wb] = b[j] as [number, number];
    if (ha === hb) {
      dot += wa * wb;
      i++;
      j++;
    } else if (ha < hb) i++;
    else j++;
  }
  const na = norm(a);
  const nb = norm(b);
  return na > 0 && nb > 0 ? Math.min(1, dot / (na * nb)) : 0;
}

function norm(s: Signature): number {
  let sum = 0;
  for (const [, w] of s) sum += w * w;
  return Math.sqrt(sum);
}

/** A signature read back from storage; anything malformed gives an empty one. */
export function parseSignature(json: string): Signature {
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter(
      (p): p is [number, number] =>
        Array.isArray(p) &&
        p.length === 2 &&
        Number.isInteger(p[0]) &&
        typeof p[1] === 'number' &&
        Number.isFinite(p[1]),
    );
  } catch {
    return [];
  }
}
