/**
 * The collapsed form's quote-end model (quote-boundary.ts): a bias and a weight per boundary feature,
 * trained by `scripts/train-quote-model.mjs` and kept as data in `models/quote-ends.json` at the
 * package root, read once on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-info.js';

export interface QuoteModel {
  bias: number;
  weights: Record<string, number>;
}

/** Where the trained weights live, relative to the package root. */
export const QUOTE_MODEL_FILE = join('models', 'quote-ends.json');

/** Check that `data` (parsed from `file`) is a quote-end model: a finite bias and finite weights by feature name. */
export function asQuoteModel(data: unknown, file: string): QuoteModel {
  const fail = (why: string): never => {
    throw new Error(
      `kbbot: ${file} is not a quote-end model (${why}); restore it from git or retrain it with scripts/train-quote-model.mjs`,
    );
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) return fail('not a JSON object');
  const { bias, weights } = data as { bias?: unknown; weights?: unknown };
  if (typeof bias !== 'number' || !Number.isFinite(bias)) return fail('"bias" is not a number');
  if (!weights || typeof weights !== 'object' || Array.isArray(weights)) return fail('"weights" is not an object');
  const entries = Object.entries(weights);
  if (!entries.length) return fail('"weights" is empty');
  for (const [name, w] of entries)
    if (typeof w !== 'number' || !Number.isFinite(w))
      return fail(`the weight of ${JSON.stringify(name)} is not a number`);
  return { bias, weights: weights as Record<string, number> };
}

/** Read and check a quote-end model file. */
export function loadQuoteModel(path: string): QuoteModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`kbbot: cannot read the quote-end model ${path}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`kbbot: ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return asQuoteModel(data, path);
}

let shipped: QuoteModel | undefined;

/** The model shipped with kbbot (models/quote-ends.json), loaded on first use. */
export function quoteModel(): QuoteModel {
  return (shipped ??= loadQuoteModel(join(packageRoot(), QUOTE_MODEL_FILE)));
}
