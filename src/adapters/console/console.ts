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
import { renderPlain } from './plain.js';

/** What the console needs of the bot. */
export type ConsoleBot = Pick<Bot, 'respond'>;

/** The console is one conversation with one thread, so follow-ups ("just the steps") work. */
function messageOf(text: string): IncomingMessage {
  return {
    text: /^\s*\/help\s*$/i.test(text) ? 'help' : text,
    user: 'console',
    conversation: 'console',
    thread: 'console',
    via: 'dm',
  };
}

async function answer(bot: ConsoleBot, text: string, color: boolean, width: number): Promise<string> {
  try {
    const reply = await bot.respond(messageOf(text));
    return reply ? renderPlain(reply, { color, width }) : '';
  } catch (err) {
    return `kbbot: something went wrong answering that (${(err as Error).message}); try again.`;
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
  let lines: string[] = [];
  let answered = 0;
  const flush = async (): Promise<void> => {
    const text = lines.join('\n');
    lines = [];
    if (text.trim() === '') return;
    const reply = await answer(bot, text, false, 80);
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
      output.write(`${await answer(bot, text, color, width)}\n\n`);
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
