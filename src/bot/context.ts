/**
 * What the bot is given (BotOptions) and what its parts share (BotContext): the KB and the matcher
 * over it, which `Bot.useKb` swaps, the thread store and the records.
 */
import type { FixIndex } from '../fixes/index.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import type { Ranker } from '../kb/rank/ranker.js';
import type { AsyncFixStore, AsyncInteractionLog, AsyncThreadStore } from '../memory/async-types.js';
import type { FeedbackLearning } from './learning.js';
import type { Matcher } from './match.js';
import type { BotEvent, Records } from './records.js';

export interface BotOptions {
  ranker: Ranker;
  /** Where threads are remembered. Default: in memory (MemoryThreadStore), lost on restart. */
  threads?: AsyncThreadStore;
  /** Feedback that moves rankings (and is kept in its log). Default: none kept, rankings fixed. */
  learning?: FeedbackLearning;
  /** The log of what was asked and answered (what `kbbot report` reads). */
  interactions?: AsyncInteractionLog;
  /**
   * The storage's data version (AsyncStorage.dataVersion). Given, the bot reads it once per message
   * (and in `refresh`) and re-reads the caches (team fixes, feedback, the log's signatures) whose
   * version differs, so what another replica or `kbbot forget` wrote counts from the next message
   * on; and "has anyone seen this before?" keeps the log's signatures in memory between questions,
   * reading only new rows (src/bot/history.ts). Default: none; the caches are read once, on the
   * first message, and then hold what the bot itself writes.
   */
  dataVersion?: () => Promise<number>;
  /** Keep message text in the log and feedback (STORE_MESSAGES). Default true. */
  storeMessages?: boolean;
  urlTemplate?: string;
  /** Told of what happened (answers, feedback, unanswered questions); never throws into the bot. */
  onEvent?: (event: BotEvent) => void;
  /**
   * The team's saved fixes (issue #24): where saves are kept (committed before the bot confirms)
   * and the index that answers from them. Default: none; saving a fix says it is not available.
   */
  fixes?: { store: AsyncFixStore; index: FixIndex };
}

/** The state the bot's parts (answers, follow-ups, feedback, turns, team fixes) share. */
export interface BotContext {
  /** The KB answers come from, and the matcher over it: both replaced by `Bot.useKb`. */
  kb: KnowledgeBase;
  matcher: Matcher;
  /** More than one KB folder: each answer names the one it comes from. */
  manySources: boolean;
  readonly threads: AsyncThreadStore;
  readonly records: Records;
  readonly options: BotOptions;
  /**
   * The data version the caches were last brought up to (`Bot.refresh`, each message); undefined
   * without `options.dataVersion`, which makes "has anyone seen this before?" read the log afresh.
   */
  version?: number;
}
