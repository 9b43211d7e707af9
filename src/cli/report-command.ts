/**
 * `kbbot report [--data DIR] [--json] [--days N]`: what the bot's log says a KB owner should act
 * on, the team fixes saved and how they fared included (see src/report/report.ts for the contents
 * and the JSON contract).
 *
 * The storage is the SQLite one in `--data DIR`, else the Postgres database at DATABASE_URL when it
 * is set, else the SQLite one in DATA_DIR (default ./data) (./open-storage.ts). A folder without
 * the storage file (kbbot.db) has no data yet: a message (with --json, the empty report) and exit
 * 0; the report never creates a SQLite database. Titles come from the KB index file in the data
 * folder (`--data`, else DATA_DIR) when it can be read, else the report goes without them. `--json`
 * prints the Report as one JSON object on one line. A SQLite storage that cannot be opened
 * (damaged, locked, too new) is one line on stderr and exit 1; a Postgres database that cannot be
 * reached or refuses kbbot is one line (without its password) and exit 2.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { readIndex } from '../kb/index/index-file.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { INDEX_FILE_NAME } from '../kb/index/open-kb.js';
import { buildReport, emptyReport, REPORT_DEFAULTS, reportWindow, type Report } from '../report/report.js';
import type { AsyncStorage } from '../memory/async-types.js';
import { formatReport } from '../report/format.js';
import { DATA_OPTION_HELP, openCliStorage, storageFailure } from './open-storage.js';
import { parseCount, UsageError } from './usage-error.js';

export interface ReportCommandOptions {
  data?: string;
  json?: boolean;
  days?: number;
}

/** The longest window `--days` accepts (ten years of days). */
export const MAX_REPORT_DAYS = 3660;

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

export async function runReport(options: ReportCommandOptions): Promise<number> {
  const days = options.days ?? REPORT_DEFAULTS.days;
  if (days < 1 || days > MAX_REPORT_DAYS)
    throw new UsageError(`--days must be between 1 and ${MAX_REPORT_DAYS}, not ${days}`);
  const now = Date.now();
  let report: Report;
  let storage: AsyncStorage | undefined;
  try {
    const opened = await openCliStorage(options.data);
    storage = opened.storage;
    if (!storage) {
      if (options.json) process.stdout.write(`${JSON.stringify(emptyReport(now, days))}\n`);
      else
        process.stdout.write(
          `No data yet: ${opened.where} does not exist. kbbot keeps it once it answers messages (npm start); report on another folder with --data DIR.\n`,
        );
      return 0;
    }
    const interactions = await storage.interactions.list({ since: reportWindow(now, days).from });
    const feedback = await storage.feedback.list();
    const fixes = await storage.fixes.list();
    report = buildReport({ interactions, feedback, fixes, title: titlesFrom(opened.dataDir), now, days });
  } catch (err) {
    return storageFailure(err);
  } finally {
    await storage?.close();
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
    .option('--data <dir>', DATA_OPTION_HELP)
    .option(
      '--days <n>',
      `the last N days, today (UTC) included (default ${REPORT_DEFAULTS.days})`,
      parseCount('--days'),
    )
    .option('--json', 'print the report as one JSON object on one line (contract in src/report/report.ts)')
    .action(async (options: ReportCommandOptions) => {
      process.exitCode = await runReport(options);
    });
}
