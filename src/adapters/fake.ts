/**
 * The in-memory adapter: drives the real Bot the way a chat transport would, without one. Tests
 * and demos use it: `await chat.say('ID no: 0xc0020002')` returns the reply (or null for
 * silence), every exchange is kept in `transcript`, and `press` clicks a button on an answer.
 */
import type { Bot, BotAction } from '../bot/bot.js';
import type { IncomingMessage, Via } from '../bot/message.js';
import type { Reply } from '../bot/reply.js';

export interface FakeSayOptions {
  /** Default: the adapter's thread, so consecutive messages form one conversation. */
  thread?: string;
  via?: Via;
  user?: string;
  conversation?: string;
  /** Posted by another app (an alert from Alertmanager), as the Slack and Teams adapters mark such messages. */
  fromApp?: boolean;
}

export interface Exchange {
  message: IncomingMessage;
  reply: Reply | null;
}

export class FakeAdapter {
  readonly transcript: Exchange[] = [];
  private count = 0;

  constructor(
    private readonly bot: Bot,
    private readonly defaults: { user?: string; conversation?: string; thread?: string; via?: Via } = {},
  ) {}

  async say(text: string, options: FakeSayOptions = {}): Promise<Reply | null> {
    const message: IncomingMessage & { fromApp?: boolean } = {
      text,
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation: options.conversation ?? this.defaults.conversation ?? 'C_TEST',
      thread: options.thread ?? this.defaults.thread ?? `T${++this.count}`,
      via: options.via ?? this.defaults.via ?? 'mention',
      ...(options.fromApp ? { fromApp: true } : {}),
    };
    const reply = await this.bot.respond(message);
    this.transcript.push({ message, reply });
    return reply;
  }

  /** Press a button of an earlier answer in `thread`. */
  async press(
    action: BotAction['action'],
    value: string,
    thread: string,
    options: { user?: string; conversation?: string } = {},
  ): Promise<Reply> {
    return this.bot.act({
      action,
      value,
      thread,
      user: options.user ?? this.defaults.user ?? 'U_TESTER',
      conversation: options.conversation ?? this.defaults.conversation ?? 'C_TEST',
    });
  }
}
