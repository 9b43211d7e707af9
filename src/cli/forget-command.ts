/**
 * `kbbot forget --user ID [--data DIR] [--json]`: remove everything kbbot keeps about one user
 * (their messages in the log, their feedback, their threads, the settings they made) from the
 * storage in the data folder, and say how much was removed. The ID is the user id as the chat
 * platform gives it (the `user` of the log). A folder without kbbot.db has nothing to forget
 * (all counts 0, nothing created). `--json` prints one line:
 * `{"user", "threads", "interactions", "feedback", "settings"}`. Exit 0; no --user: exit 2.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { STORAGE_FILE } from '../memory/sqlite/open.js';
import type { Forgotten } from '../memory/types.js';
import { dataDirOf, openExistingStorage, storageFailure } from './report-command.js';
import { UsageError } from './usage-error.js';

export interface ForgetCommandOptions {
  user?: string;
  data?: string;
  json?: boolean;
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatForgotten(user: string, forgotten: Forgotten, where: string): string {
  const total = forgotten.threads + forgotten.interactions + forgotten.feedback + forgotten.settings;
  if (total === 0) return `Nothing kept about user ${user} in ${where}.`;
  return `Forgot user ${user} in ${where}: ${plural(forgotten.interactions, 'message')}, ${plural(forgotten.feedback, 'feedback record')}, ${plural(forgotten.threads, 'thread')}, ${plural(forgotten.settings, 'setting')}.`;
}

export function runForget(options: ForgetCommandOptions): number {
  const user = options.user?.trim();
  if (!user) throw new UsageError('forget needs the user whose data to remove: kbbot forget --user ID');
  const dataDir = dataDirOf(options.data);
  const where = join(dataDir, STORAGE_FILE);
  let forgotten: Forgotten = { threads: 0, interactions: 0, feedback: 0, settings: 0 };
  try {
    const storage = openExistingStorage(dataDir);
    if (storage) {
      try {
        forgotten = storage.forgetUser(user);
      } finally {
        storage.close();
      }
    }
  } catch (err) {
    return storageFailure(err);
  }
  const { threads, interactions, feedback, settings } = forgotten;
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ user, threads, interactions, feedback, settings })}\n`
      : `${formatForgotten(user, forgotten, where)}\n`,
  );
  return 0;
}

export function registerForget(program: Command): void {
  program
    .command('forget')
    .description("remove a user's data: their messages, feedback, threads and the settings they made")
    .option('--user <id>', 'the user id, as the chat platform gives it (required)')
    .option('--data <dir>', 'the data folder holding kbbot.db (default: DATA_DIR, ./data)')
    .option(
      '--json',
      'print the counts removed as one JSON object: {"user","threads","interactions","feedback","settings"}',
    )
    .action((options: ForgetCommandOptions) => {
      process.exitCode = runForget(options);
    });
}
