/** Bolt's and the Web API client's log lines through kbbot's logger: levels, and no flood of repeats. */
import { describe, expect, it } from 'vitest';
import { boltLogger, BOLT_LOGGER_DEFAULTS } from '../../../../src/adapters/slack/bolt-logger.js';
import { keptLogger } from '../../../helpers/log.js';

describe('boltLogger', () => {
  it('logs a warning repeated during an outage once, then once per window with how many were held back', () => {
    let now = 0;
    const { logger, lines } = keptLogger('warn');
    const bolt = boltLogger(logger, { now: () => now });
    for (let i = 0; i < 1000; i++) bolt.warn('http request failed', new Error('fetch failed'));
    bolt.warn('another problem');
    expect(lines).toEqual([
      'kbbot warn: slack: http request failed fetch failed',
      'kbbot warn: slack: another problem',
    ]);

    now += BOLT_LOGGER_DEFAULTS.repeatWindowMs;
    bolt.warn('http request failed', new Error('fetch failed'));
    expect(lines.at(-1)).toBe(
      'kbbot warn: slack: http request failed fetch failed (999 more like it held back since it was last logged)',
    );
  });

  it('holds back errors too, but never info or debug lines, and logs everything at debug while quiet', () => {
    const { logger, lines } = keptLogger('debug');
    const bolt = boltLogger(logger, { now: () => 0 });
    bolt.error('boom');
    bolt.error('boom');
    bolt.info('connected');
    bolt.info('connected');
    expect(lines).toEqual(['kbbot error: slack: boom', 'kbbot info: slack: connected', 'kbbot info: slack: connected']);

    const quiet = keptLogger('debug');
    const starting = boltLogger(quiet.logger, { quiet: true, now: () => 0 });
    starting.error('auth.test failed');
    starting.error('auth.test failed');
    expect(quiet.lines).toEqual(['kbbot debug: slack: auth.test failed', 'kbbot debug: slack: auth.test failed']);
  });
});
