#!/usr/bin/env node
// Full-corpus benchmark (run with `npm run bench`, which builds first):
//   ingest through the CLI with the real worker pool (wall time, peak RSS, index size), then
//   loading that index in fresh processes (freshness check + load, peak RSS).
// Corpus: KBBOT_CORPUS_DIR, default /tmp/corpus; unpacked from ../shared/corpus when absent.
// Prints a markdown table and rewrites the section between the bench markers in BENCHMARKS.md.
import { corpusDir, machineLine, REPO, runNode, tempDir, writeSection } from './bench-lib.mjs';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const START = '<!-- bench:ingest:start -->';
const END = '<!-- bench:ingest:end -->';
const LOAD_RUNS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const corpus = corpusDir('bench');
const index = join(tempDir('kbbot-bench-'), 'kb-index.bin');

console.error(`bench: ingesting ${corpus} ...`);
const ingest = runNode(['bin/kbbot.js', 'ingest', '--json', '--out', index, corpus], 'bench: ingest');
const summary = JSON.parse(ingest.stdout);
const indexBytes = statSync(index).size;

const loadScript = `
  const { readIndex, readIndexHeader } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/index/index-file.js'))});
  const { checkFreshness } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/index/open-kb.js'))});
  const { PARSER_VERSION, MAX_ARTICLE_BYTES } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/parse/index.js'))});
  const t0 = performance.now();
  const head = readIndexHeader(${JSON.stringify(index)});
  const fresh = checkFreshness(head.header, [${JSON.stringify(corpus)}], PARSER_VERSION, MAX_ARTICLE_BYTES);
  const t1 = performance.now();
  const { kb } = readIndex(${JSON.stringify(index)}, head);
  const t2 = performance.now();
  console.log(JSON.stringify({ fresh: fresh.fresh, articles: kb.size, check: (t1 - t0) / 1000, load: (t2 - t1) / 1000 }));`;
console.error(`bench: loading the index ${LOAD_RUNS} times in fresh processes ...`);
const loads = [];
for (let i = 0; i < LOAD_RUNS; i++) {
  const run = runNode(['--input-type=module', '-e', loadScript], 'bench: index load');
  loads.push({ ...JSON.parse(run.stdout), wall: run.wall, rssMb: run.peak });
}
if (!loads.every((l) => l.fresh)) throw new Error('bench: the index was not fresh when reloaded');

const machine = machineLine();
const f = (x) => x.toFixed(2);
const rows = [
  ['files', summary.files.toLocaleString('en-US')],
  ['articles parsed (after duplicates)', summary.articles.toLocaleString('en-US')],
  [
    'failures / duplicates',
    `${summary.failures.length.toLocaleString('en-US')} / ${summary.duplicates.toLocaleString('en-US')}`,
  ],
  ['ingest, wall (whole CLI process)', `${f(ingest.wall)} s`],
  ['ingest, as reported (`seconds`)', `${f(summary.seconds)} s`],
  ['ingest, peak RSS', `${ingest.peak.toFixed(0)} MB`],
  ['index file size', `${mb(indexBytes)} MB`],
  [`index freshness check (walk + stat), median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.check)))} s`],
  [`index load (read + deserialize), median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.load)))} s`],
  [`load process, wall incl. Node start-up, median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.wall)))} s`],
  ['load process, peak RSS (max)', `${Math.max(...loads.map((l) => l.rssMb)).toFixed(0)} MB`],
];
const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
const note =
  summary.articles === 0
    ? '\n\n**Parser was a stub (0 articles parsed): these figures measure only reading, hashing and reporting failures.**'
    : '';
const section = [
  START,
  `Command: \`npm run bench\` (corpus: \`${corpus}\`)  `,
  `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC  `,
  `Machine: ${machine}`,
  '',
  table + note,
  END,
].join('\n');

console.log(table + note);
writeSection(START, END, section, '## Full-corpus ingest and index load', 'bench');
