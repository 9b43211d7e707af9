/**
 * Measure an intent classifier on labelled messages: accuracy, confusion matrix, and precision and
 * recall of "passive" predictions (error_paste or question: the ones the bot answers unprompted).
 */
import { INTENTS, isPassive, type Intent, type IntentResult } from './types.js';

export interface LabelledMessage {
  text: string;
  intent: Intent;
}

export interface IntentEvaluation {
  accuracy: number;
  /** confusion[expected][predicted] = count. */
  confusion: Record<Intent, Record<Intent, number>>;
  /** Of messages predicted passive, the share labelled passive (1 when none predicted). */
  passivePrecision: number;
  /** Of messages labelled passive, the share predicted passive (1 when none labelled). */
  passiveRecall: number;
  n: number;
}

export function evaluateIntents(
  rows: readonly LabelledMessage[],
  classifier: { classify(text: string): IntentResult },
): IntentEvaluation {
  const confusion = Object.fromEntries(
    INTENTS.map((e) => [e, Object.fromEntries(INTENTS.map((p) => [p, 0]))]),
  ) as Record<Intent, Record<Intent, number>>;
  let correct = 0;
  let predictedPassive = 0;
  let labelledPassive = 0;
  let bothPassive = 0;
  for (const row of rows) {
    const predicted = classifier.classify(row.text).intent;
    confusion[row.intent][predicted]++;
    if (predicted === row.intent) correct++;
    if (isPassive(predicted)) predictedPassive++;
    if (isPassive(row.intent)) labelledPassive++;
    if (isPassive(predicted) && isPassive(row.intent)) bothPassive++;
  }
  const n = rows.length;
  return {
    accuracy: n ? correct / n : 0,
    confusion,
    passivePrecision: predictedPassive ? bothPassive / predictedPassive : 1,
    passiveRecall: labelledPassive ? bothPassive / labelledPassive : 1,
    n,
  };
}
