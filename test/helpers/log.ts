/**
 * A logger whose records are kept, for tests that read what the adapters log: the real (pino, JSON)
 * logger, each record also as the line "kbbot <level>: <msg>" (what `lines` holds) and as parsed
 * JSON (`records`).
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LoggerOptions, type LogLevel } from '../../src/log.js';

export function keptLogger(
  level: LogLevel = 'debug',
  options: LoggerOptions = {},
): { logger: Logger; lines: string[]; records: Record<string, unknown>[] } {
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const record = JSON.parse(line) as Record<string, unknown>;
        records.push(record);
        lines.push(`kbbot ${String(record.level)}: ${String(record.msg)}`);
      }
      done();
    },
  });
  return { logger: createLogger(level, stream, { ...options, format: 'json' }), lines, records };
}

/** The JSON log records in a process's stderr (lines that are not JSON, like a start-up failure, are skipped). */
export function logRecords(stderr: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial last line
    }
  }
  return records;
}

/** Whether a record at `level` whose message matches `msg` is in `stderr`. */
export function hasLogged(stderr: string, level: LogLevel, msg: RegExp): boolean {
  return logRecords(stderr).some((r) => r.level === level && msg.test(String(r.msg)));
}
