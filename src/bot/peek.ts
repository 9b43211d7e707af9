/**
 * Peek mode (issue #25, "Quiet means quiet"): overheard, the bot speaks only when sure. In a channel
 * with peek mode on (Slack: `/kb peek on`), a message it is not sure about gets a 👀 instead of
 * silence, and the message is remembered here: when its asker (only the person who wrote it) adds
 * 👀 to it too, the bot answers it in its thread as if it had been mentioned. Anyone else's 👀 does
 * nothing. The offer holds for PEEK_DEFAULTS.pendingMs after the message.
 *
 * Several replicas, restarts (issue #26): the offers are kept here, in memory, bounded (the fast
 * path: no lookup). A 👀 on a message this process did not offer (another replica did, or it
 * restarted since) comes with the message as the transport read it back (`peeked`: Slack's
 * copy, which shows the bot's 👀 is still on it); the same rules hold for it (the asker's own 👀,
 * within pendingMs of the message). Answering once is the transport's part: Slack's adapter takes
 * its 👀 off the message before it posts the answer, and a 👀 whose offer is gone gets nothing.
 */
import { PEEK_DEFAULTS } from './defaults.js';
import type { IncomingMessage } from './message.js';
import type { Reply } from './reply.js';
import { BOT_TEXTS } from './texts.js';

/** A message from a channel whose peek mode the adapter knows: `peek` true when it is on there. */
export interface PeekableMessage extends IncomingMessage {
  /** The channel has peek mode on (Slack's `/kb peek on`, the fake adapter's `peek`). Absent: off. */
  peek?: boolean;
  /**
   * On a 👀 reaction: the message reacted to, as the transport read it back, when it shows the bot
   * offered a 👀 there (Slack: the bot's own 👀 is among the message's reactions). Used when this
   * process has no offer for it (made by another replica, or before a restart).
   */
  peeked?: PeekedMessage;
}

/** A message the bot offered a 👀 on, read back by the transport. */
export interface PeekedMessage {
  /** Its text, as a message event would give it. */
  text: string;
  /** Its id (Slack ts): the reaction's `itemId`. */
  id: string;
  /** Who wrote it. */
  user: string;
  /** When it was written (ms since the epoch): the offer holds for pendingMs after it. */
  at: number;
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
   * An offer this process does not hold is taken from the reaction's `peeked` (read back by the
   * transport), on the same terms.
   */
  take(reaction: PeekableMessage): IncomingMessage | undefined {
    if (!reaction.reaction || !isPeekReaction(reaction.reaction.name)) return undefined;
    const key = keyOf(reaction.conversation, reaction.reaction.itemId);
    const found = this.pending.get(key);
    if (!found) return this.readBack(reaction);
    if (found.at < this.now() - this.limits.pendingMs) {
      this.pending.delete(key);
      return undefined;
    }
    if (found.message.user !== reaction.user) return undefined;
    this.pending.delete(key);
    return found.message;
  }

  /** The message `peeked` on `reaction`, when it is the one reacted to, the asker's own 👀, and not expired. */
  private readBack(reaction: PeekableMessage): IncomingMessage | undefined {
    const peeked = reaction.peeked;
    if (!peeked || peeked.id !== reaction.reaction?.itemId || peeked.user !== reaction.user) return undefined;
    // (Written so that a time that is not a number, from a malformed id, counts as expired.)
    if (!(peeked.at >= this.now() - this.limits.pendingMs)) return undefined;
    return {
      text: peeked.text,
      user: peeked.user,
      conversation: reaction.conversation,
      thread: reaction.thread,
      via: 'overheard',
      id: peeked.id,
    };
  }

  get size(): number {
    return this.pending.size;
  }
}

const keyOf = (conversation: string, id: string): string => `${conversation}\u0000${id}`;
