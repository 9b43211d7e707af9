/**
 * A message as the bot sees it, whatever the transport: the text as sent (markup and all; the
 * bot undoes Slack and Teams quirks itself), who sent it, where, and how it reached the bot.
 */

/** Addressed ways a message reaches the bot, and `overheard` for channel talk it merely listens to. */
export type Via = 'mention' | 'dm' | 'command' | 'shortcut' | 'overheard';

export interface IncomingMessage {
  text: string;
  user: string;
  /** Channel, group chat or DM id. */
  conversation: string;
  /** The thread (Slack thread_ts, Teams reply chain) the reply belongs in; the message's own id for a root message. */
  thread: string;
  via: Via;
  /**
   * Posted by another app (a Slack bot message, a Teams message made only of cards): overheard,
   * the bot answers it only as an alert or a pasted error, never as a question.
   */
  fromApp?: boolean;
  /** The message's own id (Slack ts, Teams activity id); absent on the console unless the adapter numbers messages. */
  id?: string;
  /**
   * Not text but a reaction (Slack `reaction_added`) on the message `itemId` of this thread, by
   * `user`; `text` is ''. `itemUser` wrote the message reacted to, when the platform says.
   */
  reaction?: { name: string; itemId: string; itemUser?: string };
  /** The sender's display name, where the platform gives it (Teams); Slack renders `<@U…>` itself. */
  userName?: string;
  /** What the transport can look up about the message's thread, when the bot needs it (saving a fix). */
  context?: MessageContext;
}

/** A message of a thread as the transport reads it back (Slack `conversations.replies`). */
export interface ThreadMessage {
  id: string;
  user: string;
  text: string;
  /** Written by a bot or an app (this one included): never saved as a person's fix. */
  bot: boolean;
}

/** Lookups a transport offers the bot for one message; each may fail (the bot then does without). */
export interface MessageContext {
  /** The thread's messages, oldest first (at most the last 50). */
  history?(): Promise<ThreadMessage[]>;
  /** A link to message `messageId` of this conversation, or null. */
  permalink?(messageId: string): Promise<string | null>;
}

export const isAddressed = (m: Pick<IncomingMessage, 'via'>): boolean => m.via !== 'overheard';

/** The key of a thread in the bot's memory. */
export const threadKey = (m: Pick<IncomingMessage, 'conversation' | 'thread'>): string =>
  `${m.conversation}\u0000${m.thread}`;

/** More than 10% control characters (other than tab and newlines), or NUL bytes: not a message. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4000);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0xfff0 && c <= 0xffff)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}
