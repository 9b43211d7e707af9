#!/usr/bin/env node
// Matching benchmark (the second half of `npm run bench`): kbbot's ranker and intent classifier
// side by side with MiniSearch (BM25+, title boosted 2x) on the same articles and queries.
//   node scripts/bench-matching.mjs [--only kbbot|minisearch] [--no-write]
// Each step runs in its own Node process so peak RSS is per system and step:
//   1. kbbot build:      ingest the corpus + build the ranker + write the index (a temp file);
//                        also dumps the parsed articles as {id, title, text} for MiniSearch
//   2. kbbot serve:      open the saved index (KB + ranker), rank every dev query (k=10), intents
//   3. MiniSearch build: index those articles, save the index (v8.serialize of toJSON())
//   4. MiniSearch serve: load the saved index, search every dev query, top 10 ids
// Corpus as in scripts/bench.mjs (KBBOT_CORPUS_DIR, default /tmp/corpus); dev sets from
// ../shared/eval. Prints a markdown table and rewrites the bench:matching section of BENCHMARKS.md.
import {
  corpusDir,
  EVAL,
  machineLine,
  peakRssMb,
  readJsonl,
  REPO,
  RSS_HOOK,
  tempDir,
  writeSection,
} from './bench-lib.mjs';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const SELF = fileURLToPath(import.meta.url);
const START = '<!-- bench:matching:start -->';
const END = '<!-- bench:matching:end -->';
const HEADING = '## Matching: kbbot vs MiniSearch';
const MS_OPTIONS = {
  idField: 'id',
  fields: ['title', 'text'],
  searchOptions: { boost: { title: 2 }, prefix: false, fuzzy: false },
};
const K = 10;
const BIG_HEAP = '--max-old-space-size=8192';

const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);
const since = (t0) => (performance.now() - t0) / 1000;
const querySets = () => ({
  errors: readJsonl(join(EVAL, 'dev-error-pastes.jsonl')),
  questions: readJsonl(join(EVAL, 'dev-questions.jsonl')),
});

/** Run `search(text) → ids` over both dev sets, timing each message. */
function runQueries(search) {
  const out = {};
  for (const [set, rows] of Object.entries(querySets())) {
    out[set] = rows.map((q) => {
      const t0 = performance.now();
      const results = search(q.query);
      return { results, ms: performance.now() - t0 };
    });
  }
  return out;
}

// ---- child processes: each writes one JSON object to the file named after its step name ----
const children = {
  async 'kbbot-build'(corpus, indexPath, docsPath) {
    const { buildIndex } = await dist('kb/index/open-kb.js');
    const opened = await buildIndex([corpus], { indexPath });
    const fd = openSync(docsPath, 'w');
    for (const a of opened.kb) {
      const text = [...Object.values(a.sections).filter((s) => typeof s === 'string'), ...a.errorMessages].join('\n');
      writeSync(fd, `${JSON.stringify({ id: a.id, title: a.title, text })}\n`);
    }
    closeSync(fd);
    return {
      articles: opened.kb.size,
      ingest: opened.summary.seconds,
      total: opened.seconds,
      bytes: statSync(indexPath).size,
    };
  },

  async 'kbbot-serve'(corpus, indexPath) {
    const { openKb } = await dist('kb/index/open-kb.js');
    let t0 = performance.now();
    const opened = await openKb([corpus], { indexPath });
    const load = since(t0);
    let { ranker } = opened;
    let rankerBuild = null;
    if (!ranker) {
      const { Ranker } = await dist('kb/rank/ranker.js');
      t0 = performance.now();
      ranker = Ranker.build(opened.kb);
      rankerBuild = since(t0);
    }
    const queries = runQueries((text) => ranker.rank(text, K).hits.map((h) => h.article.id));
    let intents = null;
    try {
      const { IntentClassifier } = await dist('intents/index.js');
      const { evaluateIntents } = await dist('intents/evaluate.js');
      t0 = performance.now();
      const classifier = new IntentClassifier();
      const train = since(t0);
      const ms = [];
      const timed = {
        classify: (text) => {
          const s = performance.now();
          const r = classifier.classify(text);
          ms.push(performance.now() - s);
          return r;
        },
      };
      intents = { ...evaluateIntents(readJsonl(join(EVAL, 'dev-intents.jsonl')), timed), train, ms };
    } catch (err) {
      process.stderr.write(`bench-matching: intents skipped (${err.message})\n`);
      intents = { skipped: err.message };
    }
    return { loadedFrom: opened.loadedFrom, load, rankerBuild, queries, intents };
  },

  async 'minisearch-build'(docsPath, msPath) {
    const { default: MiniSearch } = await import('minisearch');
    const docs = readJsonl(docsPath);
    let t0 = performance.now();
    const ms = new MiniSearch(MS_OPTIONS);
    ms.addAll(docs);
    const build = since(t0);
    t0 = performance.now();
    writeFileSync(msPath, v8.serialize(ms.toJSON()));
    return { docs: docs.length, terms: ms.termCount, build, save: since(t0), bytes: statSync(msPath).size };
  },

  async 'minisearch-serve'(msPath) {
    const { default: MiniSearch } = await import('minisearch');
    const t0 = performance.now();
    const ms = MiniSearch.loadJS(v8.deserialize(readFileSync(msPath)), MS_OPTIONS);
    const load = since(t0);
    const queries = runQueries((text) =>
      ms
        .search(text)
        .slice(0, K)
        .map((r) => r.id),
    );
    return { load, queries };
  },
};

if (process.argv[2] === '--child') {
  const [name, outFile, ...rest] = process.argv.slice(3);
  writeFileSync(outFile, JSON.stringify(await children[name](...rest)));
  process.exit(0);
}

// ---- parent ----
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
if (only && !['kbbot', 'minisearch'].includes(only)) {
  console.error('usage: node scripts/bench-matching.mjs [--only kbbot|minisearch] [--no-write]');
  process.exit(2);
}
const want = (system) => !only || only === system;

/** Run one child step with the RSS hook; returns its JSON, wall seconds and peak RSS (MB). */
function step(name, args, nodeFlags = []) {
  console.error(`bench-matching: ${name} ...`);
  const t0 = performance.now();
  const out = join(tmp, `${name}.json`);
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', RSS_HOOK, SELF, '--child', name, out, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const wall = since(t0);
  const oom = /heap out of memory|Allocation failed/i.test(r.stderr ?? '');
  if (r.status !== 0) return { failed: true, oom, stderr: r.stderr, status: r.status ?? r.signal };
  process.stderr.write(r.stderr.replace(/^KBBOT_MAXRSS_KB=.*\n?/m, ''));
  return { ...JSON.parse(readFileSync(out, 'utf8')), wall, rssMb: peakRssMb(r.stderr) };
}
function mustStep(name, args, flags) {
  const r = step(name, args, flags);
  if (r.failed) {
    console.error(r.stderr);
    throw new Error(`bench-matching: step ${name} exited ${r.status}`);
  }
  return r;
}

const corpus = corpusDir('bench-matching');
const tmp = tempDir('kbbot-bench-matching-');
const [indexPath, docsPath, msPath] = ['kb-index.bin', 'docs.jsonl', 'minisearch.v8'].map((f) => join(tmp, f));
const { retrievalReport, percentile } = await dist('kb/rank/evaluate.js');
const sets = querySets();

const build = mustStep('kbbot-build', [corpus, indexPath, docsPath]);
const kbbot = want('kbbot') ? mustStep('kbbot-serve', [corpus, indexPath]) : null;
let msBuild = null;
let msServe = null;
let heapNote = '';
if (want('minisearch')) {
  let flags = [];
  msBuild = step('minisearch-build', [docsPath, msPath]);
  if (msBuild.failed && msBuild.oom) {
    console.error(`bench-matching: MiniSearch ran out of heap with Node's default limit; retrying with ${BIG_HEAP}`);
    heapNote = `MiniSearch ran out of memory at Node's default heap limit; its processes ran with \`${BIG_HEAP}\`.`;
    flags = [BIG_HEAP];
    msBuild = step('minisearch-build', [docsPath, msPath], flags);
  }
  if (msBuild.failed) {
    console.error(msBuild.stderr);
    throw new Error(`bench-matching: minisearch-build exited ${msBuild.status}`);
  }
  msServe = mustStep('minisearch-serve', [msPath], flags);
}

/** Quality and latency of one system's run from its per-query results. */
function figures(run) {
  const outcomes = (set) =>
    run.queries[set].map((o, i) => ({ query: sets[set][i], results: o.results, confidence: 0, ms: o.ms }));
  const errors = retrievalReport(outcomes('errors'));
  const questions = retrievalReport(outcomes('questions'));
  const all = [...run.queries.errors, ...run.queries.questions].map((o) => o.ms);
  return { errors, questions, all: { p50: percentile(all, 50), p99: percentile(all, 99) } };
}
const fk = kbbot && figures(kbbot);
const fm = msServe && figures(msServe);

const s = (x) => `${x.toFixed(2)} s`;
const MB = (x) => `${x.toFixed(0)} MB`;
const ms = (x) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
const p3 = (x) => x.toFixed(3);
const lat = (l) => `${ms(l.p50)} / ${ms(l.p99)}`;
const trio = (r) => `${p3(r.successAt1)} / ${p3(r.successAt3)} / ${p3(r.mrrAt10)}`;
const styles = (r) =>
  Object.entries(r.byStyle)
    .map(([k, v]) => `${k} ${p3(v.successAt1)}`)
    .join(' · ');
const NA = 'n/a';
const both = (fk_, fm_) => [kbbot ? fk_() : '—', msServe ? fm_() : '—'];
const it = kbbot?.intents;
const haveIntents = it && !it.skipped;

const rows = [
  ['articles', build.articles.toLocaleString('en-US'), msBuild ? msBuild.docs.toLocaleString('en-US') : '—'],
  ["ingest (parse the corpus; MiniSearch is fed kbbot's parsed articles)", s(build.ingest), NA],
  [
    'index build (kbbot: ranker + index write; MiniSearch: `addAll`)',
    s(build.total - build.ingest),
    msBuild ? s(msBuild.build) : '—',
  ],
  [
    'saved index size (kbbot: articles + ranker; MiniSearch: index only)',
    MB(build.bytes / 2 ** 20),
    msBuild ? MB(msBuild.bytes / 2 ** 20) : '—',
  ],
  ['build process, peak RSS', MB(build.rssMb), msBuild ? MB(msBuild.rssMb) : '—'],
  [
    'load saved index in a fresh process',
    ...both(
      () => s(kbbot.load) + (kbbot.rankerBuild != null ? ` + ranker build ${s(kbbot.rankerBuild)}` : ''),
      () => s(msServe.load),
    ),
  ],
  [
    'serving process (load + all queries), peak RSS',
    ...both(
      () => MB(kbbot.rssMb),
      () => MB(msServe.rssMb),
    ),
  ],
  [
    'latency p50 / p99, all 1,620 messages',
    ...both(
      () => lat(fk.all),
      () => lat(fm.all),
    ),
  ],
  [
    `latency p50 / p99, error pastes (${sets.errors.length.toLocaleString('en-US')})`,
    ...both(
      () => lat(fk.errors.latency),
      () => lat(fm.errors.latency),
    ),
  ],
  [
    `latency p50 / p99, questions (${sets.questions.length})`,
    ...both(
      () => lat(fk.questions.latency),
      () => lat(fm.questions.latency),
    ),
  ],
  [
    'error pastes s@1 / s@3 / MRR@10',
    ...both(
      () => trio(fk.errors),
      () => trio(fm.errors),
    ),
  ],
  [
    'questions s@1 / s@3 / MRR@10',
    ...both(
      () => trio(fk.questions),
      () => trio(fm.questions),
    ),
  ],
  [
    'error pastes s@1 by style',
    ...both(
      () => styles(fk.errors),
      () => styles(fm.errors),
    ),
  ],
  ['intents (200): accuracy', kbbot ? (haveIntents ? p3(it.accuracy) : `skipped: ${it.skipped}`) : '—', NA],
  [
    'intents: passive precision / recall',
    haveIntents ? `${p3(it.passivePrecision)} / ${p3(it.passiveRecall)}` : '—',
    NA,
  ],
  [
    'intents: classifier training; latency p50 / p99',
    haveIntents ? `${s(it.train)}; ${lat({ p50: percentile(it.ms, 50), p99: percentile(it.ms, 99) })}` : '—',
    NA,
  ],
];
const table = ['| measure | kbbot | MiniSearch |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
  '\n',
);
let confusion = '';
if (haveIntents) {
  const names = Object.keys(it.confusion);
  confusion = [
    'Intent confusion (rows: labelled, columns: predicted):',
    '',
    `| | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
    ...names.map((r) => `| ${r} | ${names.map((c) => it.confusion[r][c]).join(' | ')} |`),
  ].join('\n');
}
const notes = [
  'kbbot ranks with `ranker.rank(message, 10)`; MiniSearch 7.2 searches with `search(message)` (BM25+, OR, no prefix/fuzzy, `boost: { title: 2 }`)',
  'over `title` and `text` = all sections + error messages. Latency is per message inside the process (`performance.now()`), first query included.',
  "The MiniSearch serving process holds only its index; kbbot's also holds the articles it answers with.",
  heapNote,
]
  .filter(Boolean)
  .join('\n');

const machine = machineLine();
const command = only ? `node scripts/bench-matching.mjs --only ${only}` : 'npm run bench';
const body = [table, confusion].filter(Boolean).join('\n\n');
console.log(body);
if (argv.includes('--no-write')) process.exit(0);

const section = [
  START,
  `Command: \`${command}\` (corpus: \`${corpus}\`; queries: \`../shared/eval/dev-*.jsonl\`)  `,
  `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC  `,
  `Machine: ${machine}`,
  '',
  body,
  '',
  notes,
  END,
].join('\n');
writeSection(START, END, section, HEADING, 'bench-matching');
