/**
 * Feedback that improves answers. "That helped" on an article raises it for messages like the one
 * it answered; "not it" lowers it for them. Bounded: only messages similar to the one the
 * feedback was about are touched (cosine of signatures ≥ `minSimilarity`), each person's vote on
 * an article counts once (their latest), and the votes move a score by at most ±`maxVotes` ×
 * `step` (×0.5 to ×1.5 by default), so one click cannot bury an article everywhere. The answer's
 * "why" says when feedback moved it. Feedback is written to the log before it counts, so it
 * survives restarts. The log is read by `refresh(version)`: on its first call, and again whenever
 * the storage's data version differs from the one last read (another replica or `kbbot forget`
 * changed the data); in between, the votes are answered from memory, synchronously.
 */
import type { AsyncFeedbackLog } from '../memory/async-types.js';
import { similarity } from '../memory/signature.js';
import type { FeedbackRecord, Signature } from '../memory/types.js';
import { VersionedReload } from '../memory/versioned-reload.js';

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
  /** Reads the log at most once per data version (see `refresh`). */
  private readonly reloads = new VersionedReload(() => this.reload());
  /**
   * Feedback recorded while a reload is in flight: the list the reload reads may have been taken
   * before it was written, so it is put back after the reload, unless the list had it.
   */
  private recordedDuring: FeedbackRecord[] | undefined;
  readonly options: LearningOptions;

  constructor(
    private readonly log?: AsyncFeedbackLog,
    options: Partial<LearningOptions> = {},
  ) {
    this.options = { ...LEARNING_DEFAULTS, ...options };
  }

  /** Keep a piece of feedback: written to the log (durable when this resolves), then it counts. */
  async record(feedback: FeedbackRecord): Promise<void> {
    await this.log?.add(feedback);
    this.index(feedback);
    this.recordedDuring?.push(feedback);
  }

  /**
   * Bring the feedback held up to data version `version`: read the log on the first call, and
   * again when `version` differs from the one last read. Rejects when the log cannot be read; what
   * was held stays, and the next call tries again.
   */
  refresh(version: number): Promise<void> {
    return this.reloads.refresh(version);
  }

  get size(): number {
    return this.records.length;
  }

  /** Article id -> what feedback on messages similar to `signature` says of it. */
  votes(signature: Signature): Map<string, Votes> {
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
    return [...this.records];
  }

  /** The feedback given in one thread, oldest first (what a saved fix records of the articles offered there). */
  forThread(conversation: string, thread: string): FeedbackRecord[] {
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

  private async reload(): Promise<void> {
    // Without a log, what was recorded here is all there is.
    if (!this.log) return;
    const during: FeedbackRecord[] = [];
    this.recordedDuring = during;
    try {
      const rows = await this.log.list();
      this.records = [];
      this.byTerm = new Map();
      for (const r of rows) this.index(r);
      const read = new Set(rows.map(feedbackKey));
      for (const r of during) if (!read.has(feedbackKey(r))) this.index(r);
    } finally {
      this.recordedDuring = undefined;
    }
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

/** What tells one piece of feedback from another (the log has no ids the bot sees). */
function feedbackKey(r: FeedbackRecord): string {
  return [r.at, r.user, r.conversation, r.thread, r.articleId, r.helpful].join('\u0000');
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
