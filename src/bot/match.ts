/**
 * One message → what it is and which articles answer it: the intent, the ranked articles (or the
 * article asked for by number) and one confidence. The bot acts on this; `kbbot ask`, `rank` and
 * `eval` print it.
 */
import { IntentClassifier, type IntentResult } from '../intents/index.js';
import type { Article } from '../kb/article.js';
import { withoutKbIds } from '../kb/kb-id.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import type { MatchReason } from '../kb/rank/reason.js';
import type { Ranker } from '../kb/rank/ranker.js';
import { signatureOf } from '../memory/signature.js';
import type { Signature } from '../memory/types.js';
import { describeVotes, type FeedbackLearning, type Votes } from './learning.js';

/** Confidence levels the bot acts on (chosen from the dev-set curves in BENCHMARKS.md, "Confidence"). */
export const CONFIDENCE_THRESHOLDS = {
  /** At or above: answer with the first article. */
  answer: 0.5,
  /** At or above (and below `answer`): "did you mean" with up to three candidates. Below: no match. */
  suggest: 0.15,
};

/** Messages `warmUp` runs. */
export const WARM_UP_MESSAGES = 200;

/** Hits ranked once there is feedback, so an article it favours from outside the first `k` can move up (costs no more than 10). */
export const FEEDBACK_POOL = 50;

/** A lookup with at least this many other words may be quoted article text (see `match`). */
const QUOTE_WORDS = 4;

export interface MatchHit {
  article: Article;
  score: number;
  reason: MatchReason | { summary: string };
  /** What feedback on similar messages said of this article (it moved the score). */
  votes?: Votes;
}

export interface MatchResult {
  intent: IntentResult;
  /** How likely the first hit answers the message, 0-1 (1 for an article asked for by number). */
  confidence: number;
  hits: MatchHit[];
  /** Ids asked for by number that the KB does not have. */
  missing: string[];
  /** 'lookup' when the hits are the articles named, 'rank' when ranked, 'none' when not searched. */
  via: 'lookup' | 'rank' | 'none';
  /** Milliseconds to classify and rank. */
  ms: number;
  /** The message's signature (what feedback and the report compare messages by). */
  signature: Signature;
  /** The message's error codes that few articles mention ("0xc0020002"), when it was ranked. */
  codes: string[];
}

export interface MatchOptions {
  /** Hits wanted. */
  k?: number;
  /** Rank even when the intent says the message is not a problem (the CLI's rank/eval do). */
  always?: boolean;
}

export class Matcher {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly ranker: Ranker,
    private readonly classifier: IntentClassifier = new IntentClassifier(),
    private readonly learning?: FeedbackLearning,
  ) {}

  /** The signature of a message (see store/signature.ts). */
  signature(message: string): Signature {
    return signatureOf(this.ranker.termWeights(message));
  }

  /**
   * Run messages made from the KB's own text (error quotes and titles of spread-out articles)
   * through classification and ranking, so the first real messages do not pay for JIT compilation:
   * cold, the first dozen take 15-160 ms; warm, none takes over 10 ms (BENCHMARKS.md).
   */
  warmUp(rounds = WARM_UP_MESSAGES): number {
    const started = performance.now();
    const articles = this.kb.articles();
    const step = Math.max(1, Math.floor(articles.length / rounds));
    for (let i = 0; i < rounds && i * step < articles.length; i++) {
      const a = articles[i * step];
      if (!a) continue;
      this.match(
        i % 2 === 0 && a.errorMessages[0]
          ? `getting this: ${a.errorMessages[0]}`
          : `why does ${a.title.toLowerCase()}?`,
        { always: true },
      );
    }
    return performance.now() - started;
  }

  match(message: string, options: MatchOptions = {}): MatchResult {
    const started = performance.now();
    const k = options.k ?? 10;
    const intent = this.classifier.classify(message);
    let signature: Signature | undefined;
    const done = (
      r: Omit<MatchResult, 'intent' | 'ms' | 'signature' | 'codes'> & { codes?: string[] },
    ): MatchResult => ({
      intent,
      codes: [],
      ...r,
      signature: signature ?? this.signature(message),
      ms: performance.now() - started,
    });

    if (intent.intent === 'lookup' && intent.ids.length > 0) {
      const found = intent.ids.map((id) => this.kb.get(id)).filter((a): a is Article => a !== undefined);
      const missing = intent.ids.filter((id) => !this.kb.has(id));
      // "Q192296 Specially-Malformed GET Requests Can Create …" pasted from an article is text to find, not a lookup.
      if (found.length > 0 && withoutKbIds(message).split(/\s+/).filter(Boolean).length >= QUOTE_WORDS) {
        const ranking = this.ranker.rank(message, this.pool(k));
        const top = ranking.hits[0];
        if (top && (top.reason.errorText?.coverage ?? 0) >= 0.9 && ranking.confidence >= CONFIDENCE_THRESHOLDS.answer) {
          signature = signatureOf(ranking.weights);
          return done({ ...this.learned(signature, ranking.hits, ranking.confidence, k), missing: [], via: 'rank' });
        }
      }
      if (found.length > 0)
        return done({
          confidence: 1,
          hits: found
            .slice(0, k)
            .map((article) => ({ article, score: 1, reason: { summary: `asked for ${article.id}` } })),
          missing,
          via: 'lookup',
        });
      if (!options.always) return done({ confidence: 0, hits: [], missing, via: 'lookup' });
    }
    const searchable = intent.intent === 'error_paste' || intent.intent === 'question' || intent.intent === 'chatter';
    if (!searchable && !options.always) return done({ confidence: 0, hits: [], missing: [], via: 'none' });
    const ranking = this.ranker.rank(message, this.pool(k));
    signature = signatureOf(ranking.weights);
    return done({
      ...this.learned(signature, ranking.hits, ranking.confidence, k),
      missing: [],
      via: 'rank',
      codes: ranking.tellingCodes,
    });
  }

  /** Hits to rank for `k` wanted: more once there is feedback that might lift one from further down. */
  private pool(k: number): number {
    return this.learning && this.learning.size > 0 ? Math.max(k, FEEDBACK_POOL) : k;
  }

  /**
   * The hits and confidence after feedback on similar messages (learning.ts): each voted article's
   * score times its factor, re-sorted; the confidence moves with the votes of the article now
   * first, and an article that is first only because the one above it was turned down is offered
   * as "did you mean" rather than answered outright.
   */
  private learned(
    signature: Signature,
    hits: MatchHit[],
    confidence: number,
    k: number,
  ): { hits: MatchHit[]; confidence: number } {
    const votes = this.learning?.votes(signature);
    if (!this.learning || !votes || votes.size === 0 || hits.length === 0)
      return { hits: hits.slice(0, k), confidence };
    const learning = this.learning;
    const first = hits[0]?.article.id;
    const moved = hits
      .map((h): MatchHit => {
        const v = votes.get(h.article.id);
        if (!v) return h;
        return {
          ...h,
          score: Math.round(h.score * learning.factor(v) * 1e4) / 1e4,
          votes: v,
          reason: { ...h.reason, summary: [h.reason.summary, describeVotes(v)].filter(Boolean).join('; ') },
        };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    const top = moved[0] as MatchHit;
    let adjusted = Math.max(0, Math.min(1, confidence + learning.options.confidenceStep * (top.votes?.net ?? 0)));
    if (top.article.id !== first && (top.votes?.net ?? 0) <= 0)
      adjusted = Math.min(adjusted, CONFIDENCE_THRESHOLDS.answer - 0.01);
    return { hits: moved, confidence: Math.round(adjusted * 1000) / 1000 };
  }
}
