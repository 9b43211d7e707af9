/**
 * The ranker: a message in, the articles that answer it out, best first, each with a score and
 * the reason it matched, plus a calibrated confidence.
 *
 * A KB can serve several sources at once (the Microsoft archive and a team's runbooks). Each
 * source (`article.source`; articles without one form one source) gets its own `SourceRanker`, so
 * its idf, field lengths, speller and abbreviations come from its own articles: 57,000 archive
 * articles do not define what is rare among 743 runbooks. Each source ranks the message and
 * calibrates its first hit into a confidence (0-1, comparable across sources as it reads how the
 * scores look, not their size); the sources' hits are merged by that confidence, each hit keeping
 * its share of its source's first score. With one source the ranking is that source's, unchanged.
 * An alert notification may ask for the runbooks' sources first (`RankPreference`).
 */
import { ARCHIVE_FORMS, type Article } from '../article.js';
import { IndexFormatError } from '../errors.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { RANKER_DEFAULTS, TEAM_SOURCE_OPTIONS, type RankerOptions } from './options.js';
import { SourceRanker, type Ranking, type RankHit, type RankerParts } from './source-ranker.js';

export { SourceRanker, type Ranking, type RankHit, type RankerParts } from './source-ranker.js';

/** Bump when what the ranker saves (tokens, fields, layouts) changes: saved indexes become stale. */
export const RANKER_VERSION = 7;

/** How much more of a message a smaller source must quote to take it without the margin. */
const QUOTED_LEAD = 0.1;

/** How much of the message a ranking's first hit quotes: word for word, else its word runs. */
function quoted(r: Ranking | undefined): number {
  return r ? Math.max(r.signals.exact, 0.8 * r.signals.coverage) : 0;
}

/**
 * The share of a message's telling weight (its terms weighted by idf, as `termWeights` gives them)
 * that a source has words for: a source that has never seen "praefect" or "hpa" is the wrong place
 * to answer a question about them, however sure its best guess looks.
 */
function knownShare(weights: Map<string, number>, ranker: SourceRanker | undefined): number {
  let all = 0;
  let known = 0;
  for (const [term, w] of weights) {
    all += w;
    if (ranker?.knows(term)) known += w;
  }
  return all > 0 ? known / all : 1;
}

/** One source's articles and its ranker. */
interface SourceGroup {
  /** `article.source` of its articles (null: articles parsed without a KB folder name). */
  source: string | null;
  /** True when most of its articles are team documents (gfm, html, plain): ranked with TEAM_SOURCE_OPTIONS. */
  team: boolean;
  articles: Article[];
  ranker: SourceRanker;
}

/** What `toJSON` saves per source. */
interface SourceJSON {
  source: string | null;
  articles: number;
  team: boolean;
  index: ReturnType<SourceRanker['toJSON']>;
}

export class Ranker {
  /** Per source, what its hits' merged keys lose (see `sourceHandicaps`). */
  private readonly handicaps: number[];
  /** Per source, whether it holds runbooks (articles with alert names; see `RankPreference`). */
  private readonly runbookSources: boolean[];

  private constructor(
    private readonly groups: SourceGroup[],
    private readonly k: number,
    sourceMargin: number,
    private readonly protectAt: number,
    private readonly vocabularyPower: number,
  ) {
    this.handicaps = sourceHandicaps(
      groups.map((g) => g.articles.length),
      sourceMargin,
    );
    this.runbookSources = groups.map((g) => g.articles.some((a) => (a.alertNames?.length ?? 0) > 0));
  }

  /** Index a knowledge base, one index per source (seconds for the full corpus; `kbbot ingest` saves the result). */
  static build(kb: KnowledgeBase, options: RankerOptions = {}): Ranker {
    const groups = groupBySource(kb.articles()).map(({ source, articles, team }) => ({
      source,
      team,
      articles,
      ranker: SourceRanker.build(articles, sourceOptions(team, options)),
    }));
    return Ranker.of(groups, options);
  }

  /**
   * A ranker over the KB's sources whose parts were built elsewhere (on the ingest workers, see
   * `parallel-build.ts`): `partsOf(i)` gives the parts of the i-th source of `groupBySource(kb.articles())`.
   */
  static assemble(kb: KnowledgeBase, partsOf: (source: number) => RankerParts, options: RankerOptions = {}): Ranker {
    const groups = groupBySource(kb.articles()).map(({ source, articles, team }, i) => ({
      source,
      team,
      articles,
      ranker: new SourceRanker(articles, partsOf(i), sourceOptions(team, options)),
    }));
    return Ranker.of(groups, options);
  }

  /** A ranker over `groups` with the merge settings of `options` (defaults where unset). */
  private static of(groups: SourceGroup[], options: RankerOptions): Ranker {
    return new Ranker(
      groups,
      options.k ?? RANKER_DEFAULTS.k,
      options.sourceMargin ?? RANKER_DEFAULTS.sourceMargin,
      options.sourceMarginFrom ?? RANKER_DEFAULTS.sourceMarginFrom,
      options.sourceVocabularyPower ?? RANKER_DEFAULTS.sourceVocabularyPower,
    );
  }

  static loadJSON(kb: KnowledgeBase, json: ReturnType<Ranker['toJSON']>, options: RankerOptions = {}): Ranker {
    const saved = (json as { sources?: unknown } | null)?.sources;
    if (!Array.isArray(saved)) throw new IndexFormatError('the index has no search index');
    const found = groupBySource(kb.articles());
    if (found.length !== saved.length)
      throw new IndexFormatError(`the search index has ${saved.length} sources, the KB ${found.length}`);
    const groups = found.map(({ source, articles, team }, i) => {
      const s = saved[i] as Partial<SourceJSON> | null;
      if (!s || s.source !== source || s.articles !== articles.length || s.team !== team || !s.index)
        throw new IndexFormatError(`the search index does not match the KB's source ${source ?? '(unnamed)'}`);
      return { source, team, articles, ranker: SourceRanker.loadJSON(articles, s.index, sourceOptions(team, options)) };
    });
    return Ranker.of(groups, options);
  }

  get size(): number {
    return this.groups.reduce((n, g) => n + g.articles.length, 0);
  }

  /** The sources, largest first, with their article counts. */
  get sources(): { source: string | null; articles: number; team: boolean }[] {
    return this.groups.map((g) => ({ source: g.source, articles: g.articles.length, team: g.team }));
  }

  /**
   * The message's hits, best first. With `prefer.runbooks`, the hits of the sources that hold
   * runbooks (articles with alert names) come before the others' (see `RankPreference`).
   */
  rank(message: string, k = this.k, prefer: RankPreference = {}): Ranking {
    const [only] = this.groups;
    if (this.groups.length === 1 && only) return only.ranker.rank(message, k);
    const rankings = this.groups.map((g) => g.ranker.rank(message, k));
    const known = rankings.map((r, i) => knownShare(r.weights, this.groups[i]?.ranker) ** this.vocabularyPower);
    const handicaps = protectingHandicaps(rankings, this.handicaps, known, this.protectAt);
    const all = mergeRankings(rankings, handicaps, known);
    const merged = (prefer.runbooks ? preferSources(all, this.runbookSources) : all).slice(0, k);
    // The query, signals, weights and codes are those of the source the first hit comes from.
    const lead = rankings[merged[0]?.source ?? 0] ?? (rankings[0] as Ranking);
    return { ...lead, hits: merged.map((m) => m.hit) };
  }

  /**
   * The message's search terms weighted by how telling they are (see `SourceRanker.termWeights`).
   * With several sources, each term takes its weight from the largest source that has it (the
   * largest source when none does), so adding a small source leaves the large one's terms alone.
   */
  termWeights(message: string): Map<string, number> {
    const [only] = this.groups;
    if (!only) return new Map();
    if (this.groups.length === 1) return only.ranker.termWeights(message);
    const perSource = this.groups.map((g) => g.ranker.termWeights(message));
    const out = new Map<string, number>();
    for (const [term, weight] of perSource[0] ?? []) {
      const i = this.groups.findIndex((g) => g.ranker.knows(term));
      out.set(term, i >= 0 ? (perSource[i]?.get(term) ?? weight) : weight);
    }
    // Terms only a smaller source's query side produced (its own abbreviations or corrections).
    perSource.slice(1).forEach((weights, i) => {
      for (const [term, weight] of weights)
        if (!out.has(term) && this.groups[i + 1]?.ranker.knows(term)) out.set(term, weight);
    });
    return out;
  }

  /** The sources' parts, ready for `v8.serialize` (typed arrays stay typed arrays). */
  toJSON(): Record<string, unknown> {
    return {
      sources: this.groups.map((g): SourceJSON => ({
        source: g.source,
        articles: g.articles.length,
        team: g.team,
        index: g.ranker.toJSON(),
      })),
    };
  }
}

/** How `Ranker.rank` orders the sources' hits beyond their merged keys (several sources only). */
export interface RankPreference {
  /**
   * The hits of the sources that hold runbooks (articles with alert names) first, then the
   * others': an alert notification is answered by a runbook, so one whose name no runbook has is
   * answered from the runbooks' source by its words before a large archive's generic match of them
   * ("Job ... is taking more than 12h to complete" against job-scheduler articles). teamkb dev
   * alerts beside the archive 0.940 → 0.947 @1 (as alone but one description-only alert, which is
   * not a notification); the archive's sets do not move (no archive message reads as a notification).
   */
  runbooks?: boolean;
}

/**
 * The merged hits of the `preferred` sources first, each part in merged order; the others'
 * scores are capped at the last preferred hit's, so a re-sort by score (feedback) keeps the order.
 * Unchanged when no hit, or every hit, is from a preferred source.
 */
export function preferSources(merged: readonly MergedHit[], preferred: readonly boolean[]): MergedHit[] {
  const first = merged.filter((m) => preferred[m.source]);
  if (first.length === 0 || first.length === merged.length) return [...merged];
  const floor = first[first.length - 1]?.hit.score ?? 0;
  const rest = merged
    .filter((m) => !preferred[m.source])
    .map((m) => (m.hit.score > floor ? { ...m, hit: { ...m.hit, score: floor } } : m));
  return [...first, ...rest];
}

/** A hit of the merged ranking: which source's ranking it came from and its merged key. */
export interface MergedHit {
  hit: RankHit;
  source: number;
  /** The source's confidence times the hit's share of the source's first score. */
  key: number;
}

/**
 * Merge the sources' rankings (in source order, largest first): each hit is keyed by its
 * source's confidence times its score over its source's first score, so a source's first hit
 * competes by how sure its source is, and its later hits by how far they trail it, less the source's
 * handicap (`sourceHandicaps`). Ties go to the
 * larger source, then to the source's own order. The hits' scores become the keys (rounded), so a
 * re-sort by score (feedback) keeps the merged order.
 */
export function mergeRankings(
  rankings: readonly Ranking[],
  handicaps: readonly number[] = [],
  factors: readonly number[] = [],
): MergedHit[] {
  const pool: (MergedHit & { at: number })[] = [];
  rankings.forEach((r, source) => {
    const top = r.hits[0]?.score ?? 0;
    const handicap = handicaps[source] ?? 0;
    r.hits.forEach((hit, at) => {
      const key = top > 0 ? Math.max(0, r.confidence * (factors[source] ?? 1) * (hit.score / top) - handicap) : 0;
      pool.push({ hit: { ...hit, score: Math.round(key * 1e4) / 1e4 }, source, key, at });
    });
  });
  pool.sort((a, b) => b.key - a.key || a.source - b.source || a.at - b.at);
  return pool.map(({ hit, source, key }) => ({ hit, source, key }));
}

/**
 * The handicaps (`sourceHandicaps`) that apply to one message: the margin protects only an answer
 * of the largest source that is confident once its vocabulary factor (`knownShare`, as `factors`)
 * is counted in, so a source that has never seen the message's telling words ("why is praefect
 * replication lagging") is not shielded by a sure-looking guess; and never against a source that
 * quotes more of the message (a whole pasted error against a few of its words). [] when none apply.
 */
export function protectingHandicaps(
  rankings: readonly Ranking[],
  handicaps: readonly number[],
  factors: readonly number[],
  protectAt: number,
): number[] {
  const [largest] = rankings;
  if (!largest || largest.confidence * (factors[0] ?? 1) < protectAt) return [];
  return handicaps.map((h, i) => (quoted(rankings[i]) > quoted(largest) + QUOTED_LEAD ? 0 : h));
}

/**
 * What each source's merged keys lose: `margin` times how much smaller it is than the largest
 * source (0 for the largest, nearly `margin` for 743 runbooks beside 57,000 archive articles). A
 * confidence is calibrated on the archive; a small source's first hit stands further above its
 * second only because it has fewer articles to compete with, so a short generic error ("Cannot
 * create object") quoted by both an archive article and a runbook must not go to the runbook on
 * that alone.
 */
export function sourceHandicaps(sizes: readonly number[], margin: number): number[] {
  const largest = Math.max(0, ...sizes);
  return sizes.map((n) => (largest > 0 ? margin * (1 - n / largest) : 0));
}

/**
 * The KB's articles by `article.source`, in KB order within each; sources largest first, then by
 * name. An empty KB is one empty source. Each source is indexed on its own, in this order.
 */
export function groupBySource(
  articles: readonly Article[],
): { source: string | null; articles: Article[]; team: boolean }[] {
  const bySource = new Map<string | null, Article[]>();
  for (const a of articles) {
    const source = a.source ?? null;
    let list = bySource.get(source);
    if (!list) bySource.set(source, (list = []));
    list.push(a);
  }
  if (bySource.size === 0) bySource.set(null, []);
  return [...bySource]
    .map(([source, list]) => ({
      source,
      articles: list,
      team: list.filter((a) => !ARCHIVE_FORMS.includes(a.form)).length * 2 > list.length,
    }))
    .sort((a, b) => b.articles.length - a.articles.length || String(a.source).localeCompare(String(b.source)));
}

/** A source's options: the defaults, the team-document settings for a team source, then the caller's. */
export function sourceOptions(team: boolean, options: RankerOptions): RankerOptions {
  if (!team) return options;
  return {
    ...TEAM_SOURCE_OPTIONS,
    ...options,
    fields: { ...TEAM_SOURCE_OPTIONS.fields, ...options.fields },
  };
}
