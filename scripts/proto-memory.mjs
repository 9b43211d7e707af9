// Issue #27 groundwork (prototype, not part of the product): where the serving memory of a loaded
// index goes, structure by structure. Loads an index file written by `kbbot ingest`, then drops one
// part at a time and measures what the heap gives back, so each part's figure is what serving it
// costs, not an estimate. Run with --expose-gc:
//   node --expose-gc scripts/proto-memory.mjs INDEX_FILE [DIST_DIR]
// DIST_DIR defaults to ./dist (the compiled kbbot); prints one JSON object.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const [indexFile, distDir = 'dist'] = process.argv.slice(2);
if (!indexFile || typeof globalThis.gc !== 'function') {
  console.error('usage: node --expose-gc scripts/proto-memory.mjs INDEX_FILE [DIST_DIR]');
  process.exit(2);
}
const dist = (p) => import(pathToFileURL(resolve(distDir, 'src', p)).href);
const MB = (n) => Math.round((n / 1048576) * 10) / 10;

/** Heap in use plus memory outside it (typed arrays, buffers), after two full collections. */
function used() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  // `external` already counts `arrayBuffers` (typed arrays, buffers).
  return { heap: m.heapUsed, external: m.external, rss: m.rss, total: m.heapUsed + m.external };
}

const base = used();
const t0 = performance.now();
const { readIndex } = await dist('kb/index/index-file.js');
const { Ranker } = await dist('kb/rank/ranker.js');
const afterModules = used();
const { kb, search } = readIndex(resolve(indexFile));
const tRead = performance.now();
let ranker = Ranker.loadJSON(kb, search);
const tLoad = performance.now();
// Warm the ranker as serving does (one query builds its scratch arrays).
ranker.rank('The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002');
const loaded = used();
const out = {
  file: indexFile,
  fileMB: MB(readFileSync(indexFile).length),
  articles: kb.size,
  loadSeconds: { readAndDeserialize: (tRead - t0) / 1000, rankerLoadJSON: (tLoad - tRead) / 1000 },
  servingMB: {
    rss: MB(loaded.rss),
    heap: MB(loaded.heap),
    external: MB(loaded.external),
    modules: MB(afterModules.total - base.total),
  },
  parts: {},
  counts: {},
};

// Sizes of the typed arrays, read from the saved search index.
const typed = {};
const strings = {};
for (const s of search.sources) {
  const ix = s.index;
  const tag = s.source ?? 'unnamed';
  typed[`${tag}.terms.offsets`] = ix.terms.offsets.byteLength;
  typed[`${tag}.terms.docs`] = ix.terms.docs.byteLength;
  typed[`${tag}.terms.freqs`] = ix.terms.freqs.byteLength;
  typed[`${tag}.phrases.hashes+docs`] = ix.phrases.hashes.byteLength + ix.phrases.docs.byteLength;
  typed[`${tag}.pairs.hashes+docs`] = ix.pairs.hashes.byteLength + ix.pairs.docs.byteLength;
  typed[`${tag}.speller.counts`] = ix.speller.counts.byteLength;
  out.counts[`${tag}.vocabulary`] = ix.terms.vocabulary.length;
  out.counts[`${tag}.postings`] = ix.terms.docs.length;
  out.counts[`${tag}.phraseRuns`] = ix.phrases.hashes.length;
  out.counts[`${tag}.pairRuns`] = ix.pairs.hashes.length;
  out.counts[`${tag}.spellerWords`] = ix.speller.words.length;
  out.counts[`${tag}.abbreviations`] = ix.abbreviations.length;
  strings[`${tag}.vocabulary chars`] = ix.terms.vocabulary.reduce((n, w) => n + w.length, 0);
  strings[`${tag}.speller chars`] = ix.speller.words.reduce((n, w) => n + w.length, 0);
}
out.typedArraysMB = Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, MB(v)]));
out.stringCharsMB = Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, MB(v)]));

// Article text as characters: what the Article objects hold.
let chars = 0;
let sectionChars = 0;
let otherChars = 0;
for (const a of kb.articles()) {
  for (const v of Object.values(a.sections)) sectionChars += v?.length ?? 0;
  otherChars +=
    a.title.length + a.errorMessages.join('').length + a.steps.join('').length + a.registryKeys.join('').length;
  otherChars += a.path.length + a.id.length + a.keywords.join('').length + a.appliesTo.join('').length;
}
chars = sectionChars + otherChars;
out.articleTextMB = { sections: MB(sectionChars), titleErrorsStepsKeysEtc: MB(otherChars), all: MB(chars) };

// The articles' serialized size alone (what a per-article store starts from).
const articlesBlob = v8.serialize(kb.articles());
out.articlesSerializedMB = MB(articlesBlob.length);
const texts = kb.articles().map((a) => JSON.stringify(a));
const { deflateRawSync } = await import('node:zlib');
let deflated = 0;
const t5 = performance.now();
for (const t of texts) deflated += deflateRawSync(Buffer.from(t), { level: 6 }).length;
out.articlesDeflatedPerArticleMB = MB(deflated);
out.deflateSeconds = (performance.now() - t5) / 1000;
texts.length = 0;

// Drop parts one at a time, largest-suspected first; each delta is what that part held.
const steps = [];
let before = used();
const drop = (name, fn) => {
  fn();
  const now = used();
  steps.push([name, MB(before.total - now.total), MB(before.heap - now.heap), MB(before.external - now.external)]);
  before = now;
};
const internals = (r) => r.groups;
const groups = internals(ranker);
drop('articlesBlob (measurement only)', () => {
  articlesBlob.fill(0);
});
drop('SourceRanker.textCache + scratch', () => {
  for (const g of groups) {
    g.ranker.textCache.clear();
    g.ranker.parts.phrases.scratch = undefined;
    g.ranker.parts.pairs.scratch = undefined;
  }
});
drop('SourceRanker.titles (team sources only)', () => {
  for (const g of groups) g.ranker.titles = undefined;
});
drop('speller (words Map + target hashes)', () => {
  for (const g of groups) g.ranker.parts.speller = null;
});
drop('abbreviations + products', () => {
  for (const g of groups) {
    g.ranker.parts.abbreviations = null;
    g.ranker.parts.products = null;
  }
});
drop('pairs (PhraseIndex, term pairs)', () => {
  for (const g of groups) g.ranker.parts.pairs = null;
});
drop('phrases (PhraseIndex, error runs)', () => {
  for (const g of groups) g.ranker.parts.phrases = null;
});
drop('terms: termIds Map', () => {
  for (const g of groups) g.ranker.parts.terms.termIds = null;
});
drop('terms: vocabulary strings', () => {
  for (const g of groups) g.ranker.parts.terms.vocabulary = null;
});
drop('terms: offsets/docs/freqs', () => {
  for (const g of groups) g.ranker.parts.terms = null;
});
drop('search JSON (saved copy, after the above)', () => {
  for (const s of search.sources) s.index = null;
});
drop('Ranker + per-source article arrays + score arrays', () => {
  ranker = null;
  groups.length = 0;
});
drop('KnowledgeBase maps (byId, byAlert, byName)', () => {
  kb.byId = new Map(kb.articles().map((a) => [a.id, a])); // keep the articles alive for the next step
  kb.byAlert = null;
  kb.byName = null;
});
const all = kb.articles();
drop('KnowledgeBase byId', () => {
  kb.byId = null;
});
drop('Article objects (all text and fields)', () => {
  all.length = 0;
});
out.parts = steps.map(([name, total, heap, external]) => ({ name, MB: total, heapMB: heap, externalMB: external }));
out.remaining = { MB: MB(before.total - base.total) };
console.log(JSON.stringify(out, null, 1));
