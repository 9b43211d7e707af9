// Issue #27 groundwork (prototype, not part of the product): does ranking only the articles a
// message's terms reached (instead of scanning every article's score on every message) keep every
// ranking the same, and what does it save? Copies the compiled kbbot (DIST_DIR) to a temporary
// folder, patches the copy (TermIndex.accumulate lists the articles it reaches; SourceRanker.rank
// zeroes and scans only those, in article order, so ties resolve as before), then ranks the dev
// sets' messages with both, alternately in fresh processes, and compares the rankings.
//   node scripts/proto-latency.mjs INDEX_FILE [DIST_DIR=dist] [EVAL_DIR=../shared/eval] [ROUNDS=2]
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const [first, ...rest] = process.argv.slice(2);
if (first === '--serve') await serve(...rest);
else await main(first, ...rest);

async function main(indexFile, distDir = 'dist', evalDir = '../shared/eval', rounds = '2') {
  if (!indexFile) {
    console.error('usage: node scripts/proto-latency.mjs INDEX_FILE [DIST_DIR] [EVAL_DIR] [ROUNDS]');
    process.exit(2);
  }
  const dist = resolve(distDir);
  // The copy sits beside a link to the checkout's node_modules, so its imports resolve as before.
  const root = mkdtempSync(join(tmpdir(), 'kbbot-proto-latency-'));
  const patched = join(root, 'dist');
  cpSync(dist, patched, { recursive: true });
  symlinkSync(resolve(dirname(dist), 'node_modules'), join(root, 'node_modules'));
  patch(join(patched, 'src/kb/rank/term-index.js'), [
    [
      'const idf = this.idf(term) * boost;',
      'const idf = this.idf(term) * boost;\n            const touched = this.touched;',
    ],
    [
      'scores[doc] = (scores[doc] ?? 0) + (idf * f * (this.k1 + 1)) / (f + this.k1);',
      'if (scores[doc] === 0) touched.push(doc);\n                scores[doc] = (scores[doc] ?? 0) + (idf * f * (this.k1 + 1)) / (f + this.k1);',
    ],
    [
      'const maxDocs = this.maxDocs(queryTerms, maxDocShare, maxPostings);\n        for (const [term, boost] of queryTerms) {\n            const id = this.termIds.get(term);',
      'const maxDocs = this.maxDocs(queryTerms, maxDocShare, maxPostings);\n        this.touched = [];\n        for (const [term, boost] of queryTerms) {\n            const id = this.termIds.get(term);',
    ],
  ]);
  patch(join(patched, 'src/kb/rank/source-ranker.js'), [
    [
      'scores.fill(0);',
      'if (this.lastTouched) for (const d of this.lastTouched) scores[d] = 0;\n        else scores.fill(0);',
    ],
    [
      'for (let doc = 0; doc < scores.length; doc++) {\n            const score = scores[doc] ?? 0;',
      'const reached = Int32Array.from(this.parts.terms.touched).sort();\n        this.lastTouched = reached;\n        for (const doc of reached) {\n            const score = scores[doc] ?? 0;',
    ],
  ]);
  const run = (d) =>
    JSON.parse(
      execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--serve', indexFile, d, evalDir], {
        maxBuffer: 1 << 28,
      }).toString(),
    );
  const results = { current: [], touchedOnly: [] };
  let same = 0;
  let total = 0;
  for (let r = 0; r < Number(rounds); r++) {
    const a = run(dist);
    const b = run(patched);
    a.rankings.forEach((x, i) => {
      total++;
      if (JSON.stringify(x) === JSON.stringify(b.rankings[i])) same++;
    });
    delete a.rankings;
    delete b.rankings;
    results.current.push(a);
    results.touchedOnly.push(b);
  }
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({ ...results, rankingsIdentical: `${same} of ${total}` }, null, 1));
}

/** Replace each [from, to] once in a file; stop if the compiled code no longer reads as expected. */
function patch(file, edits) {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${file}: cannot find ${JSON.stringify(from.slice(0, 60))}`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
}

async function serve(indexFile, distDir, evalDir) {
  const load = (p) => import(pathToFileURL(join(distDir, 'src', p)).href);
  const { readIndex } = await load('kb/index/index-file.js');
  const { Ranker } = await load('kb/rank/ranker.js');
  const { kb, search } = readIndex(resolve(indexFile));
  const ranker = Ranker.loadJSON(kb, search);
  const queries = ['dev-error-pastes.jsonl', 'dev-questions.jsonl'].flatMap((f) =>
    readFileSync(resolve(evalDir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).query),
  );
  ranker.rank('warm up: The System cannot find the file specified');
  const ms = [];
  const rankings = queries.map((q) => {
    const t = performance.now();
    const r = ranker.rank(q, 5);
    ms.push(performance.now() - t);
    return { c: r.confidence, hits: r.hits.map((h) => [h.article.id, h.score, JSON.stringify(h.reason)]) };
  });
  const sorted = [...ms].sort((a, b) => a - b);
  const pct = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 1000) / 1000;
  console.log(JSON.stringify({ dist: distDir, p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), rankings }));
}
