/**
 * Feedback that improves answers. "That helped" on an article raises it for messages like the one
 * it answered; "not it" lowers it for them. Bounded: only messages similar to the one the
 * feedback was about are touched (cosine of signatures ≥ `minSimilarity`), each person's vote on
 * an article counts once (their latest), and the votes move a score by at most ±`maxVotes` ×
 * `step` (×0.5 to ×1.5 by default), so one click cannot bury an article everywhere. The answer's
 * "why" says when feedback moved it. Feedback is written to the log before it counts, so it
 * survives restarts; `refresh` re-reads it when another process changed the data.
 */
import { similarity } from '../memory/signature.js';
import type { FeedbackLog, FeedbackRecord, Signature } from '../memory/types.js';

export const LEARNING_DEFAULTS = {
  /** Feedback on a message counts for messages at least this similar to it (cosine, 0-1). */
  minSimilarity: 0.5,
  /** A net vote of +1 multiplies an article's score by 1 + step; -1 by 1 - step. */
  step: 0.25,
  /** Net votes are capped at ± this (so scores move ×0.5 to ×1.5). */
  maxVotes: 2,
  /** The answer's confidence moves by this per net vote of the article shown first. */
  confidenceStep: 0.1,
};

export type LearningOptions = typeof LEARNING_DEFAULTS;

/** What feedback on similar messages says of one article. */
export interface Votes {
  /** People who said it helped / was not it (for similar messages). */
  helped: number;
  notIt: number;
  /** Similarity-weighted net vote, capped at ± maxVotes. */
  net: number;
}

export class FeedbackLearning {
  private records: FeedbackRecord[] = [];
  /** Signature term hash -> indexes into `records`. */
  private byTerm = new Map<number, number[]>();
  private version: number | undefined;
  readonly options: LearningOptions;

  constructor(
    private readonly log?: FeedbackLog,
    options: Partial<LearningOptions> = {},
    /** The storage's data version (see Storage.dataVersion): a change means re-read the log. */
    private readonly dataVersion?: () => number,
  ) {
    this.options = { ...LEARNING_DEFAULTS, ...options };
    this.reload();
  }

  /** Keep a piece of feedback: written to the log (durable when this returns), then it counts. */
  record(feedback: FeedbackRecord): void {
    this.log?.add(feedback);
    this.index(feedback);
    this.version = this.dataVersion?.();
  }

  /** Re-read the log if another process (`kbbot forget`) changed it. */
  refresh(): void {
    if (this.dataVersion && this.dataVersion() !== this.version) this.reload();
  }

  get size(): number {
    return this.records.length;
  }

  /** Article id -> what feedback on messages similar to `signature` says of it. */
  votes(signature: Signature): Map<string, Votes> {
    this.refresh();
    const out = new Map<string, Votes>();
    if (signature.length === 0 || this.records.length === 0) return out;
    const seen = new Set<number>();
    /** `${article} ${user}` -> the person's latest vote on the article among similar messages. */
    const latest = new Map<string, { record: FeedbackRecord; sim: number }>();
    for (const [hash] of signature) {
      for (const i of this.byTerm.get(hash) ?? []) {
        if (seen.has(i)) continue;
        seen.add(i);
        const record = this.records[i] as FeedbackRecord;
        const sim = similarity(signature, record.signature);
        if (sim < this.options.minSimilarity) continue;
        const key = `${record.articleId} ${record.user}`;
        const had = latest.get(key);
        if (!had || record.at >= had.record.at) latest.set(key, { record, sim });
      }
    }
    const cap = this.options.maxVotes;
    for (const { record, sim } of latest.values()) {
      const v = out.get(record.articleId) ?? { helped: 0, notIt: 0, net: 0 };
      if (record.helpful) v.helped++;
      else v.notIt++;
      v.net = Math.max(-cap, Math.min(cap, v.net + (record.helpful ? sim : -sim)));
      out.set(record.articleId, v);
    }
    return out;
  }

  /** Every piece of feedback kept, oldest first (what "has anyone seen this before" reads of how threads ended). */
  list(): FeedbackRecord[] {
    this.refresh();
    return [...this.records];
  }

  /** The feedback given in one thread, oldest first (what a saved fix records of the articles offered there). */
  forThread(conversation: string, thread: string): FeedbackRecord[] {
    this.refresh();
    return this.records.filter((r) => r.conversation === conversation && r.thread === thread);
  }

  /** What feedback on messages similar to `signature` says of one article or team fix (`fix-12`). */
  votesFor(signature: Signature, id: string): Votes | undefined {
    return this.votes(signature).get(id);
  }

  /** The factor an article's score is multiplied by for `votes`. */
  factor(votes: Votes | undefined): number {
    return 1 + this.options.step * (votes?.net ?? 0);
  }

  private reload(): void {
    this.records = [];
    this.byTerm = new Map();
    for (const r of this.log?.list() ?? []) this.index(r);
    this.version = this.dataVersion?.();
  }

  /**
   * Files a record under its heaviest terms only: as few as leave the rest of its signature with
   * less than `minSimilarity` of its norm. A message sharing none of those terms cannot reach
   * `minSimilarity` with it (Cauchy-Schwarz), so lookups stay exact while common words, filed
   * under nothing, no longer make every message compare itself with thousands of records.
   */
  private index(record: FeedbackRecord): void {
    const i = this.records.push(record) - 1;
    for (const [hash] of prefixOf(record.signature, this.options.minSimilarity)) {
      const list = this.byTerm.get(hash);
      if (list) list.push(i);
      else this.byTerm.set(hash, [i]);
    }
  }
}

/** The heaviest terms of `signature` that any signature at least `minSimilarity` similar must share one of. */
export function prefixOf(signature: Signature, minSimilarity: number): Signature {
  const byWeight = [...signature].sort((a, b) => b[1] - a[1]);
  const total = byWeight.reduce((sum, [, w]) => sum + w * w, 0);
  const limit = minSimilarity * minSimilarity * total;
  let rest = total;
  let n = 0;
  while (n < byWeight.length && rest >= limit) {
    rest -= (byWeight[n] as [number, number])[1] ** 2;
    n++;
  }
  return byWeight.slice(0, n);
}

/** "helped 2 people with a similar question" / "marked not it for a similar question". */
export function describeVotes(v: Votes): string {
  const parts: string[] = [];
  if (v.helped) parts.push(`helped ${v.helped === 1 ? 'someone' : `${v.helped} people`} with a similar question`);
  if (v.notIt) parts.push(`marked "not it" ${v.notIt === 1 ? 'once' : `${v.notIt} times`} for a similar question`);
  return parts.join('; ');
}
