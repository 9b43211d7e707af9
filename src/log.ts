/**
 * The bot's logger: pino, on stderr (stdout is for answers), one record per message.
 *
 * - Format (`LOG_FORMAT`): `json`, one JSON object per line with `level` (a label: error, warn, info,
 *   debug), `time` (ISO 8601, UTC), `msg`, `pid`, `hostname` and the fields the caller gave (event
 *   id, channel kind, intent, outcome, latency, ...): what a log collector reads; or `pretty`,
 *   pino-pretty's coloured one-liners for a person at a terminal. Both are written synchronously,
 *   so nothing is lost when the process exits straight after a line.
 * - Secrets: the values the configuration holds (tokens, signing secret, app password) are
 *   replaced by `[REDACTED]` in every line, wherever they appear (a URL, an error message, Bolt's
 *   debug output), and fields under the usual secret names (`token`, `authorization`, `password`,
 *   ...) are redacted by pino whatever their value.
 * - Message text (`hideMessageText`, i.e. STORE_MESSAGES off): a `text` field, and any `"text":"…"`
 *   inside a logged payload (Bolt's and the Web API's debug lines carry request bodies), is
 *   replaced by `[not logged]`.
 *
 * Callers use the small `Logger` interface below: a message, and optionally structured fields.
 */
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';

/** pino-pretty, loaded only when the pretty format is asked for (a service logging JSON never pays for it). */
const loadPretty = (): typeof PinoPretty => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Structured fields of one log record (never secrets or message text: see the module comment). */
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  /** Default `json`. */
  format?: LogFormat;
  /** Values never written (the configuration's tokens and secrets); shorter than `MIN_SECRET_CHARS` ignored. */
  secrets?: readonly string[];
  /** STORE_MESSAGES off: message text is never written. Default false. */
  hideMessageText?: boolean;
  /** Pretty format only: colours (default: when the stream is a terminal). */
  colorize?: boolean;
}

/** A secret shorter than this is not scrubbed from lines (it would blank out common words). */
export const MIN_SECRET_CHARS = 6;

export const REDACTED = '[REDACTED]';
export const TEXT_NOT_LOGGED = '[not logged]';

/** Field names pino redacts in every record, at the top level and one level down. */
const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'appPassword',
  'password',
  'secret',
  'authorization',
  'MicrosoftAppPassword',
];
const redactPaths = (keys: string[]): string[] => keys.flatMap((k) => [k, `*.${k}`]);

/** `"text":"…"` in a JSON-serialised payload within a message (escaped characters included), at any depth. */
const TEXT_FIELD = /"text"\s*:\s*"(?:[^"\\]|\\.)*"/g;

/** A message with the `"text"` values of the payloads it shows replaced. */
export function withoutText(message: string): string {
  return message.replace(TEXT_FIELD, `"text":"${TEXT_NOT_LOGGED}"`);
}

/** The function applied to every serialised line before it is written: the secrets replaced. */
export function scrubber(options: Pick<LoggerOptions, 'secrets'>): (line: string) => string {
  const secrets = [...new Set(options.secrets ?? [])].filter((s) => s.length >= MIN_SECRET_CHARS);
  // A secret as it appears inside a JSON string too (quotes and backslashes escaped), longest first.
  const forms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort(
    (a, b) => b.length - a.length,
  );
  return (line) => {
    let out = line;
    for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  };
}

/** Messages at `level` and more severe go to `stream` (default stderr) as JSON lines or pretty ones. */
export function createLogger(
  level: LogLevel,
  stream: Writable | NodeJS.WriteStream = process.stderr,
  options: LoggerOptions = {},
): Logger {
  const format = options.format ?? 'json';
  const toStderr = stream === process.stderr;
  const destination: pino.DestinationStream =
    format === 'pretty'
      ? loadPretty()({
          destination: toStderr ? 2 : stream,
          sync: true,
          colorize: options.colorize ?? (stream as { isTTY?: boolean }).isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
          singleLine: true,
        })
      : toStderr
        ? pino.destination({ dest: 2, sync: true })
        : (stream as unknown as pino.DestinationStream);
  const scrub = scrubber(options);
  const paths = redactPaths(options.hideMessageText ? [...SECRET_KEYS, 'text'] : SECRET_KEYS);
  const logger = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: (_value, path) => (path.at(-1) === 'text' ? TEXT_NOT_LOGGED : REDACTED) },
      hooks: { streamWrite: scrub },
    },
    destination,
  );
  const at =
    (l: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (options.hideMessageText) message = withoutText(message);
      if (fields) logger[l](fields, message);
      else logger[l](message);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
