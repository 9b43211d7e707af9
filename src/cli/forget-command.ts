/**
 * `kbbot forget --user ID [--data DIR] [--json]`: remove everything kbbot keeps about one user
 * (their messages in the log, their feedback, their threads, the team fixes they wrote; the
 * settings they made and the fixes they only saved stay, without their id) from the storage (the
 * SQLite one in `--data DIR`, else the Postgres database at DATABASE_URL, else the SQLite one in
 * DATA_DIR: ./open-storage.ts), and say how much was removed. The ID is the user id as the chat
 * platform gives it (the `user` of the log). A folder without kbbot.db has nothing to forget (all counts 0, nothing
 * created). `--json` prints one line:
 * `{"user", "threads", "interactions", "feedback", "settings", "fixes", "fixesUnsaved"}`
 * (fixes: deleted; fixesUnsaved: kept without the saver's id). Exit 0; no --user: exit 2.
 */
import type { Command } from 'commander';
import type { Forgotten } from '../memory/types.js';
import { DATA_OPTION_HELP, openCliStorage, storageFailure } from './open-storage.js';
import { UsageError } from './usage-error.js';

export interface ForgetCommandOptions {
  user?: string;
  data?: string;
  json?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What `forget` prints with --json: every count, the fix counts 0 when the storage gave none. */
export interface ForgetResult {
  user: string;
  threads: number;
  interactions: number;
  feedback: number;
  settings: number;
  /** Team fixes the user wrote, deleted. */
  fixes: number;
  /** Team fixes the user only saved, kept without their id. */
  fixesUnsaved: number;
}

export function forgetResult(user: string, forgotten: Forgotten): ForgetResult {
  const { threads, interactions, feedback, settings } = forgotten;
  return {
    user,
    threads,
    interactions,
    feedback,
    settings,
    fixes: forgotten.fixes ?? 0,
    fixesUnsaved: forgotten.fixesUnsaved ?? 0,
  };
}

export function formatForgotten(user: string, forgotten: Forgotten, where: string): string {
  const r = forgetResult(user, forgotten);
  const total = r.threads + r.interactions + r.feedback + r.settings + r.fixes + r.fixesUnsaved;
  if (total === 0) return `Nothing kept about user ${user} in ${where}.`;
  const kept =
    r.fixesUnsaved > 0
      ? `; ${plural(r.fixesUnsaved, 'team fix', 'team fixes')} they saved for others ${r.fixesUnsaved === 1 ? 'stays' : 'stay'}, without their id`
      : '';
  return `Forgot user ${user} in ${where}: ${plural(r.interactions, 'message')}, ${plural(r.feedback, 'feedback record')}, ${plural(r.threads, 'thread')}, ${plural(r.settings, 'setting')}, ${plural(r.fixes, 'team fix', 'team fixes')} they wrote${kept}.`;
}

export async function runForget(options: ForgetCommandOptions): Promise<number> {
  const user = options.user?.trim();
  if (!user) throw new UsageError('forget needs the user whose data to remove: kbbot forget --user ID');
  let forgotten: Forgotten = { threads: 0, interactions: 0, feedback: 0, settings: 0, fixes: 0, fixesUnsaved: 0 };
  let where: string;
  try {
    const opened = await openCliStorage(options.data);
    where = opened.where;
    const { storage } = opened;
    if (storage) {
      try {
        forgotten = await storage.forgetUser(user);
      } finally {
        await storage.close();
      }
    }
  } catch (err) {
    return storageFailure(err);
  }
  process.stdout.write(
    options.json
      ? `${JSON.stringify(forgetResult(user, forgotten))}\n`
      : `${formatForgotten(user, forgotten, where)}\n`,
  );
  return 0;
}

export function registerForget(program: Command): void {
  program
    .command('forget')
    .description(
      "remove a user's data: their messages, feedback, threads and the team fixes they wrote (fixes they only saved stay, without their id)",
    )
    .option('--user <id>', 'the user id, as the chat platform gives it (required)')
    .option('--data <dir>', DATA_OPTION_HELP)
    .option(
      '--json',
      'print the counts as one JSON object: {"user","threads","interactions","feedback","settings","fixes","fixesUnsaved"}',
    )
    .action(async (options: ForgetCommandOptions) => {
      process.exitCode = await runForget(options);
    });
}
