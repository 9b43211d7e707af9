// Issue #27 groundwork (prototype, not part of the product): what tokenising each article once
// would save at ingest. On one thread, over the first N articles of an index file, times (thread
// CPU) the current build's text work (abbreviation finding, terms, error runs, term pairs, word
// counts: each normalises its text again) against one normalisation per field from which the terms,
// the error runs and the pairs are all derived, and checks that the derived runs hash the same.
//   node scripts/proto-tokenise.mjs INDEX_FILE [N=15000] [DIST_DIR=dist]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [indexFile, nArg = '15000', distDir = 'dist'] = process.argv.slice(2);
if (!indexFile) {
  console.error('usage: node scripts/proto-tokenise.mjs INDEX_FILE [N] [DIST_DIR]');
  process.exit(2);
}
const dist = (p) => import(pathToFileURL(resolve(distDir, 'src', p)).href);
const { readIndex } = await dist('kb/index/index-file.js');
const { articleFields, quotableText } = await dist('kb/rank/article-text.js');
const { abbreviationsIn } = await dist('kb/rank/synonyms.js');
const { runHashes } = await dist('kb/rank/phrase-index.js');
const { terms, normaliseText, surfaceTokens, wholeTokens, stem, STOPWORDS } = await dist('kb/rank/tokens.js');

/** This thread's CPU seconds (see proto-build.mjs). */
function threadCpu() {
  const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const { kb, search } = readIndex(resolve(indexFile));
const articles = kb.articles().slice(0, Number(nArg));
const abbreviations = new Map(search.sources[0].index.abbreviations);
const find = abbreviationsIn(abbreviations);
/** The fields the error runs and the pairs read (`quotableText`), in its order. */
const QUOTED = ['title', 'errors', 'symptoms', 'summary', 'cause'];

/** FNV-1a over one run, as phrase-index.ts hashes it. */
function hashRun(ws, start, length) {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) {
    const w = ws[i] ?? '';
    for (let j = 0; j < w.length; j++) {
      h ^= w.charCodeAt(j);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x20;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
function runs(ws, n, pad) {
  if (ws.length === 0) return [];
  if (ws.length < n) return pad ? [hashRun([...ws, ...Array(n - ws.length).fill('')], 0, n)] : [];
  const out = [];
  for (let i = 0; i + n <= ws.length; i++) out.push(hashRun(ws, i, n));
  return out;
}

// 1. As the current build does it.
let c0 = threadCpu();
let sink = 0;
for (const a of articles) {
  const f = articleFields(a);
  for (const text of Object.values(f)) {
    if (!text) continue;
    const found = find(text);
    sink += terms(found.length > 0 ? `${text}\n${found.join(' ')}` : text).length;
  }
  sink += runHashes(quotableText(a)).length;
  sink += runHashes(quotableText(a), { tokens: 'terms', length: 2 }).length;
  sink += new Set(
    Object.values(f)
      .join('\n')
      .toLowerCase()
      .match(/[a-z]{3,}/g) ?? [],
  ).size;
}
const current = threadCpu() - c0;

// 2. One normalisation per field; terms, runs and pairs derived from it.
c0 = threadCpu();
let mismatches = 0;
const byFirst = new Map();
for (const [abbr, exp] of abbreviations) {
  const ws = wholeTokens(normaliseText(exp));
  if (ws.length < 2) continue;
  if (!byFirst.has(ws[0])) byFirst.set(ws[0], []);
  byFirst.get(ws[0]).push({ abbr, words: ws });
}
const check = process.argv.includes('--no-check') ? null : [];
for (const a of articles) {
  const f = articleFields(a);
  const perField = {};
  for (const [name, text] of Object.entries(f)) {
    if (!text) continue;
    const normalised = normaliseText(text);
    const whole = wholeTokens(normalised);
    const found = [];
    for (let k = 0; k < whole.length; k++)
      for (const { abbr, words } of byFirst.get(whole[k]) ?? [])
        if (words.every((w, j) => whole[k + j] === w)) found.push(abbr);
    const ts = [];
    for (const tok of surfaceTokens(normalised)) if (tok.length >= 2 && !STOPWORDS.has(tok)) ts.push(stem(tok));
    const own = ts.length;
    if (found.length)
      for (const tok of surfaceTokens(found.join(' '))) if (tok.length >= 2 && !STOPWORDS.has(tok)) ts.push(stem(tok));
    sink += ts.length;
    perField[name] = { normalised, terms: ts.slice(0, own) };
  }
  // Error runs: the quoted fields' words, in quotableText's order.
  const words = QUOTED.flatMap((k) => (perField[k] ? (perField[k].normalised.match(/[a-z0-9]+/g) ?? []) : []));
  const pairTerms = QUOTED.flatMap((k) => perField[k]?.terms ?? []);
  const phraseRuns = runs(words, 3, true);
  const pairRuns = runs(pairTerms, 2, false);
  sink += phraseRuns.length + pairRuns.length;
  sink += new Set(
    Object.values(f)
      .join('\n')
      .toLowerCase()
      .match(/[a-z]{3,}/g) ?? [],
  ).size;
  if (check) check.push([phraseRuns, pairRuns]);
}
const once = threadCpu() - c0;
if (check)
  articles.forEach((a, i) => {
    const [p, q] = check[i];
    const P = runHashes(quotableText(a));
    const Q = runHashes(quotableText(a), { tokens: 'terms', length: 2 });
    if (
      new Set(P).size !== new Set(p).size ||
      P.some((h) => !p.includes(h)) ||
      Q.some((h) => !q.includes(h)) ||
      new Set(Q).size !== new Set(q).size
    )
      mismatches++;
  });
// 3. normaliseText with each rewrite skipped when the text lacks a literal it needs: same output,
// as a regex cannot match without its literal. A copy of tokens.ts's REWRITES, in its order.
const GUARDED = [
  ['0x', /\b0x([0-9a-f]{1,7})\b/g, (_m, hex) => `0x${hex.padStart(8, '0')}`],
  ['can', /\b(can)'?t\b/g, 'cannot'],
  ['won', /\bwon'?t\b/g, 'will not'],
  ["n't", /\b([a-z]+)n't\b/g, '$1 not'],
  [["'s", '’s'], /['’]s\b/g, ''],
  ['service', /\bservice\s+pack\s+(\d)\b/g, 'sp$1'],
  ['sp', /\bsp\s+(\d)\b/g, 'sp$1'],
  ['win', /\bwin\s?(95|98|3\.1|3\.11)\b/g, 'windows $1'],
  [['win', 'w2k'], /\bwin\s?(2k|2000)\b|\bw2k\b/g, 'windows 2000'],
  ['win', /\bwin\s?nt\b/g, 'windows nt'],
  ['nt', /\bnt\s?4(\.0)?\b/g, 'nt 4.0'],
  ['nt', /\bnt\s?3\.51\b/g, 'nt 3.51'],
  ['wfw', /\bwfw\b/g, 'windows for workgroups'],
  ['e-mail', /\be-mail\b/g, 'email'],
];
function guardedNormalise(text) {
  let t = text.toLowerCase();
  for (const [lit, re, to] of GUARDED)
    if (Array.isArray(lit) ? lit.some((l) => t.includes(l)) : t.includes(lit)) t = t.replace(re, to);
  return t;
}
const texts = articles.flatMap((a) => Object.values(articleFields(a)).filter(Boolean));
c0 = threadCpu();
const plainOut = texts.map((t) => normaliseText(t));
const plainNormalise = threadCpu() - c0;
c0 = threadCpu();
const guardedOut = texts.map((t) => guardedNormalise(t));
const guardedNormaliseCpu = threadCpu() - c0;
const normaliseDiffers = texts.filter((_, i) => plainOut[i] !== guardedOut[i]).length;

console.log(
  JSON.stringify({
    articles: articles.length,
    cpuSeconds: { current: Math.round(current * 100) / 100, tokeniseOnce: Math.round(once * 100) / 100 },
    projectedFullCorpusCpu: {
      current: Math.round((current * kb.size) / articles.length),
      tokeniseOnce: Math.round((once * kb.size) / articles.length),
    },
    articlesWhoseRunsDiffer: check ? mismatches : 'not checked',
    normaliseTextCpu: {
      fields: texts.length,
      current: Math.round(plainNormalise * 100) / 100,
      guarded: Math.round(guardedNormaliseCpu * 100) / 100,
      outputsThatDiffer: normaliseDiffers,
    },
    sink,
  }),
);
