#!/usr/bin/env node
// Does the form an article comes in change what kbbot answers? Issue #2 measures how many quoted
// error messages the collapsed form reads exactly as the original form does (90.5%). This script
// measures what that costs a user: both dev sets ranked against three KBs built from the corpus.
//   node scripts/bench-forms.mjs [--no-write]
//   1. as it is:                    the corpus as shipped (about half its articles in the original form);
//   2. originals collapsed:         every original-form article turned into the collapsed form
//                                   (src/kb/forms.ts, as the agreement test does), the rest unchanged;
//   3. without error messages:      the corpus as shipped, every article's errorMessages emptied
//                                   before the ranker is built (what the messages add at all).
// For each: success@1, success@3 and MRR@10, how many queries' first answer differs from (1), and of
// those whose first answer is the same, how many show another "why" line (it quotes the message).
// Corpus as in scripts/bench.mjs (KBBOT_CORPUS_DIR, default /tmp/corpus). Needs `npm run build`.
// Rewrites the bench:forms section of BENCHMARKS.md unless --no-write.
import { corpusDir, EVAL, machineLine, readJsonl, REPO, tempDir, writeSection } from './bench-lib.mjs';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);
const { buildIndex } = await dist('kb/index/open-kb.js');
const { KnowledgeBase } = await dist('kb/knowledge-base.js');
const { Ranker } = await dist('kb/rank/ranker.js');
const { Matcher } = await dist('bot/match.js');
const { retrievalReport } = await dist('kb/rank/evaluate.js');
const { decodeArticleBytes } = await dist('kb/parse/decode.js');
const { readEnvelope } = await dist('kb/parse/envelope.js');
const { toCollapsedForm } = await dist('kb/forms.js');

const SETS = {
  'error pastes': readJsonl(join(EVAL, 'dev-error-pastes.jsonl')),
  questions: readJsonl(join(EVAL, 'dev-questions.jsonl')),
};
const LABEL = 'bench:forms';

/** A copy of `corpus` (symlinks) in which every original-form article is in the collapsed form. */
function collapsedCopy(corpus) {
  const dir = tempDir('kbbot-bench-forms-');
  let turned = 0;
  for (const f of readdirSync(corpus)) {
    const path = join(corpus, f);
    let text = null;
    try {
      text = decodeArticleBytes(readFileSync(path));
      if (readEnvelope(text).form !== 'text') text = null;
    } catch {
      text = null;
    }
    if (text === null) symlinkSync(path, join(dir, f));
    else {
      writeFileSync(join(dir, f), toCollapsedForm(text));
      turned++;
    }
  }
  return { dir, turned };
}

/** Each dev set's queries ranked as the bot ranks them: the report, each query's first answer, and its "why" line (which quotes the article's message closest to the query). */
function rankSets(kb, ranker) {
  const matcher = new Matcher(kb, ranker);
  matcher.warmUp();
  const out = {};
  for (const [set, rows] of Object.entries(SETS)) {
    const whys = [];
    const outcomes = rows.map((r, i) => {
      const m = matcher.match(r.query, { k: 10, always: true });
      whys.push(m.hits[0]?.reason.summary ?? null);
      return {
        query: { id: String(r.id ?? i + 1), query: r.query, kind: r.kind, style: r.style, expected: r.expected },
        results: m.hits.map((h) => h.article.id),
        confidence: m.confidence,
        ms: m.ms,
      };
    });
    out[set] = { report: retrievalReport(outcomes), first: outcomes.map((o) => o.results[0] ?? null), whys };
  }
  return out;
}

async function built(dir) {
  const t0 = performance.now();
  const opened = await buildIndex([dir], { indexPath: join(tempDir('kbbot-bench-forms-index-'), 'kb-index.bin') });
  console.error(
    `${LABEL}: ingested ${dir} (${opened.kb.size} articles) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return opened;
}

const corpus = corpusDir(LABEL);
const rows = [];
let asIs = await built(corpus);
rows.push(['as it is', rankSets(asIs.kb, asIs.ranker)]);
const articles = asIs.kb.size;
const messages = [...asIs.kb].reduce((n, a) => n + a.errorMessages.length, 0);
{
  // One KB in memory at a time: this one and the first are gone before the collapsed copy is built.
  const bare = new KnowledgeBase([...asIs.kb].map((a) => ({ ...a, errorMessages: [] })));
  asIs = null;
  rows.push(['without error messages', rankSets(bare, Ranker.build(bare))]);
}
const copy = collapsedCopy(corpus);
console.error(`${LABEL}: ${copy.turned} original-form articles turned into the collapsed form`);
const collapsed = await built(copy.dir);
rows.splice(1, 0, [
  `originals collapsed (${copy.turned.toLocaleString('en-US')} articles)`,
  rankSets(collapsed.kb, collapsed.ranker),
]);

const base = rows[0][1];
const f3 = (x) => x.toFixed(3);
const lines = [
  '| KB | error pastes @1 / @3 / MRR | first answer differs | same answer, another "why" line | questions @1 / @3 / MRR | first answer differs | same answer, another "why" line |',
  '|---|---|---|---|---|---|---|',
];
for (const [name, sets] of rows) {
  const cells = Object.entries(sets).flatMap(([set, { report: r, first, whys }]) => {
    const was = base[set];
    const differs = first.filter((id, i) => id !== was.first[i]).length;
    const why = first.filter((id, i) => id === was.first[i] && whys[i] !== was.whys[i]).length;
    const count = (n) => `${n.toLocaleString('en-US')} of ${first.length.toLocaleString('en-US')}`;
    return [`${f3(r.successAt1)} / ${f3(r.successAt3)} / ${f3(r.mrrAt10)}`, count(differs), count(why)];
  });
  lines.push(`| ${name} | ${cells.join(' | ')} |`);
}
const table = lines.join('\n');
console.log(table);
if (!process.argv.includes('--no-write')) {
  const START = '<!-- bench:forms:start -->';
  const END = '<!-- bench:forms:end -->';
  const section = `${START}\n\`node scripts/bench-forms.mjs\` on ${new Date().toISOString().slice(0, 10)}, ${machineLine()}. The corpus's ${articles.toLocaleString('en-US')} articles quote ${messages.toLocaleString('en-US')} error messages.\n\n${table}\n${END}`;
  writeSection(START, END, section, "## Does the article's form change the answer?", LABEL);
}
