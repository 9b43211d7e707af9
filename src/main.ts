/**
 * Composition root of `npm start`: environment (.env) -> config -> KB (via the index) -> bot ->
 * console adapter. Logs go to stderr; stdout carries only the bot's answers.
 */
import dotenv from 'dotenv';
import { runConsole } from './adapters/console.js';
import { Bot } from './bot/bot.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { openKb } from './kb/store.js';
import { KbDirError } from './kb/walk.js';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const opened = await openKb(config.kbDirs, { dataDir: config.dataDir, log: (m) => log.info(m) });
  if (opened.writeError) log.warn(opened.writeError);
  const { summary } = opened;
  log.info(`KB ready in ${opened.seconds} s: ${opened.kb.size} articles from ${summary.files} files (${opened.loadedFrom})`);
  if (summary.failures.length) log.warn(`${summary.failures.length} file(s) in the KB folders are not articles; run \`npx kbbot ingest\` on them to see why`);
  if (opened.kb.size === 0) log.warn(`the KB in ${config.kbDirs.join(', ')} has no articles`);
  const bot = new Bot(opened.kb, { ranker: opened.ranker, urlTemplate: config.kbUrl });
  bot.warmUp();
  await runConsole(bot, { input: process.stdin, output: process.stdout });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof KbDirError) {
    process.stderr.write(`kbbot: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`kbbot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});
