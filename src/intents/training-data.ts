/**
 * Where the intent classifier's training examples come from: the JSON Lines files in
 * training/intents/ (see that folder's README), read once per process and validated. The data lives
 * outside src/ so a team can add its own voices without touching code (`IntentOptions.examples`).
 */
import { join } from 'node:path';
import { packageRoot } from '../package-info.js';
import { readTrainingFiles, type TrainingExample } from './training-files.js';
import type { Intent } from './types.js';

export interface Example {
  text: string;
  intent: Intent;
}

/** The bundled training files' folder: training/intents under the package root (see its README). */
export function bundledTrainingDir(): string {
  return join(packageRoot(), 'training', 'intents');
}

/**
 * The examples in the training files (default: the bundled training/intents/*.jsonl), validated and
 * deduplicated; throws a TrainingDataError naming every bad line.
 */
export function fileTrainingExamples(dir: string = bundledTrainingDir()): TrainingExample[] {
  return readTrainingFiles(dir);
}

let bundled: readonly TrainingExample[] | undefined;

/** The bundled examples, read once per process (what IntentClassifier trains on by default). */
export function trainingExamples(): readonly TrainingExample[] {
  bundled ??= Object.freeze(fileTrainingExamples());
  return bundled;
}
