/**
 * Bolt's logger interface over kbbot's levelled logger, so Bolt, the Web API client and Socket
 * Mode log through the same stderr lines (prefixed `slack:`). Bolt's own level setting is
 * ignored: kbbot's LOG_LEVEL decides.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

const line = (parts: unknown[]): string =>
  parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');

/**
 * While `quiet` (true, or a function saying so), everything is logged at debug: a client whose
 * failures its caller reports in one line of its own (start-up).
 */
export function boltLogger(log: Logger, options: { quiet?: boolean | (() => boolean) } = {}): BoltLogger {
  let name = 'slack';
  const quiet = (): boolean => (typeof options.quiet === 'function' ? options.quiet() : options.quiet === true);
  const at =
    (level: keyof Logger) =>
    (message: string): void =>
      quiet() ? log.debug(message) : log[level](message);
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
