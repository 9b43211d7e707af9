// Loading the index file must not keep the file's bytes in memory (issue #27): the arrays of the
// search index are read straight from the file into one buffer that holds them and nothing else, so
// a serving bot holds the index and nothing of the file it came from. The integer arrays are stored as deltas in varints,
// and must come back exactly, whatever their values.
import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexFormatError } from '../../../../src/kb/errors.js';
import { readIndex, readIndexHeader } from '../../../../src/kb/index/index-file.js';
import { buildIndex } from '../../../../src/kb/index/open-kb.js';
import { decodeDeltas, encodeDeltas, packArrays, unpackArrays } from '../../../../src/kb/index/packed-arrays.js';
import { SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

const tmp = tempDir('kbbot-index-file-');
afterAll(tmp.cleanup);

/** Every typed array in `value` (objects and arrays). */
function arraysIn(value: unknown, out: ArrayBufferView[] = []): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => arraysIn(v, out));
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value as Record<string, unknown>)) arraysIn(v, out);
  return out;
}

describe('delta varints', () => {
  it('give back any Int32 or Uint32 array exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), (xs) => {
        const a = Int32Array.from(xs);
        const back = new Int32Array(a.length);
        decodeDeltas(encodeDeltas(a), back);
        expect(back).toEqual(a);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 })), (xs) => {
        const a = Uint32Array.from(xs.sort((x, y) => x - y));
        const back = new Uint32Array(a.length);
        decodeDeltas(encodeDeltas(a), new Int32Array(back.buffer));
        expect(back).toEqual(a);
      }),
    );
  });

  it('store sorted postings in a fraction of their size', () => {
    const postings = Int32Array.from({ length: 10_000 }, (_, i) => i * 7);
    expect(encodeDeltas(postings).length).toBe(10_000); // one byte each, against four
  });

  it('report bytes cut short or left over as a damaged index', () => {
    const bytes = encodeDeltas(Int32Array.from([1, 200, 70_000]));
    expect(() => decodeDeltas(bytes.subarray(0, bytes.length - 1), new Int32Array(3))).toThrow(IndexFormatError);
    expect(() => decodeDeltas(bytes, new Int32Array(2))).toThrow(/left over/);
  });
});

describe('packArrays', () => {
  it('takes the typed arrays out of a value and puts them back where they were', () => {
    const value = {
      sources: [{ terms: { docs: Int32Array.from([1, 5, 9]), freqs: Float32Array.from([0.5, 1.25]), n: 3 } }],
      offsets: Float64Array.from([0, 10.5]),
      hashes: Uint32Array.from([3, 4_000_000_000]),
      words: ['a', 'b'],
    };
    const { skeleton, parts, table } = packArrays(structuredClone(value));
    expect(JSON.stringify(skeleton, (_k, v: unknown) => (ArrayBuffer.isView(v) ? 'TYPED' : v))).not.toMatch(/TYPED/);
    expect(table.map((t) => t.encoding)).toEqual(['delta-varint', 'raw', 'raw', 'delta-varint']);
    const arrays = table.map((t, i) => {
      const bytes = parts[i] as Buffer;
      if (t.encoding === 'raw')
        return t.type === 'Float32Array'
          ? new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
          : new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const out = new Int32Array(t.length);
      decodeDeltas(bytes, out);
      return t.type === 'Int32Array' ? out : new Uint32Array(out.buffer);
    });
    expect(unpackArrays(skeleton, arrays)).toEqual(value);
  });
});

describe('readIndex', () => {
  it('reads back an index of no articles (a folder emptied)', async () => {
    const indexPath = join(tmp.dir, 'empty-data', 'kb-index.bin');
    mkdirSync(join(tmp.dir, 'empty'));
    await buildIndex([join(tmp.dir, 'empty')], { indexPath, ingest: { workers: 0 } });
    expect(readIndex(indexPath).kb.size).toBe(0);
  });

  it('returns a search index whose arrays hold no bytes of the file but their own', async () => {
    const indexPath = join(tmp.dir, 'kb-index.bin');
    await buildIndex([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    const { search } = readIndex(indexPath);
    const arrays = arraysIn(search);
    expect(arrays.length).toBeGreaterThan(5);
    const buffers = new Set(arrays.map((a) => a.buffer));
    const held = [...buffers].reduce((n, b) => n + b.byteLength, 0);
    const used = arrays.reduce((n, a) => n + Math.ceil(a.byteLength / 8) * 8, 0);
    const { kb } = readIndex(indexPath);
    expect(held).toBe(used + (kb.size + 1) * 8); // and where each article's text lies
    expect(readIndexHeader(indexPath).header.formatVersion).toBe(2);
  });
});
