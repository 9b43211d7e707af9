/**
 * The search index built on several threads, giving exactly what `Ranker.build` gives (the same
 * arrays, bit for bit): each ingest worker indexes the articles it parsed (a `PartialBuilder`),
 * and the main thread merges the partial indexes (`buildInParts`). Design: docs/design-compact-index.md
 * section 6.
 *
 * Three steps, because two figures depend on the whole source:
 * 1. while parsing, each article's abbreviation definitions, speller words and word-run hashes
 *    (none depends on the other articles); the definitions go to the main thread;
 * 2. with the source's abbreviations (counted over all its articles), each field is normalised
 *    once, for the long forms it spells out and for its terms; the field lengths go back;
 * 3. with the source's average field lengths (BM25F), each worker builds the term columns, sorted
 *    run keys and word counts of its articles, and the main thread merges them.
 *
 * Orders are what make the result identical: terms and speller words are numbered in the order
 * of their first use in the KB, postings are in article order. Each worker keeps its own first-use
 * order and the article of each first use; merging by that article restores the KB's order,
 * whichever worker parsed which batch.
 */
import type { Article } from '../article.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { articleFields, quotableText } from './article-text.js';
import { RANKER_DEFAULTS, type RankerOptions } from './options.js';
import { ERROR_RUNS, PhraseIndex, runHashes } from './phrase-index.js';
import { buildProductLexicon } from './products.js';
import { groupBySource, Ranker, sourceOptions } from './ranker.js';
import { PAIR_RUNS, type RankerParts } from './source-ranker.js';
import { Speller } from './spelling.js';
import { chooseAbbreviations, definitionsIn, HAND_SYNONYMS, longFormsIn } from './synonyms.js';
import { Growable, TermIndex, type FieldTexts } from './term-index.js';
import { normaliseText, stem, STOPWORDS, surfaceTokens, wholeTokens } from './tokens.js';

/** What the main thread tells every worker before step 2: its articles' places and each source's settings. */
export interface BuildPlan {
  sources: SourcePlan[];
  /** Per article of this worker that is in the KB: [key, source, doc], flat, in (source, doc) order. */
  articles: Int32Array;
}

export interface SourcePlan {
  /** The source's articles (its doc numbers run 0 to docs - 1). */
  docs: number;
  /** Field names in the order BM25F reads them (the keys of the source's field weights). */
  fields: string[];
  weights: number[];
  b: number;
  /** Mined and hand-written abbreviations, in the map's order. */
  abbreviations: [string, string][];
}

/** One worker's share of one source's index. Typed arrays travel between threads without a copy. */
export interface PartialSource {
  /** Terms in this worker's first-use order, with the article of the first use. */
  vocabulary: string[];
  firstDoc: Int32Array;
  /** Postings in article order: index into `vocabulary`, article, weighted frequency. */
  term: Int32Array;
  doc: Int32Array;
  freq: Float32Array;
  /** Sorted (hash × scale + doc) keys of the error runs and of the word pairs. */
  phrases: Float64Array;
  pairs: Float64Array;
  /** Speller words in this worker's first-use order, with their article counts and first article. */
  words: string[];
  wordCounts: Int32Array;
  wordFirstDoc: Int32Array;
}

/** What the builder keeps of one article between the steps. */
interface Prepared {
  /** Its fields' texts, until step 2 has read them. */
  fields: FieldTexts | undefined;
  words: Int32Array;
  phrases: Uint32Array;
  pairs: Uint32Array;
  /**
   * After step 2, per field of its source: the length BM25F divides by (the field with its long
   * forms' abbreviations appended; -1 for an empty field), and where its terms start in the
   * builder's `termStore` (the last entry is where the article's terms end).
   */
  lengths?: Int32Array;
  starts?: Int32Array;
  source?: number;
  doc?: number;
}

/** Strings to small numbers, so an article's words and terms are kept as typed arrays. */
class Interner {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(s, id);
      this.list.push(s);
    }
    return id;
  }
}

/** 2^bits with bits enough for `docs` articles, as `PhraseIndex.build` keys its runs. */
function docScale(docs: number): number {
  const docBits = Math.max(1, Math.ceil(Math.log2(docs + 1)));
  if (docBits > 21) throw new RangeError('phrase index holds at most 2,097,151 articles');
  return 2 ** docBits;
}

/** The worker side: the articles one thread parsed, indexed in three steps (see the top of this file). */
export class PartialBuilder {
  private readonly prepared = new Map<number, Prepared>();
  private readonly words = new Interner();
  private readonly terms = new Interner();
  /** Every read field's terms (ids of `terms`), one after the other: one array, not one per field. */
  private readonly termStore = new Growable(Int32Array);
  private plan: BuildPlan | undefined;

  /** Step 1, as the article is parsed: keeps what the index needs; returns its abbreviation definitions. */
  add(key: number, article: Article): string[] {
    const fields = articleFields(article);
    const joined = Object.values(fields).join('\n');
    // As countWords reads it: each lower-case word of three letters or more, once per article.
    const words = Int32Array.from(new Set(joined.toLowerCase().match(/[a-z]{3,}/g) ?? []), (w) => this.words.id(w));
    // The two run hashes one after the other share one normalisation of the text (tokens.ts keeps the last).
    const quotable = quotableText(article);
    const phrases = Uint32Array.from(new Set(runHashes(quotable, ERROR_RUNS)));
    const pairs = Uint32Array.from(new Set(runHashes(quotable, PAIR_RUNS)));
    this.prepared.set(key, { fields, words, phrases, pairs });
    return definitionsIn(joined);
  }

  /**
   * Step 2: forget the articles not in the KB (dropped duplicates), read every field once, and
   * return each source's field lengths summed (per source, per field; integers, so the sum does
   * not depend on the order or the split).
   */
  lengths(plan: BuildPlan): number[][] {
    this.plan = plan;
    const kept = new Map<number, Prepared>();
    const finders = plan.sources.map((s) => longFormsIn(s.abbreviations));
    const sums = plan.sources.map((s) => s.fields.map(() => 0));
    for (let i = 0; i < plan.articles.length; i += 3) {
      const key = plan.articles[i] as number;
      const source = plan.articles[i + 1] as number;
      const p = this.prepared.get(key);
      if (!p) throw new Error(`the index build lost article ${key}`);
      const s = plan.sources[source] as SourcePlan;
      const find = finders[source] as (tokens: readonly string[]) => string[];
      const sum = sums[source] as number[];
      p.source = source;
      p.doc = plan.articles[i + 2] as number;
      p.lengths = new Int32Array(s.fields.length);
      p.starts = new Int32Array(s.fields.length + 1);
      s.fields.forEach((name, f) => {
        (p.starts as Int32Array)[f] = this.termStore.length;
        const length = this.readField(p.fields?.[name], find);
        (p.lengths as Int32Array)[f] = length;
        if (length >= 0) sum[f] = (sum[f] ?? 0) + length;
      });
      p.starts[s.fields.length] = this.termStore.length;
      // The texts are read: what is left of the article is numbers.
      p.fields = undefined;
      kept.set(key, p);
    }
    this.prepared.clear();
    for (const [key, p] of kept) this.prepared.set(key, p);
    return sums;
  }

  /**
   * A field's length (-1 when empty) and terms (appended to `termStore`) as `TermIndex.build`
   * reads `withAbbreviations`' text: the field, then a line of the abbreviations whose long forms
   * it spells out. The field is normalised once for both; the appended line is normalised on its
   * own, which gives the same terms, as no rewrite reaches across the line break except "win" +
   * "nt" ("windows nt"; abbreviations start with a letter), so a field ending in "win" is read as
   * one text, the old way.
   */
  private readField(text: string | undefined, find: (tokens: readonly string[]) => string[]): number {
    if (!text) return -1;
    const normalised = normaliseText(text);
    const found = find(wholeTokens(normalised));
    const extra = found.join(' ');
    if (found.length > 0 && normalised.endsWith('win')) {
      this.storeTerms(normaliseText(`${text}\n${extra}`));
    } else {
      this.storeTerms(normalised);
      if (found.length > 0) this.storeTerms(normaliseText(extra));
    }
    return found.length > 0 ? text.length + 1 + extra.length : text.length;
  }

  /** `terms()` of a normalised text, as ids, appended to `termStore`. */
  private storeTerms(normalised: string): void {
    for (const tok of surfaceTokens(normalised)) {
      if (tok.length < 2 || STOPWORDS.has(tok)) continue;
      this.termStore.push(this.terms.id(stem(tok)));
    }
  }

  /** Step 3: with each source's average field lengths, this worker's share of every source's index. */
  build(avgChars: number[][]): PartialSource[] {
    const plan = this.plan;
    if (!plan) throw new Error('the index build was not planned');
    const bySource: Prepared[][] = plan.sources.map(() => []);
    for (const p of this.prepared.values()) bySource[p.source ?? 0]?.push(p);
    const out = plan.sources.map((s, i) =>
      this.buildSource(
        s,
        avgChars[i] ?? [],
        (bySource[i] ?? []).sort((a, b) => (a.doc ?? 0) - (b.doc ?? 0)),
      ),
    );
    this.prepared.clear();
    return out;
  }

  private buildSource(s: SourcePlan, avgChars: number[], articles: Prepared[]): PartialSource {
    const scale = docScale(s.docs);
    const local = new Int32Array(this.terms.list.length).fill(-1);
    const vocabulary: string[] = [];
    const firstDoc: number[] = [];
    const term = new Growable(Int32Array);
    const docCol = new Growable(Int32Array);
    const freq = new Growable(Float32Array);
    // The run keys' count is known: exact arrays, sorted in place (no second copy at the peak of the build).
    const phrases = new Float64Array(articles.reduce((n, p) => n + p.phrases.length, 0));
    const pairs = new Float64Array(articles.reduce((n, p) => n + p.pairs.length, 0));
    let phraseAt = 0;
    let pairAt = 0;
    const wordAt = new Int32Array(this.words.list.length).fill(-1);
    const words: string[] = [];
    const wordCounts: number[] = [];
    const wordFirstDoc: number[] = [];
    const store = this.termStore.view();
    for (const p of articles) {
      const doc = p.doc ?? 0;
      // BM25F as TermIndex.build computes it, in the same order of fields and terms.
      const weighted = new Map<number, number>();
      const lengths = p.lengths ?? new Int32Array(0);
      const starts = p.starts ?? new Int32Array(0);
      for (let f = 0; f < lengths.length; f++) {
        const length = lengths[f] ?? -1;
        if (length < 0) continue;
        const w = s.weights[f] ?? 0;
        const norm = 1 - s.b + s.b * (length / (avgChars[f] ?? 1));
        for (let i = starts[f] ?? 0; i < (starts[f + 1] ?? 0); i++) {
          const t = store[i] ?? 0;
          weighted.set(t, (weighted.get(t) ?? 0) + w / norm);
        }
      }
      for (const [t, f] of weighted) {
        let id = local[t] ?? -1;
        if (id < 0) {
          id = vocabulary.length;
          local[t] = id;
          vocabulary.push(this.terms.list[t] as string);
          firstDoc.push(doc);
        }
        term.push(id);
        docCol.push(doc);
        freq.push(f);
      }
      for (const h of p.phrases) phrases[phraseAt++] = h * scale + doc;
      for (const h of p.pairs) pairs[pairAt++] = h * scale + doc;
      for (const w of p.words) {
        let at = wordAt[w] ?? -1;
        if (at < 0) {
          at = words.length;
          wordAt[w] = at;
          words.push(this.words.list[w] as string);
          wordCounts.push(0);
          wordFirstDoc.push(doc);
        }
        wordCounts[at] = (wordCounts[at] ?? 0) + 1;
      }
    }
    return {
      vocabulary,
      firstDoc: Int32Array.from(firstDoc),
      // Views of the growing columns, not copies: their buffers move to the main thread as they are.
      term: term.view(),
      doc: docCol.view(),
      freq: freq.view(),
      phrases: phrases.sort(),
      pairs: pairs.sort(),
      words,
      wordCounts: Int32Array.from(wordCounts),
      wordFirstDoc: Int32Array.from(wordFirstDoc),
    };
  }
}

/** One builder as the main thread sees it: on this thread (tests) or behind a worker's messages. */
export interface BuilderSide {
  lengths(plan: BuildPlan): Promise<number[][]>;
  build(avgChars: number[][]): Promise<PartialSource[]>;
  /** Called once every side's share is in: a worker can stop now, freeing its memory before the merge. */
  release?(): void;
}

/** A builder on this thread as a side. */
export function localSide(builder: PartialBuilder): BuilderSide {
  return {
    lengths: (plan) => Promise.resolve(builder.lengths(plan)),
    build: (avgChars) => Promise.resolve(builder.build(avgChars)),
  };
}

/** Where each parsed article is: its key, the builder that holds it and its abbreviation definitions. */
export interface ArticlePlace {
  key: number;
  side: number;
  definitions: readonly string[];
}

/**
 * Steps 2 and 3 for a KB whose articles the `sides` hold (`placeOf` says where each is): the
 * ranker `Ranker.build(kb, options)` would give, parts identical.
 */
export async function buildInParts(
  kb: KnowledgeBase,
  sides: readonly BuilderSide[],
  placeOf: (article: Article) => ArticlePlace,
  options: RankerOptions = {},
): Promise<Ranker> {
  const groups = groupBySource(kb.articles());
  const settings = groups.map((g) => {
    const o = sourceOptions(g.team, options);
    return { ...RANKER_DEFAULTS, ...o, fields: { ...RANKER_DEFAULTS.fields, ...o.fields } };
  });
  const abbreviations = groups.map((g) => {
    const map = chooseAbbreviations(g.articles.map((a) => placeOf(a).definitions));
    for (const [abbr, exp] of HAND_SYNONYMS) map.set(abbr, exp);
    return map;
  });
  const sources: SourcePlan[] = groups.map((g, i) => {
    const o = settings[i] as (typeof settings)[number];
    return {
      docs: g.articles.length,
      fields: Object.keys(o.fields),
      weights: Object.values(o.fields),
      b: o.b,
      abbreviations: [...(abbreviations[i] ?? [])],
    };
  });
  const perSide: number[][] = sides.map(() => []);
  groups.forEach((g, source) =>
    g.articles.forEach((a, doc) => {
      const place = placeOf(a);
      perSide[place.side]?.push(place.key, source, doc);
    }),
  );
  const sums = await Promise.all(
    sides.map((side, i) => side.lengths({ sources, articles: Int32Array.from(perSide[i] ?? []) })),
  );
  const avgChars = sources.map((s, i) =>
    s.fields.map((_, f) => Math.max(1, sums.reduce((sum, side) => sum + (side[i]?.[f] ?? 0), 0) / Math.max(1, s.docs))),
  );
  const partials = await Promise.all(sides.map((side) => side.build(avgChars)));
  for (const side of sides) side.release?.();
  const parts = groups.map((g, i): RankerParts => {
    const shares = partials.map((p) => p[i] as PartialSource);
    const docCount = g.articles.length;
    return {
      terms: TermIndex.loadJSON({ ...mergeTerms(shares), docCount }, (settings[i] as (typeof settings)[number]).k1),
      phrases: PhraseIndex.loadJSON({
        ...mergeKeys(
          shares.map((s) => s.phrases),
          docCount,
        ),
        docCount,
        shape: ERROR_RUNS,
      }),
      pairs: PhraseIndex.loadJSON({
        ...mergeKeys(
          shares.map((s) => s.pairs),
          docCount,
        ),
        docCount,
        shape: PAIR_RUNS,
      }),
      speller: new Speller(mergeWords(shares)),
      abbreviations: abbreviations[i] as Map<string, string>,
      products: buildProductLexicon(),
    };
  });
  return Ranker.assemble(kb, (i) => parts[i] as RankerParts, options);
}

/**
 * Visit the entries of several lists, each sorted by its `keyOf`, in the order of the keys (ties
 * in list order): a k-way merge. `visit(list, index)`.
 */
function mergeBy(
  lengths: readonly number[],
  keyOf: (list: number, i: number) => number,
  visit: (list: number, i: number) => void,
): void {
  const at = lengths.map(() => 0);
  for (;;) {
    let best = -1;
    let bestKey = Infinity;
    for (let l = 0; l < lengths.length; l++) {
      const i = at[l] ?? 0;
      if (i >= (lengths[l] ?? 0)) continue;
      const k = keyOf(l, i);
      if (best < 0 || k < bestKey) {
        best = l;
        bestKey = k;
      }
    }
    if (best < 0) return;
    visit(best, at[best] ?? 0);
    at[best] = (at[best] ?? 0) + 1;
  }
}

/** The shares' term columns as TermIndex's arrays: terms numbered by first use in the KB, postings in article order. */
function mergeTerms(shares: readonly PartialSource[]): {
  vocabulary: string[];
  offsets: Int32Array;
  docs: Int32Array;
  freqs: Float32Array;
} {
  const vocabulary: string[] = [];
  const ids = new Map<string, number>();
  const maps = shares.map((s) => new Int32Array(s.vocabulary.length));
  // A term's first use in the KB is its earliest first use in any share; within one article (one
  // share) the share's order is the article's.
  mergeBy(
    shares.map((s) => s.vocabulary.length),
    (l, i) => shares[l]?.firstDoc[i] ?? 0,
    (l, i) => {
      const word = shares[l]?.vocabulary[i] as string;
      let id = ids.get(word);
      if (id === undefined) {
        id = vocabulary.length;
        ids.set(word, id);
        vocabulary.push(word);
      }
      (maps[l] as Int32Array)[i] = id;
    },
  );
  const offsets = new Int32Array(vocabulary.length + 1);
  let n = 0;
  shares.forEach((s, l) => {
    const map = maps[l] as Int32Array;
    n += s.term.length;
    for (const t of s.term) {
      const slot = (map[t] ?? 0) + 1;
      offsets[slot] = (offsets[slot] ?? 0) + 1;
    }
  });
  for (let i = 0; i < vocabulary.length; i++) offsets[i + 1] = (offsets[i + 1] ?? 0) + (offsets[i] ?? 0);
  const fill = offsets.slice(0, vocabulary.length);
  const docs = new Int32Array(n);
  const freqs = new Float32Array(n);
  // Postings in article order: the shares' columns merged by article (each share's are in order).
  mergeBy(
    shares.map((s) => s.term.length),
    (l, i) => shares[l]?.doc[i] ?? 0,
    (l, i) => {
      const s = shares[l] as PartialSource;
      const id = (maps[l] as Int32Array)[s.term[i] ?? 0] ?? 0;
      const at = fill[id] ?? 0;
      fill[id] = at + 1;
      docs[at] = s.doc[i] ?? 0;
      freqs[at] = s.freq[i] ?? 0;
    },
  );
  return { vocabulary, offsets, docs, freqs };
}

/** The shares' sorted run keys as PhraseIndex's (hash, doc) arrays. */
function mergeKeys(shares: readonly Float64Array[], docCount: number): { hashes: Uint32Array; docs: Int32Array } {
  const scale = docScale(docCount);
  const n = shares.reduce((sum, k) => sum + k.length, 0);
  const hashes = new Uint32Array(n);
  const docs = new Int32Array(n);
  let o = 0;
  mergeBy(
    shares.map((s) => s.length),
    (l, i) => shares[l]?.[i] ?? 0,
    (l, i) => {
      const key = shares[l]?.[i] ?? 0;
      const doc = key % scale;
      docs[o] = doc;
      hashes[o] = (key - doc) / scale;
      o++;
    },
  );
  return { hashes, docs };
}

/** The shares' speller words with their article counts, in order of first use in the KB. */
function mergeWords(shares: readonly PartialSource[]): Map<string, number> {
  const counts = new Map<string, number>();
  mergeBy(
    shares.map((s) => s.words.length),
    (l, i) => shares[l]?.wordFirstDoc[i] ?? 0,
    (l, i) => {
      const s = shares[l] as PartialSource;
      const w = s.words[i] as string;
      counts.set(w, (counts.get(w) ?? 0) + (s.wordCounts[i] ?? 0));
    },
  );
  return counts;
}
