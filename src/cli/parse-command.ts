/** `kbbot parse FILE... [--json]`: parse files and show the articles (exit 1 if any file failed). */
import type { Command } from 'commander';
import { MAX_ARTICLE_BYTES, parseArticle } from '../kb/parse/index.js';
import { processSource } from '../kb/index/read-source.js';
import { describeArticle } from './describe-article.js';

export interface ParseCommandOptions {
  json?: boolean;
}

/** Returns the exit code. */
export function runParse(files: string[], options: ParseCommandOptions): number {
  let failed = 0;
  let shown = 0;
  for (const file of files) {
    const result = processSource(file, parseArticle, MAX_ARTICLE_BYTES);
    if (result.article) {
      if (options.json) process.stdout.write(`${JSON.stringify(result.article)}\n`);
      else process.stdout.write(`${shown++ > 0 ? '\n' : ''}${describeArticle(result.article)}\n`);
    } else {
      failed++;
      if (options.json) process.stdout.write(`${JSON.stringify({ path: file, error: result.reason })}\n`);
      else process.stderr.write(`kbbot: ${file}: ${result.reason}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('parse KB article files and print what was read from them')
    .argument('<file...>', 'article files (any name, any of the three forms)')
    .option('--json', 'one JSON object per file per line (JSON Lines): the Article, or {"path","error"}')
    .action((files: string[], options: ParseCommandOptions) => {
      process.exitCode = runParse(files, options);
    });
}
