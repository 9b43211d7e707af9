/**
 * The team's saved fixes, searchable at once (issue #24, design 3.2): a ranker of their own over
 * the fixes' articles (fix.ts), ranked with the team-document settings and calibrated on the same
 * 0-1 curve as the KB's, never merged with the KB's sources (a few fixes would lose every merge to
 * 57,000 articles). Adding or removing a fix rebuilds only this small ranker, synchronously, so the
 * next message already sees it; `refresh` reloads from the store when another process (`kbbot
 * fixes delete`, `kbbot forget`) changed the data.
 */
import type { Article } from '../kb/article.js';
import { TEAM_SOURCE_OPTIONS, type RankerOptions } from '../kb/rank/options.js';
import type { MatchReason } from '../kb/rank/reason.js';
import { SourceRanker } from '../kb/rank/source-ranker.js';
import type { FixRecord, FixStore } from '../memory/types.js';
import { fixToArticle } from './fix.js';

export const FIX_DEFAULTS = {
  /** Most fix hits `search` returns. */
  k: 3,
  /** A fix leads an answer from this confidence when it shares a code or quoted error text with the message (the bot's `answer` threshold). */
  lead: 0.6,
  /** A fix leads an answer from this confidence whatever it shares with the message. */
  sure: 0.9,
  /** Hits below this confidence are not returned (they would never be shown). */
  floor: 0.05,
};

export type FixDefaults = typeof FIX_DEFAULTS;

/** A fix that answers a message. */
export interface FixHit {
  fix: FixRecord;
  article: Article;
  /**
   * 0-1: the ranking's calibrated confidence for the first hit; a later hit's is that times its
   * share of the first hit's score (as `Ranker` merges sources).
   */
  confidence: number;
  score: number;
  reason: MatchReason;
}

/** Where the index reads fixes from, and how it knows another process changed them. */
export interface FixSource {
  store: Pick<FixStore, 'list'>;
  /** The storage's data version (Storage.dataVersion): a change means re-read the store. */
  dataVersion?: () => number;
}

export class FixIndex {
  private readonly fixes = new Map<string, { fix: FixRecord; article: Article }>();
  private ranker: SourceRanker | null = null;
  private version: number | undefined;
  readonly options: FixDefaults;

  constructor(
    private readonly source?: FixSource,
    options: Partial<FixDefaults> = {},
    private readonly rankerOptions: RankerOptions = TEAM_SOURCE_OPTIONS,
  ) {
    this.options = { ...FIX_DEFAULTS, ...options };
    this.reload();
  }

  /** An index over `fixes` alone (no store): tests and one-off searches. */
  static of(fixes: Iterable<FixRecord>, options: Partial<FixDefaults> = {}): FixIndex {
    const index = new FixIndex(undefined, options);
    for (const fix of fixes) index.fixes.set(fix.id, { fix, article: fixToArticle(fix) });
    index.rebuild();
    return index;
  }

  get size(): number {
    return this.fixes.size;
  }

  get(id: string): FixRecord | undefined {
    this.refresh();
    return this.fixes.get(id)?.fix;
  }

  /** All fixes, oldest first (store order). */
  list(): FixRecord[] {
    this.refresh();
    return [...this.fixes.values()].map((e) => e.fix);
  }

  /** A fix just saved (call after the store committed it): searchable when this returns. Re-adding an id replaces it. */
  add(fix: FixRecord): void {
    this.fixes.set(fix.id, { fix, article: fixToArticle(fix) });
    this.rebuild();
    this.version = this.source?.dataVersion?.();
  }

  /** A fix deleted (undo, `fixes delete`): no longer found when this returns. True when it was there. */
  remove(id: string): boolean {
    const had = this.fixes.delete(id);
    if (had) this.rebuild();
    this.version = this.source?.dataVersion?.();
    return had;
  }

  /** Re-read the store if another process changed the data since the index last read it. */
  refresh(): void {
    if (this.source?.dataVersion && this.source.dataVersion() !== this.version) this.reload();
  }

  /**
   * The fixes that answer `message`, best first, each with a confidence (see FixHit); at most `k`,
   * none below `options.floor`. Empty when there are no fixes.
   */
  search(message: string, k = this.options.k): FixHit[] {
    this.refresh();
    if (!this.ranker || this.fixes.size === 0) return [];
    const ranking = this.ranker.rank(message, k);
    const top = ranking.hits[0]?.score ?? 0;
    if (top <= 0) return [];
    const out: FixHit[] = [];
    for (const hit of ranking.hits) {
      const entry = this.fixes.get(hit.article.id);
      if (!entry) continue;
      const confidence = ranking.confidence * (hit.score / top);
      if (confidence < this.options.floor) continue;
      out.push({ fix: entry.fix, article: entry.article, confidence, score: hit.score, reason: hit.reason });
    }
    return out;
  }

  /**
   * Does this hit lead the answer, before the KB's articles? When sure (`options.sure`), or when
   * confident (`options.lead`) and it shares a code or the quoted error text with the message.
   * `factor` is what feedback on the fix multiplies its confidence by (FeedbackLearning.factor).
   */
  leads(hit: FixHit, factor = 1): boolean {
    const confidence = Math.min(1, hit.confidence * factor);
    if (confidence >= this.options.sure) return true;
    const shares = hit.reason.codes.length > 0 || (hit.reason.errorText?.quote ?? null) !== null;
    return confidence >= this.options.lead && shares;
  }

  private reload(): void {
    this.fixes.clear();
    for (const fix of this.source?.store.list() ?? []) this.fixes.set(fix.id, { fix, article: fixToArticle(fix) });
    this.version = this.source?.dataVersion?.();
    this.rebuild();
  }

  private rebuild(): void {
    const articles = [...this.fixes.values()].map((e) => e.article);
    this.ranker = articles.length ? SourceRanker.build(articles, this.rankerOptions) : null;
  }
}
