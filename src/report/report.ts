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
 *   "version": 2,
 *   "period": { "from": ISO, "to": ISO, "days": N },
 *       // from: 00:00 UTC of the first day; to: `now`. The window is the last N UTC days, today
 *       // included; only records with from <= at <= to count (interactions and feedback alike).
 *   "totals": {
 *     "messages": n,            // interactions in the window (every intent the log holds)
 *     "answered": n, "suggested": n, "unanswered": n,   // by the bot's outcome
 *     "withoutGoodAnswer": n,   // messages in the `unanswered` groups (see below), omitted ones too
 *     "users": n,               // distinct users who asked
 *     "feedback": { "helped": n, "notIt": n },   // on articles and team fixes alike
 *     "fixes": { "saved": n, "led": n }   // team fixes saved in the window; messages answered leading with one
 *   },
 *   "unanswered": [             // what the KB is missing: biggest group first
 *     { "count": n,             // messages in the group
 *       "users": n,             // distinct users among them
 *       "lastAt": ISO,          // the latest of them
 *       "outcomes": { "unanswered": n, "suggested": n, "rejected": n, "teamFix": n },
 *                               // why each had no good answer (see "No good answer")
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
 *       "fixId": string | null,           // the team fix the answers to it led with most often
 *       "answeredShare": 0..1 }           // share of the group answered outright, 3 decimals
 *   ],
 *   "daily": [ { "date": "YYYY-MM-DD", "answered": n, "suggested": n, "unanswered": n } ],
 *                               // one per UTC day of the period, oldest first, zero days included
 *   "fixes": {                  // team fixes (issue #24; version 2)
 *     "new": [                  // fixes saved in the window, newest first
 *       { "id": "fix-12", "title": string, "author": string,   // author: the platform user id
 *         "authorName": string | null, "savedAt": ISO,
 *         "reused": n,                  // messages in the window answered leading with it
 *         "helped": n, "notIt": n }     // feedback on it in the window
 *     ],
 *     "winning": [              // articles a team fix keeps beating: the runbook needs the fix
 *       { "articleId": "Q290226", "title": string | null,
 *         "fixIds": ["fix-12"],  // the fixes that beat it, most shown first
 *         "times": n }          // messages where it was shown under one of those fixes
 *     ]                         // most times first
 *   },
 *   "omitted": { "unanswered": n, "articles": n, "errors": n, "fixes": n, "winning": n }
 *                               // entries beyond the list sizes of the options, left out of the lists
 * }
 * ```
 *
 * Version 2 added `fixes`, `totals.fixes`, `omitted.fixes` and `omitted.winning`, `outcomes.teamFix`
 * in the unanswered groups and `fixId` in the error groups; nothing was removed or renamed.
 *
 * ## Articles and team fixes
 *
 * Feedback is kept per id: feedback on a team fix (`fix-<n>`) counts for that fix only, never for
 * the article shown under it, and the `articles` list holds articles only. A fix beats an article
 * when answers led with the fix and showed the article under it at least `fixWins` times, and in
 * those threads the fix got more "helped" than the article.
 *
 * ## No good answer
 *
 * A message (of an intent not in `ignoredIntents`) had no good answer when the bot
 * - could not answer it (outcome `unanswered`), or
 * - only suggested articles (`suggested`) and nobody then said one of them helped, or
 * - answered it (`answered`) and someone said "not it" (to the article, or to the team fix the
 *   answer led with), and nobody then said an article or that fix helped, or
 * - answered it, nobody said that any of it helped, and the team saved a fix of its own in that
 *   thread (outcome `teamFix`): the KB did not have what the team found.
 * Feedback on an article belongs to a message when it is in the same conversation and thread and its
 * signature is the message's (similarity >= `sameMessage`; or the same text when a signature is
 * empty). Feedback on the team fix an answer led with belongs to it when it is in the same thread.
 *
 * ## Grouping
 *
 * The unanswered messages, and the error pastes, are grouped by ./group.ts: greedy, oldest message
 * first, a message joins the group whose first message is most similar to it (cosine of
 * signatures) if that is >= `threshold`, else it starts a group; messages with an empty signature
 * group by identical text. The terminal view of a Report is ./format.ts.
 */
import { similarity } from '../memory/signature.js';
import type { FeedbackRecord, FixRecord, Interaction, Outcome } from '../memory/types.js';
import { groupSimilar } from './group.js';

export const REPORT_VERSION = 2;

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
  /** Most new team fixes listed (and most articles in `fixes.winning`). */
  maxFixes: number;
  /** Times an article must have been shown under a team fix that beat it before it is listed as beaten. */
  fixWins: number;
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
 * 30 days; 50 unanswered groups, 100 articles, 25 error groups, 50 new fixes, 3 examples of at
 * most 300 characters; greetings, help, feedback and chatter are not questions for the KB. An
 * article is beaten by a team fix once the fix won in 3 answers that showed both: once can be
 * chance, three times in a month is a runbook to update.
 */
export const REPORT_DEFAULTS: Readonly<ReportOptions> = Object.freeze({
  threshold: 0.6,
  sameMessage: 0.95,
  days: 30,
  maxUnanswered: 50,
  maxArticles: 100,
  maxErrors: 25,
  maxFixes: 50,
  fixWins: 3,
  examples: 3,
  exampleChars: 300,
  ignoredIntents: Object.freeze(['greeting', 'help', 'feedback', 'chatter']),
});

export interface ReportInput {
  interactions: readonly Interaction[];
  feedback: readonly FeedbackRecord[];
  /**
   * The team fixes in the storage (all of them: those saved in the window are listed as new; any of
   * them saved in a thread tells that the KB lacked what the team found there). Default none.
   */
  fixes?: readonly FixRecord[];
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
  outcomes: { unanswered: number; suggested: number; rejected: number; teamFix: number };
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
  fixId: string | null;
  answeredShare: number;
}

/** A team fix saved in the window, and how it fared. */
export interface NewFixStats {
  id: string;
  title: string;
  /** The platform user id of whoever wrote it. */
  author: string;
  authorName: string | null;
  savedAt: string;
  /** Messages in the window whose answer led with it. */
  reused: number;
  helped: number;
  notIt: number;
}

/** An article that team fixes keep beating. */
export interface BeatenArticle {
  articleId: string;
  title: string | null;
  /** The fixes that beat it, most shown with it first. */
  fixIds: string[];
  /** Messages where it was shown under one of those fixes. */
  times: number;
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
    fixes: { saved: number; led: number };
  };
  unanswered: UnansweredGroup[];
  articles: ArticleStats[];
  errors: ErrorGroup[];
  daily: DailyCount[];
  fixes: { new: NewFixStats[]; winning: BeatenArticle[] };
  omitted: { unanswered: number; articles: number; errors: number; fixes: number; winning: number };
}

/** A team fix's id as the fix store gives it ("fix-12"); anything else is an article's. */
const FIX_ID = /^fix-\d+$/;

/** Whether `id` names a team fix rather than an article. */
export function isFixId(id: string): boolean {
  return FIX_ID.test(id);
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
  // Feedback on an article counts for articles, feedback on a team fix for that fix only.
  const articleFeedback = feedback.filter((f) => !isFixId(f.articleId));
  const fixFeedback = feedback.filter((f) => isFixId(f.articleId));
  const allFixes = input.fixes ?? [];
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
    fixes: { saved: 0, led: 0 },
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
  const newFixes = allFixes.filter((f) => inWindow(f.savedAt));
  totals.fixes.saved = newFixes.length;
  totals.fixes.led = interactions.filter((i) => i.fixId).length;

  // What had no good answer.
  const verdicts = feedbackVerdicts(interactions, articleFeedback, options.sameMessage);
  const ledVerdicts = fixVerdicts(interactions, fixFeedback);
  // Threads where the team saved a fix of its own: the fixes there, by thread.
  const fixedThreads = new Map<string, Set<string>>();
  for (const f of allFixes) {
    const key = threadKey(f.conversation, f.thread);
    const ids = fixedThreads.get(key);
    if (ids) ids.add(f.id);
    else fixedThreads.set(key, new Set([f.id]));
  }
  const teamFixed = (i: Interaction): boolean =>
    [...(fixedThreads.get(threadKey(i.conversation, i.thread)) ?? [])].some((id) => id !== i.fixId);
  const ignored = new Set(options.ignoredIntents);
  const missing: { i: Interaction; why: keyof UnansweredGroup['outcomes'] }[] = [];
  interactions.forEach((i, n) => {
    if (ignored.has(i.intent)) return;
    const v = (verdicts[n] ?? 0) | (ledVerdicts[n] ?? 0);
    if (i.outcome === 'unanswered') missing.push({ i, why: 'unanswered' });
    else if (i.outcome === 'suggested' && !(v & HELPED)) missing.push({ i, why: 'suggested' });
    else if (i.outcome === 'answered' && v & NOT_IT && !(v & HELPED)) missing.push({ i, why: 'rejected' });
    else if (i.outcome === 'answered' && !(v & HELPED) && teamFixed(i)) missing.push({ i, why: 'teamFix' });
  });
  totals.withoutGoodAnswer = missing.length;
  const unansweredAll = groupSimilar(
    missing,
    (m) => m.i.signature,
    (m) => m.i.text,
    options,
  )
    .map((members): UnansweredGroup => {
      const outcomes = { unanswered: 0, suggested: 0, rejected: 0, teamFix: 0 };
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
    if (i.articleId === null || isFixId(i.articleId) || (i.outcome !== 'answered' && i.outcome !== 'suggested'))
      continue;
    statsOf(i.articleId)[i.outcome]++;
  }
  for (const f of articleFeedback) statsOf(f.articleId)[f.helpful ? 'helped' : 'notIt']++;
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
      const articleId = mostGiven(items, (i) => i.articleId);
      const newestText = [...items].reverse().find((i) => i.text !== null)?.text ?? null;
      return {
        count: items.length,
        users: distinct(items, (i) => i.user),
        lastAt: iso(lastAt(items)),
        example: cut(newestText, options.exampleChars),
        articleId,
        title: articleId === null ? null : titleOf(articleId),
        fixId: mostGiven(items, (i) => i.fixId ?? null),
        answeredShare: round3(items.filter((i) => i.outcome === 'answered').length / items.length),
      };
    })
    .sort((a, b) => b.count - a.count || b.users - a.users || (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));

  // Team fixes: the new ones and how they fared, and the articles they beat.
  const fixStats = new Map<string, { reused: number; helped: number; notIt: number }>();
  const fixStatsOf = (id: string) => {
    let s = fixStats.get(id);
    if (!s) fixStats.set(id, (s = { reused: 0, helped: 0, notIt: 0 }));
    return s;
  };
  for (const i of interactions) if (i.fixId) fixStatsOf(i.fixId).reused++;
  for (const f of fixFeedback) fixStatsOf(f.articleId)[f.helpful ? 'helped' : 'notIt']++;
  const newAll = [...newFixes]
    .sort((a, b) => b.savedAt - a.savedAt || fixNumber(b.id) - fixNumber(a.id))
    .map((f): NewFixStats => ({
      id: f.id,
      title: f.title,
      author: f.author,
      authorName: f.authorName,
      savedAt: iso(f.savedAt),
      ...(fixStats.get(f.id) ?? { reused: 0, helped: 0, notIt: 0 }),
    }));
  const winningAll = beatenArticles(interactions, feedback, options.fixWins).map((b) => ({
    ...b,
    title: titleOf(b.articleId),
  }));

  return {
    version: REPORT_VERSION,
    period: { from: iso(from), to: iso(to), days },
    totals,
    unanswered: unansweredAll.slice(0, options.maxUnanswered),
    articles: articlesAll.slice(0, options.maxArticles),
    errors: errorsAll.slice(0, options.maxErrors),
    daily,
    fixes: { new: newAll.slice(0, options.maxFixes), winning: winningAll.slice(0, options.maxFixes) },
    omitted: {
      unanswered: Math.max(0, unansweredAll.length - options.maxUnanswered),
      articles: Math.max(0, articlesAll.length - options.maxArticles),
      errors: Math.max(0, errorsAll.length - options.maxErrors),
      fixes: Math.max(0, newAll.length - options.maxFixes),
      winning: Math.max(0, winningAll.length - options.maxFixes),
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

/** The id (article, or team fix) given most often in a group (ties: the one given last), or null. */
function mostGiven(items: readonly Interaction[], idOf: (i: Interaction) => string | null): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const i of items) {
    const id = idOf(i);
    if (id === null) continue;
    const c = (counts.get(id) ?? 0) + 1;
    counts.set(id, c);
    if (c >= bestCount) {
      best = id;
      bestCount = c;
    }
  }
  return best;
}

/** The n of "fix-n" (0 for anything else), to order fixes saved in the same millisecond. */
function fixNumber(id: string): number {
  return Number(/^fix-(\d+)$/.exec(id)?.[1] ?? 0);
}

/**
 * Per interaction (same order): HELPED and/or NOT_IT when the team fix its answer led with got such
 * feedback in its thread (the fix's id is the message's: no signature to compare).
 */
function fixVerdicts(interactions: readonly Interaction[], fixFeedback: readonly FeedbackRecord[]): number[] {
  const byKey = new Map<string, number>();
  for (const f of fixFeedback) {
    const key = `${threadKey(f.conversation, f.thread)}\u0000${f.articleId}`;
    byKey.set(key, (byKey.get(key) ?? 0) | (f.helpful ? HELPED : NOT_IT));
  }
  return interactions.map((i) =>
    i.fixId ? (byKey.get(`${threadKey(i.conversation, i.thread)}\u0000${i.fixId}`) ?? 0) : 0,
  );
}

/**
 * Articles shown under a leading team fix that beat them: per (article, fix) pair, the messages
 * answered with both, and the "helped" each got in those threads; a pair counts when it was shown
 * at least `fixWins` times and the fix got more "helped" than the article. Most times first.
 */
function beatenArticles(
  interactions: readonly Interaction[],
  feedback: readonly FeedbackRecord[],
  fixWins: number,
): Omit<BeatenArticle, 'title'>[] {
  const pairs = new Map<string, { articleId: string; fixId: string; times: number; threads: Set<string> }>();
  for (const i of interactions) {
    if (!i.fixId || i.articleId === null || isFixId(i.articleId)) continue;
    if (i.outcome !== 'answered' && i.outcome !== 'suggested') continue;
    const key = `${i.articleId}\u0000${i.fixId}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { articleId: i.articleId, fixId: i.fixId, times: 0, threads: new Set() }));
    p.times++;
    p.threads.add(threadKey(i.conversation, i.thread));
  }
  // "helped" per thread and id, so each pair counts its own threads only.
  const helped = new Map<string, Map<string, number>>();
  for (const f of feedback) {
    if (!f.helpful) continue;
    const key = threadKey(f.conversation, f.thread);
    let ids = helped.get(key);
    if (!ids) helped.set(key, (ids = new Map()));
    ids.set(f.articleId, (ids.get(f.articleId) ?? 0) + 1);
  }
  const helpedIn = (id: string, threads: Set<string>): number => {
    let n = 0;
    for (const t of threads) n += helped.get(t)?.get(id) ?? 0;
    return n;
  };
  const byArticle = new Map<string, { fixes: { id: string; times: number }[]; times: number }>();
  for (const p of pairs.values()) {
    if (p.times < fixWins || helpedIn(p.fixId, p.threads) <= helpedIn(p.articleId, p.threads)) continue;
    let a = byArticle.get(p.articleId);
    if (!a) byArticle.set(p.articleId, (a = { fixes: [], times: 0 }));
    a.fixes.push({ id: p.fixId, times: p.times });
    a.times += p.times;
  }
  return [...byArticle.entries()]
    .map(([articleId, a]) => ({
      articleId,
      fixIds: a.fixes.sort((x, y) => y.times - x.times || fixNumber(x.id) - fixNumber(y.id)).map((f) => f.id),
      times: a.times,
    }))
    .sort((a, b) => b.times - a.times || (a.articleId < b.articleId ? -1 : a.articleId > b.articleId ? 1 : 0));
}
