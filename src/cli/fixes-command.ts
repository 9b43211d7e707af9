/**
 * `kbbot fixes list|show|delete|export`: the team fixes saved in chat (issue #24), as the team's
 * data, from the storage: the SQLite one in `--data DIR`, else the Postgres database at
 * DATABASE_URL when set, else the SQLite one in DATA_DIR (./open-storage.ts):
 *
 * - `list [--since WHEN] [--json]`: the fixes, oldest first: id, date saved, author, title. With
 *   `--json`, one FixRecord (src/memory/types.ts) per line.
 * - `show ID... [--json]`: each fix in full (its text as written, the errors, codes, what was
 *   offered in its thread, who wrote and saved it, the thread link).
 * - `delete ID...`: remove fixes. A running bot stops answering with them at its next message (its
 *   FixIndex re-reads the store when the storage's data version changes).
 * - `export DIR [--since WHEN] [--force] [--json]`: each fix as DIR/fix-N.md (src/fixes/export.ts),
 *   Markdown that `kbbot parse` reads back as the same article, to review into a runbook repo. A
 *   folder that holds anything is refused without --force (which replaces files of the same name
 *   and touches nothing else).
 *
 * An id is written "fix-12", "fix 12", "fix#12" or "12". WHEN is a number of days, hours or weeks
 * back ("30d", "12h", "2w") or a UTC date ("2026-12-01"). Only an existing storage is read: a data
 * folder without kbbot.db is a usage error (exit 2), as are a bad id or WHEN; an id not in the
 * store is exit 1; a storage that cannot be opened is one line on stderr and exit 1 (a Postgres
 * database that cannot be reached or refuses kbbot: exit 2, the line without its password).
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixFileName, fixMarkdown, readFixMarkdown } from '../fixes/export.js';
import { normaliseFixId } from '../kb/kb-id.js';
import type { AsyncStorage } from '../memory/async-types.js';
import type { FixRecord } from '../memory/types.js';
import { formatTable, oneLine } from '../report/format.js';
import { DATA_OPTION_HELP, openCliStorage, storageFailure } from './open-storage.js';
import { UsageError } from './usage-error.js';

export interface FixesCommandOptions {
  data?: string;
  json?: boolean;
  since?: string;
  force?: boolean;
}

const HOUR_MS = 3_600_000;
/** The units `--since` takes after a number: hours, days, weeks. */
const SINCE_UNITS: Readonly<Record<string, number>> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

/** Longest title shown in `fixes list` (characters; titles are at most 100 already). */
const LIST_TITLE_CHARS = 80;

/** `--since` as ms since the epoch: "30d", "12h", "2w" back from `now`, or 00:00 UTC of "YYYY-MM-DD". */
export function parseSince(value: string, now = Date.now()): number {
  const text = value.trim().toLowerCase();
  const back = /^(\d{1,6})\s*([hdw])$/.exec(text);
  if (back) return now - Number(back[1]) * SINCE_UNITS[back[2]!]!;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text) return ms;
  }
  throw new UsageError(
    `--since must be a number of hours, days or weeks ("12h", "30d", "2w") or a date ("2026-12-01"), not ${JSON.stringify(value)}`,
  );
}

/**
 * The fix ids in the arguments, canonical ("fix-12"), each once: "fix-12", "fix 12" (two words),
 * "fix#12", "#12" or "12"; commas separate too. Anything else is a usage error.
 */
export function parseFixIds(args: readonly string[]): string[] {
  const words = args.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean);
  const ids = new Set<string>();
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    const next = words[k + 1];
    const id =
      normaliseFixId(word) ??
      (/^#?\d{1,9}$/.test(word) ? normaliseFixId(`fix ${word.replace('#', '')}`) : null) ??
      (/^fix$/i.test(word) && next !== undefined ? normaliseFixId(`fix ${next}`) : null);
    if (!id) throw new UsageError(`not a fix id: ${JSON.stringify(word)} (fix ids look like fix-12)`);
    if (/^fix$/i.test(word)) k++;
    ids.add(id);
  }
  if (ids.size === 0) throw new UsageError('name the fix: kbbot fixes show fix-12');
  return [...ids];
}

/**
 * Run `work` on the storage (./open-storage.ts), closed afterwards; a SQLite data folder without
 * kbbot.db is a usage error (nothing is created); a storage failure is one line and exit 1 (2 for a
 * Postgres database that cannot be opened).
 */
async function withStorage(
  options: FixesCommandOptions,
  work: (storage: AsyncStorage, where: string) => Promise<number>,
): Promise<number> {
  let storage: AsyncStorage | undefined;
  try {
    const opened = await openCliStorage(options.data);
    storage = opened.storage;
    if (!storage)
      throw new UsageError(
        `no team fixes here: ${opened.where} does not exist (the bot keeps it in its DATA_DIR; name that folder with --data DIR)`,
      );
    return await work(storage, opened.where);
  } catch (err) {
    return storageFailure(err);
  } finally {
    await storage?.close();
  }
}

/**
 * `text` safe to print on a terminal: control characters (escape sequences among them) dropped,
 * tabs and newlines kept. A fix's text is whatever someone wrote in chat.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const timeOf = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const who = (id: string, name: string | null): string => (name ? `${name} (${id})` : id);

export async function runFixesList(options: FixesCommandOptions): Promise<number> {
  const since = options.since === undefined ? undefined : parseSince(options.since);
  return withStorage(options, async (storage, where) => {
    const fixes = await storage.fixes.list(since === undefined ? {} : { since });
    if (options.json) {
      process.stdout.write(fixes.map((f) => `${JSON.stringify(f)}\n`).join(''));
      return 0;
    }
    const scope = since === undefined ? '' : ` saved since ${timeOf(since)}`;
    if (fixes.length === 0) {
      process.stdout.write(
        `No team fixes${scope} in ${where}. Save one in a thread with "@kbbot save fix" (see the README).\n`,
      );
      return 0;
    }
    const rows = fixes.map((f) => [
      f.id,
      dateOf(f.savedAt),
      oneLine(f.authorName ?? f.author, 24),
      oneLine(f.title, LIST_TITLE_CHARS),
    ]);
    const lines = [
      `${plural(fixes.length, 'team fix', 'team fixes')}${scope} in ${where}:`,
      ...formatTable([{ head: 'Fix' }, { head: 'Saved' }, { head: 'Author' }, { head: 'Title' }], rows),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** A fix in full, for the terminal. */
export function describeFix(fix: FixRecord): string {
  const out = [
    `${fix.id}: ${oneLine(fix.title, 200)}`,
    `Written by: ${printable(who(fix.author, fix.authorName))}`,
    `Saved:      ${timeOf(fix.savedAt)}${fix.savedBy ? ` by ${printable(fix.savedBy)}` : ''} (via ${fix.via})`,
    `Thread:     ${printable(fix.permalink ?? `conversation ${fix.conversation}, thread ${fix.thread}`)}`,
  ];
  if (fix.codes.length) out.push(`Codes:      ${printable(fix.codes.join(', '))}`);
  if (fix.offered.length)
    out.push(
      `Offered:    ${fix.offered.map((o) => `${o.articleId}${o.verdict ? ` (${o.verdict === 'helped' ? 'helped' : 'not it'})` : ''}`).join(', ')}`,
    );
  const indent = (text: string): string =>
    printable(text)
      .trim()
      .split('\n')
      .map((l) => (l.trim() ? `  ${l}` : ''))
      .join('\n');
  const errors = fix.errors.filter((e) => e.trim());
  if (errors.length) out.push('', errors.length === 1 ? 'Error:' : 'Errors:', errors.map(indent).join('\n\n'));
  out.push('', 'Fix:', indent(fix.text) || '  (no text)');
  return out.join('\n');
}

export async function runFixesShow(ids: readonly string[], options: FixesCommandOptions): Promise<number> {
  const wanted = parseFixIds(ids);
  return withStorage(options, async (storage, where) => {
    const found: FixRecord[] = [];
    let code = 0;
    for (const id of wanted) {
      const fix = await storage.fixes.get(id);
      if (fix) found.push(fix);
      else {
        process.stderr.write(`kbbot: no ${id} in ${where} (kbbot fixes list shows the fixes there)\n`);
        code = 1;
      }
    }
    if (options.json) process.stdout.write(found.map((f) => `${JSON.stringify(f)}\n`).join(''));
    else if (found.length) process.stdout.write(`${found.map(describeFix).join('\n\n')}\n`);
    return code;
  });
}

export async function runFixesDelete(ids: readonly string[], options: FixesCommandOptions): Promise<number> {
  const wanted = parseFixIds(ids);
  return withStorage(options, async (storage, where) => {
    let code = 0;
    for (const id of wanted) {
      const fix = await storage.fixes.get(id);
      if (fix && (await storage.fixes.delete(id)))
        process.stdout.write(`Deleted ${id} (${oneLine(fix.title, LIST_TITLE_CHARS)}) from ${where}.\n`);
      else {
        process.stderr.write(`kbbot: no ${id} in ${where} (kbbot fixes list shows the fixes there)\n`);
        code = 1;
      }
    }
    return code;
  });
}

/** Whether `dir` exists and holds anything (a file where the folder should be is a usage error). */
function holdsAnything(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is a file, not a folder to export into`);
  return readdirSync(dir).length > 0;
}

/** A file or folder the export cannot write: one line on stderr (what was written stays), exit 1. */
function writeFailure(path: string, err: unknown): number {
  const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
  process.stderr.write(`kbbot: cannot write ${path} (${reason})\n`);
  return 1;
}

export async function runFixesExport(dir: string, options: FixesCommandOptions): Promise<number> {
  const target = resolve(dir);
  const since = options.since === undefined ? undefined : parseSince(options.since);
  if (holdsAnything(target) && !options.force)
    throw new UsageError(
      `${target} is not empty: export into a new or empty folder, or add --force to write the fix files there (files of the same name are replaced, nothing else is touched)`,
    );
  return withStorage(options, async (storage, where) => {
    const fixes = await storage.fixes.list(since === undefined ? {} : { since });
    const files: string[] = [];
    try {
      if (fixes.length) mkdirSync(target, { recursive: true });
    } catch (err) {
      return writeFailure(target, err);
    }
    for (const fix of fixes) {
      const file = fixFileName(fix);
      try {
        writeFileSync(join(target, file), fixMarkdown(fix));
      } catch (err) {
        return writeFailure(join(target, file), err);
      }
      files.push(file);
      if (!readFixMarkdown(fix))
        process.stderr.write(`kbbot: ${file} has no words kbbot's reader takes as an article; edit it before use\n`);
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ dir: target, written: files.length, files })}\n`);
      return 0;
    }
    process.stdout.write(
      fixes.length === 0
        ? `No team fixes to export in ${where}; nothing written.\n`
        : `Wrote ${plural(files.length, 'team fix', 'team fixes')} to ${target} (${files.length === 1 ? files[0] : `${files[0]} ... ${files.at(-1)}`}). Review them into your runbook repo; kbbot parse shows what kbbot reads in them.\n`,
    );
    return 0;
  });
}

const DATA_OPTION = ['--data <dir>', DATA_OPTION_HELP] as const;
const SINCE_OPTION = ['--since <when>', 'only fixes saved since: 30d, 12h, 2w back, or a date (2026-12-01)'] as const;
const ID_HELP = 'fix ids: fix-12, "fix 12" or 12';

export function registerFixes(program: Command): void {
  const fixes = program
    .command('fixes')
    .description('the team fixes saved in chat: list, show, delete, or export them as Markdown articles');
  fixes
    .command('list')
    .description('the saved fixes, oldest first: id, date, author, title')
    .option(...DATA_OPTION)
    .option(...SINCE_OPTION)
    .option('--json', 'one JSON object per fix per line (the stored record)')
    .action(async (options: FixesCommandOptions) => {
      process.exitCode = await runFixesList(options);
    });
  fixes
    .command('show')
    .description('a fix in full: its text as written, the errors of its thread, who wrote and saved it, the link')
    .argument('<id...>', ID_HELP)
    .option(...DATA_OPTION)
    .option('--json', 'one JSON object per fix per line (the stored record)')
    .action(async (ids: string[], options: FixesCommandOptions) => {
      process.exitCode = await runFixesShow(ids, options);
    });
  fixes
    .command('delete')
    .description('remove fixes; a running bot stops answering with them at its next message')
    .argument('<id...>', ID_HELP)
    .option(...DATA_OPTION)
    .action(async (ids: string[], options: FixesCommandOptions) => {
      process.exitCode = await runFixesDelete(ids, options);
    });
  fixes
    .command('export')
    .description(
      'write each fix as DIR/fix-N.md, a Markdown article kbbot reads back (review it into your runbook repo)',
    )
    .argument('<dir>', 'the folder to write to (new or empty, unless --force)')
    .option(...DATA_OPTION)
    .option(...SINCE_OPTION)
    .option('--force', 'write into a folder that holds files (fix-N.md files are replaced, others untouched)')
    .option('--json', 'print {"dir","written","files"} as one JSON object')
    .action(async (dir: string, options: FixesCommandOptions) => {
      process.exitCode = await runFixesExport(dir, options);
    });
}
