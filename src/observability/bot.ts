/**
 * The bot as an adapter gets it, measured: every `respond` counts the message (platform, how it
 * reached the bot, its intent), how it ended (answered, did_you_mean, no_match, silent, other) and
 * how long it took, and logs one structured line (never the text): info when the bot replied or
 * matched, debug when it stayed silent. The intent, the match time and the article come from the
 * bot's own `matched` / `overheard_silent` events (bot/records.ts), which `noteEvent` keeps for
 * the message they are about.
 */
import { performance } from 'node:perf_hooks';
import type { Bot, BotEvent } from '../bot/bot.js';
import type { IncomingMessage } from '../bot/message.js';
import type { Reply } from '../bot/reply.js';
import type { LogFields, Logger } from '../log.js';
import type { AnswerOutcome, Metrics, Platform } from './metrics.js';

interface Matched {
  intent: string;
  ms: number;
  articleId?: string | null;
  confidence?: number;
}

/** How a reply counts: an article or team fix, "did you mean", "no match", silence, or anything else. */
export function outcomeOf(reply: Reply | null): AnswerOutcome {
  if (reply === null) return 'silent';
  switch (reply.kind) {
    case 'answer':
    case 'fix':
      return 'answered';
    case 'suggestions':
      return 'did_you_mean';
    case 'no_match':
      return 'no_match';
    default:
      return 'other';
  }
}

export class BotMeter {
  /** The match of each message being answered, from the bot's events. */
  private readonly matched = new WeakMap<IncomingMessage, Matched>();

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** The bot's events (its `onEvent`): counted, and a message's match kept for its `respond`. */
  noteEvent(e: BotEvent): void {
    this.metrics.botEvent(e);
    if (e.type === 'matched')
      this.matched.set(e.message, { intent: e.intent, ms: e.ms, articleId: e.articleId, confidence: e.confidence });
    else if (e.type === 'overheard_silent') this.matched.set(e.message, { intent: e.intent, ms: e.ms });
  }

  /**
   * `bot` with its `respond` measured, for `platform`; `context` adds fields to each message's log
   * line (the Slack event id of the delivery under way).
   */
  wrap<B extends Pick<Bot, 'respond'>>(bot: B, platform: Platform, context?: () => LogFields): B {
    const respond = async (message: IncomingMessage): Promise<Reply | null> => {
      const started = performance.now();
      const reply = await bot.respond(message);
      try {
        this.count(platform, message, reply, performance.now() - started, context);
      } catch {
        // measuring must never cost the reply
      }
      return reply;
    };
    return new Proxy(bot, {
      get(target, prop) {
        if (prop === 'respond') return respond;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private count(
    platform: Platform,
    message: IncomingMessage,
    reply: Reply | null,
    ms: number,
    context: (() => LogFields) | undefined,
  ): void {
    const match = this.matched.get(message);
    this.matched.delete(message);
    const outcome = outcomeOf(reply);
    const via = message.reaction ? 'reaction' : message.via;
    const intent = match?.intent ?? 'none';
    this.metrics.messages.inc({ platform, via, intent });
    this.metrics.answers.inc({ platform, outcome });
    this.metrics.replySeconds.observe({ platform }, ms / 1000);
    if (match) this.metrics.matchSeconds.observe({ platform }, match.ms / 1000);
    const fields: LogFields = {
      ...context?.(),
      platform,
      via,
      intent,
      outcome,
      ...(match?.articleId ? { articleId: match.articleId } : {}),
      ...(match?.confidence !== undefined ? { confidence: Math.round(match.confidence * 100) / 100 } : {}),
      latencyMs: Math.round(ms * 10) / 10,
      ...(match ? { matchMs: Math.round(match.ms * 10) / 10 } : {}),
      conversation: message.conversation,
      ...(message.id ? { messageId: message.id } : {}),
    };
    const what = `message ${outcome}${match?.articleId && outcome === 'answered' ? ` with ${match.articleId}` : ''}`;
    // Overheard chatter is most of a busy channel: its silence is logged at debug only.
    if (outcome === 'silent') this.log.debug(what, fields);
    else this.log.info(what, fields);
  }
}
