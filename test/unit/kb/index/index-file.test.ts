// Loading the index file must not keep the file's whole body in memory (issue #27): v8.deserialize
// returns typed arrays that lie aligned in the body as views of it, and one such view kept by the
// ranker held the archive's 300 MB body alive in a serving bot. readIndex copies them out.
import { join } from 'node:path';
import v8 from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { detachViews, readIndex } from '../../../../src/kb/index/index-file.js';
import { buildIndex } from '../../../../src/kb/index/open-kb.js';
import { SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

const tmp = tempDir('kbbot-index-file-');
afterAll(tmp.cleanup);

/** Every typed array in `value` (objects, arrays, Maps) that is a view into a larger buffer, by path. */
function viewsIn(value: unknown, path = '$', out: string[] = []): string[] {
  if (ArrayBuffer.isView(value)) {
    if (value.byteLength !== value.buffer.byteLength) out.push(path);
  } else if (Array.isArray(value)) value.forEach((v, i) => viewsIn(v, `${path}[${i}]`, out));
  else if (value instanceof Map) for (const [k, v] of value) viewsIn(v, `${path}.get(${String(k)})`, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) viewsIn(v, `${path}.${k}`, out);
  return out;
}

describe('detachViews', () => {
  it('gives every deserialized typed array a buffer of its own, with the same values, wherever it is', () => {
    const original = {
      a: new Uint32Array(1000).fill(7),
      nested: [{ f: new Float64Array(500).fill(1.5) }],
      m: new Map([['k', new Int32Array(300).fill(-2)]]),
      words: ['x', 'y'],
    };
    const serialized = v8.serialize(original);
    // Inside a bigger buffer, as a file's body is.
    const file = Buffer.alloc(serialized.length + 8192);
    serialized.copy(file);
    const js = v8.deserialize(file.subarray(0, serialized.length)) as typeof original;
    expect(viewsIn(js).length).toBeGreaterThan(0); // what the fix is for

    const detached = detachViews(js);
    expect(viewsIn(detached)).toEqual([]);
    expect(detached).toEqual(original);
  });
});

describe('readIndex', () => {
  it('returns a search index none of whose arrays holds on to the file body', async () => {
    const indexPath = join(tmp.dir, 'kb-index.bin');
    await buildIndex([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    const { search } = readIndex(indexPath);
    expect(viewsIn(search)).toEqual([]);
  });
});
