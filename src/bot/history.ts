/**
 * "Has anyone seen this before?" (issue #24, design 3.5): the past threads with the same error, and
 * how each ended.
 *
 * An item is either a saved team fix that answers the query (FixIndex.search, at or above the
 * bot's `suggest` threshold), or a past thread from the interaction log whose message signature is
 * close to this one (cosine similarity at or above `HISTORY_DEFAULTS.similarity`). Never the thread
 * asked in; one item per thread (a thread with a fix is shown as that fix). Each says how it ended:
 *
 * - "fixed: <fix title>" when a fix was saved from that thread;
 * - "<article> helped" / "<article> was not it" from the feedback given in that thread;
 * - "answered with <article>, no feedback" (or "suggested <article>, no feedback");
 * - "unanswered".
 *
 * No message text is read or shown: titles come from the fix or the article, so the list is the
 * same with STORE_MESSAGES off, and nothing said in one channel is quoted into another (a fix is
 * the exception: saving it was an explicit act, and it is shown in any channel anyway).
 *
 * One linear pass over the log (since `HISTORY_DEFAULTS.maxAgeDays`), its signatures packed in typed
 * arrays and, when the storage has a data version, kept between questions (only new rows are read);
 * test/unit/bot/history.test.ts measures it at 100,000 rows.
 */
import type { FixIndex } from '../fixes/index.js';
import type { AsyncFeedbackLog, AsyncInteractionLog } from '../memory/async-types.js';
import type { FeedbackRecord, FixRecord, Interaction, Signature } from '../memory/types.js';
import { similarity as signatureSimilarity } from '../memory/signature.js';
import { CONFIDENCE_THRESHOLDS } from './match.js';
import type { HistoryItem } from './reply.js';

export const HISTORY_DEFAULTS = {
  /** Items listed at most, newest first. */
  max: 5,
  /** A past message counts as the same error from this cosine similarity of signatures (0-1). */
  similarity: 0.5,
  /** A fix counts from this search confidence: the bot's "did you mean" threshold. */
  fixConfidence: CONFIDENCE_THRESHOLDS.suggest,
  /** Fixes asked of the index at most (more than `max`: some may be from this thread). */
  fixes: 10,
  /** How far back the log is read, in days. */
  maxAgeDays: 365,
  /** A kept log holding rows this many days older than `maxAgeDays` is read again, without them. */
  compactDays: 30,
};

export type HistoryDefaults = typeof HISTORY_DEFAULTS;

/** What the history reads of the log. */
export type HistoryLog = Pick<AsyncInteractionLog, 'list'>;

export interface HistorySources {
  fixes?: FixIndex;
  interactions?: HistoryLog;
  feedback?: Pick<AsyncFeedbackLog, 'list'>;
  /**
   * The title of an article id, when the KB has it: a thread's item then reads "Q193567: XADM: …"
   * rather than "Q193567". Optional; without it the id alone is shown.
   */
  articleTitle?: (id: string) => string | undefined;
  /**
   * The storage's data version as the bot last read it (AsyncStorage.dataVersion). Given, the log's
   * signatures are kept in memory between questions (packed, about 350 bytes a row) and only rows
   * added since are read; another version (another process ran `kbbot forget`) reads the log
   * again. Without it the log is read on every question.
   */
  version?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `conversation` NUL `thread`: a thread's key here (as threadKey, without importing message.ts). */
const keyOf = (conversation: string, thread: string): string => `${conversation}\u0000${thread}`;

/** A logged message, as much as the history needs; its signature is `hashes`/`weights` [start, end) of its log. */
interface LogRow {
  at: number;
  conversation: string;
  thread: string;
  outcome: Interaction['outcome'];
  articleId: string | null;
  fixId: string | null;
  start: number;
  end: number;
  /** The signature's Euclidean norm. */
  norm: number;
}

/** The past message that stands for its thread (its first one with the error), and how close the closest was. */
interface ThreadHit {
  first: LogRow;
  best: number;
}

/**
 * The interaction log's signatures packed into typed arrays (a term: a 32-bit hash and a 32-bit
 * float weight), so a question scans flat memory rather than 100,000 small arrays, and so the log
 * can be kept between questions. The log only grows (a forget changes the data version, and the
 * log is read again): the next read asks for the rows `since` the latest row's time, and skips the
 * rows already held at that very millisecond. A row read twice (the
 * resilient storage's pending rows, written later) does no harm: items are one per thread.
 */
class PackedLog {
  readonly rows: LogRow[] = [];
  hashes = new Uint32Array(4096);
  weights = new Float32Array(4096);
  private used = 0;
  private lastAt = -Infinity;
  /** Keys of the rows held at `lastAt`. */
  private atLast = new Set<string>();
  /** The read in flight: the next one starts after it, so two questions never add the same rows twice. */
  private reading: Promise<void> = Promise.resolve();

  constructor(
    /** The earliest time read. */
    readonly from: number,
    /** The storage's data version when read; undefined when it has none. */
    readonly version: number | undefined,
  ) {}

  /** Read the rows added since the last read (after any read in flight). Rejects when the log cannot be read. */
  update(log: HistoryLog): Promise<void> {
    const read = async (): Promise<void> => {
      const since = Math.max(this.from, this.lastAt);
      for (const row of await log.list({ since })) this.add(row);
    };
    const next = this.reading.then(read, read);
    this.reading = next.catch(() => undefined);
    return next;
  }

  private add(row: Interaction): void {
    const key = `${row.at}\u0000${row.user}\u0000${row.conversation}\u0000${row.thread}\u0000${row.intent}`;
    if (row.at > this.lastAt) {
      this.lastAt = row.at;
      this.atLast = new Set([key]);
    } else if (row.at === this.lastAt) {
      if (this.atLast.has(key)) return;
      this.atLast.add(key);
    }
    const pairs = sortedSignature(row.signature);
    this.reserve(pairs.length);
    const start = this.used;
    let sum = 0;
    for (const [hash, weight] of pairs) {
      this.hashes[this.used] = hash;
      this.weights[this.used] = weight;
      const w = this.weights[this.used] as number;
      sum += w * w;
      this.used++;
    }
    this.rows.push({
      at: row.at,
      conversation: row.conversation,
      thread: row.thread,
      outcome: row.outcome,
      articleId: row.articleId,
      fixId: row.fixId ?? null,
      start,
      end: this.used,
      norm: Math.sqrt(sum),
    });
  }

  private reserve(n: number): void {
    if (this.used + n <= this.hashes.length) return;
    const size = Math.max(this.hashes.length * 2, this.used + n);
    const hashes = new Uint32Array(size);
    const weights = new Float32Array(size);
    hashes.set(this.hashes.subarray(0, this.used));
    weights.set(this.weights.subarray(0, this.used));
    this.hashes = hashes;
    this.weights = weights;
  }
}

const isSorted = (s: Signature): boolean => s.every((p, i) => i === 0 || (s[i - 1] as [number, number])[0] < p[0]);

/** `s` in hash order (stored signatures already are; this only guards against one that is not). */
const sortedSignature = (s: Signature): Signature => (isSorted(s) ? s : [...s].sort((a, b) => a[0] - b[0]));

/** Kept packed logs, by log (see HistorySources.version). */
const packed = new WeakMap<HistoryLog, PackedLog>();

/** The log's rows since `since`, packed and kept between calls (the storage has a data version). */
async function keptLog(log: HistoryLog, since: number, version: number): Promise<PackedLog> {
  let held = packed.get(log);
  if (
    !held ||
    held.version !== version ||
    since < held.from ||
    since - held.from > HISTORY_DEFAULTS.compactDays * DAY_MS
  ) {
    held = new PackedLog(since, version);
    packed.set(log, held);
  }
  await held.update(log);
  return held;
}

/**
 * Bring the kept log up to `sources.version` now (at start-up, `Bot.refresh`), so the next "has
 * anyone seen this before?" does not wait for it. Only useful with `sources.version` (otherwise
 * nothing is kept). Never rejects.
 */
export async function refreshHistory(sources: HistorySources, now: number = Date.now()): Promise<void> {
  if (!sources.interactions || sources.version === undefined) return;
  try {
    await keptLog(sources.interactions, now - HISTORY_DEFAULTS.maxAgeDays * DAY_MS, sources.version);
  } catch {
    // The storage is failing; the first question reads the log instead.
  }
}

/** A query signature ready for merging: hashes ascending, weights, norm. */
interface Query {
  hashes: Uint32Array;
  weights: Float64Array;
  norm: number;
}

function queryOf(signature: Signature): Query {
  const sorted = sortedSignature(signature);
  const weights = Float64Array.from(sorted, (p) => p[1]);
  let sum = 0;
  for (const w of weights) sum += w * w;
  return { hashes: Uint32Array.from(sorted, (p) => p[0]), weights, norm: Math.sqrt(sum) };
}

/** Keeps, per thread other than `hereKey`, its first row at least `min` similar, and the best similarity. */
class ThreadHits {
  readonly byThread = new Map<string, ThreadHit>();
  constructor(
    readonly min: number,
    private readonly hereKey: string,
  ) {}

  offer(row: LogRow, similarity: number): void {
    if (similarity < this.min) return;
    const key = keyOf(row.conversation, row.thread);
    if (key === this.hereKey) return;
    const had = this.byThread.get(key);
    if (!had) this.byThread.set(key, { first: row, best: similarity });
    else if (similarity > had.best) had.best = similarity;
  }
}

/** Cosine similarity of the query with a packed row, by merging the two hash-sorted lists (as memory/signature.ts `similarity`). */
function packedSimilarity(q: Query, log: PackedLog, row: LogRow): number {
  if (row.norm === 0 || q.norm === 0) return 0;
  const { hashes, weights } = log;
  let dot = 0;
  let i = 0;
  let j = row.start;
  while (i < q.hashes.length && j < row.end) {
    const a = q.hashes[i] as number;
    const b = hashes[j] as number;
    if (a === b) dot += (q.weights[i++] as number) * (weights[j++] as number);
    else if (a < b) i++;
    else j++;
  }
  return Math.min(1, dot / (q.norm * row.norm));
}

/** Past threads with a message like `signature`: from the kept log, or from the log read now. */
async function similarThreads(
  sources: HistorySources,
  log: HistoryLog,
  signature: Signature,
  since: number,
  hits: ThreadHits,
): Promise<void> {
  if (sources.version !== undefined) {
    const q = queryOf(signature);
    const kept = await keptLog(log, since, sources.version);
    for (const row of kept.rows) if (row.at >= since) hits.offer(row, packedSimilarity(q, kept, row));
    return;
  }
  const query = sortedSignature(signature);
  for (const r of await log.list({ since })) {
    if (r.signature.length === 0) continue;
    const similarity = signatureSimilarity(query, sortedSignature(r.signature));
    if (similarity < hits.min) continue;
    hits.offer(
      {
        at: r.at,
        conversation: r.conversation,
        thread: r.thread,
        outcome: r.outcome,
        articleId: r.articleId,
        fixId: r.fixId ?? null,
        // Not in a packed log: only its similarity, given here, is read.
        start: 0,
        end: 0,
        norm: 0,
      },
      similarity,
    );
  }
}

/**
 * Past threads with the same error as `query` / `signature`, newest first, at most
 * `HISTORY_DEFAULTS.max`; never the thread `here`. Threads with a fix come first when there are more
 * than `max` (they are what a person asking wants), then the newest others.
 */
export async function findHistory(
  query: string,
  signature: Signature,
  here: { conversation: string; thread: string },
  sources: HistorySources,
  now: number = Date.now(),
  options: Partial<HistoryDefaults> = {},
): Promise<HistoryItem[]> {
  const o = { ...HISTORY_DEFAULTS, ...options };
  const hereKey = keyOf(here.conversation, here.thread);
  const since = now - o.maxAgeDays * DAY_MS;

  // Fixes by thread (the newest of a thread's fixes), for "fixed: …" on a thread that matched by signature.
  const allFixes = soft(() => sources.fixes?.list() ?? [], []);
  const fixByThread = new Map<string, FixRecord>();
  for (const fix of allFixes) {
    const key = keyOf(fix.conversation, fix.thread);
    const had = fixByThread.get(key);
    if (!had || fix.savedAt >= had.savedAt) fixByThread.set(key, fix);
  }

  // Past threads whose message was the same error, one per thread: its first such message. The log
  // failing leaves the saved fixes to answer.
  const hits = new ThreadHits(o.similarity, hereKey);
  if (signature.length > 0 && sources.interactions) {
    try {
      await similarThreads(sources, sources.interactions, signature, since, hits);
    } catch {
      hits.byThread.clear();
    }
  }
  const threads = hits.byThread;

  // Fixes that answer the query, from other threads.
  const fixHits = new Map<string, FixRecord>();
  if (query.trim() && sources.fixes && allFixes.length) {
    const index = sources.fixes;
    for (const hit of soft(() => index.search(query, o.fixes), [])) {
      if (hit.confidence < o.fixConfidence) continue;
      const key = keyOf(hit.fix.conversation, hit.fix.thread);
      if (key === hereKey || fixHits.has(key)) continue;
      fixHits.set(key, hit.fix);
    }
  }

  const wanted = new Set([...threads.keys(), ...fixHits.keys()]);
  const feedback = await feedbackByThread(sources.feedback, wanted).catch(() => new Map<string, FeedbackRecord[]>());
  const items: HistoryItem[] = [];
  for (const [key, fix] of fixHits) {
    const thread = threads.get(key);
    items.push(fixItem(fix, thread?.first.at ?? fix.savedAt));
  }
  for (const [key, thread] of threads) {
    if (fixHits.has(key)) continue;
    const fix = fixByThread.get(key);
    items.push(
      fix ? fixItem(fix, thread.first.at) : threadItem(thread.first, feedback.get(key) ?? [], sources.articleTitle),
    );
  }

  const newestFirst = (a: HistoryItem, b: HistoryItem): number => b.at - a.at;
  const fixed = items.filter((i) => i.kind === 'fix').sort(newestFirst);
  const others = items.filter((i) => i.kind !== 'fix').sort(newestFirst);
  return [...fixed.slice(0, o.max), ...others.slice(0, Math.max(0, o.max - fixed.length))].sort(newestFirst);
}

/** What `read` gives, or `fallback` when the storage fails: the history is best effort, never an error. */
function soft<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function fixItem(fix: FixRecord, at: number): HistoryItem {
  return {
    kind: 'fix',
    title: fix.title,
    outcome: `fixed: ${fix.title}`,
    at,
    conversation: fix.conversation,
    thread: fix.thread,
    permalink: fix.permalink,
    fixId: fix.id,
  };
}

function threadItem(
  row: LogRow,
  feedback: FeedbackRecord[],
  articleTitle: HistorySources['articleTitle'],
): HistoryItem {
  const id = row.fixId ?? row.articleId;
  const title = row.articleId ? titleOf(row.articleId, articleTitle) : 'unanswered';
  return {
    kind: 'thread',
    title,
    outcome: outcomeOf(row, id, feedback),
    at: row.at,
    conversation: row.conversation,
    thread: row.thread,
    permalink: null,
  };
}

function titleOf(id: string, articleTitle: HistorySources['articleTitle']): string {
  const title = articleTitle?.(id)?.replace(/\s+/g, ' ').trim();
  return title ? `${id}: ${title}` : id;
}

/**
 * How a thread ended, from its feedback: something that helped wins (the latest vote of each person
 * on each article counts; the latest helped article is named), else what was not it, else how it
 * was answered.
 */
function outcomeOf(row: LogRow, id: string | null, feedback: FeedbackRecord[]): string {
  const latest = new Map<string, FeedbackRecord>();
  for (const f of feedback) latest.set(`${f.user}\u0000${f.articleId}`, f);
  const votes = [...latest.values()].sort((a, b) => a.at - b.at);
  const helped = votes.filter((f) => f.helpful).map((f) => f.articleId);
  if (helped.length) return `${helped[helped.length - 1]} helped`;
  const notIt = [...new Set(votes.filter((f) => !f.helpful).map((f) => f.articleId))];
  if (notIt.length) return `${listOf(notIt)} ${notIt.length === 1 ? 'was' : 'were'} not it`;
  if (!id || row.outcome === 'unanswered') return 'unanswered';
  return row.outcome === 'suggested' ? `suggested ${id}, no feedback` : `answered with ${id}, no feedback`;
}

/** "Q1", "Q1 and Q2", "Q1, Q2 and Q3". */
function listOf(ids: string[]): string {
  if (ids.length <= 1) return ids.join('');
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** The feedback given in each of `threads`, oldest first. */
async function feedbackByThread(
  log: HistorySources['feedback'],
  threads: Set<string>,
): Promise<Map<string, FeedbackRecord[]>> {
  const out = new Map<string, FeedbackRecord[]>();
  if (!log || threads.size === 0) return out;
  for (const f of await log.list()) {
    const key = keyOf(f.conversation, f.thread);
    if (!threads.has(key)) continue;
    const list = out.get(key);
    if (list) list.push(f);
    else out.set(key, [f]);
  }
  return out;
}
