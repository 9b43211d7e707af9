/**
 * `kbbot eval --kb DIR --queries FILE.jsonl [--json]`: quality on a labelled set. Lines with
 * "expected" ids: success@1/@3 and MRR@10 by kind and style, and how right the answers at each
 * confidence are; lines with "intent": accuracy, confusion table, passive precision and recall.
 * Latency p50/p99 for either.
 */
import type { Command } from 'commander';
import { CONFIDENCE_THRESHOLDS } from '../bot/match.js';
import { evaluateIntents, type Intent, type IntentEvaluation } from '../intents/index.js';
import { percentile, retrievalReport, type QueryOutcome, type RetrievalReport } from '../kb/rank/evaluate.js';
import { calibration, type CalibrationRow } from '../kb/rank/calibration.js';
import { collect, openMatcher, type KbOptions } from './open-matcher.js';
import { queryText, readJsonl } from './read-jsonl.js';
import { UsageError } from './usage-error.js';

export interface EvalOptions extends KbOptions {
  queries?: string;
  json?: boolean;
}

interface EvalReport {
  retrieval?: RetrievalReport & { calibration: CalibrationRow[]; thresholds: typeof CONFIDENCE_THRESHOLDS };
  intents?: IntentEvaluation & { latency: { p50: number; p99: number } };
}

const pct = (x: number): string => x.toFixed(3);

function formatReport(r: EvalReport): string {
  const lines: string[] = [];
  if (r.retrieval) {
    const t = r.retrieval;
    lines.push(
      `retrieval: ${t.n} queries  success@1 ${pct(t.successAt1)}  success@3 ${pct(t.successAt3)}  MRR@10 ${pct(t.mrrAt10)}`,
    );
    for (const [name, group] of [
      ...Object.entries(t.byKind).map(([k, v]) => [`kind ${k}`, v] as const),
      ...Object.entries(t.byStyle).map(([k, v]) => [`style ${k}`, v] as const),
    ]) {
      lines.push(
        `  ${name.padEnd(24)} n=${String(group.n).padStart(4)}  @1 ${pct(group.successAt1)}  @3 ${pct(group.successAt3)}  MRR ${pct(group.mrrAt10)}`,
      );
    }
    lines.push(`  latency ms: p50 ${t.latency.p50}  p99 ${t.latency.p99}  max ${t.latency.max}`);
    lines.push(
      `confidence (answer ≥ ${t.thresholds.answer}, suggest ≥ ${t.thresholds.suggest}):  threshold  answered  right@1`,
    );
    for (const c of t.calibration)
      lines.push(`  ${c.threshold.toFixed(2).padStart(10)}  ${pct(c.answered)}  ${pct(c.precision)}`);
  }
  if (r.intents) {
    const e = r.intents;
    lines.push(
      `intents: ${e.n} messages  accuracy ${pct(e.accuracy)}  passive precision ${pct(e.passivePrecision)}  passive recall ${pct(e.passiveRecall)}`,
    );
    const names = Object.keys(e.confusion) as Intent[];
    lines.push(`  ${'true \\ said'.padEnd(12)}${names.map((n) => n.slice(0, 8).padStart(9)).join('')}`);
    for (const row of names)
      lines.push(`  ${row.padEnd(12)}${names.map((col) => String(e.confusion[row]?.[col] ?? 0).padStart(9)).join('')}`);
    lines.push(`  latency ms: p50 ${e.latency.p50}  p99 ${e.latency.p99}`);
  }
  return lines.join('\n');
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'measure ranking (lines with "expected") or intents (lines with "intent") on a labelled JSON Lines set',
    )
    .option('--kb <[name=]dir>', 'KB folder, optionally named (repeatable; default KB_DIR)', collect)
    .option('--index <file>', 'index file to use (default: under DATA_DIR)')
    .option('--queries <file>', 'JSON Lines: {"id","query","expected":[...]} or {"id","text","intent"}')
    .option('--json', 'print the report as one JSON object')
    .action(async (options: EvalOptions) => {
      if (!options.queries) throw new UsageError('--queries FILE.jsonl is required');
      const rows = readJsonl(options.queries);
      const texts = rows.map((r, i) => queryText(r, `${options.queries}:${i + 1}`));
      const { matcher } = await openMatcher(options);
      const report: EvalReport = {};
      const ranked = rows.map((r, i) => ({ r, i })).filter(({ r }) => Array.isArray(r.expected));
      if (ranked.length) {
        const outcomes: QueryOutcome[] = ranked.map(({ r, i }) => {
          const m = matcher.match(texts[i] ?? '', { k: 10, always: true });
          const query = {
            id: String(r.id ?? i + 1),
            query: texts[i] ?? '',
            kind: r.kind as string | undefined,
            style: r.style as string | undefined,
            expected: r.expected as string[],
          };
          return { query, results: m.hits.map((h) => h.article.id), confidence: m.confidence, ms: m.ms };
        });
        report.retrieval = {
          ...retrievalReport(outcomes),
          calibration: calibration(outcomes),
          thresholds: CONFIDENCE_THRESHOLDS,
        };
      }
      const labelled = rows
        .map((r, i) => ({ text: texts[i] ?? '', intent: r.intent as Intent }))
        .filter((r) => typeof r.intent === 'string');
      if (labelled.length) {
        const ms: number[] = [];
        const timed = {
          classify: (text: string) => {
            const started = performance.now();
            const m = matcher.match(text, { k: 10 });
            ms.push(performance.now() - started);
            return m.intent;
          },
        };
        const ev = evaluateIntents(labelled, timed);
        report.intents = {
          ...ev,
          latency: { p50: Math.round(percentile(ms, 50) * 100) / 100, p99: Math.round(percentile(ms, 99) * 100) / 100 },
        };
      }
      if (!report.retrieval && !report.intents)
        throw new UsageError(`${options.queries}: no line has "expected" or "intent"`);
      process.stdout.write(`${options.json ? JSON.stringify(report) : formatReport(report)}\n`);
    });
}
