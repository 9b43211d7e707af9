/**
 * What the bot keeps of a conversation: the interaction log (what `kbbot report` reads), feedback
 * that moves rankings, and events for whoever listens. A failing log or listener never costs the
 * user their reply.
 */
import type { AsyncInteractionLog } from '../memory/async-types.js';
import type { FixVia, Interaction, Outcome, Signature } from '../memory/types.js';
import { undoChatMarkup } from '../text/chat-markup.js';
import type { FeedbackLearning } from './learning.js';
import type { MatchResult } from './match.js';
import type { IncomingMessage } from './message.js';

export type BotEvent =
  /** `fixId`: the team fix the answer led with (or, when no article reached the answer, the fix alone: then `articleId` is the fix id too). */
  | { type: 'answered'; message: IncomingMessage; articleId: string; confidence: number; fixId?: string }
  | { type: 'suggested'; message: IncomingMessage; articleIds: string[] }
  | { type: 'unanswered'; message: IncomingMessage }
  | { type: 'feedback'; message: IncomingMessage; articleId: string; helpful: boolean }
  /** A team fix was saved (never its text: ids and how only) or removed (undo). */
  | { type: 'fix_saved'; conversation: string; thread: string; fixId: string; via: FixVia; savedBy: string }
  | { type: 'fix_removed'; conversation: string; thread: string; fixId: string; by: string }
  /**
   * A message was matched and its outcome logged (every `Records.log` call, kept log or not): its
   * intent and how long classifying and ranking took (metrics, structured logs; never its text).
   */
  | {
      type: 'matched';
      message: IncomingMessage;
      intent: string;
      outcome: Outcome;
      articleId: string | null;
      confidence: number;
      ms: number;
    }
  /** A message was matched and deliberately left unanswered (overheard, not for the bot): `Records.silent`. */
  | { type: 'overheard_silent'; message: IncomingMessage; intent: string; ms: number };

export interface RecordsOptions {
  /** Feedback that moves rankings (and is kept in its log). */
  learning?: FeedbackLearning;
  /** The log of what was asked and answered. */
  interactions?: AsyncInteractionLog;
  /** Keep message text in the log and feedback (STORE_MESSAGES). Default true. */
  storeMessages?: boolean;
  /** Told of what happened; never throws into the bot. */
  onEvent?: (event: BotEvent) => void;
  /** Only this much of a message is kept. */
  maxChars: number;
}

/** Feedback on an article shown for a thread's message. */
export interface Feedback {
  message: IncomingMessage;
  /** The thread's message the article was shown for ('' when unknown). */
  query: string;
  /** Its match signature (what the ranker learns from). */
  signature: Signature;
  articleId: string;
  helpful: boolean;
}

export class Records {
  constructor(private readonly options: RecordsOptions) {}

  /**
   * One row of the interaction log; `fixId` is the team fix the answer led with (or gave alone).
   * Resolves once the row is written, or failed to be: never rejects.
   */
  async log(
    m: MatchResult,
    query: string,
    message: IncomingMessage,
    outcome: Outcome,
    articleId: string | null,
    fixId?: string,
  ): Promise<void> {
    this.emit({
      type: 'matched',
      message,
      intent: m.intent.intent,
      outcome,
      articleId,
      confidence: m.confidence,
      ms: m.ms,
    });
    if (!this.options.interactions) return;
    const row: Interaction = {
      at: Date.now(),
      user: message.user,
      conversation: message.conversation,
      thread: message.thread,
      intent: m.intent.intent,
      outcome,
      articleId,
      confidence: m.confidence,
      text: this.text(query),
      signature: m.signature,
      ...(fixId ? { fixId } : {}),
    };
    try {
      await this.options.interactions.record(row);
    } catch {
      // the log is for the report; a failed write must not cost the user their answer
    }
  }

  /** A matched message the bot stays silent on (overheard, not for it): told to listeners, not logged. */
  silent(m: MatchResult, message: IncomingMessage): void {
    this.emit({ type: 'overheard_silent', message, intent: m.intent.intent, ms: m.ms });
  }

  /** Feedback, kept (durably) before the bot thanks anyone: rejects with the storage's error when it could not be. */
  async feedback(f: Feedback): Promise<void> {
    const { message } = f;
    await this.options.learning?.record({
      at: Date.now(),
      user: message.user,
      conversation: message.conversation,
      thread: message.thread,
      articleId: f.articleId,
      helpful: f.helpful,
      query: f.query ? this.text(f.query) : null,
      signature: f.signature,
    });
    this.emit({ type: 'feedback', message, articleId: f.articleId, helpful: f.helpful });
  }

  emit(event: BotEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // a failing listener must not take the bot down
    }
  }

  /** A message as people read it (mentions and markup undone), or null when texts are not kept. */
  private text(query: string): string | null {
    if (!(this.options.storeMessages ?? true)) return null;
    return undoChatMarkup(query.slice(0, this.options.maxChars)).text;
  }
}
