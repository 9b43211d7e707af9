#!/usr/bin/env node
// Step 2 of training the quote network: how often each pair of the KB's 15,000 commonest words occur
// within four words of each other, over the training files (i % 7 !== 0, every form). train.py turns
// the counts into word vectors (positive PMI, then SVD), so the network starts knowing which words
// the KB uses alike ("cannot" and "unable", "click" and "choose").
// Usage: node scripts/quote-net/cooc.mjs CORPUS_DIR OUT_DIR
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { decodeArticleBytes } from '../../dist/src/kb/parse/decode.js';
import { word } from '../../dist/src/kb/parse/token-shape.js';

const VOCAB = 15000;
const WINDOW = 4;
const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: node scripts/quote-net/cooc.mjs CORPUS_DIR OUT_DIR');
const docs = [];
const counts = new Map();
for (const [i, f] of readdirSync(dir).sort().entries()) {
  if (i % 7 === 0) continue;
  const words = decodeArticleBytes(readFileSync(`${dir}/${f}`)).split(/\s+/).map(word).filter(Boolean);
  docs.push(words);
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
}
// Commonest first; ties in a fixed order, so that the vocabulary is the same from run to run.
const vocab = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, VOCAB).map(([w]) => w);
const id = new Map(vocab.map((w, k) => [w, k]));
const pairs = new Map();
for (const words of docs) {
  const ids = words.map((w) => id.get(w) ?? -1);
  for (let i = 0; i < ids.length; i++) {
    const a = ids[i];
    if (a < 0) continue;
    for (let d = 1; d <= WINDOW && i + d < ids.length; d++) {
      const b = ids[i + d];
      if (b < 0) continue;
      for (const key of [a * VOCAB + b, b * VOCAB + a]) pairs.set(key, (pairs.get(key) ?? 0) + 1 / d);
    }
  }
}
const rows = new Int32Array(pairs.size);
const cols = new Int32Array(pairs.size);
const vals = new Float32Array(pairs.size);
let n = 0;
for (const [key, v] of pairs) {
  rows[n] = Math.floor(key / VOCAB);
  cols[n] = key % VOCAB;
  vals[n++] = v;
}
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/vocab.json`, JSON.stringify(vocab));
writeFileSync(`${out}/cooc-rows.bin`, rows);
writeFileSync(`${out}/cooc-cols.bin`, cols);
writeFileSync(`${out}/cooc-vals.bin`, vals);
console.error(`${docs.length} files, ${vocab.length} words, ${pairs.size} word pairs`);
