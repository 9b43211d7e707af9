#!/usr/bin/env node
// Step 1 of training the quote network (scripts/quote-net/train.sh runs all three): the quote windows of
// original-form KB articles, in collapsed text, with the end their indentation shows, as JSON lines.
// Files i % 7 === 0 (sorted by name) are held out (test.jsonl), the rest are for training (train.jsonl),
// as for the linear model. Each line also carries the linear model's logits, so that train.py can score
// the two together on the held-out windows.
// Usage: npm run build && node scripts/quote-net/dump.mjs CORPUS_DIR OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { endProbability, openSpans } from '../../dist/src/kb/parse/quote-boundary.js';
import { QUOTE_MODEL } from '../../dist/src/kb/parse/quote-model.js';
import { NET_WINDOW } from '../../dist/src/kb/parse/quote-net.js';
import { quoteWindows } from '../quote-windows.mjs';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: node scripts/quote-net/dump.mjs CORPUS_DIR OUT_DIR');
const train = [];
const test = [];
for (const { index, item } of quoteWindows(dir, () => true)) {
  const held = index % 7 === 0;
  // A bulleted list's last item, from its own first word (as train-quote-model.mjs reads it).
  const { tokens, ctx, gold } = item;
  const lim = Math.min(item.limit, tokens.length);
  // Training reads the spaces up to the true end; the held-out check reads every space the network sees.
  const upto = held ? Math.min(lim, NET_WINDOW) - 1 : Math.min(gold, lim - 1);
  const lin = [];
  for (let k = 1; k <= upto; k++) {
    const p = endProbability(tokens, k, QUOTE_MODEL, ctx);
    lin.push(Number(Math.log(p / (1 - p)).toFixed(3)));
  }
  const open = openSpans(tokens, Math.min(lim, upto + 1)).map((x) => (x ? 1 : 0));
  const rec = { gold, lim, upto, tokens: tokens.slice(0, Math.min(lim, upto + 40, NET_WINDOW)), lin, open, titleOnly: /^[A-Z][a-z]+$/.test(tokens[0] ?? '') ? 1 : 0 };
  (held ? test : train).push(JSON.stringify(rec));
}
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/train.jsonl`, train.join('\n') + '\n');
writeFileSync(`${out}/test.jsonl`, test.join('\n') + '\n');
console.error(`quote windows: ${train.length} to train on, ${test.length} held out`);
