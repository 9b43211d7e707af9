#!/usr/bin/env node
// Full-corpus benchmark (run with `npm run bench`, which builds first):
//   ingest through the CLI with the real worker pool (wall time, peak RSS, index size), then
//   loading that index in fresh processes (freshness check + load, peak RSS).
// Corpus: KBBOT_CORPUS_DIR, default /tmp/corpus; unpacked from ../shared/corpus when absent.
// Prints a markdown table and rewrites the section between the bench markers in BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const START = '<!-- bench:ingest:start -->';
const END = '<!-- bench:ingest:end -->';
const LOAD_RUNS = 3;
// Reports the process's peak RSS (kB, all threads) on stderr as it exits.
const RSS_HOOK = `data:text/javascript,process.on("exit",()=>process.stderr.write("KBBOT_MAXRSS_KB="+process.resourceUsage().maxRSS+"\\n"))`;

const temps = [];
process.on('exit', () => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix) => {
  const d = mkdtempSync(join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

function corpusDir() {
  const dir = process.env.KBBOT_CORPUS_DIR || '/tmp/corpus';
  if (existsSync(dir)) return dir;
  const tarball = join(REPO, '..', 'shared', 'corpus', 'kbarchive-corpus.tar.gz');
  if (!existsSync(tarball)) {
    console.error(`bench: no corpus at ${dir} and no ${tarball} to unpack; set KBBOT_CORPUS_DIR`);
    process.exit(2);
  }
  const into = tempDir('kbbot-bench-corpus-');
  console.error(`bench: unpacking ${tarball} into ${into} ...`);
  execFileSync('tar', ['-xzf', tarball, '-C', into]);
  return join(into, 'corpus');
}

/** Run node with the RSS hook; returns stdout, wall seconds and peak RSS in MB. */
function runNode(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(r.stderr);
    throw new Error(`bench: node ${args.join(' ')} exited ${r.status}`);
  }
  const kb = Number(/KBBOT_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { stdout: r.stdout, wall, rssMb: kb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const corpus = corpusDir();
const index = join(tempDir('kbbot-bench-'), 'kb-index.bin');

console.error(`bench: ingesting ${corpus} ...`);
const ingest = runNode(['bin/kbbot.js', 'ingest', '--json', '--out', index, corpus]);
const summary = JSON.parse(ingest.stdout);
const indexBytes = statSync(index).size;

const loadScript = `
  const { readIndex, readIndexHeader } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/index-file.js'))});
  const { checkFreshness } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/store.js'))});
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
  const run = runNode(['--input-type=module', '-e', loadScript]);
  loads.push({ ...JSON.parse(run.stdout), wall: run.wall, rssMb: run.rssMb });
}
if (!loads.every((l) => l.fresh)) throw new Error('bench: the index was not fresh when reloaded');

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}, ${os.platform()} ${os.arch()}`;
const f = (x) => x.toFixed(2);
const rows = [
  ['files', summary.files.toLocaleString('en-US')],
  ['articles parsed (after duplicates)', summary.articles.toLocaleString('en-US')],
  ['failures / duplicates', `${summary.failures.length.toLocaleString('en-US')} / ${summary.duplicates.toLocaleString('en-US')}`],
  ['ingest, wall (whole CLI process)', `${f(ingest.wall)} s`],
  ['ingest, as reported (`seconds`)', `${f(summary.seconds)} s`],
  ['ingest, peak RSS', `${ingest.rssMb.toFixed(0)} MB`],
  ['index file size', `${mb(indexBytes)} MB`],
  [`index freshness check (walk + stat), median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.check)))} s`],
  [`index load (read + deserialize), median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.load)))} s`],
  [`load process, wall incl. Node start-up, median of ${LOAD_RUNS}`, `${f(median(loads.map((l) => l.wall)))} s`],
  ['load process, peak RSS (max)', `${Math.max(...loads.map((l) => l.rssMb)).toFixed(0)} MB`],
];
const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
const note = summary.articles === 0 ? '\n\n**Parser was a stub (0 articles parsed): these figures measure only reading, hashing and reporting failures.**' : '';
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
const file = join(REPO, 'BENCHMARKS.md');
const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const i = old.indexOf(START);
const j = old.indexOf(END);
const updated = i >= 0 && j > i ? old.slice(0, i) + section + old.slice(j + END.length) : `${old.trimEnd()}\n\n## Full-corpus ingest and index load\n\n${section}\n`;
writeFileSync(file, updated);
console.error(`bench: wrote ${file}`);
