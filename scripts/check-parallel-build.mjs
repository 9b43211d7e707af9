// Issue #27 check 1 (docs/design-compact-index.md section 8): two index files hold the same
// search index, array for array: every source's vocabulary (same order), offsets, docs and freqs
// (bit for bit), error-run and pair hashes and docs, speller words and counts, abbreviations
// (same order) and products. Run it on an index written by today's sequential build and one
// written by the parallel build (`kbbot ingest` on workers) of the same folders.
//   node scripts/check-parallel-build.mjs OLD_INDEX NEW_INDEX [DIST_DIR=dist]
// Prints one JSON object; exits 1 when anything differs.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';

const [oldFile, newFile, distDir = 'dist'] = process.argv.slice(2);
if (!oldFile || !newFile) {
  console.error('usage: node scripts/check-parallel-build.mjs OLD_INDEX NEW_INDEX [DIST_DIR]');
  process.exit(2);
}
const { readIndex } = await import(pathToFileURL(resolve(distDir, 'src/kb/index/index-file.js')).href);

/** Byte-for-byte equality of two typed arrays (freqs compared as bit patterns, not as numbers). */
function sameBytes(a, b) {
  return (
    a.constructor === b.constructor &&
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

/** Every difference between two saved values, by path; typed arrays byte for byte. */
function differences(a, b, path, out) {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || !sameBytes(a, b)) {
      const d = { path, lengths: [a?.length, b?.length] };
      if (a instanceof Float32Array && b instanceof Float32Array && a.length === b.length) {
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        d.largestDifference = worst;
      }
      out.push(d);
    }
    return;
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map)) out.push({ path, kinds: 'Map against non-Map' });
    else differences([...a], [...b], `${path}(entries)`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push({ path, lengths: [a.length, b.length] });
    else if (a.every((x) => typeof x !== 'object' || x === null)) {
      const at = a.findIndex((x, i) => x !== b[i]);
      if (at >= 0) out.push({ path, firstDifferenceAt: at, values: [a[at], b[at]] });
    } else a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, out));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences(a[k], b[k], `${path}.${k}`, out);
    return;
  }
  if (!isDeepStrictEqual(a, b)) out.push({ path, values: [a, b] });
}

const started = performance.now();
const before = readIndex(resolve(oldFile)).search;
const after = readIndex(resolve(newFile)).search;
const out = [];
differences(before, after, 'search', out);
const sizes = before.sources.map((s) => ({
  source: s.source,
  articles: s.articles,
  terms: s.index.terms.vocabulary.length,
  postings: s.index.terms.docs.length,
  phraseKeys: s.index.phrases.hashes.length,
  pairKeys: s.index.pairs.hashes.length,
  spellerWords: s.index.speller.words.length,
}));
console.log(
  JSON.stringify(
    {
      identical: out.length === 0,
      differences: out.slice(0, 20),
      sizes,
      seconds: Math.round(performance.now() - started) / 1000,
    },
    null,
    1,
  ),
);
process.exit(out.length === 0 ? 0 : 1);
