// Check 2 of docs/design-compact-index.md section 8, "the same rankings": two compiled trees (say
// today's and one with a new index format or loader) must give every message of the dev sets the
// same answer. For each KB (the archive with its error pastes and questions, the team KB with its
// alerts, pastes and questions, and the archive plus the team KB with the team sets) and each side,
// a fresh child process opens the KB with that tree's own `openKb` (ingesting and writing the index
// the first time, loading it after), then runs every message through the tree's `Matcher` exactly as
// `kbbot eval` does (`match(text, { k: 10, always: true })`) and through `Ranker.rank(text, 10)`,
// the ranker's own top 10 that the design names. For each it records the ids in order, scores,
// confidence and the whole `reason` of every hit (and the matcher's intent, route, codes and
// signature); A and B must be equal as JSON strings (exact: "within 0.001" would hide order
// changes at ties). "same ids" counts the messages whose ids alone are in the same order. It also prints each side's success@1,
// success@3 and MRR@10 per set (the tree's own `retrievalReport`, as `kbbot eval` computes them),
// the load time and the RSS after loading (Matcher warm, two GCs a second apart, as bench-growth).
//
// A script the lead runs before a new format replaces the old, not a test: it needs the 57k-article
// corpus and takes minutes the first time (ingest, 45-110 s per archive KB and side on a busy
// 2-core machine), about a minute after (loading, 2-4 s per archive KB and side, and ranking).
//
//   node scripts/check-rankings.mjs --a DIST_A --b DIST_B [--corpus /tmp/corpus]
//     [--teamkb ../shared/teamkb] [--eval ../shared/eval] [--work /tmp/check-rankings]
//     [--kbs archive,team,both] [--fresh] [--json]
//
// DIST_A, DIST_B: compiled trees, folders holding src/kb/index/open-kb.js (`dist` of a checkout
// built with `npx tsc -p tsconfig.build.json`). They may be the same tree. ../shared paths are
// relative to the repository, not the working directory.
// --kbs: which KBs to check (default all three). A side's folder remembers the tree path that
// wrote it (tree.txt) and is emptied when the side names another tree; otherwise its index is
// reused while openKb finds it fresh, which openKb judges by the KB files and version numbers, not
// by the tree's code. --fresh: empty the folders first, so each side ingests with its own code
// (after rebuilding a tree in place with a change to what ingest writes).
// Exit status: 0 every ranking identical, 1 some ranking differs, 2 usage error, 3 a side failed.
//
// It writes only under --work: per side and KB, the index file, the recorded rankings and the
// tree's path (WORK/a/archive/kb-index.bin, rankings.json, tree.txt; ~300 MB per archive KB and
// side). The KB folders and the trees are only read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(REPO, '..', 'shared');

/** Default archive folder: where the bench scripts unpack ../shared/corpus. */
const DEFAULT_CORPUS = '/tmp/corpus';
/** Default team KB: the shared one every developer has. */
const DEFAULT_TEAMKB = join(SHARED, 'teamkb');
/** Default folder of the dev sets. */
const DEFAULT_EVAL = join(SHARED, 'eval');
/** Default work folder (indexes and recorded rankings); outside the repository, as the indexes are ~300 MB each. */
const DEFAULT_WORK = '/tmp/check-rankings';
/** Hits per message, as `kbbot eval` asks for. */
const K = 10;
/** Differences printed in full per set: enough to see the pattern, few enough to read. */
const SHOWN_DIFFERENCES = 3;

const ARCHIVE_SETS = ['dev-error-pastes.jsonl', 'dev-questions.jsonl'];
const TEAM_SETS = ['teamkb-dev-alerts.jsonl', 'teamkb-dev-error-pastes.jsonl', 'teamkb-dev-questions.jsonl'];
/** The KBs checked, in order: which folders (by option) and which sets. */
const KBS = {
  archive: { folders: ['corpus'], sets: ARCHIVE_SETS },
  team: { folders: ['teamkb'], sets: TEAM_SETS },
  both: { folders: ['corpus', 'teamkb'], sets: TEAM_SETS },
};

const USAGE =
  'usage: node scripts/check-rankings.mjs --a DIST_A --b DIST_B [--corpus DIR] [--teamkb DIR] [--eval DIR] ' +
  '[--work DIR] [--kbs archive,team,both] [--fresh] [--json]';

const MB = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const round2 = (x) => Math.round(x * 100) / 100;

class UsageError extends Error {}

if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]));
else {
  try {
    process.exitCode = main(parseOptions(process.argv.slice(2)));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`check-rankings: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  }
}

function parseOptions(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        a: { type: 'string' },
        b: { type: 'string' },
        corpus: { type: 'string', default: DEFAULT_CORPUS },
        teamkb: { type: 'string', default: DEFAULT_TEAMKB },
        eval: { type: 'string', default: DEFAULT_EVAL },
        work: { type: 'string', default: DEFAULT_WORK },
        kbs: { type: 'string', default: Object.keys(KBS).join(',') },
        fresh: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(err.message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.a || !values.b) throw new UsageError('--a and --b are required');
  const dist = (d) => {
    const abs = resolve(d);
    if (!existsSync(join(abs, 'src/kb/index/open-kb.js')))
      throw new UsageError(`${d}: not a compiled tree (no src/kb/index/open-kb.js in it)`);
    return realpathSync(abs);
  };
  const kbs = values.kbs.split(',').filter(Boolean);
  const unknown = kbs.filter((k) => !(k in KBS));
  if (unknown.length || kbs.length === 0)
    throw new UsageError(`--kbs takes a list of ${Object.keys(KBS).join(', ')}; got "${values.kbs}"`);
  const folders = { corpus: resolve(values.corpus), teamkb: resolve(values.teamkb) };
  for (const k of kbs) {
    for (const f of KBS[k].folders)
      if (!existsSync(folders[f])) throw new UsageError(`--${f} ${folders[f]}: no such folder`);
    for (const s of KBS[k].sets)
      if (!existsSync(join(values.eval, s))) throw new UsageError(`--eval ${values.eval}: no ${s} in it`);
  }
  return {
    a: dist(values.a),
    b: dist(values.b),
    folders,
    evalDir: resolve(values.eval),
    work: resolve(values.work),
    kbs,
    fresh: values.fresh,
    json: values.json,
  };
}

function main(o) {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const sides = { a: { dist: o.a, kbs: {} }, b: { dist: o.b, kbs: {} } };
  const sets = [];
  let failed = false;
  for (const kb of o.kbs) {
    const dirs = KBS[kb].folders.map((f) => o.folders[f]);
    const recorded = {};
    // A then B for each KB, so both sides see about the same machine load.
    for (const side of ['a', 'b']) {
      const dir = join(o.work, side, kb);
      prepare(dir, sides[side].dist, o.fresh);
      const spec = { side, kb, dist: sides[side].dist, dirs, sets: KBS[kb].sets, evalDir: o.evalDir, dir };
      console.error(`check-rankings: side ${side}, KB ${kb} (${dirs.join(' + ')}) ...`);
      // A fresh process per side and KB: its memory, caches and module state are its own.
      const run = spawnSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)],
        {
          stdio: ['ignore', 2, 2],
        },
      );
      if (run.status !== 0) {
        console.error(`check-rankings: side ${side}, KB ${kb} failed (exit ${run.status ?? run.signal})`);
        failed = true;
        break;
      }
      recorded[side] = JSON.parse(readFileSync(join(dir, 'rankings.json'), 'utf8'));
      sides[side].kbs[kb] = recorded[side].load;
    }
    if (failed) break;
    for (const set of KBS[kb].sets) sets.push(compareSet(kb, set, recorded.a.sets[set], recorded.b.sets[set]));
  }
  const identical = !failed && sets.every((s) => s.identical === s.messages);
  const report = {
    identical,
    failed,
    seconds: Math.round(performance.now() - started) / 1000,
    loadAverage: { before: loadBefore.map(round2), after: os.loadavg().map(round2) },
    sides,
    sets,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 1)}\n` : `${table(report)}\n`);
  return failed ? 3 : identical ? 0 : 1;
}

/** The side's folder, emptied of an index another tree wrote (or of everything with --fresh). */
function prepare(dir, dist, fresh) {
  const treeFile = join(dir, 'tree.txt');
  const previous = existsSync(treeFile) ? readFileSync(treeFile, 'utf8') : undefined;
  if (fresh || previous !== dist) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(treeFile, dist);
}

function compareSet(kb, set, a, b) {
  const differences = [];
  let same = 0;
  let sameIds = 0;
  // The ids alone, in order: tells a reordering from a score or reason that moved without one.
  const ids = (r) => JSON.stringify(r && [r.match.hits.map((h) => h.id), r.rank.hits.map((h) => h.id)]);
  a.records.forEach((ra, i) => {
    const rb = b.records[i];
    if (ids(ra) === ids(rb)) sameIds++;
    if (JSON.stringify(ra) === JSON.stringify(rb)) same++;
    else if (differences.length < SHOWN_DIFFERENCES)
      differences.push({ id: ra.id, query: ra.query, at: firstDifference(ra, rb), a: ra, b: rb });
  });
  return {
    kb,
    set,
    messages: Math.max(a.records.length, b.records.length),
    identical: same,
    sameIds,
    a: a.figures,
    b: b.figures,
    differences,
  };
}

/** Where two records first differ, as a path ("match.hits[3].score: 1.234 vs 1.235"), to read before the full records. */
function firstDifference(x, y, path = '') {
  if (JSON.stringify(x) === JSON.stringify(y)) return undefined;
  if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
    for (const k of keys) {
      const d = firstDifference(x[k], y[k], Array.isArray(x) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return `${path || '(whole)'}: ${JSON.stringify(x) ?? 'missing'} vs ${JSON.stringify(y) ?? 'missing'}`;
}

function table(r) {
  const f = (x) => (x === undefined ? '  -  ' : x.toFixed(3));
  const lines = [];
  lines.push(`side a: ${r.sides.a.dist}`, `side b: ${r.sides.b.dist}`, '');
  // RSS and heap: loaded (or ingested), Matcher warm, after two GCs. rank s: every message of the KB's sets, matched and ranked.
  lines.push('KB       side  from    load s  RSS MB  heap MB  articles  index MB  rank s');
  for (const kb of Object.keys(r.sides.a.kbs))
    for (const side of ['a', 'b']) {
      const l = r.sides[side].kbs[kb];
      if (!l) continue;
      lines.push(
        `${kb.padEnd(8)} ${side.padEnd(4)}  ${l.loadedFrom.padEnd(6)}  ${String(l.seconds).padStart(6)}  ${String(l.rssMB).padStart(6)}  ${String(l.heapMB).padStart(7)}  ${String(l.articles).padStart(8)}  ${String(l.indexMB).padStart(8)}  ${String(l.rankSeconds).padStart(6)}`,
      );
    }
  lines.push('');
  lines.push(
    'KB       set                            messages  identical  same ids   a: @1    @3    MRR  |  b: @1    @3    MRR',
  );
  for (const s of r.sets)
    lines.push(
      `${s.kb.padEnd(8)} ${s.set.padEnd(30)} ${String(s.messages).padStart(8)}  ${String(s.identical).padStart(9)}  ${String(s.sameIds).padStart(8)}   ${f(s.a.successAt1)} ${f(s.a.successAt3)} ${f(s.a.mrrAt10)}  |  ${f(s.b.successAt1)} ${f(s.b.successAt3)} ${f(s.b.mrrAt10)}`,
    );
  for (const s of r.sets)
    for (const d of s.differences) {
      lines.push('', `DIFFERS ${s.kb} ${s.set} ${d.id}: ${d.at}`, `  query: ${JSON.stringify(d.query)}`);
      lines.push(`  a: ${JSON.stringify(d.a)}`, `  b: ${JSON.stringify(d.b)}`);
    }
  lines.push('');
  lines.push(
    r.failed
      ? 'FAILED: a side did not run (see above)'
      : r.identical
        ? `ALL IDENTICAL: ${r.sets.reduce((n, s) => n + s.messages, 0)} messages`
        : `RANKINGS DIFFER: ${r.sets.reduce((n, s) => n + s.messages - s.identical, 0)} messages`,
  );
  lines.push(
    `${r.seconds} s; load average ${r.loadAverage.before.join(' ')} before, ${r.loadAverage.after.join(' ')} after`,
  );
  return lines.join('\n');
}

/** One side and KB, in its own process: open, record every message's answers, write them to `dir`. */
async function child({ side, kb, dist, dirs, sets, evalDir, dir }) {
  const load = (p) => import(pathToFileURL(join(dist, 'src', p)).href);
  const { openKb } = await load('kb/index/open-kb.js');
  const { Matcher } = await load('bot/match.js');
  const { retrievalReport } = await load('kb/rank/evaluate.js');
  const indexPath = join(dir, 'kb-index.bin');
  const log = (m) => console.error(`  [${side} ${kb}] ${m}`);
  const opened = await openKb(dirs, { indexPath, log });
  if (opened.writeError) log(opened.writeError);
  // As `kbbot eval` (cli/open-matcher.ts): a Matcher over the KB, warmed up.
  const matcher = new Matcher(opened.kb, opened.ranker);
  matcher.warmUp();
  // Serving RSS as the design and bench-growth measure it: two full GCs a second apart, then the RSS.
  globalThis.gc();
  await sleep(1000);
  globalThis.gc();
  await sleep(200);
  const memory = process.memoryUsage();
  const loaded = {
    loadedFrom: opened.loadedFrom,
    seconds: opened.seconds,
    rssMB: MB(memory.rss),
    heapMB: MB(memory.heapUsed),
    articles: opened.kb.size,
    indexMB: existsSync(indexPath) ? MB(statSync(indexPath).size) : null,
  };
  log(`${loaded.loadedFrom} in ${loaded.seconds} s, RSS ${loaded.rssMB} MB`);
  const hits = (list) => list.map((h) => ({ id: h.article.id, score: h.score, reason: h.reason }));
  const out = { load: loaded, sets: {} };
  const rankStarted = performance.now();
  for (const set of sets) {
    const rows = readFileSync(join(evalDir, set), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l))
      .filter((r) => Array.isArray(r.expected));
    const records = [];
    const outcomes = rows.map((r, i) => {
      const text = r.query ?? r.text ?? '';
      const id = String(r.id ?? i + 1);
      const m = matcher.match(text, { k: K, always: true });
      const ranked = opened.ranker.rank(text, K);
      records.push({
        id,
        query: text,
        match: {
          intent: m.intent.intent,
          via: m.via,
          confidence: m.confidence,
          hits: hits(m.hits),
          missing: m.missing,
          codes: m.codes,
          signature: m.signature,
        },
        rank: { confidence: ranked.confidence, hits: hits(ranked.hits), codes: ranked.tellingCodes },
      });
      const query = { id, query: text, kind: r.kind, style: r.style, expected: r.expected };
      return { query, results: m.hits.map((h) => h.article.id), confidence: m.confidence, ms: m.ms };
    });
    const { n, successAt1, successAt3, mrrAt10, latency } = retrievalReport(outcomes);
    out.sets[set] = { records, figures: { n, successAt1, successAt3, mrrAt10, latencyP50: latency.p50 } };
  }
  out.load.rankSeconds = Math.round(performance.now() - rankStarted) / 1000;
  writeFileSync(join(dir, 'rankings.json'), JSON.stringify(out));
}
