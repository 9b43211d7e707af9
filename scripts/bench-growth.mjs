#!/usr/bin/env node
// Growth benchmark (issue #27, docs/design-compact-index.md section 9; the last part of `npm run bench`):
// kbbot and SQLite FTS5 side by side on the archive at 1×, 2× and 4× its size, and a projection to 10×.
//   node scripts/bench-growth.mjs [--sizes 1,2,4] [--fts-queries N] [--dist DIR] [--no-reload] [--no-write]
// For each size k:
//   corpus   1×: KBBOT_CORPUS_DIR (default /tmp/corpus). k×: /tmp/corpus-x<k>, made once and reused: the
//            originals (hard links) and k-1 copies of every file, copy c (1..k-1) named `c<c>_<name>`, with
//            the file's own Q-number replaced everywhere in it by Q<c><number padded to 6> (Q1290226), so the
//            parser reads a new id and dedupe keeps every copy. Related Q-numbers still name the originals.
//   kbbot    `kbbot ingest --json --out` (wall, CPU of all threads, peak RSS, file size); a fresh process
//            loads the index (freshness check, then read + Ranker.loadJSON), trains the Matcher and warms
//            it up as the bot does, takes the serving RSS after two full GCs a second apart (garbage such
//            as the loaded file's body is freed late: design section 3, "Correction"), then matches every
//            archive dev message (error pastes and questions; classify + rank, k 10, as `kbbot eval`);
//            another fresh process opens the index and runs a full KB reload (KbReloader.reloadNow with a
//            new index path, so the build process re-reads and rebuilds everything, as a changed KB does):
//            reload seconds and the serving process's RSS peak during it (sampled every 50 ms, and its
//            maxRSS), and the peak RSS of the child process that built the index (its own maxRSS,
//            KbReloader.lastBuild, with its seconds as childSeconds; n/a for a kbbot that builds on a
//            worker thread instead).
//   FTS5     one process reads every file and inserts it into an on-disk FTS5 table (id, title, text;
//            porter unicode61; one transaction, one core): build wall, CPU, peak RSS, database size; a
//            fresh process opens it and times the first query (its "load"), serving RSS after GCs, and
//            latency on an evenly spaced sample of the dev messages (FTS5 takes hundreds of ms per paste):
//            the query's words OR-ed, bm25() with the title weighted FTS5_TITLE_WEIGHT.
// A hit on any copy of an expected article counts as right (s@1 is printed at every size as a check
// that the copies are searchable; at 2× and 4× it is a latency run, ties between twins included).
// The 10× column is a least-squares line through the measured sizes, per measure.
// Reads dist/ (`npm run build` first), or the compiled tree `--dist DIR` names (a copy of dist/, or of
// another commit's, with its node_modules reachable). Prints a markdown table and rewrites the
// bench:growth section of BENCHMARKS.md (`--no-write`: print only).
import {
  corpusDir,
  EVAL,
  loadAverageLine,
  machineLine,
  runNode,
  quantile,
  readJsonl,
  REPO,
  tempDir,
  writeSection,
} from './bench-lib.mjs';
import Database from 'better-sqlite3';
import {
  existsSync,
  linkSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const START = '<!-- bench:growth:start -->';
const END = '<!-- bench:growth:end -->';
const HEADING = '## Growth: kbbot and SQLite FTS5 at 1×, 2× and 4× the archive (issue #27)';
/** Sizes measured when `--sizes` is not given: the issue's 1×, 2× and 4× (4× ingests about 228,000 files). */
const DEFAULT_SIZES = [1, 2, 4];
/** The size the projection is made for (the issue's "ten times that"). */
const PROJECT_TO = 10;
/** FTS5 dev messages timed per size: an evenly spaced sample, because FTS5 takes 0.2-1 s per paste at 1×. */
const DEFAULT_FTS_QUERIES = 200;
/** Weight of the title column in the FTS5 baseline's bm25(), the body's being 1 (as bench-teamkb.mjs). */
const FTS5_TITLE_WEIGHT = 5;
/** Hits asked of both engines. */
const K = 10;
/** A heap big enough for 4× in every kbbot child process (Node's default is about 4 GB here). */
const BIG_HEAP = '--max-old-space-size=12288';
/** How often the reload process samples its RSS: a full GC or the swap lasts longer than this. */
const RSS_SAMPLE_MS = 50;
const DEV_SETS = ['dev-error-pastes.jsonl', 'dev-questions.jsonl'];

const mb = (bytes) => bytes / 1024 / 1024;
const rssMb = () => mb(process.memoryUsage.rss());

/** The article id a hit of a copy stands for: Q1290226 (copy 1 of Q290226) → Q290226. */
const originalId = (id) => {
  const m = /^Q([1-9])(\d{6})$/.exec(id);
  return m ? `Q${Number(m[2])}` : id;
};

/** The archive dev messages (error pastes, then questions). */
const devMessages = () => DEV_SETS.flatMap((f) => readJsonl(join(EVAL, f)));

/** Serving RSS as the design measures it: two full GCs a second apart, then the RSS. */
async function settledRssMb() {
  globalThis.gc();
  await sleep(1000);
  globalThis.gc();
  await sleep(200);
  return rssMb();
}

/** Latency quantiles and success@1 of `search(text) → ids` over `rows`. */
function timeQueries(rows, search) {
  const ms = [];
  let right = 0;
  for (const row of rows) {
    const t0 = performance.now();
    const ids = search(row.query);
    ms.push(performance.now() - t0);
    if (ids.length && row.expected.includes(originalId(ids[0]))) right++;
  }
  return { n: rows.length, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), s1: right / rows.length };
}

// ---------------------------------------------------------------- the corpus copies

/** The file's own Q-number, read where the parser reads the id (null when it has none). */
function ownQNumber(text) {
  const m =
    /^DOCUMENT:\s*Q(\d+)/.exec(text) ??
    /^\s*Article:\s*Q(\d+)/m.exec(text) ??
    /^title\s*:\s*["']?Q(\d+):/im.exec(text) ??
    /^permalink\s*:.*\/Q(\d+)\/?/im.exec(text);
  return m ? m[1] : null;
}

/**
 * /tmp/<base name>-x<k> (/tmp/corpus-x2): the originals and k-1 renamed copies. Made once and reused while
 * its stamp file names the same base folder and file count (a run stopped half way leaves no stamp).
 */
function corpusOf(k, base) {
  if (k === 1) return base;
  const dir = `/tmp/${basename(base)}-x${k}`;
  const stamp = `${dir}.complete`;
  const names = readdirSync(base).filter((n) => statSync(join(base, n)).isFile());
  const complete = `${base} ${names.length * k}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === complete) return dir;
  console.error(`bench-growth: writing ${dir} (${k} × ${names.length} files) ...`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let unnamed = 0;
  for (const name of names) {
    const from = join(base, name);
    try {
      linkSync(from, join(dir, name));
    } catch {
      copyFileSync(from, join(dir, name));
    }
    // latin1 keeps every byte (CRLF, cp1252) as it is; the Q-numbers are ASCII.
    const text = readFileSync(from, 'latin1');
    const q = ownQNumber(text);
    if (!q) unnamed++;
    for (let c = 1; c < k; c++) {
      const copy = q ? text.replace(new RegExp(`Q0*${q}(?!\\d)`, 'g'), `Q${c}${q.padStart(6, '0')}`) : text;
      writeFileSync(join(dir, `c${c}_${name}`), copy, 'latin1');
    }
  }
  if (unnamed) console.error(`bench-growth: ${unnamed} files have no Q-number; their copies are identical twins`);
  writeFileSync(stamp, `${complete}\n`);
  return dir;
}

// ---------------------------------------------------------------- child processes (roles)

/**
 * The compiled kbbot measured: KBBOT_BENCH_DIST (set from `--dist DIR` for the role processes), default the
 * tree's dist/. A copy lets a long run measure one build while the tree is being rebuilt.
 */
const DIST = process.env.KBBOT_BENCH_DIST || join(REPO, 'dist');
const dist = (p) => import(pathToFileURL(join(DIST, 'src', p)).href);

/** kbbot serving: load, settle, match every dev message. */
async function roleServe(index, corpus) {
  const { readIndex, readIndexHeader } = await dist('kb/index/index-file.js');
  const { checkFreshness } = await dist('kb/index/open-kb.js');
  const { PARSER_VERSION, MAX_ARTICLE_BYTES } = await dist('kb/parse/index.js');
  const { Ranker } = await dist('kb/rank/ranker.js');
  const { Matcher } = await dist('bot/match.js');
  const t0 = performance.now();
  const head = readIndexHeader(index);
  const fresh = checkFreshness(head.header, [corpus], PARSER_VERSION, MAX_ARTICLE_BYTES);
  if (!fresh.fresh) throw new Error(`bench-growth: ${index} is not fresh: ${fresh.reason}`);
  const t1 = performance.now();
  // Only the KB and its ranker outlive the load, as in openKb: the bench keeps nothing else alive.
  const { kb, ranker } = ((contents) => ({ kb: contents.kb, ranker: Ranker.loadJSON(contents.kb, contents.search) }))(
    readIndex(index, head),
  );
  const t2 = performance.now();
  const loadedProcess = t2 / 1000; // performance.now() counts from the process's start
  const matcher = new Matcher(kb, ranker);
  matcher.warmUp();
  const rssServing = await settledRssMb();
  const q = timeQueries(devMessages(), (text) =>
    matcher.match(text, { k: K, always: true }).hits.map((h) => h.article.id),
  );
  const rssAfter = await settledRssMb();
  return {
    articles: kb.size,
    check: (t1 - t0) / 1000,
    load: (t2 - t1) / 1000,
    loadedProcess,
    rssServing,
    rssAfter,
    ...q,
  };
}

/** kbbot reload: open the index, then a full reload (a new index path, so everything is re-read and rebuilt). */
async function roleReload(index, corpus, newIndex) {
  const { openKb } = await dist('kb/index/open-kb.js');
  const { KbReloader } = await dist('kb/index/reload.js');
  let opened = await openKb([corpus], { indexPath: index });
  const rssBefore = await settledRssMb();
  let swapped;
  const reloader = new KbReloader([corpus], {
    index: { indexPath: newIndex },
    current: opened,
    watch: false,
    pollMs: 0,
    // As the bot does: answer from the new KB and let the old one go.
    onSwap: (o) => {
      swapped = o;
      opened = undefined;
    },
  });
  let sampledPeak = rssMb();
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMb())), RSS_SAMPLE_MS);
  const t0 = performance.now();
  const outcome = await reloader.reloadNow('bench');
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  sampledPeak = Math.max(sampledPeak, rssMb());
  await reloader.stop();
  if (outcome.status !== 'swapped') throw new Error(`bench-growth: reload ${outcome.status}`);
  const rssAfter = await settledRssMb();
  // The build process's own peak: not in this process's maxRSS (getrusage counts this process only).
  const { peakRssMb: childPeak, seconds: childSeconds } = reloader.lastBuild ?? {};
  return { seconds, childSeconds, rssBefore, sampledPeak, rssAfter, childPeak, articles: swapped.kb.size };
}

/** The FTS5 baseline's id and title of a raw file (the same places the parser reads them). */
function idAndTitle(text) {
  const q = ownQNumber(text);
  const title =
    /^DOCUMENT:.*?TITLE\s*:\s*(.*?)\s*PRODUCT\s*:/s.exec(text.slice(0, 2000))?.[1] ??
    /^title\s*:\s*["']?Q\d+:\s*(.*?)["']?\s*$/im.exec(text.slice(0, 2000))?.[1] ??
    '';
  return { id: q ? `Q${q}` : '', title };
}

/** FTS5 build: every file of the corpus into an on-disk table, one transaction. */
function roleFtsBuild(corpus, dbPath) {
  const t0 = performance.now();
  const db = new Database(dbPath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61')`);
  const insert = db.prepare('INSERT INTO docs (id, title, body) VALUES (?, ?, ?)');
  let rows = 0;
  db.transaction(() => {
    for (const name of readdirSync(corpus)) {
      const path = join(corpus, name);
      if (!statSync(path).isFile()) continue;
      const text = readFileSync(path, 'utf8');
      const { id, title } = idAndTitle(text);
      insert.run(id, title, text);
      rows++;
    }
  })();
  db.close();
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

/** FTS5 serving: open, first query, settle, then the sampled dev messages. */
async function roleFtsServe(dbPath, nQueries) {
  const t0 = performance.now();
  const db = new Database(dbPath, { readonly: true });
  const select = db.prepare(
    `SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, ${FTS5_TITLE_WEIGHT}, 1) LIMIT ${K}`,
  );
  const search = (text) => {
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    if (!words.length) return [];
    return select.all(words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ')).map((r) => r.id);
  };
  search('the computer stops responding');
  const load = (performance.now() - t0) / 1000;
  const rssServing = await settledRssMb();
  const all = devMessages();
  const step = Math.max(1, Math.floor(all.length / nQueries));
  const sample = all.filter((_, i) => i % step === 0).slice(0, nQueries);
  const q = timeQueries(sample, search);
  const rssAfter = await settledRssMb();
  return { load, rssServing, rssAfter, ...q };
}

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
if (role) {
  const a = process.argv.slice(4);
  const out =
    role === 'serve'
      ? await roleServe(a[0], a[1])
      : role === 'reload'
        ? await roleReload(a[0], a[1], a[2])
        : role === 'fts-build'
          ? roleFtsBuild(a[0], a[1])
          : await roleFtsServe(a[0], Number(a[1]));
  console.log(JSON.stringify(out));
  process.exit(0);
}

// ---------------------------------------------------------------- the parent

const argv = process.argv.slice(2);
const usage = () => {
  console.error(
    'usage: node scripts/bench-growth.mjs [--sizes 1,2,4] [--fts-queries N] [--dist DIR] [--no-reload] [--no-write]',
  );
  process.exit(2);
};
let sizes = DEFAULT_SIZES;
let ftsQueries = DEFAULT_FTS_QUERIES;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--sizes') sizes = (argv[++i] ?? '').split(',').map(Number);
  else if (argv[i] === '--fts-queries') ftsQueries = Number(argv[++i]);
  else if (argv[i] === '--dist') process.env.KBBOT_BENCH_DIST = resolve(argv[++i] ?? '');
  else if (!['--no-reload', '--no-write'].includes(argv[i])) usage();
}
if (!sizes.length || sizes.some((k) => !Number.isInteger(k) || k < 1 || k > 9)) usage();
if (!Number.isInteger(ftsQueries) || ftsQueries < 1) usage();
const missing = DEV_SETS.map((f) => join(EVAL, f)).filter((p) => !existsSync(p));
if (missing.length) {
  console.error(`bench-growth: skipped, ${missing.join(', ')} absent`);
  process.exit(0);
}

const runRole = (name, ...args) => {
  const r = runNode([BIG_HEAP, '--expose-gc', SELF, '--role', name, ...args.map(String)], `bench-growth: ${name}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wall: r.wall, cpu: r.cpu, peak: r.peak };
};

const base = corpusDir('bench-growth');
const work = tempDir('kbbot-bench-growth-');
const results = [];
/** One size measured: kbbot ingest, serving and reload, then FTS5 build and serving. */
function measure(k) {
  const corpus = corpusOf(k, base);
  const index = join(work, `x${k}.bin`);
  console.error(`bench-growth ${k}×: kbbot ingest ${corpus} ...`);
  const cli = join(process.env.KBBOT_BENCH_DIST || join(REPO, 'dist'), 'src', 'cli', 'index.js');
  const ing = runNode([BIG_HEAP, cli, 'ingest', '--json', '--out', index, corpus], 'bench-growth: ingest');
  const summary = JSON.parse(ing.stdout);
  const indexMb = mb(statSync(index).size);
  console.error(`bench-growth ${k}×: kbbot serving ...`);
  const serve = runRole('serve', index, corpus);
  let reload;
  if (!argv.includes('--no-reload')) {
    console.error(`bench-growth ${k}×: kbbot reload ...`);
    reload = runRole('reload', index, corpus, join(work, `x${k}-reloaded.bin`));
    rmSync(join(work, `x${k}-reloaded.bin`), { force: true });
  }
  rmSync(index, { force: true });
  const db = join(work, `x${k}.sqlite`);
  console.error(`bench-growth ${k}×: FTS5 build ...`);
  const ftsBuild = runRole('fts-build', corpus, db);
  const dbMb = mb(statSync(db).size);
  console.error(`bench-growth ${k}×: FTS5 serving (${ftsQueries} messages) ...`);
  const ftsServe = runRole('fts-serve', db, ftsQueries);
  rmSync(db, { force: true });
  return { k, summary, ing, indexMb, serve, reload, ftsBuild, dbMb, ftsServe };
}
let failed = '';
for (const k of sizes) {
  // A size that fails (out of memory at 4×, say) ends the run; the sizes measured before it are still written.
  try {
    results.push(measure(k));
  } catch (err) {
    failed = `${k}×: ${err.message}`;
    console.error(`bench-growth: ${failed}`);
    break;
  }
  const quiet = (key, v) => (['stdout', 'failures', 'duplicates'].includes(key) ? undefined : v);
  console.error(`bench-growth ${k}×: ${JSON.stringify(results.at(-1), quiet)}`);
}
if (!results.length) process.exit(1);
sizes = results.map((r) => r.k);

// ---------------------------------------------------------------- the table

/** Least-squares line through (size, value), read at PROJECT_TO; a single size is scaled linearly. */
function project(xs, ys) {
  if (xs.length === 1) return (ys[0] / xs[0]) * PROJECT_TO;
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return my + b * (PROJECT_TO - mx);
}

const fmt = { s: (x) => `${x.toFixed(2)} s`, MB: (x) => `${x.toFixed(0)} MB`, ms: (x) => `${x.toFixed(2)} ms` };
/** [label, unit, value of one size's results (undefined: not measured)] */
const measures = [
  ['articles', null, (r) => r.serve.articles],
  ['kbbot ingest, wall', 's', (r) => r.ing.wall],
  ['kbbot ingest, CPU (all threads)', 's', (r) => r.ing.cpu],
  ['kbbot ingest, peak RSS', 'MB', (r) => r.ing.peak],
  ['FTS5 build (read files + insert, one core), wall', 's', (r) => r.ftsBuild.wall],
  ['FTS5 build, CPU', 's', (r) => r.ftsBuild.cpu],
  ['FTS5 build, peak RSS', 'MB', (r) => r.ftsBuild.peak],
  ['kbbot index file', 'MB', (r) => r.indexMb],
  ['FTS5 database file', 'MB', (r) => r.dbMb],
  ['kbbot index load (read + Ranker.loadJSON)', 's', (r) => r.serve.load],
  ['kbbot freshness check (walk + stat)', 's', (r) => r.serve.check],
  ['kbbot process start → loaded (incl. check)', 's', (r) => r.serve.loadedProcess],
  ['FTS5 open + first query', 's', (r) => r.ftsServe.load],
  ['kbbot serving RSS (loaded, Matcher warm, after 2 GCs)', 'MB', (r) => r.serve.rssServing],
  ['kbbot serving RSS after all queries (after 2 GCs)', 'MB', (r) => r.serve.rssAfter],
  ['kbbot serving process, peak RSS', 'MB', (r) => r.serve.peak],
  ['FTS5 serving RSS after queries (after 2 GCs)', 'MB', (r) => r.ftsServe.rssAfter],
  ['FTS5 serving process, peak RSS', 'MB', (r) => r.ftsServe.peak],
  ['kbbot match p50 (classify + rank), dev messages', 'ms', (r) => r.serve.p50],
  ['kbbot match p99', 'ms', (r) => r.serve.p99],
  ['FTS5 query p50 (sample)', 'ms', (r) => r.ftsServe.p50],
  ['FTS5 query p99 (sample)', 'ms', (r) => r.ftsServe.p99],
  ['kbbot full KB reload', 's', (r) => r.reload?.seconds],
  ['kbbot reload, RSS before (after 2 GCs)', 'MB', (r) => r.reload?.rssBefore],
  ['kbbot reload, RSS peak during the reload (sampled every 50 ms)', 'MB', (r) => r.reload?.sampledPeak],
  ['kbbot reload process, peak RSS (maxRSS, includes the first load)', 'MB', (r) => r.reload?.peak],
  ['kbbot reload, RSS after the swap (after 2 GCs)', 'MB', (r) => r.reload?.rssAfter],
  [
    'kbbot reload, peak RSS of the child process that built the index',
    'MB',
    (r) => (r.reload ? (r.reload.childPeak ?? NaN) : undefined),
  ],
];

// Rows no size measured (the reload's, with --no-reload) are left out.
const rows = measures.flatMap(([label, unit, get]) => {
  const vals = results.map(get);
  const show = (v) =>
    v === undefined || Number.isNaN(v) ? 'n/a' : unit ? fmt[unit](v) : Math.round(v).toLocaleString('en-US');
  const known = vals.every((v) => v !== undefined && !Number.isNaN(v));
  if (vals.every((v) => v === undefined)) return [];
  const p = known ? project(sizes, vals) : NaN;
  // A falling line (noise between two latency figures, say) projects nothing useful.
  const proj = !known ? 'n/a' : p < 0 ? 'n/a (falls)' : show(p);
  return [`| ${label} | ${vals.map(show).join(' | ')} | ${proj} |`];
});
const s1 = results.map(
  (r) => `${r.k}×: kbbot ${r.serve.s1.toFixed(3)} (${r.serve.n}), FTS5 ${r.ftsServe.s1.toFixed(3)} (${r.ftsServe.n})`,
);
const table = [
  `| measure | ${sizes.map((k) => `${k}×`).join(' | ')} | ${PROJECT_TO}× (projected) |`,
  `|---|${sizes.map(() => '---:').join('|')}|---:|`,
  ...rows,
].join('\n');
const notes = [
  ...(failed ? [`**Not measured: ${failed}**`] : []),
  `success@1 on the timed dev messages (a hit on any copy counts): ${s1.join('; ')}.`,
  `Load average at the end: ${loadAverageLine()}.`,
].join('  \n');
console.log(`${table}\n\n${notes}`);

if (!argv.includes('--no-write')) {
  const section = [
    START,
    `Command: \`npm run bench\` (\`node scripts/bench-growth.mjs --sizes ${sizes.join(',')}\`; corpus: \`${base}\` and \`/tmp/${basename(base)}-x<k>\`)  `,
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC  `,
    `Code measured: \`${process.env.KBBOT_BENCH_DIST || 'dist/'}\`  `,
    `Machine: ${machineLine()}`,
    '',
    table,
    '',
    notes,
    END,
  ].join('\n');
  writeSection(START, END, section, HEADING, 'bench-growth');
}
