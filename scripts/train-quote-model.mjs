#!/usr/bin/env node
// Trains the collapsed-form quote-end model (models/quote-ends.json, read by src/kb/parse/quote-weights.ts)
// from original-form KB articles: their indentation shows where each quoted message ends, and the model
// learns to find that end in the same text with all whitespace collapsed.
// Usage: npm run build && node scripts/train-quote-model.mjs [CORPUS_DIR]
// (CORPUS_DIR defaults to $KBBOT_CORPUS_DIR, then /tmp/corpus.) It takes about four minutes and rewrites
// models/quote-ends.json, which kbbot reads at run time; a changed model needs a higher PARSER_VERSION
// (src/kb/parse/index.ts) so that existing indexes are rebuilt.
// Trains on 6 of every 7 files (sorted by name); file i % 7 === 0 is held out, and the script ends by
// reporting how many of its quote ends the new model finds. QUOTE_SEED=42 (or a list, default 42,7,1,3)
// picks the shuffling seeds whose models are averaged.
import { writeFileSync } from 'node:fs';
import { boundaryFeatures, quoteLength } from '../dist/src/kb/parse/quote-boundary.js';
import { quoteWindows } from './quote-windows.mjs';

// QUOTE_VALIDATE=1 also leaves out files i % 7 === 1 (or =2 ... =6 those of that split), to try features
// out on them without the held-out files.
const LEAVE = Number(process.env.QUOTE_VALIDATE ?? -1);
const dir = process.argv[2] ?? process.env.KBBOT_CORPUS_DIR ?? '/tmp/corpus';
const examples = [];
let quotes = 0;
// The held-out quotes (files i % 7 === 0, or the QUOTE_VALIDATE split), kept to report how often the new model finds their end.
const heldOut = [];
const isHeld = (i) => (LEAVE > 0 ? i % 7 === LEAVE : i % 7 === 0);
for (const { index, tokens, limit, ctx, gold, item } of quoteWindows(dir, (i) => i % 7 !== 0 || isHeld(i))) {
  if (isHeld(index)) {
    heldOut.push({ tokens, limit, ctx, gold });
    continue;
  }
  quotes++;
  // A bulleted list's last item is read from its own first word, as the collapsed reader does. The end is
  // learnt at each boundary up to the true end, before `limit`.
  for (let k = 1; k <= Math.min(item.gold, item.limit - 1, item.tokens.length - 1); k++) {
    examples.push([boundaryFeatures(item.tokens, k, item.ctx), k === item.gold ? 1 : 0]);
  }
}
console.error(`quotes ${quotes}, boundary examples ${examples.length}`);

// Logistic regression, plain SGD with L2, a few epochs over shuffled examples. The weights kept are the
// average of snapshots taken through the last QUOTE_AVG epochs (default 2): the last iterate of SGD depends
// on the shuffling order, and its held-out agreement moved by about a point from seed to seed; the average
// moves about half as much. The model is then the average of the models trained with each shuffling seed in
// QUOTE_SEED (default 42,7,1,3), which moves less again and finds a few more quote ends than any one of them.
const counts = new Map();
for (const [fs] of examples) for (const x of fs) counts.set(x, (counts.get(x) ?? 0) + 1);
const lr0 = 0.1,
  l2 = 1e-6;
const EPOCHS = 6;
const AVERAGE_EPOCHS = Number(process.env.QUOTE_AVG ?? 2);
const SEEDS = String(process.env.QUOTE_SEED ?? '42,7,1,3')
  .split(',')
  .map(Number);

function trainOnce(seedValue) {
  let seed = seedValue;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const order = examples.slice();
  const w = new Map();
  let bias = 0;
  const sum = new Map();
  let snapshots = 0;
  let biasSum = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const lr = lr0 / (1 + epoch);
    let loss = 0;
    let seen = 0;
    for (const [fs, y] of order) {
      if (epoch >= EPOCHS - AVERAGE_EPOCHS && ++seen % 5000 === 0) {
        snapshots++;
        biasSum += bias;
        for (const [k, v] of w) sum.set(k, (sum.get(k) ?? 0) + v);
      }
      let z = bias;
      for (const x of fs) if (counts.get(x) >= 3) z += w.get(x) ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      loss += -(y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      const g = p - y;
      bias -= lr * g;
      for (const x of fs) {
        if (counts.get(x) < 3) continue;
        const v = w.get(x) ?? 0;
        w.set(x, v - lr * (g + l2 * v));
      }
    }
    console.error(`seed ${seedValue} epoch ${epoch} loss ${(loss / order.length).toFixed(4)}`);
  }
  if (snapshots) {
    for (const k of w.keys()) w.set(k, (sum.get(k) ?? 0) / snapshots);
    bias = biasSum / snapshots;
  }
  return { w, bias };
}

const w = new Map();
let bias = 0;
for (const seedValue of SEEDS) {
  const m = trainOnce(seedValue);
  for (const [k, v] of m.w) w.set(k, (w.get(k) ?? 0) + v / SEEDS.length);
  bias += m.bias / SEEDS.length;
}
// The weights as written (three decimals); the held-out check below scores with these, not the unrounded ones.
const kept = [...w.entries()]
  .filter(([, v]) => Math.abs(v) >= 0.02)
  .sort((a, b) => a[0].localeCompare(b[0]))
  .map(([k, v]) => [k, v.toFixed(3)]);
const writtenBias = bias.toFixed(3);
// JSON written by hand so that each weight keeps its three decimals as text ("-0.090"), one a line.
const body = kept.map(([k, v]) => `    ${JSON.stringify(k)}: ${v}`).join(',\n');
const generatedBy = `scripts/train-quote-model.mjs, from ${quotes} quotes in original-form KB articles; do not edit`;
writeFileSync(
  new URL('../models/quote-ends.json', import.meta.url),
  `{\n  "generatedBy": ${JSON.stringify(generatedBy)},\n  "bias": ${writtenBias},\n  "weights": {\n${body}\n  }\n}\n`,
);
console.error(`wrote ${kept.length} weights`);

// How often the model finds the held-out quotes' end (a bulleted list's is left to errors.ts, which reads it item by item).
const model = { bias: Number(writtenBias), weights: Object.fromEntries(kept.map(([k, v]) => [k, Number(v)])) };
const lists = heldOut.filter((q) => q.tokens[0] !== '-');
const found = lists.filter((q) => quoteLength(q.tokens, q.limit, model, q.ctx) === q.gold).length;
console.error(`held-out quote ends found: ${found} of ${lists.length} (${((found / lists.length) * 100).toFixed(1)}%)`);
