/**
 * Peek mode (issue #25, "Quiet means quiet"): overheard, the bot speaks only when sure. In a channel
 * with peek mode on (Slack: `/kb peek on`), a message it is not sure about gets a 👀 instead of
 * silence, and the message is remembered here: when its asker (only the person who wrote it) adds
 * 👀 to it too, the bot answers it in its thread as if it had been mentioned. Anyone else's 👀 does
 * nothing. In memory only, bounded and expiring (PEEK_DEFAULTS): after a restart, or hours later,
 * the asker mentions the bot instead.
 */
import { PEEK_DEFAULTS } from './defaults.js';
import type { IncomingMessage } from './message.js';
import type { Reply } from './reply.js';
import { BOT_TEXTS } from './texts.js';

/** A message from a channel whose peek mode the adapter knows: `peek` true when it is on there. */
export interface PeekableMessage extends IncomingMessage {
  /** The channel has peek mode on (Slack's `/kb peek on`, the fake adapter's `peek`). Absent: off. */
  peek?: boolean;
}

/** The 👀 the bot adds to a message it is not sure about (a reaction in Slack, "(👀)" in words elsewhere). */
export const peekReply = (): Reply => ({
  kind: 'ack',
  emoji: PEEK_DEFAULTS.reaction,
  text: BOT_TEXTS.peek,
  peek: true,
});

/** Is `name` (a reaction's name, colons and skin tone allowed) the peek reaction? */
export const isPeekReaction = (name: string): boolean =>
  name.replace(/^:|:$/g, '').replace(/::skin-tone-\d$/, '') === PEEK_DEFAULTS.reaction;

/** A message with a 👀 offered, and when. */
interface Pending {
  message: IncomingMessage;
  at: number;
}

export class PendingPeeks {
  /** By conversation and message id, oldest first. */
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly limits: { pendingMs: number; pending: number } = PEEK_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remember `message` (it has an id) as offered a 👀; its thread lookups are not kept (a reaction brings its own). */
  offer(message: IncomingMessage): void {
    if (!message.id) return;
    const { context: _context, ...kept } = message as PeekableMessage;
    void _context;
    delete kept.peek;
    const key = keyOf(message.conversation, message.id);
    this.pending.delete(key);
    this.pending.set(key, { message: kept, at: this.now() });
    const oldest = this.now() - this.limits.pendingMs;
    for (const [k, p] of this.pending) {
      if (this.pending.size <= this.limits.pending && p.at >= oldest) break;
      this.pending.delete(k);
    }
  }

  /**
   * The message a 👀 reaction (`reaction` message: who reacted, on which message) asks to answer:
   * taken (it is answered once) when the reaction is its asker's and the offer has not expired;
   * undefined for anyone else's 👀 (the offer stays), another reaction, or a message never offered.
   */
  take(reaction: IncomingMessage): IncomingMessage | undefined {
    if (!reaction.reaction || !isPeekReaction(reaction.reaction.name)) return undefined;
    const key = keyOf(reaction.conversation, reaction.reaction.itemId);
    const found = this.pending.get(key);
    if (!found) return undefined;
    if (found.at < this.now() - this.limits.pendingMs) {
      this.pending.delete(key);
      return undefined;
    }
    if (found.message.user !== reaction.user) return undefined;
    this.pending.delete(key);
    return found.message;
  }

  get size(): number {
    return this.pending.size;
  }
}

const keyOf = (conversation: string, id: string): string => `${conversation}\u0000${id}`;
