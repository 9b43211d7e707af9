/**
 * `kbbot ingest [DIR...] [--out FILE] [--json] [--workers N]`: read every file under the folders,
 * write the index, and report what was read (failures are reported, not fatal: exit 0).
 */
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import type { IngestSummary } from '../kb/index/ingest.js';
import { formatBytes } from '../kb/index/read-source.js';
import { buildIndex } from '../kb/index/open-kb.js';
import { parseFolderSpec } from '../kb/index/folders.js';
import type { ArticleForm } from '../kb/article.js';
import { KbDirError } from '../kb/index/walk.js';
import { createProgressBar } from './progress-bar.js';
import { parseCount, UsageError } from './usage-error.js';

export interface IngestCommandOptions {
  out?: string;
  json?: boolean;
  workers?: number;
}

/** Failures listed in the human summary before "... and N more". */
export const FAILURES_SHOWN = 20;

/** A path relative to the cwd when it is below it, else as is: shorter failure lists. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

const num = (n: number): string => n.toLocaleString('en-US');

export function formatIngestSummary(summary: IngestSummary, indexPath: string): string {
  const { forms } = summary;
  const lines = [
    `Read ${num(summary.files)} files in ${summary.seconds} s`,
    `  articles:   ${num(summary.articles)} (${formsLine(forms)})`,
    `  duplicates: ${num(summary.duplicates)}${summary.duplicates ? ' (same id in several files: the newest kept)' : ''}`,
    `  failures:   ${num(summary.failures.length)}`,
  ];
  for (const f of summary.failures.slice(0, FAILURES_SHOWN)) lines.push(`    ${display(f.path)}: ${f.reason}`);
  if (summary.failures.length > FAILURES_SHOWN)
    lines.push(`    ... and ${num(summary.failures.length - FAILURES_SHOWN)} more (--json lists them all)`);
  let size = '';
  try {
    size = ` (${formatBytes(statSync(indexPath).size)})`;
  } catch {
    // the size is a nicety
  }
  lines.push(`Index written to ${display(indexPath)}${size}`);
  return lines.join('\n');
}

/** Names shown for each form in the summary line: the archive's three, then a team's documents. */
const FORM_NAMES: [ArticleForm, string][] = [
  ['text', 'text'],
  ['collapsed', 'collapsed'],
  ['markdown', 'markdown'],
  ['gfm', 'Markdown documents'],
  ['html', 'HTML'],
  ['plain', 'plain text'],
];

/** "text 3, collapsed 1, markdown 1" for the archive; team forms only when there are some. */
function formsLine(forms: Partial<Record<ArticleForm, number>>): string {
  const archive = (forms.text ?? 0) + (forms.collapsed ?? 0) + (forms.markdown ?? 0);
  return FORM_NAMES.filter(([form], i) =>
    i < 3 ? archive > 0 || (archive === 0 && Object.values(forms).every((n) => !n)) : (forms[form] ?? 0) > 0,
  )
    .map(([form, name]) => `${name} ${num(forms[form] ?? 0)}`)
    .join(', ');
}

export async function runIngest(dirs: string[], options: IngestCommandOptions): Promise<number> {
  const config = loadConfig();
  const given = dirs.length
    ? dirs.map(parseFolderSpec).map((f) => ({
        ...config.kbFolders.find((c) => c.dir === resolve(f.dir) && (!f.name || c.name === f.name)),
        ...f,
      }))
    : config.kbFolders;
  const folders = given.map((f) => f.dir);
  const bar = process.stderr.isTTY ? createProgressBar(process.stderr) : undefined;
  let result;
  try {
    result = await buildIndex(folders, {
      dataDir: config.dataDir,
      indexPath: options.out,
      ingest: {
        folders: given,
        headings: config.kbHeadings,
        workers: options.workers,
        onProgress: bar ? (done, total) => bar.update(done, total) : undefined,
      },
    });
  } catch (err) {
    if (err instanceof KbDirError) throw new UsageError(err.message);
    throw err;
  } finally {
    bar?.clear();
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...result.summary, index: result.indexPath })}\n`);
  else process.stdout.write(`${formatIngestSummary(result.summary, result.indexPath)}\n`);
  return 0;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('read every file under the folders into the KB index (failures are listed, not fatal)')
    .argument('[dir...]', 'KB folders, each optionally named: runbooks=/srv/runbooks (default: KB_DIR)')
    .option('--out <file>', 'where to write the index (default: $DATA_DIR/kb-index.bin)')
    .option('--json', 'print the summary as one JSON object on stdout')
    .option(
      '--workers <n>',
      'parser threads, 0 = parse in the main thread (default: one per core)',
      parseCount('--workers'),
    )
    .action(async (dirs: string[], options: IngestCommandOptions) => {
      process.exitCode = await runIngest(dirs, options);
    });
}
