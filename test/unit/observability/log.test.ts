// The logger (src/log.ts): pino JSON lines with time, level and msg; structured fields; secrets and,
// with STORE_MESSAGES off, message text never written, wherever they appear.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions, type LogLevel } from '../../../src/log.js';

function capture(level: LogLevel, options: LoggerOptions = {}) {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString('utf8');
      done();
    },
  });
  return { logger: createLogger(level, stream, options), out: () => out };
}

const lines = (out: string): Record<string, unknown>[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logger', () => {
  it('writes one JSON object per line with an ISO time, the level by name, the message and the fields given', () => {
    const { logger, out } = capture('info');
    logger.info('answered with Q290226', { eventId: 'Ev1', channel: 'slack', intent: 'error_paste', latencyMs: 3.2 });
    logger.debug('not shown at info');
    logger.warn('careful');
    const [first, second, ...rest] = lines(out());
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'answered with Q290226',
      eventId: 'Ev1',
      channel: 'slack',
      intent: 'error_paste',
      latencyMs: 3.2,
    });
    expect(new Date(String(first?.time)).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: 'warn', msg: 'careful' });
  });

  it('never writes a configured secret, in the message, in a field or escaped inside a JSON payload', () => {
    const secrets = ['xoxb-1111-2222-abcdefabcdef', 'shh"signing\\secret'];
    const { logger, out } = capture('debug', { secrets });
    logger.error(
      `slack: auth failed for token xoxb-1111-2222-abcdefabcdef at https://x/?t=xoxb-1111-2222-abcdefabcdef`,
    );
    logger.info('request', { headers: { authorization: 'Bearer whatever-value' }, token: 'other-token-value' });
    logger.debug(`slack: http request body: ${JSON.stringify({ signing: 'shh"signing\\secret' })}`);
    logger.warn('nested', { detail: { secret: 'shh"signing\\secret' } });
    const text = out();
    for (const s of [...secrets, JSON.stringify(secrets[1]).slice(1, -1), 'whatever-value', 'other-token-value'])
      expect(text).not.toContain(s);
    expect(lines(text)).toHaveLength(4);
    expect(text).toContain('[REDACTED]');
  });

  it('with message text hidden, a text field and any "text" inside a logged payload are not written', () => {
    const paste = 'The System cannot find the file specified: ID no: 0xc0020002';
    const { logger, out } = capture('debug', { hideMessageText: true });
    logger.info('message', { text: paste, channel: 'slack' });
    logger.debug(
      `slack: http request body: ${JSON.stringify({ channel: 'C1', text: paste, blocks: [{ text: { text: `"${paste}"` } }] })}`,
    );
    expect(out()).not.toContain('0xc0020002');
    expect(lines(out())[0]).toMatchObject({ text: '[not logged]', channel: 'slack' });
  });

  it('pretty format: readable lines, still without secrets', () => {
    const { logger, out } = capture('info', { format: 'pretty', secrets: ['xoxb-pretty-secret'], colorize: false });
    logger.warn('token xoxb-pretty-secret refused', { eventId: 'Ev2' });
    expect(out()).toMatch(/WARN.*token \[REDACTED\] refused/);
    expect(out()).toContain('Ev2');
    expect(out()).not.toContain('xoxb-pretty-secret');
  });
});
