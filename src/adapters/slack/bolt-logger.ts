/**
 * Bolt's logger interface over kbbot's logger (pino, src/log.ts), so Bolt, the Web API client and
 * Socket Mode log through the same stderr records (messages prefixed `slack:`), JSON or pretty as
 * LOG_FORMAT says, with the same redaction: the configured tokens and secrets never written, and
 * with STORE_MESSAGES off no message text (their debug lines show request bodies). Bolt's own
 * level setting is ignored: kbbot's LOG_LEVEL decides.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

const line = (parts: unknown[]): string =>
  parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');

export const BOLT_LOGGER_DEFAULTS = {
  /**
   * A warn or error line said again within this many ms of its first saying is counted, not
   * logged: during a Web API outage the client warns once per failed request (thousands a minute).
   * The next one after the window is logged with how many were held back.
   */
  repeatWindowMs: 60_000,
  /** Distinct lines remembered for that at most (the memory is cleared when full). */
  maxDistinct: 200,
} as const;

/**
 * While `quiet` (true, or a function saying so), everything is logged at debug: a client whose
 * failures its caller reports in one line of its own (start-up).
 */
export function boltLogger(
  log: Logger,
  options: { quiet?: boolean | (() => boolean); now?: () => number } = {},
): BoltLogger {
  let name = 'slack';
  const quiet = (): boolean => (typeof options.quiet === 'function' ? options.quiet() : options.quiet === true);
  const now = options.now ?? Date.now;
  /** line -> when its window ends and how many were held back in it. */
  const repeats = new Map<string, { until: number; held: number }>();
  const once = (message: string): string | undefined => {
    const t = now();
    const seen = repeats.get(message);
    if (seen && t < seen.until) {
      seen.held++;
      return undefined;
    }
    if (repeats.size >= BOLT_LOGGER_DEFAULTS.maxDistinct) repeats.clear();
    repeats.set(message, { until: t + BOLT_LOGGER_DEFAULTS.repeatWindowMs, held: 0 });
    return seen?.held ? `${message} (${seen.held} more like it held back since it was last logged)` : message;
  };
  const at =
    (level: keyof Logger) =>
    (message: string): void => {
      if (quiet()) return log.debug(message);
      const shown = level === 'warn' || level === 'error' ? once(message) : message;
      if (shown !== undefined) log[level](shown);
    };
  return {
    debug: (...m: unknown[]) => log.debug(`${name}: ${line(m)}`),
    info: (...m: unknown[]) => at('info')(`${name}: ${line(m)}`),
    warn: (...m: unknown[]) => at('warn')(`${name}: ${line(m)}`),
    error: (...m: unknown[]) => at('error')(`${name}: ${line(m)}`),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: (n: string) => {
      name = n;
    },
  };
}
