/**
 * The in-memory adapter: drives the real Bot the way a chat transport would, without one. Tests
 * and demos use it: `await chat.say('ID no: 0xc0020002')` returns the reply (or null for
 * silence), every exchange is kept in `transcript`, and `press` clicks a button on an answer.
 *
 * Like Slack, every message gets an id (`"1700000000.000100"`, increasing), and so does every reply
 * the bot posts: the adapter tells the bot (`bot.posted`), so feedback that follows an answer is
 * read as Slack would deliver it. `react` adds a reaction to a message, `saveFix` is the "Save as
 * fix" shortcut.
 *
 * Peek mode (issue #25) is per conversation, as Slack's `/kb peek on` sets it: `peek: true` in the
 * adapter's defaults, or `setPeek(conversation, on)`, or per message. An overheard message the
 * bot is not sure about then gets the 👀 reply (`{ kind: 'ack', emoji: 'eyes', peek: true }`,
 * shown by the console renderer as "(👀)"); `react('eyes', id, { user })` is the asker's (or
 * someone else's) 👀 on it.
 */
import type { Bot, BotAction, SaveFixRequest } from '../bot/bot.js';
import type { MessageContext, Via } from '../bot/message.js';
import type { PeekableMessage } from '../bot/peek.js';
import type { Reply } from '../bot/reply.js';

/** The first message id the adapter gives (Slack-like seconds); each message and reply gets the next. */
export const FAKE_FIRST_TS = 1_700_000_000;

export interface FakeSayOptions {
  /** Default: the adapter's thread, so consecutive messages form one conversation. */
  thread?: string;
  via?: Via;
  user?: string;
  conversation?: string;
  /** Posted by another app (an alert from Alertmanager), as the Slack and Teams adapters mark such messages. */
  fromApp?: boolean;
  /** The sender's display name (Teams gives one). */
  userName?: string;
  /** What the transport can look up about the thread (Slack's conversations.replies, chat.getPermalink). */
  context?: MessageContext;
  /** Peek mode for this message's conversation; default: as set for the conversation (`setPeek`, the adapter's defaults). */
  peek?: boolean;
}

export interface Exchange {
  message: PeekableMessage;
  reply: Reply | null;
  /** The id the reply was posted as, when there was one. */
  postedId?: string;
}

export class FakeAdapter {
  readonly transcript: Exchange[] = [];
  private count = 0;
  private seq = 0;
  /** Conversations whose peek mode was set with `setPeek`. */
  private readonly peeks = new Map<string, boolean>();

  constructor(
    private readonly bot: Bot,
    private readonly defaults: {
      user?: string;
      conversation?: string;
      thread?: string;
      via?: Via;
      peek?: boolean;
    } = {},
  ) {}

  /** Turn peek mode on or off in `conversation` (Slack's `/kb peek on|off`). */
  setPeek(conversation: string, on: boolean): void {
    this.peeks.set(conversation, on);
  }

  /** The next message id: "1700000000.000100", "1700000000.000200", ... */
  nextId(): string {
    this.seq++;
    return `${FAKE_FIRST_TS + Math.floor(this.seq / 10_000)}.${String((this.seq % 10_000) * 100).padStart(6, '0')}`;
  }

  /** The id of the last message said (by a person) through the adapter. */
  get lastMessageId(): string | undefined {
    return this.transcript.at(-1)?.message.id;
  }

  async say(text: string, options: FakeSayOptions = {}): Promise<Reply | null> {
    const conversation = options.conversation ?? this.defaults.conversation ?? 'C_TEST';
    const peek = options.peek ?? this.peeks.get(conversation) ?? this.defaults.peek ?? false;
    const message: PeekableMessage = {
      text,
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation,
      thread: options.thread ?? this.defaults.thread ?? `T${++this.count}`,
      via: options.via ?? this.defaults.via ?? 'mention',
      id: this.nextId(),
      ...(options.fromApp ? { fromApp: true } : {}),
      ...(options.userName ? { userName: options.userName } : {}),
      ...(options.context ? { context: options.context } : {}),
      ...(peek ? { peek: true } : {}),
    };
    return this.deliver(message);
  }

  /** A reaction (`name` without colons: "pushpin", "+1") by `user` on message `itemId` of `thread`. */
  async react(
    name: string,
    itemId: string,
    options: {
      thread?: string;
      user?: string;
      conversation?: string;
      itemUser?: string;
      context?: MessageContext;
    } = {},
  ): Promise<Reply | null> {
    const message: PeekableMessage = {
      text: '',
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation: options.conversation ?? this.defaults.conversation ?? 'C_TEST',
      thread: options.thread ?? this.defaults.thread ?? `T${this.count}`,
      via: 'overheard',
      reaction: { name, itemId, ...(options.itemUser ? { itemUser: options.itemUser } : {}) },
      ...(options.context ? { context: options.context } : {}),
    };
    return this.deliver(message);
  }

  /** The "Save as fix" shortcut on a message. */
  async saveFix(request: SaveFixRequest): Promise<Reply> {
    return this.bot.saveFix(request);
  }

  /** Press a button of an earlier answer in `thread`. */
  async press(
    action: BotAction['action'],
    value: string,
    thread: string,
    options: { user?: string; conversation?: string; context?: MessageContext } = {},
  ): Promise<Reply> {
    return this.bot.act({
      action,
      value,
      thread,
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation: options.conversation ?? this.defaults.conversation ?? 'C_TEST',
      ...(options.context ? { context: options.context } : {}),
    });
  }

  private async deliver(message: PeekableMessage): Promise<Reply | null> {
    const reply = await this.bot.respond(message);
    const exchange: Exchange = { message, reply };
    if (reply) {
      exchange.postedId = this.nextId();
      // Awaited, as the real adapters do: the next message of the thread sees which message the answer was.
      await this.bot.posted(message, reply, exchange.postedId);
    }
    this.transcript.push(exchange);
    return reply;
  }
}
