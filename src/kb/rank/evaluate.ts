/**
 * Retrieval quality on a labelled set: success@1, success@3 and MRR@10 overall and by kind and
 * style (a hit counts when it is one of the line's `expected` ids), and latency percentiles.
 */

export interface LabelledQuery {
  id: string;
  query: string;
  kind?: string;
  style?: string;
  expected?: string[];
}

export interface QueryOutcome {
  query: LabelledQuery;
  results: string[];
  confidence: number;
  ms: number;
}

export interface RetrievalFigures {
  n: number;
  successAt1: number;
  successAt3: number;
  mrrAt10: number;
}

export interface RetrievalReport extends RetrievalFigures {
  byKind: Record<string, RetrievalFigures>;
  byStyle: Record<string, RetrievalFigures>;
  latency: { p50: number; p99: number; max: number };
}

/** Rank (1-based) of the first expected id among the results, or 0. */
export function firstRight(outcome: QueryOutcome, depth = 10): number {
  const expected = new Set(outcome.query.expected ?? []);
  const i = outcome.results.slice(0, depth).findIndex((id) => expected.has(id));
  return i + 1;
}

function figures(outcomes: QueryOutcome[]): RetrievalFigures {
  const n = outcomes.length;
  let s1 = 0;
  let s3 = 0;
  let mrr = 0;
  for (const o of outcomes) {
    const r = firstRight(o);
    if (r === 1) s1++;
    if (r >= 1 && r <= 3) s3++;
    if (r >= 1) mrr += 1 / r;
  }
  const f = (x: number): number => (n ? Math.round((x / n) * 1000) / 1000 : 0);
  return { n, successAt1: f(s1), successAt3: f(s3), mrrAt10: f(mrr) };
}

/** p-th percentile (0-100) of a list of numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function groupBy(
  outcomes: QueryOutcome[],
  key: (o: QueryOutcome) => string | undefined,
): Record<string, RetrievalFigures> {
  const groups = new Map<string, QueryOutcome[]>();
  for (const o of outcomes) {
    const k = key(o) ?? 'none';
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  return Object.fromEntries([...groups].sort().map(([k, os]) => [k, figures(os)]));
}

export function retrievalReport(outcomes: QueryOutcome[]): RetrievalReport {
  const ms = outcomes.map((o) => o.ms);
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    ...figures(outcomes),
    byKind: groupBy(outcomes, (o) => o.query.kind),
    byStyle: groupBy(outcomes, (o) => o.query.style),
    latency: { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)), max: round(Math.max(0, ...ms)) },
  };
}
