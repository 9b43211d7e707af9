/** The `kbbot` command line (run through bin/kbbot.js). One file per command. */
import { Command, CommanderError } from 'commander';
import dotenv from 'dotenv';
import { ConfigError } from '../config.js';
import { packageVersion } from '../package-info.js';
import { registerAsk } from './ask-command.js';
import { registerEval } from './eval-command.js';
import { registerFixes } from './fixes-command.js';
import { registerForget } from './forget-command.js';
import { registerIngest } from './ingest-command.js';
import { registerParse } from './parse-command.js';
import { registerRank } from './rank-command.js';
import { registerReport } from './report-command.js';
import { registerTeamsPackage } from './teams-package-command.js';
import { UsageError } from './usage-error.js';

/** `kbbot start`: the bot itself, exactly as `npm start` runs it (src/main.ts). */
function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'run the bot: on Slack and/or Teams when configured, else on the console (what `npm start` runs; configured by the environment and .env)',
    )
    .action(async () => {
      const { startBot } = await import('../main.js');
      startBot();
    });
}

function buildProgram(): Command {
  const program = new Command('kbbot')
    .description('Chat-ops bot that answers pasted errors with the knowledge-base article that fixes them')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run kbbot --help for usage)')
    .exitOverride();
  registerStart(program);
  registerParse(program);
  registerIngest(program);
  registerAsk(program);
  registerRank(program);
  registerEval(program);
  registerTeamsPackage(program);
  registerReport(program);
  registerForget(program);
  registerFixes(program);
  return program;
}

async function runCli(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander printed the message
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`kbbot: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`kbbot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await runCli(process.argv);
