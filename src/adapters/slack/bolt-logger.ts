/**
 * Bolt's logger interface over kbbot's levelled logger, so Bolt, the Web API client and Socket
 * Mode log through the same stderr lines (prefixed `slack:`). Bolt's own level setting is
 * ignored: kbbot's LOG_LEVEL decides.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

const line = (parts: unknown[]): string =>
  parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');

export function boltLogger(log: Logger): BoltLogger {
  let name = 'slack';
  return {
    debug: (...m: unknown[]) => log.debug(`${name}: ${line(m)}`),
    info: (...m: unknown[]) => log.info(`${name}: ${line(m)}`),
    warn: (...m: unknown[]) => log.warn(`${name}: ${line(m)}`),
    error: (...m: unknown[]) => log.error(`${name}: ${line(m)}`),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: (n: string) => {
      name = n;
    },
  };
}
