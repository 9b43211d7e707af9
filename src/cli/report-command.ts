/**
 * `kbbot report [--data DIR] [--json] [--days N]`: what the bot's log says a KB owner should act
 * on, the team fixes saved and how they fared included (see src/report/report.ts for the contents
 * and the JSON contract).
 *
 * The data folder is `--data`, else DATA_DIR (default ./data). A folder without the storage file
 * (kbbot.db) has no data yet: a message (with --json, the empty report) and exit 0; the report never
 * creates a database. Titles come from the KB index file in the same folder when it can be read,
 * else the report goes without them. `--json` prints the Report as one JSON object on one line.
 * A storage that cannot be opened (damaged, locked, too new) is one line on stderr and exit 1.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { readIndex } from '../kb/index/index-file.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { INDEX_FILE_NAME } from '../kb/index/open-kb.js';
import { buildReport, emptyReport, REPORT_DEFAULTS, reportWindow, type Report } from '../report/report.js';
import { openStorage, STORAGE_FILE, StorageError } from '../memory/sqlite/open.js';
import type { Storage } from '../memory/types.js';
import { formatReport } from '../report/format.js';
import { parseCount, UsageError } from './usage-error.js';

export interface ReportCommandOptions {
  data?: string;
  json?: boolean;
  days?: number;
}

/** The longest window `--days` accepts (ten years of days). */
export const MAX_REPORT_DAYS = 3660;

/** The data folder: `--data`, else DATA_DIR (loadConfig's default), absolute. */
export function dataDirOf(option: string | undefined): string {
  return option !== undefined && option.trim() !== '' ? resolve(option) : loadConfig().dataDir;
}

/**
 * Open the storage in `dataDir` if it has one; undefined when there is no kbbot.db (nothing is
 * created). Throws openStorage's StorageError for a file that cannot be used (see storageFailure).
 */
export function openExistingStorage(dataDir: string): Storage | undefined {
  if (!existsSync(join(dataDir, STORAGE_FILE))) return undefined;
  return openStorage(dataDir);
}

/** Print a StorageError as one line and return exit code 1; rethrow anything else. */
export function storageFailure(err: unknown): number {
  if (!(err instanceof StorageError)) throw err;
  process.stderr.write(`kbbot: ${err.message}\n`);
  return 1;
}

/**
 * Article titles from the KB index file in `dataDir`, read on the first call (a big KB takes a
 * second or two, so only a report with articles pays it). Any failure: no titles.
 */
export function titlesFrom(dataDir: string): (id: string) => string | undefined {
  let kb: KnowledgeBase | null | undefined;
  return (id) => {
    if (kb === undefined) {
      try {
        kb = readIndex(join(dataDir, INDEX_FILE_NAME)).kb;
      } catch {
        kb = null;
      }
    }
    return kb?.get(id)?.title || undefined;
  };
}

export function runReport(options: ReportCommandOptions): number {
  const days = options.days ?? REPORT_DEFAULTS.days;
  if (days < 1 || days > MAX_REPORT_DAYS)
    throw new UsageError(`--days must be between 1 and ${MAX_REPORT_DAYS}, not ${days}`);
  const dataDir = dataDirOf(options.data);
  const now = Date.now();
  let report: Report;
  let storage: Storage | undefined;
  try {
    storage = openExistingStorage(dataDir);
    if (!storage) {
      if (options.json) process.stdout.write(`${JSON.stringify(emptyReport(now, days))}\n`);
      else
        process.stdout.write(
          `No data yet: ${join(dataDir, STORAGE_FILE)} does not exist. kbbot keeps it once it answers messages (npm start); report on another folder with --data DIR.\n`,
        );
      return 0;
    }
    const interactions = storage.interactions.list({ since: reportWindow(now, days).from });
    const feedback = storage.feedback.list();
    const fixes = storage.fixes.list();
    report = buildReport({ interactions, feedback, fixes, title: titlesFrom(dataDir), now, days });
  } catch (err) {
    return storageFailure(err);
  } finally {
    storage?.close();
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report, { width: process.stdout.columns })}\n`,
  );
  return 0;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'questions the KB does not answer (grouped), helpfulness per article, new team fixes and the articles they beat, errors pasted most, answers per day',
    )
    .option('--data <dir>', 'the data folder holding kbbot.db (default: DATA_DIR, ./data)')
    .option(
      '--days <n>',
      `the last N days, today (UTC) included (default ${REPORT_DEFAULTS.days})`,
      parseCount('--days'),
    )
    .option('--json', 'print the report as one JSON object on one line (contract in src/report/report.ts)')
    .action((options: ReportCommandOptions) => {
      process.exitCode = runReport(options);
    });
}
