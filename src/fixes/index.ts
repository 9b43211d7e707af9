/**
 * The team's saved fixes, searchable at once (issue #24, design 3.2). A fix answers a message when
 * the message is its error pasted again (other timestamps, hosts, pods and ids; log prefixes and
 * chat markup around it), or a telling part of it; not when they only share common words, and not
 * when the message names another error code. The confidence says how much of that evidence there
 * is, on its own scale: it depends on the fix and the message alone, never on how many fixes there
 * are (a ranker's calibrated confidence over five fixes is sure of anything that shares a word).
 *
 * The index is an inverted list of the fixes' error tokens (`textProfile`), so adding or removing a
 * fix is a few map updates, done before `add` returns: no rebuild. The store is read by
 * `refresh(version)`: on its first call, and again whenever the storage's data version differs
 * from the one last read (another replica saved a fix, `kbbot fixes delete`, `kbbot forget`); in
 * between, searches are answered from memory, synchronously.
 */
import type { Article } from '../kb/article.js';
import type { MatchReason } from '../kb/rank/reason.js';
import { spelledAsTyped } from '../kb/rank/reason.js';
import type { AsyncFixStore } from '../memory/async-types.js';
import type { FixRecord } from '../memory/types.js';
import { VersionedReload } from '../memory/versioned-reload.js';
import { fixToArticle, textProfile, type TextProfile } from './fix.js';

export const FIX_DEFAULTS = {
  /** Most fix hits `search` returns. */
  k: 3,
  /**
   * A fix leads an answer from this confidence (times the feedback factor when below 1): the bot's
   * `answer` threshold. On the labelled set (test/fixtures/fix-queries.jsonl) it is where lead
   * precision stays at or above 0.97 at every index size (scripts/bench-fixes.mjs).
   */
  lead: 0.6,
  /** Hits below this confidence are not returned (they would never be shown). */
  floor: 0.05,
  /**
   * Weight (codes 3, numbers 1.5, words 1, common words 0.35: fix.ts) the message must share with a
   * fix's error for full confidence; less scales it down (by the square of the share). One code, or
   * three telling words: "restart failed" shares one word and a common one with "Back-off restarting
   * failed container payments-api ..." and stays far below `lead`.
   */
  minShared: 3,
  /**
   * A message that is part of a fix's error ("ORA-12154", "Error 0x8007000D: The data is invalid")
   * counts in full when it holds at least this share of the error's weight; less scales it down.
   */
  partialCover: 0.25,
  /**
   * Confidence multiplier when the fix's error has codes and the message has others but none of
   * them: "Error 0x80070005 ... Service KMS failed to start" is another error than 0x8007000D.
   */
  otherCode: 0.3,
  /** Confidence multiplier for a match on a fix's title rather than on an error pasted in its thread. */
  titleFactor: 0.85,
  /**
   * Fixes holding a word (not a code) that are not looked at through it when more hold it: a word
   * in that many fixes picks out none of them (their codes and rarer words still do).
   */
  maxPostings: 500,
};

export type FixDefaults = typeof FIX_DEFAULTS;

/** Why a fix answers a message, in numbers (what `confidence` was computed from). */
export interface FixEvidence {
  /** Share of the fix's error (by weight) the message holds. */
  fixCover: number;
  /** Share of the message (by weight) the fix's error holds. */
  messageCover: number;
  /** Share of the fix's error's word pairs, in order, the message holds. */
  fixPairs: number;
  /** Share of the message's word pairs the fix's error holds. */
  messagePairs: number;
  /** Weight the two share. */
  shared: number;
  /** Codes the two share. */
  codes: string[];
  /** Other tokens (stemmed words, numbers) the two share. */
  words: string[];
  /** True when the fix's error has codes and the message has only others. */
  otherCode: boolean;
  /** The error (as pasted in the fix's thread) the message matched; null when it matched the title. */
  error: string | null;
}

/** A fix that answers a message. */
export interface FixHit {
  fix: FixRecord;
  article: Article;
  /**
   * 0-1: how surely the message is the fix's error (see FixEvidence and `lead`). Depends on the
   * fix and the message only, not on the other fixes.
   */
  confidence: number;
  /** The same as `confidence` before rounding; for sorting with the KB's scores it is not comparable. */
  score: number;
  reason: MatchReason;
  evidence: FixEvidence;
}

/** Where the index reads fixes from (on `refresh`). */
export interface FixSource {
  store: Pick<AsyncFixStore, 'list'>;
}

/** A change this process made to the index while a reload was in flight: applied again after it. */
type Change = { put: FixRecord } | { drop: string };

/** One text of a fix that messages are compared with: an error pasted in its thread, or its title. */
interface Block {
  profile: TextProfile;
  pairs: Map<string, number>;
  pairTotal: number;
  /** The error as pasted; null for the title. */
  error: string | null;
}

interface Entry {
  fix: FixRecord;
  /** The fix as written, to tell a changed record from the same one on `refresh`. */
  key: string;
  blocks: Block[];
  /** Its tokens (all blocks), as filed in the postings. */
  tokens: Set<string>;
  article?: Article;
}

export class FixIndex {
  private readonly entries = new Map<string, Entry>();
  /** Token → the ids of the fixes whose errors or title hold it. */
  private readonly postings = new Map<string, Set<string>>();
  /** Reads the store at most once per data version (see `refresh`). */
  private readonly reloads = new VersionedReload(() => this.reload());
  /**
   * Saves and removals made while a reload is in flight: the list the reload reads may have been
   * taken before them, so they are applied again after it.
   */
  private changedDuring: Change[] | undefined;
  readonly options: FixDefaults;

  constructor(
    private readonly source?: FixSource,
    options: Partial<FixDefaults> = {},
  ) {
    this.options = { ...FIX_DEFAULTS, ...options };
  }

  /** An index over `fixes` alone (no store): tests and one-off searches. */
  static of(fixes: Iterable<FixRecord>, options: Partial<FixDefaults> = {}): FixIndex {
    const index = new FixIndex(undefined, options);
    for (const fix of fixes) index.put(fix);
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): FixRecord | undefined {
    return this.entries.get(id)?.fix;
  }

  /** All fixes, oldest first (store order). */
  list(): FixRecord[] {
    return [...this.entries.values()].map((e) => e.fix);
  }

  /**
   * A fix just saved (call after the store committed it): searchable when this returns (a few map
   * updates; no rebuild). Re-adding an id replaces it.
   */
  add(fix: FixRecord): void {
    this.put(fix);
    this.changedDuring?.push({ put: fix });
  }

  /** A fix deleted (undo, `fixes delete`): no longer found when this returns. True when it was there. */
  remove(id: string): boolean {
    const had = this.drop(id);
    this.changedDuring?.push({ drop: id });
    return had;
  }

  /**
   * Bring the index up to data version `version`: read the store on the first call, and again when
   * `version` differs from the one last read. Rejects when the store cannot be read; the fixes held
   * stay, and the next call tries again. Without a store, nothing to read.
   */
  refresh(version: number): Promise<void> {
    return this.reloads.refresh(version);
  }

  /**
   * The fixes that answer `message`, most surely first, each with a confidence (see FixHit); at most
   * `k`, none below `options.floor`. Empty when there are no fixes.
   */
  search(message: string, k = this.options.k): FixHit[] {
    if (this.entries.size === 0 || k <= 0 || !message.trim()) return [];
    const m = textProfile(message);
    if (m.total <= 0) return [];
    const mPairs = pairsOf(m);
    const found: { entry: Entry; evidence: FixEvidence; confidence: number }[] = [];
    for (const id of this.candidates(m)) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      let best: { evidence: FixEvidence; confidence: number } | undefined;
      for (const block of entry.blocks) {
        const scored = this.score(block, m, mPairs);
        if (!best || scored.confidence > best.confidence) best = scored;
      }
      if (best && best.confidence >= this.options.floor) found.push({ entry, ...best });
    }
    found.sort(
      (a, b) =>
        b.confidence - a.confidence ||
        b.evidence.shared - a.evidence.shared ||
        b.entry.fix.savedAt - a.entry.fix.savedAt,
    );
    return found.slice(0, k).map(({ entry, evidence, confidence }) => ({
      fix: entry.fix,
      article: (entry.article ??= fixToArticle(entry.fix)),
      confidence: round(confidence),
      score: confidence,
      reason: reasonOf(evidence, message),
      evidence,
    }));
  }

  /**
   * Does this hit lead the answer, before the KB's articles? When its confidence, times `factor`
   * (what feedback on the fix multiplies by: FeedbackLearning.factor, 0.5-1.5), reaches
   * `options.lead`. A factor above 1 counts as 1: votes can sink a fix that keeps being "not it"
   * below the bar, but never lift a fix whose error the message is not above it.
   */
  leads(hit: FixHit, factor = 1): boolean {
    return hit.confidence * Math.min(1, factor) >= this.options.lead;
  }

  /** Fixes sharing a telling token with the message: any code, or a word held by at most `maxPostings` fixes. */
  private candidates(m: TextProfile): Set<string> {
    const out = new Set<string>();
    for (const [token, weight] of m.weights) {
      if (weight < 1) continue;
      const ids = this.postings.get(token);
      if (!ids) continue;
      if (!m.codes.has(token) && ids.size > this.options.maxPostings) continue;
      for (const id of ids) out.add(id);
    }
    return out;
  }

  /** How surely the message is this block's error (see FIX_DEFAULTS for each factor). */
  private score(
    block: Block,
    m: TextProfile,
    mPairs: { pairs: Map<string, number>; total: number },
  ): { evidence: FixEvidence; confidence: number } {
    const o = this.options;
    const f = block.profile;
    let shared = 0;
    let messageShared = 0;
    const codes: string[] = [];
    const words: string[] = [];
    for (const [token, weight] of f.weights) {
      const mw = m.weights.get(token);
      if (mw === undefined) continue;
      shared += weight;
      messageShared += mw;
      if (f.codes.has(token) && m.codes.has(token)) codes.push(token);
      else words.push(token);
    }
    const fixCover = f.total > 0 ? shared / f.total : 0;
    const messageCover = messageShared / m.total;
    const fixPairs = block.pairTotal > 0 ? sharedPairs(block.pairs, mPairs.pairs) / block.pairTotal : fixCover;
    const messagePairs = mPairs.total > 0 ? sharedPairs(mPairs.pairs, block.pairs) / mPairs.total : messageCover;
    const otherCode = f.codes.size > 0 && m.codes.size > 0 && codes.length === 0;
    // The error pasted again: the message holds the fix's error, its words and their order.
    const pasted = fixCover * fixPairs;
    // A telling part of it: the message is (nearly) all the fix's error, its order counting half.
    const part = messageCover ** 2 * (0.5 + 0.5 * messagePairs) * Math.min(1, fixCover / o.partialCover);
    let confidence = Math.max(pasted, part) * Math.min(1, shared / o.minShared) ** 2;
    if (otherCode) confidence *= o.otherCode;
    if (block.error === null) confidence *= o.titleFactor;
    return {
      evidence: { fixCover, messageCover, fixPairs, messagePairs, shared, codes, words, otherCode, error: block.error },
      confidence: Math.min(1, confidence),
    };
  }

  private put(fix: FixRecord): void {
    this.drop(fix.id);
    const blocks = blocksOf(fix);
    const tokens = new Set<string>();
    for (const b of blocks) for (const t of b.profile.weights.keys()) tokens.add(t);
    for (const t of tokens) {
      let ids = this.postings.get(t);
      if (!ids) this.postings.set(t, (ids = new Set()));
      ids.add(fix.id);
    }
    this.entries.set(fix.id, { fix, key: keyOf(fix), blocks, tokens });
  }

  private drop(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    for (const t of entry.tokens) {
      const ids = this.postings.get(t);
      ids?.delete(id);
      if (ids?.size === 0) this.postings.delete(t);
    }
    this.entries.delete(id);
    return true;
  }

  /**
   * Read the store again: unchanged fixes are kept as they are, changed ones re-read, gone ones
   * dropped; then this process's own saves and removals made meanwhile are applied again.
   */
  private async reload(): Promise<void> {
    if (!this.source) return;
    const during: Change[] = [];
    this.changedDuring = during;
    try {
      this.apply(await this.source.store.list());
      for (const change of during) {
        if ('put' in change) this.put(change.put);
        else this.drop(change.drop);
      }
    } finally {
      this.changedDuring = undefined;
    }
  }

  /** Hold exactly `stored`, in its order (oldest first). */
  private apply(stored: FixRecord[]): void {
    const ids = new Set(stored.map((f) => f.id));
    for (const id of [...this.entries.keys()]) if (!ids.has(id)) this.drop(id);
    const order = [...this.entries.keys()];
    const unchanged = stored.every((f, i) => order[i] === f.id);
    for (const fix of stored) {
      const had = this.entries.get(fix.id);
      if (!had || had.key !== keyOf(fix)) this.put(fix);
      else had.fix = fix;
    }
    // Keep store order (oldest first) when ids came back in another order.
    if (!unchanged) {
      const entries = stored.map((f) => this.entries.get(f.id)).filter((e): e is Entry => e !== undefined);
      this.entries.clear();
      for (const e of entries) this.entries.set(e.fix.id, e);
    }
  }
}

/** The texts of a fix messages are compared with: the errors pasted in its thread, and its title when it is not the first error's first line. */
function blocksOf(fix: FixRecord): Block[] {
  const blocks: Block[] = [];
  for (const error of fix.errors) {
    const profile = textProfile(error);
    if (profile.total > 0) blocks.push(block(profile, error));
  }
  const title = textProfile(fix.title);
  const same = blocks.some((b) => [...title.weights.keys()].every((t) => b.profile.weights.has(t)));
  if (title.total > 0 && !same) blocks.push(block(title, null));
  return blocks;
}

function block(profile: TextProfile, error: string | null): Block {
  const { pairs, total } = pairsOf(profile);
  return { profile, pairs, pairTotal: total, error };
}

/** A profile's neighbouring token pairs, each weighing the mean of its two tokens' weights. */
function pairsOf(p: TextProfile): { pairs: Map<string, number>; total: number } {
  const pairs = new Map<string, number>();
  for (let i = 1; i < p.seq.length; i++) {
    const a = p.seq[i - 1] as string;
    const b = p.seq[i] as string;
    if (a === b) continue;
    pairs.set(`${a} ${b}`, ((p.weights.get(a) ?? 0) + (p.weights.get(b) ?? 0)) / 2);
  }
  let total = 0;
  for (const w of pairs.values()) total += w;
  return { pairs, total };
}

/** Weight of the pairs of `a` that `b` has too. */
function sharedPairs(a: Map<string, number>, b: Map<string, number>): number {
  let s = 0;
  for (const [pair, w] of a) if (b.has(pair)) s += w;
  return s;
}

/** What tells a stored fix from a changed one with the same id. */
function keyOf(fix: FixRecord): string {
  return JSON.stringify([fix.title, fix.text, fix.errors, fix.codes, fix.savedAt, fix.author, fix.permalink]);
}

/** The evidence as a MatchReason the bot can show, like an article's: the error matched and its share, the codes, the words. */
function reasonOf(e: FixEvidence, message: string): MatchReason {
  const terms = spelledAsTyped(e.words, message);
  const reason: MatchReason = { codes: e.codes, products: [], terms, corrections: [], expansions: [], summary: '' };
  const parts: string[] = [];
  if (e.error !== null && e.fixCover >= 0.3) {
    const quote = e.error.replace(/\s+/g, ' ').trim();
    reason.errorText = { quote, coverage: round(e.fixCover) };
    const shown = quote.length > 80 ? `${quote.slice(0, 77)}...` : quote;
    parts.push(`error text "${shown}" (${Math.round(e.fixCover * 100)}% of the text)`);
  } else if (e.error === null) parts.push(`title (${Math.round(e.fixCover * 100)}% of it)`);
  if (e.codes.length) parts.push(`${e.codes.length > 1 ? 'codes' : 'code'} ${e.codes.join(', ')}`);
  if (!reason.errorText && terms.length) parts.push(`words: ${terms.slice(0, 6).join(', ')}`);
  reason.summary = parts.join('; ') || 'weak word overlap';
  return reason;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
