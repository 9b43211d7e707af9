/**
 * Who spoke last in a thread the bot follows (issue #24, docs/design-team-fixes.md 3.3): each
 * person's message heard, the bot's turns and the message ids the adapters posted them as, and the
 * thread's recent person messages kept in memory (for `save fix` where the transport cannot read
 * the thread back).
 */
import type { ThreadFixRef } from '../memory/types.js';
import { threadKey, type IncomingMessage, type ThreadMessage } from './message.js';
import type { Reply } from './reply.js';
import { TEAM_FIX_DEFAULTS } from './defaults.js';
import type { AsyncThreadStore, ThreadState } from './threads.js';

/** Ids the bot makes up for messages whose transport gives none (the console): never stored in a fix. */
export const LOCAL_ID = 'local:';

/** A person's message of a thread, as the bot keeps it for saving (see ThreadState.recent). */
type RecentMessage = NonNullable<ThreadState['recent']>[number];

export class ThreadTurns {
  /** Recent person messages per thread, in memory only (the thread store may drop them: see ThreadState.recent). */
  private readonly recent = new Map<string, RecentMessage[]>();
  private localIds = 0;
  /** Replies that are a word about the thread's answer ("why this one?"): see `posted`. */
  readonly aboutAnswer = new WeakSet<Reply>();

  constructor(private readonly threads: AsyncThreadStore) {}

  /** The adapter posted `reply` to `message` as message `postedId`: see `Bot.posted`. */
  async posted(message: IncomingMessage, reply: Reply, postedId: string): Promise<void> {
    if (reply.kind === 'ack' || reply.kind === 'saved' || reply.kind === 'offer_save') return;
    const key = threadKey(message);
    const state = await this.threads.get(key);
    if (!state) return;
    // An answer (an article, a fix, "did you mean") is what feedback straight after
    // it credits. A word about it ("why this one?") keeps it so: "that worked" after the bot's
    // explanation is still about its answer. "No other candidates" ends it.
    const answers = reply.kind === 'answer' || reply.kind === 'fix' || reply.kind === 'suggestions';
    const about = this.aboutAnswer.has(reply) && state.answerId !== undefined;
    await this.threads.set(key, {
      ...state,
      ...(answers ? { answerId: postedId } : {}),
      lastSpeaker: 'bot',
      lastMessageId: about ? state.answerId : postedId,
      updatedAt: Date.now(),
    });
  }

  /**
   * The bot replied to `message` (see `Bot.respond`): its turn, unless the reply is an
   * acknowledgement, a save confirmation or an offer to save.
   */
  async replied(message: IncomingMessage, reply: Reply | null): Promise<void> {
    if (reply && reply.kind !== 'ack' && reply.kind !== 'saved' && reply.kind !== 'offer_save') {
      const key = threadKey(message);
      const state = await this.threads.get(key);
      if (state && state.lastSpeaker !== 'bot')
        await this.threads.set(key, { ...state, lastSpeaker: 'bot', lastMessageId: undefined });
    }
  }

  /**
   * A person's message in a thread the bot follows: who spoke last, which message it was, whether
   * it reports a fix, and its text in memory (for `save fix`).
   */
  async heard(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
    raw: string,
    fixReport: boolean,
  ): Promise<ThreadState | undefined> {
    const id = message.id ?? `${LOCAL_ID}${++this.localIds}`;
    const kept = this.recent.get(key) ?? state?.recent ?? [];
    // Another app's message (an alert) takes a turn in the thread but is never a person's fix.
    const recent = message.fromApp
      ? kept
      : [
          ...kept.filter((r) => r.id !== id),
          {
            id,
            user: message.user,
            text: raw,
            at: Date.now(),
            fixReport,
            ...(message.userName ? { name: message.userName } : {}),
          },
        ].slice(-TEAM_FIX_DEFAULTS.recent);
    this.recent.delete(key);
    this.recent.set(key, recent);
    for (const oldest of this.recent.keys()) {
      if (this.recent.size <= TEAM_FIX_DEFAULTS.recentThreads) break;
      this.recent.delete(oldest);
    }
    if (!state) return undefined;
    const next: ThreadState = { ...state, lastSpeaker: 'person', lastMessageId: id, recent, updatedAt: Date.now() };
    if (fixReport) {
      const ref: ThreadFixRef = { messageId: id, user: message.user };
      next.lastFix = ref;
      next.fixes = [ref, ...(state.fixes ?? []).filter((f) => f.messageId !== id)].slice(0, TEAM_FIX_DEFAULTS.fixes);
    }
    await this.threads.set(key, next);
    return next;
  }

  /**
   * Whose fix, as the offer to save it says: "your" to its author; else the author's name where the
   * platform gave one (Teams, whose ids read as "aad-…"); else a mention Slack renders as the name.
   */
  whose(key: string, state: ThreadState | undefined, author: string, sender: string): string {
    if (author === sender) return 'your';
    const name = [...this.recentOf(key, state)].reverse().find((r) => r.user === author && r.name)?.name;
    return name ? `${name}'s` : `${mention(author)}'s`;
  }

  /** The thread's recent person messages, oldest first (the bot's memory, else what the thread store kept). */
  recentOf(key: string, state: ThreadState | undefined): RecentMessage[] {
    return this.recent.get(key) ?? state?.recent ?? [];
  }

  /** A message of the thread by id: read back through the transport (Slack), else from what the bot kept. */
  async messageOf(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
    id: string,
  ): Promise<{ user: string; text: string; bot: boolean } | undefined> {
    const read = await this.history(message);
    const found = read?.find((m) => m.id === id);
    if (found) return found;
    const kept = this.recentOf(key, state).find((r) => r.id === id);
    return kept ? { user: kept.user, text: kept.text, bot: false } : undefined;
  }

  /** The thread as the transport reads it back, or undefined when it cannot (or the lookup fails). */
  async history(message: IncomingMessage): Promise<ThreadMessage[] | undefined> {
    try {
      return message.context?.history ? await message.context.history() : undefined;
    } catch {
      return undefined;
    }
  }
}

/** How the bot names a person in its own words: Slack renders `<@U…>` as their name. */
function mention(user: string): string {
  return `<@${user}>`;
}
