// Issue #27 groundwork (prototype, not part of the product): build the archive's search index on
// worker threads, each over a contiguous share of the articles, and merge the partial indexes;
// checks that the merged index is the sequential build's, array for array, and reports the time
// of each step. The articles come from an index file written by `kbbot ingest` (parsing is not
// part of this measurement), and its saved search index is the sequential result compared against.
//   node scripts/proto-build.mjs INDEX_FILE [WORKERS=2] [DIST_DIR=dist] [--fused]
// --fused: each field is normalised once, for both the abbreviation finder and its terms (the current
// code normalises it twice); the check says whether that is still exact.
import { setInterval, clearInterval } from 'node:timers';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

/**
 * CPU seconds this thread has used (Linux: /proc/thread-self/stat, in 1/100 s). On a shared machine
 * wall time says little; a thread's own CPU time is what the same work costs on a quiet one.
 */
function threadCpu() {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const FUSED = process.argv.includes('--fused');
const [indexFile, workersArg = '2', distDir = 'dist'] = args;
const distUrl = (p) => pathToFileURL(resolve(distDir, 'src', p)).href;

if (isMainThread) await main();
else await worker();

async function main() {
  if (!indexFile) {
    console.error('usage: node scripts/proto-build.mjs INDEX_FILE [WORKERS] [DIST_DIR] [--fused]');
    process.exit(2);
  }
  const W = Math.max(1, Number(workersArg));
  const { readIndex } = await import(distUrl('kb/index/index-file.js'));
  const { articleFields } = await import(distUrl('kb/rank/article-text.js'));
  const { mineAbbreviations, HAND_SYNONYMS } = await import(distUrl('kb/rank/synonyms.js'));
  const { RANKER_DEFAULTS } = await import(distUrl('kb/rank/options.js'));
  const { kb, search } = readIndex(resolve(indexFile));
  const saved = search.sources[0];
  const articles = kb.articles().filter((a) => (a.source ?? null) === saved.source);
  if (search.sources.length !== 1 || saved.team) console.error('note: only the first (archive) source is built');
  const times = {};
  const rss = () => Math.round(process.memoryUsage().rss / 1048576);
  let peak = rss();
  const watch = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const cpu = {};
  let c0 = threadCpu();
  const t = (name, start) => {
    times[name] = Math.round(performance.now() - start) / 1000;
    const c = threadCpu();
    cpu[name] = Math.round((c - c0) * 100) / 100;
    c0 = c;
  };

  let s = performance.now();
  const abbreviations = mineAbbreviations(articles.map((a) => Object.values(articleFields(a)).join('\n')));
  for (const [abbr, exp] of HAND_SYNONYMS) abbreviations.set(abbr, exp);
  t('mine abbreviations (serial, main)', s);

  // Contiguous shards: doc numbers stay the KB's, and merging in shard order keeps every order.
  const size = Math.ceil(articles.length / W);
  const shards = Array.from({ length: W }, (_, i) => [i * size, Math.min(articles.length, (i + 1) * size)]);
  s = performance.now();
  const workers = shards.map(
    ([lo, hi]) =>
      new Worker(new URL(import.meta.url), {
        workerData: {
          lo,
          articles: articles.slice(lo, hi),
          abbreviations: [...abbreviations],
          fused: FUSED,
          total: articles.length,
        },
        argv: [indexFile, workersArg, distDir],
      }),
  );
  const ask = (w, msg) =>
    new Promise((ok, fail) => {
      w.once('message', ok);
      w.once('error', fail);
      w.postMessage(msg);
    });
  // Phase 1: each field's total length (BM25F normalises by the KB's average field length).
  const lengthReplies = await Promise.all(workers.map((w) => ask(w, { phase: 'lengths' })));
  const lengths = lengthReplies.map((r) => r.sums);
  times.workerCpuPhase1 = lengthReplies.map((r) => r.cpu);
  t('start workers + send articles + phase 1 (field lengths)', s);
  const fields = Object.keys(RANKER_DEFAULTS.fields);
  const avgChars = fields.map((_, i) =>
    Math.max(1, lengths.reduce((sum, l) => sum + l[i], 0) / Math.max(1, articles.length)),
  );
  // Phase 2: partial indexes.
  s = performance.now();
  const parts = await Promise.all(workers.map((w) => ask(w, { phase: 'build', avgChars })));
  t('phase 2: partial indexes (parallel)', s);
  times.workerSeconds = parts.map((p) => p.seconds);
  times.workerCpuPhase2 = parts.map((p) => p.cpu);
  for (const w of workers) void w.terminate();

  s = performance.now();
  const terms = mergeTerms(parts.map((p) => p.terms));
  t('merge terms', s);
  s = performance.now();
  const phrases = mergeSorted(
    parts.map((p) => p.phrases),
    articles.length,
  );
  const pairs = mergeSorted(
    parts.map((p) => p.pairs),
    articles.length,
  );
  t('merge phrases + pairs', s);
  s = performance.now();
  const counts = new Map();
  for (const p of parts) for (const [w, n] of p.words) counts.set(w, (counts.get(w) ?? 0) + n);
  t('merge word counts', s);
  clearInterval(watch);

  const same = (a, b) =>
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0;
  const ix = saved.index;
  const check = {
    vocabulary:
      terms.vocabulary.length === ix.terms.vocabulary.length &&
      terms.vocabulary.every((w, i) => w === ix.terms.vocabulary[i]),
    offsets: same(terms.offsets, ix.terms.offsets),
    docs: same(terms.docs, ix.terms.docs),
    freqs: same(terms.freqs, ix.terms.freqs),
    phraseHashes: same(phrases.hashes, ix.phrases.hashes),
    phraseDocs: same(phrases.docs, ix.phrases.docs),
    pairHashes: same(pairs.hashes, ix.pairs.hashes),
    pairDocs: same(pairs.docs, ix.pairs.docs),
    spellerWords:
      ix.speller.words.length === counts.size &&
      ix.speller.words.every((w, i) => counts.get(w) === ix.speller.counts[i]),
  };
  if (!check.freqs && terms.freqs.length === ix.terms.freqs.length) {
    let worst = 0;
    for (let i = 0; i < terms.freqs.length; i++) worst = Math.max(worst, Math.abs(terms.freqs[i] - ix.terms.freqs[i]));
    check.freqsWorstDifference = worst;
  }
  const build = Object.entries(times)
    .filter(([k]) => !k.startsWith('worker'))
    .reduce((n, [, v]) => n + v, 0);
  console.log(
    JSON.stringify(
      {
        workers: W,
        fused: FUSED,
        articles: articles.length,
        times,
        buildSeconds: Math.round(build * 100) / 100,
        peakRssMB: peak,
        mainThreadCpu: cpu,
        identical: check,
      },
      null,
      1,
    ),
  );
}

/** Concatenate the shards' term columns with global term ids (first use in KB order), then CSR. */
function mergeTerms(shards) {
  const vocabulary = [];
  const ids = new Map();
  let n = 0;
  const maps = shards.map((sh) => {
    n += sh.term.length;
    return Int32Array.from(sh.vocabulary, (w) => {
      let id = ids.get(w);
      if (id === undefined) {
        id = vocabulary.length;
        ids.set(w, id);
        vocabulary.push(w);
      }
      return id;
    });
  });
  const offsets = new Int32Array(vocabulary.length + 1);
  shards.forEach((sh, s) => {
    const map = maps[s];
    for (let i = 0; i < sh.term.length; i++) offsets[map[sh.term[i]] + 1]++;
  });
  for (let i = 0; i < vocabulary.length; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, vocabulary.length);
  const docs = new Int32Array(n);
  const freqs = new Float32Array(n);
  shards.forEach((sh, s) => {
    const map = maps[s];
    for (let i = 0; i < sh.term.length; i++) {
      const at = fill[map[sh.term[i]]]++;
      docs[at] = sh.doc[i];
      freqs[at] = sh.freq[i];
    }
  });
  return { vocabulary, offsets, docs, freqs };
}

/** Merge the shards' sorted (hash × scale + doc) keys into the (hash, doc) arrays PhraseIndex keeps. */
function mergeSorted(shards, docCount) {
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(docCount + 1)));
  const n = shards.reduce((sum, k) => sum + k.length, 0);
  const hashes = new Uint32Array(n);
  const docs = new Int32Array(n);
  const at = new Array(shards.length).fill(0);
  for (let o = 0; o < n; o++) {
    let best = -1;
    let key = Infinity;
    for (let s = 0; s < shards.length; s++) {
      const k = at[s] < shards[s].length ? shards[s][at[s]] : Infinity;
      if (k < key) {
        key = k;
        best = s;
      }
    }
    at[best]++;
    const doc = key % scale;
    docs[o] = doc;
    hashes[o] = (key - doc) / scale;
  }
  return { hashes, docs };
}

async function worker() {
  const { articleFields, quotableText } = await import(distUrl('kb/rank/article-text.js'));
  const { abbreviationsIn } = await import(distUrl('kb/rank/synonyms.js'));
  const { RANKER_DEFAULTS } = await import(distUrl('kb/rank/options.js'));
  const { runHashes } = await import(distUrl('kb/rank/phrase-index.js'));
  const { terms, normaliseText, surfaceTokens, wholeTokens, stem, STOPWORDS } = await import(
    distUrl('kb/rank/tokens.js')
  );
  const { lo, articles, abbreviations, fused, total } = workerData;
  const weights = RANKER_DEFAULTS.fields;
  const { b } = RANKER_DEFAULTS;
  const fieldNames = Object.keys(weights);
  const abbrMap = new Map(abbreviations);
  const find = abbreviationsIn(abbrMap);
  // Fused: the long forms by first token, matched on the field's own normalised tokens.
  const byFirst = new Map();
  for (const [abbr, exp] of abbrMap) {
    const ws = wholeTokens(normaliseText(exp));
    if (ws.length < 2) continue;
    if (!byFirst.has(ws[0])) byFirst.set(ws[0], []);
    byFirst.get(ws[0]).push({ abbr, words: ws });
  }
  const stemmed = (tokens, out) => {
    for (const tok of tokens) if (tok.length >= 2 && !STOPWORDS.has(tok)) out.push(stem(tok));
    return out;
  };
  let plain; // per article, its fields as articleFields gives them
  let indexed; // per article, per field: the text the term index reads (current code) or its terms (fused)
  parentPort.on('message', (msg) => {
    const cpu0 = threadCpu();
    if (msg.phase === 'lengths') {
      const sums = new Array(fieldNames.length).fill(0);
      plain = articles.map(articleFields);
      indexed = plain.map((f) =>
        fieldNames.map((name, i) => {
          const text = f[name];
          if (!text) return undefined;
          if (!fused) {
            const found = find(text);
            const out = found.length > 0 ? `${text}\n${found.join(' ')}` : text;
            sums[i] += out.length;
            return out;
          }
          const normalised = normaliseText(text);
          const whole = wholeTokens(normalised);
          const found = [];
          for (let k = 0; k < whole.length; k++)
            for (const { abbr, words } of byFirst.get(whole[k]) ?? [])
              if (words.every((w, j) => whole[k + j] === w)) found.push(abbr);
          const extra = found.length > 0 ? found.join(' ') : '';
          sums[i] += text.length + (extra ? extra.length + 1 : 0);
          const ts = stemmed(surfaceTokens(normalised), []);
          if (extra) stemmed(surfaceTokens(normaliseText(extra)), ts);
          return { length: text.length + (extra ? extra.length + 1 : 0), terms: ts };
        }),
      );
      parentPort.postMessage({ sums, cpu: Math.round((threadCpu() - cpu0) * 100) / 100 });
      return;
    }
    const started = performance.now();
    const { avgChars } = msg;
    const vocabulary = [];
    const ids = new Map();
    const term = [];
    const doc = [];
    const freq = [];
    indexed.forEach((fields, i) => {
      const weighted = new Map();
      fields.forEach((entry, f) => {
        if (!entry) return;
        const w = weights[fieldNames[f]] ?? 0;
        const length = entry.length;
        const norm = 1 - b + b * (length / (avgChars[f] ?? 1));
        for (const t of fused ? entry.terms : terms(entry)) weighted.set(t, (weighted.get(t) ?? 0) + w / norm);
      });
      for (const [t, f] of weighted) {
        let id = ids.get(t);
        if (id === undefined) {
          id = vocabulary.length;
          ids.set(t, id);
          vocabulary.push(t);
        }
        term.push(id);
        doc.push(lo + i);
        freq.push(f);
      }
    });
    const scale = 2 ** Math.max(1, Math.ceil(Math.log2(total + 1)));
    const keysOf = (shape) => {
      const keys = [];
      articles.forEach((a, i) => {
        for (const h of new Set(runHashes(quotableText(a), shape))) keys.push(h * scale + lo + i);
      });
      return Float64Array.from(keys).sort();
    };
    const phrases = keysOf(undefined);
    const pairs = keysOf({ tokens: 'terms', length: 2 });
    // As countWords does: per article, the distinct lower-case words of its plain fields joined.
    const words = new Map();
    for (const f of plain) {
      const seen = new Set(
        Object.values(f)
          .join('\n')
          .toLowerCase()
          .match(/[a-z]{3,}/g) ?? [],
      );
      for (const w of seen) words.set(w, (words.get(w) ?? 0) + 1);
    }
    parentPort.postMessage({
      seconds: Math.round(performance.now() - started) / 1000,
      cpu: Math.round((threadCpu() - cpu0) * 100) / 100,
      terms: { vocabulary, term: Int32Array.from(term), doc: Int32Array.from(doc), freq: Float32Array.from(freq) },
      phrases,
      pairs,
      words: [...words],
    });
  });
}
