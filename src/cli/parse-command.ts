/**
 * `kbbot parse FILE|DIR... [--json]`: parse files (every file under a folder given) and show the
 * articles (exit 1 if any file failed).
 */
import type { Command } from 'commander';
import { MAX_ARTICLE_BYTES, parseArticle } from '../kb/parse/index.js';
import { processSource } from '../kb/index/read-source.js';
import { describeArticle } from './describe-article.js';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { parseFolderSpec } from '../kb/index/folders.js';
import { walk } from '../kb/index/walk.js';
import { contextFor, type ParseContext } from '../kb/parse/context.js';

export interface ParseCommandOptions {
  json?: boolean;
  /** The KB folder the files are in, "[name=]dir" (a team document's id is its path relative to it). */
  kb?: string;
}

/**
 * Where a file is read as being found: the folder given with --kb, else the KB_DIR folder it lies
 * in, else its own folder (so a team document's id is then its file name).
 */
function contextOf(file: string, options: ParseCommandOptions): ParseContext {
  const config = loadConfig();
  const path = resolve(file);
  const folders = options.kb ? [parseFolderSpec(options.kb)] : config.kbFolders;
  const found = contextFor(path, folders, config.kbHeadings);
  return found.root ? found : contextFor(path, [{ dir: dirname(path) }], config.kbHeadings);
}

/** The files to read: a file as given; a folder's files, sorted, read as a KB folder of their own (unless --kb). */
function filesOf(paths: string[], options: ParseCommandOptions): { file: string; options: ParseCommandOptions }[] {
  return paths.flatMap((path) => {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // not there: processSource says so for the file
    }
    if (!folder) return [{ file: path, options }];
    const inFolder = { ...options, kb: options.kb ?? path };
    const { files, failures } = walk([path]);
    for (const f of failures) process.stderr.write(`kbbot: ${f.path}: ${f.reason}\n`);
    return files.map((file) => ({ file, options: inFolder }));
  });
}

/** Returns the exit code. */
export function runParse(paths: string[], parseOptions: ParseCommandOptions): number {
  let failed = 0;
  let shown = 0;
  for (const { file, options } of filesOf(paths, parseOptions)) {
    const result = processSource(file, parseArticle, MAX_ARTICLE_BYTES, contextOf(file, options));
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
    .argument(
      '<path...>',
      'article files (any name; the archive forms, Markdown, HTML or plain text), or folders of them',
    )
    .option(
      '--kb <[name=]dir>',
      'the KB folder the files are in (ids and links are relative to it; default: their KB_DIR folder, else their own folder)',
    )
    .option('--json', 'one JSON object per file per line (JSON Lines): the Article, or {"path","error"}')
    .action((files: string[], options: ParseCommandOptions) => {
      process.exitCode = runParse(files, options);
    });
}
