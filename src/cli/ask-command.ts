/** `kbbot ask "<message>" [--kb DIR] [--json] [--k N]`: what the bot makes of one message. */
import type { Command } from 'commander';
import type { MatchResult } from '../bot/match.js';
import { collect, openMatcher, type KbOptions } from './open-matcher.js';
import { parseCount } from './usage-error.js';

export interface AskOptions extends KbOptions {
  json?: boolean;
  k?: number;
}

export function askJson(result: MatchResult): object {
  return {
    intent: result.intent.intent,
    confidence: result.confidence,
    results: result.hits.map((h) => ({
      id: h.article.id,
      title: h.article.title,
      score: h.score,
      reason: h.reason.summary,
    })),
  };
}

export function formatAsk(result: MatchResult): string {
  const lines = [
    `intent: ${result.intent.intent} (${result.intent.confidence.toFixed(2)}; ${result.intent.reason})`,
    `confidence: ${result.confidence.toFixed(2)}`,
  ];
  if (result.missing.length) lines.push(`not in the KB: ${result.missing.join(', ')}`);
  if (result.hits.length === 0)
    lines.push(
      result.via !== 'none'
        ? 'no matching article'
        : result.intent.alert?.status === 'resolved'
          ? 'not searched: a resolved alert'
          : 'not searched: the message is not an error or a question',
    );
  result.hits.forEach((h, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${h.article.id}  ${h.score.toFixed(3)}  ${h.article.title}`);
    lines.push(`      why: ${h.reason.summary}`);
  });
  return lines.join('\n');
}

export function registerAsk(program: Command): void {
  program
    .command('ask')
    .description('classify one message and show the articles that answer it, with scores and why')
    .argument('<message...>', 'the message, as pasted in chat (quote it)')
    .option('--kb <[name=]dir>', 'KB folder, optionally named (repeatable; default KB_DIR)', collect)
    .option('--index <file>', 'index file to use (default: under DATA_DIR)')
    .option('--k <n>', 'how many articles', parseCount('--k'), 5)
    .option('--json', 'one JSON object: {"intent","confidence","results":[{"id","title","score","reason"}]}')
    .action(async (words: string[], options: AskOptions) => {
      const { matcher } = await openMatcher({ ...options, quiet: true });
      const result = matcher.match(words.join(' '), { k: options.k, always: true });
      process.stdout.write(`${options.json ? JSON.stringify(askJson(result)) : formatAsk(result)}\n`);
    });
}
