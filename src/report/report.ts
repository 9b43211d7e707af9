/**
 * The report a KB owner acts on (`kbbot report`): from the interaction log and the feedback, what
 * was asked that the KB does not answer, how each article fares, which errors are pasted most, and
 * answered vs unanswered per day. Pure: records in, report out (no I/O, no clock unless `now` is
 * left out).
 *
 * ## The Report (JSON contract of `kbbot report --json`; `REPORT_VERSION` changes when it does)
 *
 * ```text
 * {
 *   "version": 1,
 *   "period": { "from": ISO, "to": ISO, "days": N },
 *       // from: 00:00 UTC of the first day; to: `now`. The window is the last N UTC days, today
 *       // included; only records with from <= at <= to count (interactions and feedback alike).
 *   "totals": {
 *     "messages": n,            // interactions in the window (every intent the log holds)
 *     "answered": n, "suggested": n, "unanswered": n,   // by the bot's outcome
 *     "withoutGoodAnswer": n,   // messages in the `unanswered` groups (see below), omitted ones too
 *     "users": n,               // distinct users who asked
 *     "feedback": { "helped": n, "notIt": n }
 *   },
 *   "unanswered": [             // what the KB is missing: biggest group first
 *     { "count": n,             // messages in the group
 *       "users": n,             // distinct users among them
 *       "lastAt": ISO,          // the latest of them
 *       "outcomes": { "unanswered": n, "suggested": n, "rejected": n },  // why each had no good answer
 *       "examples": [string | null] }  // up to 3 distinct texts, newest first, cut to 300 characters
 *   ],                                  //   ("..." at the end); null: a text not kept (STORE_MESSAGES
 *                                       //   was off), listed at most once
 *   "articles": [               // every article answered, suggested or given feedback on
 *     { "id": "Q290226", "title": string | null,
 *       "answered": n, "suggested": n,  // messages answered with it / where it was the first suggestion
 *       "helped": n, "notIt": n,        // feedback on it
 *       "helpfulness": 0..1 | null }    // helped / (helped + notIt), 3 decimals; null without feedback
 *   ],                          // most "not it" first, then the least helpful, then the most used
 *   "errors": [                 // error pastes (intent error_paste), grouped: most pasted first
 *     { "count": n, "users": n, "lastAt": ISO,
 *       "example": string | null,         // the newest kept text of the group (cut like examples)
 *       "articleId": string | null,       // the article most often given for it (answer or first suggestion)
 *       "title": string | null,
 *       "answeredShare": 0..1 }           // share of the group answered outright, 3 decimals
 *   ],
 *   "daily": [ { "date": "YYYY-MM-DD", "answered": n, "suggested": n, "unanswered": n } ],
 *                               // one per UTC day of the period, oldest first, zero days included
 *   "omitted": { "unanswered": n, "articles": n, "errors": n }
 *                               // entries beyond the list sizes of the options, left out of the lists
 * }
 * ```
 *
 * ## No good answer
 *
 * A message (of an intent not in `ignoredIntents`) had no good answer when the bot
 * - could not answer it (outcome `unanswered`), or
 * - only suggested articles (`suggested`) and nobody then said one of them helped, or
 * - answered it (`answered`) and someone said "not it", and nobody then said an article helped.
 * Feedback belongs to a message when it is in the same conversation and thread and its signature is
 * the message's (similarity >= `sameMessage`; or the same text when a signature is empty).
 *
 * ## Grouping
 *
 * The unanswered messages, and the error pastes, are grouped by ./group.ts: greedy, oldest message
 * first, a message joins the group whose first message is most similar to it (cosine of
 * signatures) if that is >= `threshold`, else it starts a group; messages with an empty signature
 * group by identical text. The terminal view of a Report is ./format.ts.
 */
import { similarity } from '../memory/signature.js';
import type { FeedbackRecord, Interaction, Outcome } from '../memory/types.js';
import { groupSimilar } from './group.js';

export const REPORT_VERSION = 1;

export interface ReportOptions {
  /** Cosine similarity of signatures at which two messages are "the same question". */
  threshold: number;
  /** Similarity at which a feedback record's signature is that of the message (both are the same text's). */
  sameMessage: number;
  /** Days in the window, today (UTC) included. */
  days: number;
  /** Most unanswered groups listed. */
  maxUnanswered: number;
  /** Most articles listed. */
  maxArticles: number;
  /** Most error groups listed. */
  maxErrors: number;
  /** Examples per unanswered group. */
  examples: number;
  /** Example texts longer than this are cut, ending in "...". */
  exampleChars: number;
  /** Intents that are not questions for the KB: never counted as missing from it. */
  ignoredIntents: readonly string[];
}

/**
 * The defaults: messages whose signatures have a cosine of 0.6 or more are one question (most of
 * their weight on the same terms: a rewording, or the same error from another server or path);
 * 30 days; 50 unanswered groups, 100 articles, 25 error groups, 3 examples of at most 300
 * characters; greetings, help, feedback and chatter are not questions for the KB.
 */
export const REPORT_DEFAULTS: Readonly<ReportOptions> = Object.freeze({
  threshold: 0.6,
  sameMessage: 0.95,
  days: 30,
  maxUnanswered: 50,
  maxArticles: 100,
  maxErrors: 25,
  examples: 3,
  exampleChars: 300,
  ignoredIntents: Object.freeze(['greeting', 'help', 'feedback', 'chatter']),
});

export interface ReportInput {
  interactions: readonly Interaction[];
  feedback: readonly FeedbackRecord[];
  /** The title of an article, when known. */
  title?: (id: string) => string | undefined;
  /** "Now" in ms since the epoch (default: the clock). */
  now?: number;
  /** Days in the window (default: `options.days`). */
  days?: number;
}

export interface UnansweredGroup {
  count: number;
  users: number;
  lastAt: string;
  outcomes: { unanswered: number; suggested: number; rejected: number };
  examples: (string | null)[];
}

export interface ArticleStats {
  id: string;
  title: string | null;
  answered: number;
  suggested: number;
  helped: number;
  notIt: number;
  helpfulness: number | null;
}

export interface ErrorGroup {
  count: number;
  users: number;
  lastAt: string;
  example: string | null;
  articleId: string | null;
  title: string | null;
  answeredShare: number;
}

export interface DailyCount {
  date: string;
  answered: number;
  suggested: number;
  unanswered: number;
}

export interface Report {
  version: typeof REPORT_VERSION;
  period: { from: string; to: string; days: number };
  totals: {
    messages: number;
    answered: number;
    suggested: number;
    unanswered: number;
    withoutGoodAnswer: number;
    users: number;
    feedback: { helped: number; notIt: number };
  };
  unanswered: UnansweredGroup[];
  articles: ArticleStats[];
  errors: ErrorGroup[];
  daily: DailyCount[];
  omitted: { unanswered: number; articles: number; errors: number };
}

const DAY_MS = 86_400_000;

/** 00:00 UTC of the day `ms` falls in. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The report window: from 00:00 UTC `days - 1` days before `now`'s day, to `now`. */
export function reportWindow(now: number, days: number): { from: number; to: number } {
  const n = Math.max(1, Math.floor(days));
  return { from: startOfUtcDay(now) - (n - 1) * DAY_MS, to: now };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** `text` cut to `max` characters (the last three "..."), or as is; null stays null. */
function cut(text: string | null, max: number): string | null {
  if (text === null || text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}
const iso = (ms: number): string => new Date(ms).toISOString();

export function buildReport(input: ReportInput, options: Readonly<ReportOptions> = REPORT_DEFAULTS): Report {
  const now = input.now ?? Date.now();
  const days = Math.max(1, Math.floor(input.days ?? options.days));
  const { from, to } = reportWindow(now, days);
  const inWindow = (at: number): boolean => at >= from && at <= to;
  const interactions = input.interactions.filter((i) => inWindow(i.at)).sort((a, b) => a.at - b.at);
  const feedback = input.feedback.filter((f) => inWindow(f.at));
  const titleOf = (id: string): string | null => {
    try {
      return input.title?.(id) ?? null;
    } catch {
      return null;
    }
  };

  // Totals and days.
  const totals: Report['totals'] = {
    messages: interactions.length,
    answered: 0,
    suggested: 0,
    unanswered: 0,
    withoutGoodAnswer: 0,
    users: 0,
    feedback: { helped: 0, notIt: 0 },
  };
  const daily: DailyCount[] = [];
  for (let d = from; d <= to; d += DAY_MS)
    daily.push({ date: iso(d).slice(0, 10), answered: 0, suggested: 0, unanswered: 0 });
  const users = new Set<string>();
  for (const i of interactions) {
    const outcome = knownOutcome(i.outcome);
    users.add(i.user);
    if (!outcome) continue;
    totals[outcome]++;
    const day = daily[Math.floor((i.at - from) / DAY_MS)];
    if (day) day[outcome]++;
  }
  totals.users = users.size;
  for (const f of feedback) totals.feedback[f.helpful ? 'helped' : 'notIt']++;

  // What had no good answer.
  const verdicts = feedbackVerdicts(interactions, feedback, options.sameMessage);
  const ignored = new Set(options.ignoredIntents);
  const missing: { i: Interaction; why: keyof UnansweredGroup['outcomes'] }[] = [];
  interactions.forEach((i, n) => {
    if (ignored.has(i.intent)) return;
    const v = verdicts[n] ?? 0;
    if (i.outcome === 'unanswered') missing.push({ i, why: 'unanswered' });
    else if (i.outcome === 'suggested' && !(v & HELPED)) missing.push({ i, why: 'suggested' });
    else if (i.outcome === 'answered' && v & NOT_IT && !(v & HELPED)) missing.push({ i, why: 'rejected' });
  });
  totals.withoutGoodAnswer = missing.length;
  const unansweredAll = groupSimilar(
    missing,
    (m) => m.i.signature,
    (m) => m.i.text,
    options,
  )
    .map((members): UnansweredGroup => {
      const outcomes = { unanswered: 0, suggested: 0, rejected: 0 };
      for (const m of members) outcomes[m.why]++;
      const items = members.map((m) => m.i);
      return {
        count: members.length,
        users: distinct(items, (i) => i.user),
        lastAt: iso(lastAt(items)),
        outcomes,
        examples: examplesOf(items, options.examples).map((t) => cut(t, options.exampleChars)),
      };
    })
    .sort((a, b) => b.count - a.count || b.users - a.users || (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));

  // Articles.
  const byArticle = new Map<string, ArticleStats>();
  const statsOf = (id: string): ArticleStats => {
    let s = byArticle.get(id);
    if (!s)
      byArticle.set(id, (s = { id, title: null, answered: 0, suggested: 0, helped: 0, notIt: 0, helpfulness: null }));
    return s;
  };
  for (const i of interactions) {
    if (i.articleId === null || (i.outcome !== 'answered' && i.outcome !== 'suggested')) continue;
    statsOf(i.articleId)[i.outcome]++;
  }
  for (const f of feedback) statsOf(f.articleId)[f.helpful ? 'helped' : 'notIt']++;
  const articlesAll = [...byArticle.values()]
    .map((s) => ({
      ...s,
      title: titleOf(s.id),
      helpfulness: s.helped + s.notIt > 0 ? round3(s.helped / (s.helped + s.notIt)) : null,
    }))
    .sort(
      (a, b) =>
        b.notIt - a.notIt ||
        (a.helpfulness ?? 2) - (b.helpfulness ?? 2) ||
        b.answered + b.suggested - (a.answered + a.suggested) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );

  // Errors pasted.
  const pastes = interactions.filter((i) => i.intent === 'error_paste');
  const errorsAll = groupSimilar(
    pastes,
    (i) => i.signature,
    (i) => i.text,
    options,
  )
    .map((items): ErrorGroup => {
      const articleId = mostGiven(items);
      const newestText = [...items].reverse().find((i) => i.text !== null)?.text ?? null;
      return {
        count: items.length,
        users: distinct(items, (i) => i.user),
        lastAt: iso(lastAt(items)),
        example: cut(newestText, options.exampleChars),
        articleId,
        title: articleId === null ? null : titleOf(articleId),
        answeredShare: round3(items.filter((i) => i.outcome === 'answered').length / items.length),
      };
    })
    .sort((a, b) => b.count - a.count || b.users - a.users || (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));

  return {
    version: REPORT_VERSION,
    period: { from: iso(from), to: iso(to), days },
    totals,
    unanswered: unansweredAll.slice(0, options.maxUnanswered),
    articles: articlesAll.slice(0, options.maxArticles),
    errors: errorsAll.slice(0, options.maxErrors),
    daily,
    omitted: {
      unanswered: Math.max(0, unansweredAll.length - options.maxUnanswered),
      articles: Math.max(0, articlesAll.length - options.maxArticles),
      errors: Math.max(0, errorsAll.length - options.maxErrors),
    },
  };
}

/** An empty report for the window ending `now` (no data yet). */
export function emptyReport(now = Date.now(), days: number = REPORT_DEFAULTS.days): Report {
  return buildReport({ interactions: [], feedback: [], now, days });
}

function knownOutcome(o: Outcome): Outcome | undefined {
  return o === 'answered' || o === 'suggested' || o === 'unanswered' ? o : undefined;
}

const HELPED = 1;
const NOT_IT = 2;

/** Per interaction (same order): HELPED and/or NOT_IT when such feedback was given on that message. */
function feedbackVerdicts(
  interactions: readonly Interaction[],
  feedback: readonly FeedbackRecord[],
  sameMessage: number,
): number[] {
  const byThread = new Map<string, FeedbackRecord[]>();
  for (const f of feedback) {
    const key = threadKey(f.conversation, f.thread);
    const list = byThread.get(key);
    if (list) list.push(f);
    else byThread.set(key, [f]);
  }
  return interactions.map((i) => {
    const list = byThread.get(threadKey(i.conversation, i.thread));
    if (!list) return 0;
    let v = 0;
    for (const f of list) {
      const same =
        i.signature.length && f.signature.length
          ? similarity(i.signature, f.signature) >= sameMessage
          : i.text !== null && i.text === f.query;
      if (same) v |= f.helpful ? HELPED : NOT_IT;
    }
    return v;
  });
}

const threadKey = (conversation: string, thread: string): string => `${conversation}\u0000${thread}`;

function distinct<T>(items: readonly T[], key: (t: T) => string): number {
  return new Set(items.map(key)).size;
}

function lastAt(items: readonly Interaction[]): number {
  let max = -Infinity;
  for (const i of items) if (i.at > max) max = i.at;
  return max;
}

/** Up to `max` distinct texts, newest first; null (not kept) at most once. */
function examplesOf(items: readonly Interaction[], max: number): (string | null)[] {
  const seen = new Set<string | null>();
  for (let k = items.length - 1; k >= 0 && seen.size < max; k--) seen.add(items[k]!.text);
  return [...seen];
}

/** The article given most often in a group (ties: the one given last), or null. */
function mostGiven(items: readonly Interaction[]): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const i of items) {
    if (i.articleId === null) continue;
    const c = (counts.get(i.articleId) ?? 0) + 1;
    counts.set(i.articleId, c);
    if (c >= bestCount) {
      best = i.articleId;
      bestCount = c;
    }
  }
  return best;
}
