/**
 * The ranker of one source (one KB folder): a message in, the source's articles that answer it
 * out, best first, each with a score and the reason it matched, plus a calibrated confidence.
 * Combines error text matched as text (PhraseIndex), weighted terms (TermIndex: BM25F with codes,
 * synonyms and typo corrections), and the products and versions the message names. Its statistics
 * (idf, field lengths, speller, abbreviations) come from its own articles only; `Ranker` merges
 * the sources' rankings.
 */
import type { Article } from '../article.js';
import { IndexFormatError } from '../errors.js';
import { cleanQuery, withoutAddresses, type CleanQuery } from './clean-query.js';
import { confidenceOf, type ConfidenceInput } from './confidence.js';
import { PhraseIndex, type PhraseMatch, type PhraseShape } from './phrase-index.js';
import { buildProductLexicon, productFactor, productMention, type ProductLexicon } from './products.js';
import { RANKER_DEFAULTS, type RankerOptions } from './options.js';
import { articleFields, quotableText, titleTerms } from './article-text.js';
import { Speller, countWords } from './spelling.js';
import { abbreviationsIn, expansionsFor, HAND_SYNONYMS, mineAbbreviations, type Abbreviations } from './synonyms.js';
import { TermIndex, type FieldTexts } from './term-index.js';
import { identifierWords, isCodeToken, stem, STOPWORDS, terms, textTokens } from './tokens.js';
import { TopK } from './top-k.js';
import { describeReason, type MatchReason } from './reason.js';
import { articleText, exactCandidates, exactShare } from './exact.js';

/** Articles whose collapsed text is kept for exact-quote checks (a few MB). */
const TEXT_CACHE = 2000;

/**
 * An identifier with interior capitals, as alert names are ("etcdNoLeader", "KubeAPIErrorBudgetBurn",
 * "CephOSDDown"): letters and digits only, a lower-case letter followed by a capital inside.
 */
const IDENTIFIER = /\b[A-Za-z][a-z0-9]*[a-z0-9][A-Z][A-Za-z0-9]*\b|\b[A-Z]{2,}[a-z]+[A-Z][A-Za-z0-9]*\b/g;

/** Letters a message word may add to a title word it spells out in full (see `titleCoverage`). */
const ABBREVIATION_TAIL = 3;

/** Word pairs (stemmed terms) for questions. */
export const PAIR_RUNS: PhraseShape = { tokens: 'terms', length: 2 };

export interface RankHit {
  article: Article;
  score: number;
  reason: MatchReason;
}

export interface Ranking {
  hits: RankHit[];
  /** 0-1: how likely the first hit is an article that answers the message. */
  confidence: number;
  query: CleanQuery;
  /** What the confidence was computed from. */
  signals: ConfidenceInput;
  /** The message's search terms weighted by how telling they are (see `termWeights`). */
  weights: Map<string, number>;
  /** The message's codes that tell errors apart: in some articles, but in no more than `codeMaxDocs` ("0xc0020002", not "1024"). */
  tellingCodes: string[];
}

/** The parts a ranker is made of; what `toJSON` saves. */
export interface RankerParts {
  terms: TermIndex;
  phrases: PhraseIndex;
  /** Stemmed word pairs of the article's own text (title, symptoms, summary, cause). */
  pairs: PhraseIndex;
  speller: Speller;
  abbreviations: Abbreviations;
  products: ProductLexicon;
}

export class SourceRanker {
  private readonly articles: Article[];
  private readonly options: typeof RANKER_DEFAULTS;
  private readonly scores: Float32Array;
  private readonly textCache = new Map<number, string>();
  /** Per article, its title terms (`titleTerms`), when `titleCoverageWeight` is set. */
  private readonly titles: string[][] | undefined;

  constructor(
    articles: readonly Article[],
    private readonly parts: RankerParts,
    options: RankerOptions = {},
  ) {
    this.articles = [...articles];
    this.options = { ...RANKER_DEFAULTS, ...options, fields: { ...RANKER_DEFAULTS.fields, ...options.fields } };
    this.scores = new Float32Array(this.articles.length);
    this.titles = this.options.titleCoverageWeight > 0 ? this.articles.map(titleTerms) : undefined;
  }

  /** Index a source's articles (seconds for the full corpus; `kbbot ingest` saves the result). */
  static build(articles: readonly Article[], options: RankerOptions = {}): SourceRanker {
    const o = { ...RANKER_DEFAULTS, ...options, fields: { ...RANKER_DEFAULTS.fields, ...options.fields } };
    const fields = articles.map(articleFields);
    const abbreviations = mineAbbreviations(fields.map((f) => Object.values(f).join('\n')));
    for (const [abbr, exp] of HAND_SYNONYMS) abbreviations.set(abbr, exp);
    const parts: RankerParts = {
      terms: TermIndex.build(withAbbreviations(fields, abbreviations), { weights: o.fields, b: o.b, k1: o.k1 }),
      phrases: PhraseIndex.build(articles.map(quotableText)),
      pairs: PhraseIndex.build(articles.map(quotableText), PAIR_RUNS),
      speller: new Speller(countWords(fields.map((f) => Object.values(f).join('\n')))),
      abbreviations,
      products: buildProductLexicon(),
    };
    return new SourceRanker(articles, parts, options);
  }

  get size(): number {
    return this.articles.length;
  }

  rank(message: string, k = this.options.k): Ranking {
    const o = this.options;
    const query = this.clean(message);
    const { weights: queryTerms, corrections, expansions } = this.queryTerms(query);
    const scores = this.scores;
    scores.fill(0);
    this.parts.terms.accumulate(queryTerms, scores, o.maxTermShare, o.maxTermPostings);
    const ceiling = Math.max(1e-9, this.parts.terms.ceiling(queryTerms, o.maxTermShare, o.maxTermPostings));

    const runLimits = { maxPostings: o.maxRunPostings, maxRuns: o.maxRuns };
    const phrase = this.parts.phrases.match(query.text, o.candidates, undefined, runLimits);
    const pairs = new Map(
      this.parts.pairs
        .match(query.text, o.candidates * 5, o.pairMaxDocShare, runLimits)
        .hits.map((h) => [h.doc, h.coverage]),
    );
    const byDoc = new Map<number, PhraseMatch>(phrase.hits.map((h) => [h.doc, h]));
    const top = new TopK(o.candidates);
    for (let doc = 0; doc < scores.length; doc++) {
      const score = scores[doc] ?? 0;
      if (score > 0 && score > top.floor) top.push(doc, score);
    }
    // Phrase hits join the term score's best rather than take their places: a question's common
    // word runs ("to print on") match hundreds of articles.
    const candidates = new Set(top.docs());
    for (const h of phrase.hits) candidates.add(h.doc);

    const titles = this.titleCoverage(candidates, queryTerms);
    const mention = productMention(query.text, this.parts.products);
    const hits: {
      doc: number;
      score: number;
      terms: number;
      phrase?: PhraseMatch;
      products: string[];
      exact?: number;
    }[] = [];
    for (const doc of candidates) {
      const termScore = (scores[doc] ?? 0) / ceiling;
      const pm = byDoc.get(doc);
      const phraseScore =
        (pm ? o.phraseWeight * pm.coverage ** 2 * Math.min(1, phrase.runs / o.phraseFullRuns) : 0) +
        o.pairWeight * (pairs.get(doc) ?? 0) +
        (titles.get(doc) ?? 0);
      const article = this.articles[doc];
      if (!article) continue;
      const prod = productFactor(mention, article, { category: o.categoryWeight, version: o.versionWeight });
      hits.push({
        doc,
        score: (termScore + phraseScore) * prod.factor,
        terms: termScore,
        phrase: pm,
        products: prod.matched,
      });
    }
    hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
    this.preferExactQuotes(query.text, hits);
    const tellingCodes = query.codes.filter((c) => this.isTellingCode(c));
    this.preferCodes(tellingCodes, hits);
    const best = hits.slice(0, Math.max(k, 2));
    const ranked: RankHit[] = best.slice(0, k).map((h) => {
      const article = this.articles[h.doc] as Article;
      const matchedTerms = [...queryTerms.keys()].filter((t) => this.parts.terms.contains(t, h.doc));
      return {
        article,
        score: round(h.score),
        reason: describeReason(
          {
            article,
            phrase: h.phrase,
            runs: phrase.runs,
            terms: matchedTerms,
            codes: query.codes,
            products: h.products,
            corrections,
            expansions,
          },
          query.text,
        ),
      };
    });
    const signals: ConfidenceInput = {
      top: best[0]?.score ?? 0,
      second: best[1]?.score ?? 0,
      coverage: best[0]?.phrase?.coverage ?? 0,
      exact: best[0]?.exact ?? 0,
      runs: phrase.runs,
      // Words no article uses count against the match: on a small KB, "printer spooler crashes on nt"
      // must not look like a full match of its one known word.
      termShare: (best[0]?.terms ?? 0) * (ceiling / (ceiling + this.parts.terms.unseen(queryTerms))),
      queryTerms: queryTerms.size,
    };
    return {
      hits: ranked,
      confidence: round(confidenceOf(signals)),
      query,
      signals,
      weights: this.telling(queryTerms),
      tellingCodes,
    };
  }

  /**
   * The message's search terms (stemmed, codes, corrected typos, expanded abbreviations), each
   * weighted by its query weight times its rarity in the KB (idf): what a message is about, for
   * comparing messages with each other (feedback, the report's groups).
   */
  termWeights(message: string): Map<string, number> {
    return this.telling(this.queryTerms(this.clean(message)).weights);
  }

  private clean(message: string): CleanQuery {
    return cleanQuery(this.options.dropAddresses ? withoutAddresses(message) : message, this.options.maxCodes);
  }

  /** True when some article of the source has this (stemmed) term. */
  knows(term: string): boolean {
    return this.parts.terms.df(term) > 0;
  }

  private telling(queryTerms: Map<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [t, w] of queryTerms) out.set(t, w * this.parts.terms.idf(t));
    return out;
  }

  /** Among the leading hits that contain the paste's words, lift those that quote it character for character. */
  private preferExactQuotes(
    text: string,
    hits: { doc: number; score: number; phrase?: PhraseMatch; exact?: number }[],
  ): void {
    // Worked out for the first hit that contains enough of the paste (most messages have none).
    let quotes: { candidates: string[]; lower: string[]; length: number } | undefined;
    let changed = false;
    for (const h of hits.slice(0, this.options.exactCandidates)) {
      if (!h.phrase || h.phrase.coverage < 0.3) continue;
      if (!quotes) {
        const candidates = exactCandidates(text, this.options.exactCuts);
        const length = text.replace(/\s+/g, ' ').trim().length;
        quotes = { candidates, lower: candidates.map((c) => c.toLowerCase()), length };
      }
      const article = this.articles[h.doc];
      const share = article
        ? exactShare(quotes.candidates, quotes.length, this.fullText(h.doc, article), quotes.lower)
        : 0;
      if (share > 0) {
        h.exact = share;
        h.score += this.options.exactWeight * share;
        changed = true;
      }
    }
    if (changed) hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /**
   * Per candidate, `titleCoverageWeight` times the idf-weighted share of the article's title terms
   * the message holds, to `titleCoveragePower`, times (with `titleMassPower`) the idf mass of the
   * title terms it holds over the most held by any candidate whose title the message covers as
   * well or better, to that power: of near twins whose names the message holds alike
   * ("etcdGRPCRequestsSlow", "etcdGRPCWriteRequestsSlow"), the one whose name holds more of the
   * message; a short name held whole ("TargetDown") loses nothing to long ones held in part. A title term also counts when a message term
   * extends it by a few letters (identifiers abbreviate: "Errs" for errors, "Msgs" for messages).
   */
  private titleCoverage(candidates: Iterable<number>, queryTerms: Map<string, number>): Map<number, number> {
    const out = new Map<number, number>();
    if (!this.titles) return out;
    const o = this.options;
    const keys = [...queryTerms.keys()];
    const covered: { doc: number; share: number; held: number }[] = [];
    for (const doc of candidates) {
      const title = this.titles[doc];
      if (!title?.length) continue;
      let all = 0;
      let held = 0;
      for (const t of title) {
        const idf = this.parts.terms.idf(t);
        all += idf;
        if (queryTerms.has(t) || (t.length >= 3 && keys.some((q) => extends_(q, t)))) held += idf;
      }
      if (all > 0) covered.push({ doc, share: held / all, held });
    }
    // Best share first: each title is measured against the most any title covered as well holds.
    covered.sort((x, y) => y.share - x.share || y.held - x.held);
    let most = 0;
    for (const { doc, share, held } of covered) {
      most = Math.max(most, held);
      const mass = o.titleMassPower > 0 && most > 0 ? (held / most) ** o.titleMassPower : 1;
      out.set(doc, o.titleCoverageWeight * share ** o.titleCoveragePower * mass);
    }
    return out;
  }

  /** A code rare in the KB tells errors apart ("4294966746", not "486" or "1024"). */
  private isTellingCode(code: string): boolean {
    const c = stem(code);
    const df = this.parts.terms.df(c);
    return c.length >= 4 && df > 0 && df <= this.options.codeMaxDocs;
  }

  /** When some leading hits have one of the message's telling codes and others not, demote every hit without one. */
  private preferCodes(codes: string[], hits: { doc: number; score: number }[]): void {
    const factor = this.options.codeMissFactor;
    if (!codes.length || factor >= 1) return;
    const stems = codes.map(stem);
    const has = (h: { doc: number }): boolean => stems.some((c) => this.parts.terms.contains(c, h.doc));
    const leading = hits.slice(0, this.options.exactCandidates);
    if (!leading.some(has) || leading.every(has)) return;
    for (const h of hits) if (!has(h)) h.score *= factor;
    hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** An article's whole text, whitespace collapsed; the last few thousand are kept. */
  private fullText(doc: number, article: Article): string {
    let text = this.textCache.get(doc);
    if (text === undefined) {
      text = articleText(article);
      if (this.textCache.size >= TEXT_CACHE) this.textCache.delete(this.textCache.keys().next().value as number);
      this.textCache.set(doc, text);
    }
    return text;
  }

  /** Terms of the message with their boosts: codes count more, synonyms and corrections less. */
  private queryTerms(query: CleanQuery): {
    weights: Map<string, number>;
    corrections: [string, string][];
    expansions: [string, string][];
  } {
    const o = this.options;
    const weights = new Map<string, number>();
    const add = (t: string, w: number): void => {
      if (t.length > 1 && !STOPWORDS.has(t)) weights.set(t, Math.max(weights.get(t) ?? 0, w));
    };
    for (const t of terms(query.text)) {
      if (weights.size >= o.maxQueryTerms) break;
      add(t, 1);
    }
    for (const c of query.codes) add(stem(c), o.codeBoost);
    if (o.identifierBoost > 0 || o.identifierWordBoost > 0) {
      // Alert names and other identifiers ("KubeAPIErrorBudgetBurn"): the whole name counts as a
      // code does, and its words count too, as a runbook's title may spell them out.
      let n = 0;
      for (const id of query.text.match(IDENTIFIER) ?? []) {
        if (n++ >= o.maxCodes) break;
        if (o.identifierBoost > 0) add(stem(id.toLowerCase()), o.identifierBoost);
        if (o.identifierWordBoost > 0)
          for (const w of identifierWords(id)) for (const t of terms(w)) add(t, o.identifierWordBoost);
      }
    }
    const corrections: [string, string][] = [];
    const speller = this.parts.speller;
    const seen = new Set<string>();
    let tries = 0;
    for (const w of textTokens(query.text)) {
      if (seen.has(w)) continue;
      seen.add(w);
      if (STOPWORDS.has(w) || isCodeToken(w) || !speller.correctable(w, o.maxSpellLength)) continue;
      if (this.parts.terms.df(stem(w)) > 0) continue;
      // Only the first few unknown words: a message of nothing but made-up words costs no more.
      if (tries++ >= o.maxSpellingTries) break;
      const fixed = speller.correct(w, o.maxSpellLength);
      if (fixed) {
        corrections.push([w, fixed]);
        add(stem(fixed), o.typoBoost);
      }
    }
    const expansions: [string, string][] = [];
    for (const e of expansionsFor(query.text, this.parts.abbreviations).slice(0, o.maxExpansions)) {
      expansions.push([e.from, e.to]);
      const ts = terms(e.to);
      for (const t of ts) add(t, o.synonymBoost / Math.sqrt(ts.length));
    }
    return { weights, corrections, expansions };
  }

  /** The parts, ready for `v8.serialize` (typed arrays stay typed arrays). */
  toJSON(): Record<string, unknown> {
    return {
      terms: this.parts.terms.toJSON(),
      phrases: this.parts.phrases.toJSON(),
      pairs: this.parts.pairs.toJSON(),
      speller: this.parts.speller.toJSON(),
      abbreviations: [...this.parts.abbreviations],
      products: [...this.parts.products],
    };
  }

  static loadJSON(
    articles: readonly Article[],
    json: ReturnType<SourceRanker['toJSON']>,
    options: RankerOptions = {},
  ): SourceRanker {
    const o = { ...RANKER_DEFAULTS, ...options };
    if (!json || typeof json !== 'object' || !('terms' in json) || !('phrases' in json))
      throw new IndexFormatError('the index has no search index');
    const j = json as {
      terms: Parameters<typeof TermIndex.loadJSON>[0];
      phrases: Parameters<typeof PhraseIndex.loadJSON>[0];
      pairs: Parameters<typeof PhraseIndex.loadJSON>[0];
      speller: Parameters<typeof Speller.fromJSON>[0];
      abbreviations: [string, string][];
      products: [string, string][];
    };
    return new SourceRanker(
      articles,
      {
        terms: TermIndex.loadJSON(j.terms, o.k1),
        phrases: PhraseIndex.loadJSON(j.phrases),
        pairs: PhraseIndex.loadJSON(j.pairs),
        speller: Speller.fromJSON(j.speller),
        abbreviations: new Map(j.abbreviations),
        products: new Map(j.products),
      },
      options,
    );
  }
}

/** Each field's text followed by the abbreviations of the long forms it spells out. */
function withAbbreviations(fields: FieldTexts[], abbreviations: Abbreviations): FieldTexts[] {
  const find = abbreviationsIn(abbreviations);
  return fields.map((f) => {
    const out: FieldTexts = {};
    for (const [name, text] of Object.entries(f)) {
      const found = text ? find(text) : [];
      out[name] = found.length > 0 ? `${text}\n${found.join(' ')}` : text;
    }
    return out;
  });
}

/** True when `word` is `prefix` and at most ABBREVIATION_TAIL more letters ("error" of "err"). */
function extends_(word: string, prefix: string): boolean {
  return word.length > prefix.length && word.length <= prefix.length + ABBREVIATION_TAIL && word.startsWith(prefix);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
