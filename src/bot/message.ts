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
