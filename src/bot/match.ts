/**
 * One message → what it is and which articles answer it: the intent, the ranked articles (or the
 * article asked for by number) and one confidence. The bot acts on this; `kbbot ask`, `rank` and
 * `eval` print it.
 */
import { IntentClassifier, alertLike, alertSearchText, type Alert, type IntentResult } from '../intents/index.js';
import { ARCHIVE_FORMS, type Article } from '../kb/article.js';
import { withoutKbIds } from '../kb/kb-id.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import type { MatchReason } from '../kb/rank/reason.js';
import type { Ranker, Ranking } from '../kb/rank/ranker.js';
import { undoChatMarkup } from '../text/chat-markup.js';
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

/**
 * Confidence when the first hits are the runbooks of the alert the message names: the name is the
 * strongest signal there is, so the bot answers (at or above CONFIDENCE_THRESHOLDS.answer).
 */
export const ALERT_NAME_CONFIDENCE = 0.95;

/** Hits ranked when a message names an alert, so its runbooks can be put in the ranker's order. */
export const ALERT_POOL = 50;

/** Characters of a message searched for alert names (a name is near the start of anything real). */
const ALERT_NAME_CHARS = 4096;

/** Words of a message looked up as alert names. */
const ALERT_NAME_WORDS = 400;

/** A word that can name an alert: not part of a path, URL, host name or file name. */
const ALERT_NAME_WORD = /(?<![\w/\\.:=-])[A-Za-z_][A-Za-z0-9_]{3,127}(?![\w/\\-]|[.:=]\w)/g;

/** Shortest alert name matched in any case ("cephosddown"); shorter ones ("GitLab") only as written. */
const ANY_CASE_NAME_CHARS = 8;

/** "show etcdNoLeader", "kb openshift/alerts/…/etcdNoLeader.md", "open the runbook for Kube Client Errors": the name asked for. */
const NAME_LOOKUP =
  /^(?:@?kb ?bot[,:]?\s+)?(?:\/?kb\s+|(?:(?:please|pls|can you|could you)\s+)?(?:show|open|pull up|pull|look ?up|fetch|get|gimme|give me|read|find|bring up|link)\s+(?:me\s+)?)(?:the\s+)?(?:(?:kb\s+)?(?:article|runbook|page|doc)\s+(?:for\s+|on\s+|about\s+|of\s+)?)?(.{1,300}?)[\s?.!]*$/is;

/** Longest message read as a name lookup ("show …"); a longer one is text to search. */
const NAME_LOOKUP_CHARS = 2000;

/** The first `k` of the articles a message asked for, as hits. */
function askedFor(articles: readonly Article[], k: number): MatchHit[] {
  return articles.slice(0, k).map((article) => ({ article, score: 1, reason: { summary: `asked for ${article.id}` } }));
}

/** Most words a name lookup ("show …") can have: more is a sentence to search for. */
const NAME_LOOKUP_WORDS = 12;

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
  /**
   * 'lookup' when the hits are the articles named (by number, path, alert name or title), 'alert'
   * when the first hits are the runbooks of an alert the message names (the rest ranked), 'rank'
   * when ranked, 'none' when not searched (a resolved alert notification is not searched).
   */
  via: 'lookup' | 'alert' | 'rank' | 'none';
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
    let intent = this.classifier.classify(message);
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

    if (intent.intent === 'alert' && intent.alert) {
      // A resolved alert needs nothing: no search, no answer.
      if (intent.alert.status === 'resolved') return done({ confidence: 0, hits: [], missing: [], via: 'none' });
      const r = this.rankAlert(intent.alert, k);
      signature = r.signature;
      return done(r);
    }

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
      if (found.length > 0) return done({ confidence: 1, hits: askedFor(found, k), missing, via: 'lookup' });
      if (!options.always) return done({ confidence: 0, hits: [], missing, via: 'lookup' });
    }

    // The message as people read it (markup undone once, for the name lookup and the alert names below).
    const plain = undoChatMarkup(message.slice(0, ALERT_NAME_CHARS * 4)).text;
    // "290226", "what does 290226 say": a bare number that is an article's, in a short ask for one.
    if (intent.ids.length === 0 && (intent.intent === 'lookup' || intent.intent === 'question')) {
      const bare = this.bareIds(plain);
      if (bare.length > 0) {
        intent = { ...intent, intent: 'lookup', ids: bare.map((a) => a.id), reason: `names ${bare[0]?.id}` };
        return done({ confidence: 1, hits: askedFor(bare, k), missing: [], via: 'lookup' });
      }
    }
    // "show etcdNoLeader", "kb openshift/alerts/…/etcdNoLeader.md": an article asked for by its path, alert name or title.
    if (intent.ids.length === 0 && message.length <= NAME_LOOKUP_CHARS) {
      const named = this.namedArticles(plain, intent.intent === 'lookup');
      if (named.length > 0) {
        intent = { ...intent, intent: 'lookup', reason: `names ${named.map((a) => a.id).join(', ')}` };
        return done({ confidence: 1, hits: askedFor(named, k), missing: [], via: 'lookup' });
      }
    }

    // A lookup with no id that names no article ("the runbook for when postgres runs out of connections") is searched.
    const searchable = ['error_paste', 'question', 'chatter', 'lookup'].includes(intent.intent);
    if (!searchable && !options.always) return done({ confidence: 0, hits: [], missing: [], via: 'none' });
    // "getting paged for CephOSDDown", "what does etcdNoLeader mean": the alert's runbooks first.
    const alertNames = this.alertNamesIn(plain);
    const ranking = this.ranker.rank(message, alertNames.length ? Math.max(this.pool(k), ALERT_POOL) : this.pool(k));
    signature = signatureOf(ranking.weights);
    const runbooks = this.runbooksFirst(alertNames, ranking);
    return done({
      ...this.learned(signature, runbooks.hits, runbooks.confidence, k),
      missing: [],
      via: runbooks.named ? 'alert' : 'rank',
      codes: ranking.tellingCodes,
    });
  }

  /**
   * A firing alert: the runbooks with its name first (all of them, in the ranker's order for the
   * alert's text), then the ranking of its name in words, summary and description (never where it
   * fired: see `alertSearchText`).
   */
  private rankAlert(
    alert: Alert,
    k: number,
  ): Omit<MatchResult, 'intent' | 'ms' | 'signature'> & { signature: Signature } {
    const names = alert.alertname ? [alert.alertname] : [];
    const known = names.filter((n) => this.kb.hasAlertName(n));
    // A notification is answered by a runbook: the runbooks' source ranks first (see RankPreference).
    const ranking = this.ranker.rank(
      alertSearchText(alert),
      known.length ? Math.max(this.pool(k), ALERT_POOL) : this.pool(k),
      { runbooks: true },
    );
    const signature = signatureOf(ranking.weights);
    const runbooks = this.runbooksFirst(known, ranking);
    return {
      ...this.learned(signature, runbooks.hits, runbooks.confidence, k),
      missing: [],
      via: runbooks.named ? 'alert' : 'rank',
      codes: ranking.tellingCodes,
      signature,
    };
  }

  /**
   * The ranking with the runbooks of `names` moved to the front, in the ranking's order (those it
   * did not reach after, in KB order), scored above every other hit so feedback's re-sort keeps them
   * there unless votes say otherwise. With a runbook first the confidence is ALERT_NAME_CONFIDENCE.
   */
  private runbooksFirst(
    names: readonly string[],
    ranking: Ranking,
  ): { hits: MatchHit[]; confidence: number; named: boolean } {
    const seen = new Set<string>();
    const runbooks: { article: Article; name: string }[] = [];
    for (const name of names)
      for (const article of this.kb.withAlertName(name))
        if (!seen.has(article.id)) {
          seen.add(article.id);
          runbooks.push({ article, name });
        }
    if (runbooks.length === 0) return { hits: ranking.hits, confidence: ranking.confidence, named: false };
    const at = new Map(ranking.hits.map((h, i) => [h.article.id, i]));
    const ordered = runbooks
      .map((r, i) => ({ ...r, i, at: at.get(r.article.id) ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.at - b.at || a.i - b.i);
    const top = Math.max(0, ranking.hits[0]?.score ?? 0);
    const step = Math.max(top, 1) / 100;
    const first: MatchHit[] = ordered.map((r, j) => {
      const ranked = ranking.hits[r.at];
      const score = Math.round((top + (ordered.length - j) * step) * 1e4) / 1e4;
      const summary = `runbook of the alert ${r.name}`;
      return {
        article: r.article,
        score,
        reason: ranked
          ? { ...ranked.reason, summary: [summary, ranked.reason.summary].filter(Boolean).join('; ') }
          : { summary },
      };
    });
    return {
      hits: [...first, ...ranking.hits.filter((h) => !seen.has(h.article.id))],
      confidence: Math.max(ranking.confidence, ALERT_NAME_CONFIDENCE),
      named: true,
    };
  }

  /**
   * Alert names the message (`plain`: its markup undone) says as words that some article is the
   * runbook of, in order of mention.
   * A word inside a path, URL or host name ("/var/opt/gitlab/nginx") names nothing. A name matches
   * as written, or in any case when it is long and has capitals inside ("cephosddown" for
   * CephOSDDown); a short or plain word ("Watchdog", "GitLab") matches only as written, so
   * "watchdog" or "gitlab" in a sentence does not pull in a runbook.
   */
  private alertNamesIn(plain: string): string[] {
    const text = plain.slice(0, ALERT_NAME_CHARS);
    const out: string[] = [];
    let words = 0;
    for (const m of text.matchAll(ALERT_NAME_WORD)) {
      if (++words > ALERT_NAME_WORDS) break;
      const word = m[0];
      if (out.includes(word) || !this.kb.hasAlertName(word)) continue;
      const lower = word.toLowerCase();
      const said = this.kb
        .withAlertName(word)
        .some((a) =>
          a.alertNames.some(
            (n) => n === word || (n.toLowerCase() === lower && n.length >= ANY_CASE_NAME_CHARS && alertLike(n)),
          ),
        );
      if (said) out.push(word);
    }
    return out;
  }

  /**
   * The team articles a short request names ("show etcdNoLeader", "kb openshift/alerts/…/X.md",
   * "open the runbook for Kube Client Errors"; a bare name when the classifier already said lookup):
   * see `KnowledgeBase.lookup`. `plain` is the message with its markup undone. [] when the message
   * is no such request or names nothing known.
   */
  /** Articles whose number a short message names bare ("290226"), when the KB has an article "Q290226". */
  private bareIds(plain: string): Article[] {
    const text = plain.trim();
    if (text === '' || text.split(/\s+/).length > NAME_LOOKUP_WORDS) return [];
    const found: Article[] = [];
    for (const m of text.matchAll(/(?<![\w.:/-])(\d{5,7})(?![\w.:/-])/g)) {
      const article = this.kb.get(`Q${m[1]}`);
      if (article && !found.includes(article)) found.push(article);
    }
    return found;
  }

  private namedArticles(plain: string, lookupIntent: boolean): Article[] {
    const text = plain.trim();
    if (text === '' || text.split(/\s+/).length > NAME_LOOKUP_WORDS) return [];
    const asked = NAME_LOOKUP.exec(text)?.[1] ?? (lookupIntent ? text.replace(/[\s?.!]+$/, '') : undefined);
    // The archive's articles are asked for by number only (the lookup intent above), as always.
    return asked ? this.kb.lookup(asked).filter((a) => !ARCHIVE_FORMS.includes(a.form)) : [];
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
