#!/usr/bin/env node
// Team KB benchmark (the last part of `npm run bench`): kbbot on a team's own KB (../shared/teamkb)
// beside a plain BM25 baseline, and the archive's pasted errors with and without the team KB loaded.
//   node scripts/bench-teamkb.mjs [--no-archive] [--no-write]
// 1. teamkb alone: ingest ../shared/teamkb (named "teamkb"), rank the three teamkb dev sets
//    (alerts overall and per style, pasted errors, questions) through the Matcher as `kbbot rank`
//    does, and with SQLite FTS5 BM25 (title weighted FTS5_TITLE_WEIGHT, body 1; porter tokenizer;
//    the query's words OR-ed, each quoted so FTS5 syntax in a paste is text). success@1, @3, MRR@10.
// 2. the archive (KBBOT_CORPUS_DIR, default /tmp/corpus) alone and with teamkb loaded beside it:
//    its dev error pastes' success@1 (the requirement: within 0.005), and the teamkb sets again in
//    the combined KB. The archive is ingested once; the combined KB joins its saved search index
//    with teamkb's (each source has its own index, so nothing is rebuilt). KBBOT_ARCHIVE_INDEX
//    names an archive index file (`kbbot ingest --out`) to use instead of ingesting.
// Skips with a message when ../shared/teamkb or the teamkb dev sets are absent. Reads from dist/
// (`npm run build` first). Prints a markdown table and rewrites the bench:teamkb section of BENCHMARKS.md.
import { corpusDir, EVAL, machineLine, readJsonl, REPO, tempDir, writeSection } from './bench-lib.mjs';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const START = '<!-- bench:teamkb:start -->';
const END = '<!-- bench:teamkb:end -->';
const HEADING = '## Team KB: kbbot vs FTS5 BM25';
/** Weight of the title column in the baseline's bm25() (the body's is 1). */
const FTS5_TITLE_WEIGHT = 5;
const K = 10;
const BIG_HEAP = '--max-old-space-size=8192';
const TEAMKB = join(REPO, '..', 'shared', 'teamkb');
const SETS = {
  alerts: 'teamkb-dev-alerts.jsonl',
  pastes: 'teamkb-dev-error-pastes.jsonl',
  questions: 'teamkb-dev-questions.jsonl',
};

const argv = process.argv.slice(2);
if (argv.some((a) => !['--no-archive', '--no-write'].includes(a))) {
  console.error('usage: node scripts/bench-teamkb.mjs [--no-archive] [--no-write]');
  process.exit(2);
}
const missing = [TEAMKB, ...Object.values(SETS).map((f) => join(EVAL, f))].filter((p) => !existsSync(p));
if (missing.length) {
  console.error(`bench-teamkb: skipped, ${missing.join(', ')} absent`);
  process.exit(0);
}
// The archive needs a larger heap than Node's default: run again with one.
if (!process.execArgv.includes(BIG_HEAP)) {
  const r = spawnSync(process.execPath, [BIG_HEAP, SELF, ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);
const { ingest } = await dist('kb/index/ingest.js');
const { buildIndex } = await dist('kb/index/open-kb.js');
const { readIndex } = await dist('kb/index/index-file.js');
const { KnowledgeBase } = await dist('kb/knowledge-base.js');
const { Ranker } = await dist('kb/rank/ranker.js');
const { Matcher } = await dist('bot/match.js');
const { retrievalReport } = await dist('kb/rank/evaluate.js');

const sets = Object.fromEntries(Object.entries(SETS).map(([name, file]) => [name, readJsonl(join(EVAL, file))]));

/** The retrieval report of `search(text) → ids` over labelled rows. */
function evaluate(rows, search) {
  return retrievalReport(
    rows.map((q) => {
      const t0 = performance.now();
      const results = search(q.query);
      return { query: q, results, confidence: 0, ms: performance.now() - t0 };
    }),
  );
}

/** What `kbbot rank` answers: the Matcher, every message ranked. */
const matcherSearch = (kb, ranker) => {
  const matcher = new Matcher(kb, ranker);
  return (text) => matcher.match(text, { k: K, always: true }).hits.map((h) => h.article.id);
};

/** The baseline: an FTS5 table over title and body, bm25() with the title weighted. */
function fts5Search(kb) {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61')`);
  const insert = db.prepare('INSERT INTO docs (id, title, body) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const a of kb) {
      const body = [...Object.values(a.sections).filter((s) => typeof s === 'string'), ...a.errorMessages].join('\n');
      insert.run(a.id, a.title, body);
    }
  })();
  const select = db.prepare(
    `SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, ${FTS5_TITLE_WEIGHT}, 1) LIMIT ${K}`,
  );
  return (text) => {
    const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
    if (!words.length) return [];
    return select.all(words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ')).map((r) => r.id);
  };
}

/** Rows of the table for the teamkb sets: alerts overall and per style, pastes, questions. */
function teamRows(reports) {
  const rows = [];
  for (const [name] of Object.entries(SETS)) {
    const [first] = Object.values(reports);
    rows.push([name, first[name].n, ...Object.values(reports).map((r) => r[name])]);
    if (name === 'alerts')
      for (const style of Object.keys(first[name].byStyle))
        rows.push([
          `alerts: ${style}`,
          first[name].byStyle[style].n,
          ...Object.values(reports).map((r) => r[name].byStyle[style]),
        ]);
  }
  return rows;
}

const f3 = (x) => x.toFixed(3);
const cells = (r) => `${f3(r.successAt1)} | ${f3(r.successAt3)} | ${f3(r.mrrAt10)}`;

// ---- 1. teamkb alone ----
console.error(`bench-teamkb: ingesting ${TEAMKB} ...`);
const team = await ingest([TEAMKB], { folders: [{ dir: TEAMKB, name: 'teamkb' }] });
let t0 = performance.now();
const teamRanker = Ranker.build(team.kb);
const teamBuild = (performance.now() - t0) / 1000;
const kbbotSearch = matcherSearch(team.kb, teamRanker);
const ftsSearch = fts5Search(team.kb);
const teamReports = { kbbot: {}, fts5: {} };
for (const [name, rows] of Object.entries(sets)) {
  teamReports.kbbot[name] = evaluate(rows, kbbotSearch);
  teamReports.fts5[name] = evaluate(rows, ftsSearch);
}
const teamTable = [
  '| set | n | kbbot @1 | @3 | MRR | FTS5 BM25 @1 | @3 | MRR |',
  '|---|---|---|---|---|---|---|---|',
  ...teamRows(teamReports).map(([name, n, a, b]) => `| ${name} | ${n} | ${cells(a)} | ${cells(b)} |`),
].join('\n');
const teamLine = `teamkb: ${team.summary.articles} articles, ${team.summary.failures.length} failures; ranker built in ${teamBuild.toFixed(2)} s`;
console.log(`${teamLine}\n\n${teamTable}`);

// ---- 2. the archive alone and with teamkb ----
let archiveTable = '';
if (!argv.includes('--no-archive')) {
  let archive;
  if (process.env.KBBOT_ARCHIVE_INDEX) {
    console.error(`bench-teamkb: reading the archive index ${process.env.KBBOT_ARCHIVE_INDEX} ...`);
    const { kb, search } = readIndex(process.env.KBBOT_ARCHIVE_INDEX);
    archive = { kb, ranker: Ranker.loadJSON(kb, search), search };
  } else {
    const corpus = corpusDir('bench-teamkb');
    console.error(`bench-teamkb: ingesting ${corpus} ...`);
    const indexPath = join(tempDir('kbbot-bench-teamkb-'), 'archive.bin');
    const opened = await buildIndex([corpus], { indexPath });
    archive = { kb: opened.kb, ranker: opened.ranker, search: opened.ranker.toJSON() };
  }
  const pastes = readJsonl(join(EVAL, 'dev-error-pastes.jsonl'));
  const alone = evaluate(pastes, matcherSearch(archive.kb, archive.ranker));
  // The combined KB: both sources' saved indexes side by side, as an index of both folders holds them.
  const bothKb = new KnowledgeBase([...archive.kb.articles(), ...team.kb.articles()]);
  const teamSources = team.kb.size ? teamRanker.toJSON().sources : [];
  const bothRanker = Ranker.loadJSON(bothKb, { sources: [...archive.search.sources, ...teamSources] });
  const bothSearch = matcherSearch(bothKb, bothRanker);
  const together = evaluate(pastes, bothSearch);
  const rows = [
    ['archive dev error pastes', pastes.length, alone, together],
    ...Object.entries(sets).map(([name, rows]) => [
      `teamkb ${name}`,
      rows.length,
      teamReports.kbbot[name],
      evaluate(rows, bothSearch),
    ]),
  ];
  archiveTable = [
    '| set | n | alone @1 | @3 | MRR | archive + teamkb @1 | @3 | MRR | Δ@1 |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ([name, n, a, b]) =>
        `| ${name} | ${n} | ${cells(a)} | ${cells(b)} | ${(b.successAt1 - a.successAt1 >= 0 ? '+' : '') + f3(b.successAt1 - a.successAt1)} |`,
    ),
  ].join('\n');
  console.log(`\n${archiveTable}`);
}

if (!argv.includes('--no-write')) {
  const section = [
    START,
    'Command: `npm run bench` (`node scripts/bench-teamkb.mjs`)  ',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC  `,
    `Machine: ${machineLine()}`,
    '',
    `${teamLine}. FTS5 baseline: porter tokenizer, bm25() with title weight ${FTS5_TITLE_WEIGHT}, body 1, query words OR-ed.`,
    '',
    teamTable,
    ...(archiveTable ? ['', archiveTable] : []),
    END,
  ].join('\n');
  writeSection(START, END, section, HEADING, 'bench-teamkb');
}
