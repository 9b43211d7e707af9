/**
 * The console adapter: a terminal conversation, or a batch over piped input.
 *
 * - Interactive (input is a TTY): a `kbbot> ` prompt; lines pasted together (arriving within
 *   `pasteMs` of each other) form one message; `/quit`, Ctrl-D or Ctrl-C ends.
 * - Piped: messages are separated by blank lines; each gets its answer, answers are separated by
 *   a blank line, and nothing else is written; returns at end of input.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Bot } from '../../bot/bot.js';
import type { IncomingMessage } from '../../bot/message.js';
import type { Reply } from '../../bot/reply.js';
import { renderPlain } from './plain.js';

/** What the console needs of the bot: `posted`, when it has it, learns the order of the conversation. */
export type ConsoleBot = Pick<Bot, 'respond'> & Partial<Pick<Bot, 'posted'>>;

/**
 * The console is one conversation with one thread, so follow-ups ("just the steps") work. Its
 * messages, and the bot's replies, get ids in increasing order, as a chat's message ids are, so
 * "that worked" straight after an answer credits that answer, and after a person's fix that fix.
 * The ids are microseconds since the epoch (at least one more than the last): the thread is kept
 * across runs, and a new run's messages still come after the old run's answer.
 */
class ConsoleThread {
  private last = 0;

  private nextId(): string {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return String(this.last);
  }

  constructor(private readonly bot: ConsoleBot) {}

  private messageOf(text: string): IncomingMessage {
    return {
      text: /^\s*\/help\s*$/i.test(text) ? 'help' : text,
      user: 'console',
      conversation: 'console',
      thread: 'console',
      via: 'dm',
      id: this.nextId(),
    };
  }

  async answer(text: string, color: boolean, width: number): Promise<string> {
    const message = this.messageOf(text);
    let reply: Reply | null;
    try {
      reply = await this.bot.respond(message);
    } catch (err) {
      return `kbbot: something went wrong answering that (${(err as Error).message}); try again.`;
    }
    if (!reply) return '';
    // An acknowledgement is a reaction in a chat thread, not a message: it does not come between
    // the answer and what follows. Failing to note the order never loses the reply. Awaited, so the
    // next message sees the reply as the last turn.
    if (reply.kind !== 'ack') {
      try {
        await this.bot.posted?.(message, reply, this.nextId());
      } catch {
        // the next feedback may then credit nothing; the reply is still shown
      }
    }
    try {
      return renderPlain(reply, { color, width });
    } catch (err) {
      return `kbbot: something went wrong answering that (${(err as Error).message}); try again.`;
    }
  }
}

export interface ConsoleOptions {
  input?: Readable;
  output?: Writable;
  /** Prompt-and-answer conversation rather than a batch. Default: whether `input` is a TTY. */
  interactive?: boolean;
  prompt?: string;
  /** Interactive only: lines arriving closer together than this are one pasted message. */
  pasteMs?: number;
  /** ANSI colours. Default: interactive and the output is a TTY (and NO_COLOR unset). */
  color?: boolean;
}

export const CONSOLE_DEFAULTS = {
  prompt: 'kbbot> ',
  pasteMs: 40,
  greeting: 'kbbot: paste an error message, name an article (Q290226), or type /help. /quit ends.',
} as const;

const QUIT = /^\s*\/(quit|exit)\s*$/i;

export async function runConsole(bot: ConsoleBot, options: ConsoleOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = options.interactive ?? (input as Readable & { isTTY?: boolean }).isTTY === true;
  const tty = output as Writable & { isTTY?: boolean; columns?: number };
  const color = options.color ?? (interactive && tty.isTTY === true && !process.env.NO_COLOR);
  const width = Math.max(40, Math.min(100, tty.columns ?? 80));
  if (interactive) await converse(bot, input, output, options, color, width);
  else await batch(bot, input, output);
}

async function batch(bot: ConsoleBot, input: Readable, output: Writable): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  const thread = new ConsoleThread(bot);
  let lines: string[] = [];
  let answered = 0;
  const flush = async (): Promise<void> => {
    const text = lines.join('\n');
    lines = [];
    if (text.trim() === '') return;
    const reply = await thread.answer(text, false, 80);
    if (reply) output.write(`${answered++ > 0 ? '\n' : ''}${reply}\n`);
  };
  for await (const line of rl) {
    if (line.trim() === '') await flush();
    else lines.push(line);
  }
  await flush();
}

async function converse(
  bot: ConsoleBot,
  input: Readable,
  output: Writable,
  options: ConsoleOptions,
  color: boolean,
  width: number,
): Promise<void> {
  const pasteMs = options.pasteMs ?? CONSOLE_DEFAULTS.pasteMs;
  const rl = createInterface({ input, output, prompt: options.prompt ?? CONSOLE_DEFAULTS.prompt, terminal: true });
  const thread = new ConsoleThread(bot);
  output.write(`${CONSOLE_DEFAULTS.greeting}\n`);
  rl.prompt();

  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue = Promise.resolve();
  let closed = false;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const text = pending.join('\n');
    pending = [];
    if (text.trim() === '') {
      if (!closed) rl.prompt();
      return;
    }
    queue = queue.then(async () => {
      output.write(`${await thread.answer(text, color, width)}\n\n`);
      if (!closed) rl.prompt();
    });
  };

  await new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      if (QUIT.test(line)) {
        flush(); // what came before /quit still gets its answer
        rl.close();
        return;
      }
      pending.push(line);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, pasteMs);
    });
    rl.on('SIGINT', () => rl.close()); // Ctrl-C ends the conversation like /quit
    rl.on('close', () => {
      closed = true;
      if (pending.length) flush();
      void queue.then(resolve);
    });
  });
}
