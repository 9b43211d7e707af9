/**
 * The in-memory adapter: drives the real Bot the way a chat transport would, without one. Tests
 * and demos use it: `await chat.say('ID no: 0xc0020002')` returns the reply (or null for
 * silence), every exchange is kept in `transcript`, and `press` clicks a button on an answer.
 *
 * Like Slack, every message gets an id (`"1700000000.000100"`, increasing), and so does every reply
 * the bot posts: the adapter tells the bot (`bot.posted`), so feedback that follows an answer is
 * read as Slack would deliver it. `react` adds a reaction to a message, `saveFix` is the "Save as
 * fix" shortcut.
 */
import type { Bot, BotAction, SaveFixRequest } from '../bot/bot.js';
import type { IncomingMessage, MessageContext, Via } from '../bot/message.js';
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
}

export interface Exchange {
  message: IncomingMessage;
  reply: Reply | null;
  /** The id the reply was posted as, when there was one. */
  postedId?: string;
}

export class FakeAdapter {
  readonly transcript: Exchange[] = [];
  private count = 0;
  private seq = 0;

  constructor(
    private readonly bot: Bot,
    private readonly defaults: { user?: string; conversation?: string; thread?: string; via?: Via } = {},
  ) {}

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
    const message: IncomingMessage = {
      text,
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation: options.conversation ?? this.defaults.conversation ?? 'C_TEST',
      thread: options.thread ?? this.defaults.thread ?? `T${++this.count}`,
      via: options.via ?? this.defaults.via ?? 'mention',
      id: this.nextId(),
      ...(options.fromApp ? { fromApp: true } : {}),
      ...(options.userName ? { userName: options.userName } : {}),
      ...(options.context ? { context: options.context } : {}),
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
    const message: IncomingMessage = {
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

  private async deliver(message: IncomingMessage): Promise<Reply | null> {
    const reply = await this.bot.respond(message);
    const exchange: Exchange = { message, reply };
    if (reply) {
      exchange.postedId = this.nextId();
      this.bot.posted(message, reply, exchange.postedId);
    }
    this.transcript.push(exchange);
    return reply;
  }
}
