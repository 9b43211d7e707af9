/** A minimal levelled logger writing one line per message to stderr (stdout is for answers). */
import type { Writable } from 'node:stream';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Messages at `level` and more severe go to `stream` as "kbbot <level>: message". */
export function createLogger(level: LogLevel, stream: Writable = process.stderr): Logger {
  const max = LOG_LEVELS.indexOf(level);
  const at =
    (l: LogLevel) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(l) <= max) stream.write(`kbbot ${l}: ${message}\n`);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
