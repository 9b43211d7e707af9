#!/usr/bin/env node
// Team-fix matching benchmark (issue #24): does a saved fix lead the answer when, and only when, the
// message is its error? On the labelled set test/fixtures/fix-queries.jsonl (40 fixes, 200 queries:
// re-pastes with new noise, parts, paraphrases, other errors of the same product, chatter, errors
// sharing a common word), with the fix index at 5 fixes (8 indexes of 5), 40, and 1,000 (the 40
// padded with synthetic distinct fixes of the same shapes). Then how long `add` and `remove` take
// at 1,000 fixes (the fix is searchable when `add` returns).
//   node scripts/bench-fixes.mjs [--misses]
// Prints lead precision (right leads / leads) and recall per query type, for the dev queries and
// the held-back ones apart. The held-back queries were written before any tuning and decide;
// `--misses` lists the dev queries led wrongly or missed (held-back ones are counted, never listed).
// Reads from dist/ (`npm run build` first). Writes nothing.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { REPO } from './bench-lib.mjs';
import { evaluateLeads, fivesOf, loadFixSet, syntheticFixes } from '../test/unit/fixes/fix-set.mjs';

const load = (p) => import(pathToFileURL(join(REPO, 'dist/src', p)).href);
const { FixIndex } = await load('fixes/index.js');
const { fixTitle } = await load('fixes/fix.js');
const { cleanQuery } = await load('kb/rank/clean-query.js');

const deps = { title: fixTitle, codes: (text) => cleanQuery(text).codes };
const { fixes, queries } = loadFixSet(deps);
const padding = syntheticFixes(960, deps);
const showMisses = process.argv.includes('--misses');

const sizes = [
  { name: '5', sets: fivesOf(fixes) },
  { name: '40', sets: [fixes] },
  { name: '1000', sets: [[...padding, ...fixes]] },
];
const types = ['repaste', 'partial', 'paraphrase'];
const pct = (x) => x.toFixed(3);

console.log('Lead precision and recall (a fix leads when its first hit passes `leads`):');
console.log(`| split | fixes | leads | precision | ${types.map((t) => `recall ${t}`).join(' | ')} |`);
console.log(`| --- | --- | --- | --- | ${types.map(() => '---').join(' | ')} |`);
for (const split of ['dev', 'held']) {
  const qs = queries.filter((q) => q.split === split);
  for (const size of sizes) {
    const r = evaluateLeads((f) => FixIndex.of(f), size.sets, qs);
    const recall = types.map((t) =>
      r.byType[t] ? `${pct(r.byType[t].recall)} (${r.byType[t].right}/${r.byType[t].n})` : '-',
    );
    console.log(
      `| ${split} | ${size.name} | ${r.leads} | ${pct(r.precision)} (${r.right}/${r.leads}) | ${recall.join(' | ')} |`,
    );
    if (showMisses && split === 'dev') {
      for (const w of r.wrong)
        console.log(
          `    WRONG @${size.name} ${w.type} want ${w.want} got ${w.got} (${w.confidence}): ${JSON.stringify(w.text.slice(0, 110))}`,
        );
      for (const m of r.missed)
        console.log(
          `    MISSED @${size.name} ${m.type} ${m.want} got ${m.got} (${m.confidence}): ${JSON.stringify(m.text.slice(0, 110))}`,
        );
    }
  }
}

// Add and remove latency at 1,000 fixes: each add makes the fix searchable before it returns.
const index = FixIndex.of([...padding, ...fixes]);
const extra = syntheticFixes(300, deps, 2401).map((f, i) => ({ ...f, id: `fix-${5001 + i}` }));
const adds = [];
const removes = [];
// Warm up (JIT) on fixes not timed.
for (const fix of syntheticFixes(50, deps, 99).map((f, i) => ({ ...f, id: `fix-${8001 + i}` }))) {
  index.add(fix);
  index.search(fix.errors[0]);
  index.remove(fix.id);
}
for (const fix of extra) {
  let t = performance.now();
  index.add(fix);
  adds.push(performance.now() - t);
  t = performance.now();
  index.remove(fix.id);
  removes.push(performance.now() - t);
}
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x) => `${x.toFixed(2)} ms`;
let t = performance.now();
const built = FixIndex.of([...padding, ...fixes]);
const buildMs = performance.now() - t;
for (const q of queries) built.search(q.text); // warm-up
const searches = [];
for (const q of queries) {
  t = performance.now();
  built.search(q.text);
  searches.push(performance.now() - t);
}
console.log('');
console.log(
  `At ${index.size} fixes: add p50 ${ms(quantile(adds, 0.5))}, p99 ${ms(quantile(adds, 0.99))}, max ${ms(Math.max(...adds))};`,
);
console.log(`  remove p50 ${ms(quantile(removes, 0.5))}, p99 ${ms(quantile(removes, 0.99))};`);
console.log(
  `  index of all ${built.size} built in ${ms(buildMs)}; search p50 ${ms(quantile(searches, 0.5))}, p99 ${ms(quantile(searches, 0.99))}.`,
);
