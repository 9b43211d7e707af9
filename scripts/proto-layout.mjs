// Issue #27 groundwork (prototype, not part of the product): a compact index file and what serving
// from it costs. Rewrites an index written by `kbbot ingest` into sections laid out for loading by
// reading (typed arrays used where they lie in one buffer, no per-object rebuild), with the articles'
// text stored once, deflated per article, and read from the file only when asked for. Then, each in
// a fresh process, loads the old file, the new one, and the new one with its term postings read from
// the file per query ("pread"), ranks the dev sets' messages, and reports load time, RSS, latency and
// whether every ranking (ids, scores, confidence, reason) is the same as the old file's.
//   node --expose-gc scripts/proto-layout.mjs OLD_INDEX NEW_INDEX [DIST_DIR=dist] [EVAL_DIR=../shared/eval]
import { performance } from 'node:perf_hooks';
import { openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const [mode, ...rest] =
  process.argv[2] === '--serve' ? ['serve', ...process.argv.slice(3)] : ['main', ...process.argv.slice(2)];
const MB = (n) => Math.round((n / 1048576) * 10) / 10;
/** Fields every candidate's score or a KB lookup reads: kept in memory; the rest is read on demand. */
const META = [
  'id',
  'path',
  'title',
  'product',
  'category',
  'versions',
  'date',
  'appliesTo',
  'form',
  'source',
  'url',
  'alertNames',
];
/** Articles whose deflated text stays decoded in memory (the last ones asked for). */
const BODY_CACHE = 256;
/** Section boundaries: 8 bytes, so any typed array can be a view where it lies. */
const ALIGN = 8;

if (mode === 'main') await main(...rest);
else await serve(...rest);

async function main(oldIndex, newIndex, distDir = 'dist', evalDir = '../shared/eval') {
  if (!oldIndex || !newIndex) {
    console.error('usage: node --expose-gc scripts/proto-layout.mjs OLD_INDEX NEW_INDEX [DIST_DIR] [EVAL_DIR]');
    process.exit(2);
  }
  const { readIndex } = await import(pathToFileURL(resolve(distDir, 'src/kb/index/index-file.js')).href);
  const { kb, search } = readIndex(resolve(oldIndex));
  const articles = kb.articles();
  const started = performance.now();
  const sections = [];
  const add = (name, data, extra = {}) => sections.push({ name, data, ...extra });
  // Articles: metadata as one JSON array of rows; the rest deflated per article, with offsets.
  add('meta', Buffer.from(JSON.stringify(articles.map((a) => META.map((k) => a[k] ?? null)))));
  const bodies = [];
  const bodyOffsets = new Float64Array(articles.length + 1);
  let at = 0;
  const tDeflate = performance.now();
  articles.forEach((a, i) => {
    const rest = {};
    for (const [k, v] of Object.entries(a)) if (!META.includes(k)) rest[k] = v;
    const blob = deflateRawSync(Buffer.from(JSON.stringify(rest)), { level: 6 });
    bodies.push(blob);
    bodyOffsets[i] = at;
    at += blob.length;
  });
  bodyOffsets[articles.length] = at;
  const deflateSeconds = (performance.now() - tDeflate) / 1000;
  add('bodyOffsets', bodyOffsets);
  search.sources.forEach((s, si) => {
    const ix = s.index;
    add(`s${si}.vocabulary`, Buffer.from(ix.terms.vocabulary.join('\n')));
    add(`s${si}.offsets`, ix.terms.offsets);
    add(`s${si}.docs`, ix.terms.docs);
    add(`s${si}.freqs`, ix.terms.freqs);
    add(`s${si}.phraseHashes`, ix.phrases.hashes);
    add(`s${si}.phraseDocs`, ix.phrases.docs);
    add(`s${si}.pairHashes`, ix.pairs.hashes);
    add(`s${si}.pairDocs`, ix.pairs.docs);
    add(`s${si}.spellerWords`, Buffer.from(ix.speller.words.join('\n')));
    add(`s${si}.spellerCounts`, ix.speller.counts);
    add(
      `s${si}.small`,
      Buffer.from(
        JSON.stringify({
          source: s.source,
          articles: s.articles,
          team: s.team,
          termDocCount: ix.terms.docCount,
          phrases: { docCount: ix.phrases.docCount, shape: ix.phrases.shape },
          pairs: { docCount: ix.pairs.docCount, shape: ix.pairs.shape },
          abbreviations: ix.abbreviations,
          products: ix.products,
        }),
      ),
    );
  });
  // Last, so loading reads one span and never touches them.
  add('bodies', Buffer.concat(bodies), { lazy: true });
  // Table of sections: name, kind of typed array, offset and length in bytes (from the body's start).
  let offset = 0;
  const table = sections.map(({ name, data, lazy }) => {
    offset = Math.ceil(offset / ALIGN) * ALIGN;
    const entry = { name, type: data.constructor.name, offset, bytes: data.byteLength, lazy: !!lazy };
    offset += data.byteLength;
    return entry;
  });
  const header = Buffer.from(`${JSON.stringify({ format: 'kbbot-index-proto', sections: table })}\n`);
  const bodyStart = Math.ceil(header.length / ALIGN) * ALIGN;
  const file = Buffer.alloc(bodyStart + offset);
  header.copy(file, 0);
  sections.forEach(({ data }, i) => {
    const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    src.copy(file, bodyStart + table[i].offset);
  });
  writeFileSync(newIndex, file);
  const writeSeconds = (performance.now() - started) / 1000;
  const sizes = Object.fromEntries(table.map((t) => [t.name, MB(t.bytes)]));
  // What the largest sections would take as delta + varint (decoded into typed arrays at load).
  const varint = (n) => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5);
  const projected = {};
  search.sources.forEach((s, si) => {
    const { offsets, docs } = s.index.terms;
    let bytes = 0;
    for (let t = 0; t + 1 < offsets.length; t++)
      for (let i = offsets[t], prev = 0; i < offsets[t + 1]; prev = docs[i], i++) bytes += varint(docs[i] - prev);
    projected[`s${si}.docs (delta varint)`] = MB(bytes);
    for (const key of ['phrases', 'pairs']) {
      const { hashes, docs: d } = s.index[key];
      let hb = 0;
      let db = 0;
      for (let i = 0; i < hashes.length; i++) {
        hb += varint(hashes[i] - (i ? hashes[i - 1] : 0));
        // Within one hash the articles are in order: their deltas; a new hash starts from 0.
        db += varint(i && hashes[i] === hashes[i - 1] ? d[i] - d[i - 1] : d[i]);
      }
      projected[`s${si}.${key} hashes (delta varint)`] = MB(hb);
      projected[`s${si}.${key} docs (varint, delta within a hash)`] = MB(db);
    }
  });

  const run = (index, kind) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', new URL(import.meta.url).pathname, '--serve', index, kind, distDir, evalDir],
        {
          maxBuffer: 1 << 28,
        },
      ).toString(),
    );
  const old = run(oldIndex, 'old');
  const neu = run(newIndex, 'new');
  const pread = run(newIndex, 'pread');
  const compare = (other) => {
    let same = 0;
    const differ = [];
    old.rankings.forEach((r, i) => {
      if (JSON.stringify(r) === JSON.stringify(other.rankings[i])) same++;
      else if (differ.length < 3) differ.push({ old: r, other: other.rankings[i] });
    });
    return { identical: `${same} of ${old.rankings.length}`, differ };
  };
  const identical = { new: compare(neu), pread: compare(pread) };
  delete old.rankings;
  delete neu.rankings;
  delete pread.rankings;
  console.log(
    JSON.stringify(
      {
        oldFileMB: MB(statSync(oldIndex).size),
        newFileMB: MB(statSync(newIndex).size),
        sectionsMB: sizes,
        projectedMB: projected,
        writeSeconds,
        deflateSeconds,
        old,
        new: neu,
        pread,
        rankingsIdentical: identical,
      },
      null,
      1,
    ),
  );
}

async function serve(index, kind, distDir, evalDir) {
  const dist = (p) => import(pathToFileURL(resolve(distDir, 'src', p)).href);
  const { Ranker } = await dist('kb/rank/ranker.js');
  const { KnowledgeBase } = await dist('kb/knowledge-base.js');
  const queries = ['dev-error-pastes.jsonl', 'dev-questions.jsonl'].flatMap((f) =>
    readFileSync(resolve(evalDir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).query),
  );
  globalThis.gc();
  const base = process.memoryUsage().rss;
  const t0 = performance.now();
  let ranker;
  let bodyReads = 0;
  let preads = 0;
  const marks = {};
  if (kind === 'old') {
    const { readIndex } = await dist('kb/index/index-file.js');
    const { kb, search } = readIndex(resolve(index));
    ranker = Ranker.loadJSON(kb, search);
  } else {
    const fd = openSync(index, 'r');
    const first = Buffer.alloc(1 << 16);
    readSync(fd, first, 0, first.length, 0);
    const nl = first.indexOf(10);
    const { sections } = JSON.parse(first.subarray(0, nl).toString());
    const bodyStart = Math.ceil((nl + 1) / ALIGN) * ALIGN;
    // Postings read on demand ('pread'): the term docs and freqs stay in the file too.
    const onDemand = (sec) => sec.lazy || (kind === 'pread' && /\.(docs|freqs)$/.test(sec.name));
    const end = Math.max(...sections.map((sec) => sec.offset + sec.bytes));
    // One buffer laid out as the file; only the resident sections' pages are ever written, so the
    // skipped ones cost address space, not memory. Consecutive resident sections are read at once.
    const buf = Buffer.allocUnsafeSlow(end);
    const spans = [];
    for (const sec of sections) {
      if (onDemand(sec)) continue;
      const last = spans[spans.length - 1];
      if (last && sec.offset - last[1] < ALIGN) last[1] = sec.offset + sec.bytes;
      else spans.push([sec.offset, sec.offset + sec.bytes]);
    }
    const lazy = sections.find((sec) => sec.lazy);
    for (const [from, to] of spans)
      for (let off = from; off < to;) off += readSync(fd, buf, off, to - off, bodyStart + off);
    const view = (name) => {
      const s = sections.find((x) => x.name === name);
      const Kind = globalThis[s.type] ?? Uint8Array;
      if (s.type === 'Buffer') return buf.subarray(s.offset, s.offset + s.bytes);
      return new Kind(buf.buffer, buf.byteOffset + s.offset, s.bytes / Kind.BYTES_PER_ELEMENT);
    };
    const bodyOffsets = view('bodyOffsets');
    const cache = new Map();
    const body = (i) => {
      let b = cache.get(i);
      if (b) return b;
      const len = bodyOffsets[i + 1] - bodyOffsets[i];
      const raw = Buffer.allocUnsafe(len);
      readSync(fd, raw, 0, len, bodyStart + lazy.offset + bodyOffsets[i]);
      b = JSON.parse(inflateRawSync(raw).toString());
      bodyReads++;
      if (cache.size >= BODY_CACHE) cache.delete(cache.keys().next().value);
      cache.set(i, b);
      return b;
    };
    /** An article whose metadata is in memory and whose text is read from the file when asked for. */
    class LazyArticle {
      constructor(row, i) {
        META.forEach((k, j) => (this[k] = row[j]));
        Object.defineProperty(this, '_i', { value: i, enumerable: false });
      }
    }
    for (const k of [
      'sections',
      'errorMessages',
      'steps',
      'registryKeys',
      'files',
      'related',
      'registryWarning',
      'keywords',
      'issueType',
      'solutionType',
    ])
      Object.defineProperty(LazyArticle.prototype, k, {
        get() {
          return body(this._i)[k];
        },
        enumerable: true,
      });
    marks.read = performance.now();
    const rows = JSON.parse(view('meta').toString());
    const articles = rows.map((row, i) => new LazyArticle(row, i));
    rows.length = 0;
    marks.articles = performance.now();
    const kb = new KnowledgeBase(articles);
    marks.kb = performance.now();
    const sources = [];
    for (let si = 0; sections.some((s) => s.name === `s${si}.small`); si++) {
      const small = JSON.parse(view(`s${si}.small`).toString());
      sources.push({
        source: small.source,
        articles: small.articles,
        team: small.team,
        index: {
          terms: {
            vocabulary: view(`s${si}.vocabulary`).toString().split('\n'),
            offsets: view(`s${si}.offsets`),
            docs: kind === 'pread' ? new Int32Array(0) : view(`s${si}.docs`),
            freqs: kind === 'pread' ? new Float32Array(0) : view(`s${si}.freqs`),
            docCount: small.termDocCount,
          },
          phrases: { hashes: view(`s${si}.phraseHashes`), docs: view(`s${si}.phraseDocs`), ...small.phrases },
          pairs: { hashes: view(`s${si}.pairHashes`), docs: view(`s${si}.pairDocs`), ...small.pairs },
          speller: { words: view(`s${si}.spellerWords`).toString().split('\n'), counts: view(`s${si}.spellerCounts`) },
          abbreviations: small.abbreviations,
          products: small.products,
        },
      });
    }
    marks.views = performance.now();
    ranker = Ranker.loadJSON(kb, { sources });
    if (kind === 'pread')
      ranker.groups.forEach((g, si) => {
        const at = (name) => bodyStart + sections.find((sec) => sec.name === `s${si}.${name}`).offset;
        preadPostings(g.ranker.parts.terms, fd, at('docs'), at('freqs'), () => preads++);
      });
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const steps = {};
  let prev = t0;
  for (const [k, v] of Object.entries(marks)) {
    steps[k] = Math.round(v - prev) / 1000;
    prev = v;
  }
  steps.rankerLoadJSON = Math.round(performance.now() - prev) / 1000;
  ranker.rank('warm up: The System cannot find the file specified');
  globalThis.gc();
  globalThis.gc();
  const loaded = process.memoryUsage();
  const ms = [];
  const rankings = queries.map((q) => {
    const t = performance.now();
    const r = ranker.rank(q, 5);
    ms.push(performance.now() - t);
    return { c: r.confidence, hits: r.hits.map((h) => [h.article.id, h.score, JSON.stringify(h.reason)]) };
  });
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage();
  const sorted = [...ms].sort((a, b) => a - b);
  const pct = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 1000) / 1000;
  console.log(
    JSON.stringify({
      kind,
      loadSeconds,
      loadSteps: steps,
      rssMB: { beforeLoad: MB(base), loaded: MB(loaded.rss), afterQueries: MB(after.rss) },
      heapMB: MB(loaded.heapUsed),
      externalMB: MB(loaded.external),
      heapAfterQueriesMB: MB(after.heapUsed),
      queries: queries.length,
      rankMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
      bodyReads,
      postingReads: preads,
      rankings,
    }),
  );
}

/**
 * Serve a TermIndex's postings from the file: only its vocabulary and offsets stay in memory, and
 * each query term's docs and freqs are read with `readSync` (the page cache keeps the hot ones).
 * `accumulate` and `contains` do what TermIndex's do, with the same arithmetic in the same order.
 */
function preadPostings(ix, fd, docsAt, freqsAt, counted) {
  /** The last terms' postings, read once per query rather than once per hit (`contains`). */
  const RECENT = 64;
  const recent = new Map();
  const postings = (id) => {
    let p = recent.get(id);
    if (p) return p;
    const start = ix.offsets[id];
    const n = ix.offsets[id + 1] - start;
    const docs = new Int32Array(n);
    const freqs = new Float32Array(n);
    if (n > 0) {
      readSync(fd, new Uint8Array(docs.buffer), 0, n * 4, docsAt + start * 4);
      readSync(fd, new Uint8Array(freqs.buffer), 0, n * 4, freqsAt + start * 4);
      counted();
    }
    p = { docs, freqs };
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value);
    recent.set(id, p);
    return p;
  };
  ix.accumulate = function (queryTerms, scores, maxDocShare = 0.3, maxPostings = Infinity) {
    const maxDocs = this.maxDocs(queryTerms, maxDocShare, maxPostings);
    for (const [term, boost] of queryTerms) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      if (this.offsets[id + 1] - this.offsets[id] > maxDocs) continue;
      const idf = this.idf(term) * boost;
      const { docs, freqs } = postings(id);
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] ?? 0;
        const f = freqs[i] ?? 0;
        scores[doc] = (scores[doc] ?? 0) + (idf * f * (this.k1 + 1)) / (f + this.k1);
      }
    }
  };
  ix.contains = function (term, doc) {
    const id = this.termIds.get(term);
    if (id === undefined) return false;
    const { docs } = postings(id);
    let lo = 0;
    let hi = docs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = docs[mid];
      if (d === doc) return true;
      if (d < doc) lo = mid + 1;
      else hi = mid;
    }
    return false;
  };
}
