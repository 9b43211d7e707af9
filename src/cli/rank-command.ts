/**
 * `kbbot rank --kb DIR --queries FILE.jsonl [--k 10]`: for every line {"id","query",...} one line
 * {"id","intent","confidence","results":["Q...",...],"ms"} (ms: classify and rank that message).
 */
import type { Command } from 'commander';
import { collect, openMatcher, type KbOptions } from './open-matcher.js';
import { queryText, readJsonl } from './read-jsonl.js';
import { parseCount, UsageError } from './usage-error.js';

export interface RankOptions extends KbOptions {
  queries?: string;
  k?: number;
}

export function registerRank(program: Command): void {
  program
    .command('rank')
    .description('rank articles for every query of a JSON Lines file (one JSON line out per line in)')
    .option('--kb <[name=]dir>', 'KB folder, optionally named (repeatable; default KB_DIR)', collect)
    .option('--index <file>', 'index file to use (default: under DATA_DIR)')
    .option('--queries <file>', 'JSON Lines, each {"id","query",...}')
    .option('--k <n>', 'results per query', parseCount('--k'), 10)
    .action(async (options: RankOptions) => {
      if (!options.queries) throw new UsageError('--queries FILE.jsonl is required');
      const rows = readJsonl(options.queries);
      const texts = rows.map((r, i) => queryText(r, `${options.queries}:${i + 1}`));
      const { matcher } = await openMatcher(options);
      rows.forEach((row, i) => {
        const r = matcher.match(texts[i] ?? '', { k: options.k, always: true });
        const line = {
          id: row.id ?? null,
          intent: r.intent.intent,
          confidence: r.confidence,
          results: r.hits.map((h) => h.article.id),
          ms: Math.round(r.ms * 1000) / 1000,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      });
    });
}
