/**
 * Which thread a Slack message is in, for the messages the adapter saw or posted lately: a
 * `reaction_added` event names only the message (channel and ts), and Slack's answer to "which
 * thread is it in" costs a Web API call (`conversations.replies`). Every message of a thread the
 * bot follows passes through the adapter (events.ts hands them all to the bot), and so does every
 * answer it posts, so a reaction there is placed from memory. In memory only: after a restart, or
 * for a message older than the last `MESSAGE_THREADS_DEFAULTS.entries`, reactions.ts asks Slack.
 */

export const MESSAGE_THREADS_DEFAULTS = {
  /** Messages remembered at most (the oldest are forgotten first): about a day of a busy bot's threads, ~1 MB. */
  entries: 10_000,
} as const;

export class MessageThreads {
  private readonly threads = new Map<string, string>();

  constructor(private readonly entries: number = MESSAGE_THREADS_DEFAULTS.entries) {}

  /** Message `ts` of `channel` is in thread `thread` (its own ts for a root message). */
  remember(channel: string, ts: string, thread: string): void {
    const key = `${channel}\u0000${ts}`;
    this.threads.delete(key);
    this.threads.set(key, thread);
    for (const old of this.threads.keys()) {
      if (this.threads.size <= this.entries) break;
      this.threads.delete(old);
    }
  }

  /** The thread of message `ts`, when it was seen lately. */
  threadOf(channel: string, ts: string): string | undefined {
    return this.threads.get(`${channel}\u0000${ts}`);
  }

  get size(): number {
    return this.threads.size;
  }
}
