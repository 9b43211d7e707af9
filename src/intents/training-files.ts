/**
 * Labelled intent examples kept as JSON Lines files (training/intents/*.jsonl, described in that
 * folder's README): read, validated line by line, and deduplicated. Every bad line is reported with
 * its file and line number, all at once, so a whole file can be fixed in one pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Example } from './training-data.js';
import { INTENTS, type FeedbackKind, type Intent } from './types.js';

/** The intents a training row may carry: every intent but 'alert' (alerts are read by shape, never learnt). */
export const TRAINABLE_INTENTS: readonly Intent[] = INTENTS.filter((i) => i !== 'alert');

/** The feedback kinds a feedback row names. */
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['positive', 'negative', 'more'];

/** The fields a row may have; any other is taken for a typo and reported. */
const FIELDS = new Set(['text', 'intent', 'feedback', 'voice', 'boundary']);

/** One labelled message from a training file. */
export interface TrainingExample extends Example {
  /** Present exactly when intent is 'feedback'. */
  feedback?: FeedbackKind;
  /** Who the message sounds like ("terse", "teams-html", ...), as the writer labelled it. */
  voice?: string;
  /** The near miss the row stands for ("chatter-mentions-error", ...). */
  boundary?: string;
  /** Where it came from: "file:line". */
  source: string;
}

/** A line that could not be used. */
export interface TrainingProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface ParsedTraining {
  /** Valid rows, first occurrence of each message kept, in file order. */
  examples: TrainingExample[];
  /** Bad lines, in file order. */
  problems: TrainingProblem[];
  /** Rows dropped because the same message with the same label came earlier. */
  duplicates: number;
}

/** Thrown by readTrainingFiles when any line is bad; the message lists every one as "file:line: why". */
export class TrainingDataError extends Error {
  constructor(readonly problems: readonly TrainingProblem[]) {
    super(
      `${problems.length} bad training line${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n'),
    );
    this.name = 'TrainingDataError';
  }
}

/** Two messages that differ only in case or spacing are the same message to the classifier. */
export function duplicateKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

const isIntent = (v: unknown): v is Intent =>
  typeof v === 'string' && (TRAINABLE_INTENTS as readonly string[]).includes(v);
const isFeedbackKind = (v: unknown): v is FeedbackKind =>
  typeof v === 'string' && (FEEDBACK_KINDS as readonly string[]).includes(v);
const label = (e: { intent: Intent; feedback?: FeedbackKind }): string =>
  e.feedback ? `${e.intent}/${e.feedback}` : e.intent;

/** Validate one parsed line; a string is the reason it is bad. */
function validateRow(row: unknown, source: string): TrainingExample | string {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return 'not a JSON object';
  const r = row as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !FIELDS.has(k));
  if (unknown.length)
    return `unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`;
  if (typeof r.text !== 'string') return '"text" must be a string';
  if (r.text.trim() === '') return '"text" is empty';
  if (!isIntent(r.intent))
    return `"intent" ${JSON.stringify(r.intent ?? null)} is not one of ${TRAINABLE_INTENTS.join(', ')}`;
  if (r.intent === 'feedback' && r.feedback === undefined)
    return `a feedback row needs "feedback" (${FEEDBACK_KINDS.join(', ')})`;
  if (r.intent !== 'feedback' && r.feedback !== undefined) return `"feedback" on a row whose intent is ${r.intent}`;
  if (r.feedback !== undefined && !isFeedbackKind(r.feedback))
    return `"feedback" ${JSON.stringify(r.feedback)} is not one of ${FEEDBACK_KINDS.join(', ')}`;
  for (const k of ['voice', 'boundary'] as const)
    if (r[k] !== undefined && typeof r[k] !== 'string') return `"${k}" must be a string`;
  const out: TrainingExample = { text: r.text, intent: r.intent, source };
  if (isFeedbackKind(r.feedback)) out.feedback = r.feedback;
  if (typeof r.voice === 'string') out.voice = r.voice;
  if (typeof r.boundary === 'string') out.boundary = r.boundary;
  return out;
}

/**
 * Read several files' text (in the order given) as one training set: each non-blank line one
 * JSON row. A message seen before with the same label is dropped as a duplicate; seen before
 * with another label, it is a problem (the data contradicts itself).
 */
export function parseTrainingTexts(files: readonly { file: string; text: string }[]): ParsedTraining {
  const examples: TrainingExample[] = [];
  const problems: TrainingProblem[] = [];
  const seen = new Map<string, TrainingExample>();
  let duplicates = 0;
  for (const { file, text } of files) {
    text.split('\n').forEach((raw, i) => {
      const line = i + 1;
      const source = `${file}:${line}`;
      const content = raw.replace(/\r$/, '');
      if (content.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch (err) {
        problems.push({ file, line, message: `not JSON (${(err as Error).message})` });
        return;
      }
      const row = validateRow(parsed, source);
      if (typeof row === 'string') {
        problems.push({ file, line, message: row });
        return;
      }
      const key = duplicateKey(row.text);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, row);
        examples.push(row);
      } else if (label(first) === label(row)) {
        duplicates++;
      } else {
        problems.push({
          file,
          line,
          message: `labelled ${label(row)}, but the same message is labelled ${label(first)} at ${first.source}`,
        });
      }
    });
  }
  return { examples, problems, duplicates };
}

/** Read every *.jsonl file directly in `dir` (by name order) without throwing on bad lines. */
export function parseTrainingFiles(dir: string): ParsedTraining {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl'))
    .map((e) => e.name)
    .sort();
  return parseTrainingTexts(
    names.map((name) => ({ file: join(dir, name), text: readFileSync(join(dir, name), 'utf8') })),
  );
}

/**
 * The labelled examples in `dir`'s *.jsonl files, validated and deduplicated. Throws a
 * TrainingDataError listing every bad line ("file:line: why") when any line is bad, and the file
 * system's error when `dir` cannot be read.
 */
export function readTrainingFiles(dir: string): TrainingExample[] {
  const parsed = parseTrainingFiles(dir);
  if (parsed.problems.length) throw new TrainingDataError(parsed.problems);
  return parsed.examples;
}
