#!/usr/bin/env node
// Step 1 of training the quote network (scripts/quote-net/train.sh runs all three): the quote windows of
// original-form KB articles, in collapsed text, with the end their indentation shows, as JSON lines.
// Files i % 7 === 0 (sorted by name) are held out (test.jsonl), the rest are for training (train.jsonl),
// as for the linear model. Each line also carries the linear model's logits, so that train.py can score
// the two together on the held-out windows.
// Usage: npm run build && node scripts/quote-net/dump.mjs CORPUS_DIR OUT_DIR
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { decodeArticleBytes } from '../../dist/src/kb/parse/decode.js';
import { readEnvelope } from '../../dist/src/kb/parse/envelope.js';
import { cutLayout } from '../../dist/src/kb/parse/layout.js';
import { stripRegistryBoilerplate } from '../../dist/src/kb/parse/boilerplate.js';
import { introColons, quoteWindow, quotesWithIntros } from '../../dist/src/kb/parse/errors.js';
import { endProbability, openSpans, quoteContext } from '../../dist/src/kb/parse/quote-boundary.js';
import { QUOTE_MODEL } from '../../dist/src/kb/parse/quote-model.js';
import { NET_WINDOW } from '../../dist/src/kb/parse/quote-net.js';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: node scripts/quote-net/dump.mjs CORPUS_DIR OUT_DIR');
const collapse = (s) => s.replace(/\s+/g, ' ').trim();
const train = [];
const test = [];
for (const [i, f] of readdirSync(dir).sort().entries()) {
  const held = i % 7 === 0;
  try {
    const env = readEnvelope(decodeArticleBytes(readFileSync(`${dir}/${f}`)));
    if (env.form === 'collapsed') continue;
    for (const s of cutLayout(env.body, env.form).sections) {
      const text = stripRegistryBoilerplate(s.text);
      const flat = collapse(text);
      const intros = introColons(flat);
      for (const q of quotesWithIntros(text)) {
        const colon = collapse(text.slice(0, q.colonEnd)).length - 1;
        const intro = intros.find((x) => x.colon === colon);
        if (!intro) continue;
        const start = colon + 2;
        if (flat.slice(start, start + q.quote.length) !== q.quote) continue;
        const { tokens, limit, introStart } = quoteWindow(flat, start, intros);
        const ctx = quoteContext(flat.slice(intro.sentenceStart, colon), introStart);
        // A bulleted list's last item, from its own first word (as train-quote-model.mjs reads it).
        const all = q.quote.split(' ').length;
        const last = tokens[0] === '-' ? tokens.slice(0, all).lastIndexOf('-') : -1;
        const skip = last > 0 && last + 1 < all ? last + 1 : 0;
        const item = tokens.slice(skip);
        const itemCtx = skip ? { ...ctx, nextIntro: ctx.nextIntro >= skip ? ctx.nextIntro - skip : -1 } : ctx;
        const gold = all - skip;
        const lim = Math.min(limit - skip, item.length);
        // Training reads the spaces up to the true end; the held-out check reads every space the network sees.
        const upto = held ? Math.min(lim, NET_WINDOW) - 1 : Math.min(gold, lim - 1);
        const lin = [];
        for (let k = 1; k <= upto; k++) {
          const p = endProbability(item, k, QUOTE_MODEL, itemCtx);
          lin.push(Number(Math.log(p / (1 - p)).toFixed(3)));
        }
        const open = openSpans(item, Math.min(lim, upto + 1)).map((x) => (x ? 1 : 0));
        const rec = { gold, lim, upto, tokens: item.slice(0, Math.min(lim, upto + 40, NET_WINDOW)), lin, open, titleOnly: /^[A-Z][a-z]+$/.test(item[0] ?? '') ? 1 : 0 };
        (held ? test : train).push(JSON.stringify(rec));
      }
    }
  } catch {
    continue;
  }
}
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/train.jsonl`, train.join('\n') + '\n');
writeFileSync(`${out}/test.jsonl`, test.join('\n') + '\n');
console.error(`quote windows: ${train.length} to train on, ${test.length} held out`);
