/** A logger whose lines ("kbbot warn: ...") are kept, for tests that read what the adapters log. */
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../src/log.js';

export function keptLogger(level: LogLevel = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}
