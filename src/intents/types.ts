/**
 * The intent vocabulary shared by the classifier, its rules, the evaluation and the bot.
 * "Passive" intents are the ones the bot answers unprompted when it merely listens in a channel.
 */
import type { Alert } from './alerts.js';

/**
 * What a message is. 'alert' is an alert notification (Alertmanager, Grafana, PagerDuty, Opsgenie,
 * or a label list naming the alert): read by `readAlert` before the model is asked, never scored by it.
 */
export type Intent = 'error_paste' | 'question' | 'lookup' | 'help' | 'feedback' | 'greeting' | 'chatter' | 'alert';

/** Every intent, in a fixed order (used for score tables and confusion matrices); 'alert' last, as the model never picks it. */
export const INTENTS: readonly Intent[] = [
  'error_paste',
  'question',
  'lookup',
  'help',
  'feedback',
  'greeting',
  'chatter',
  'alert',
];

/** Intents the bot would answer without being asked: a wrong one here is the bot butting into chatter. */
export const PASSIVE_INTENTS: readonly Intent[] = ['error_paste', 'question', 'alert'];

export function isPassive(intent: Intent): boolean {
  return intent === 'error_paste' || intent === 'question' || intent === 'alert';
}

export type FeedbackKind = 'positive' | 'negative' | 'more';

export interface IntentResult {
  intent: Intent;
  /** 0..1 for the chosen intent. */
  confidence: number;
  /** 0..1 for each intent (they sum to about 1). */
  scores: Record<Intent, number>;
  /** KB ids named in the message, canonical "Q290226". */
  ids: string[];
  /** For feedback: "that worked" = positive, "wrong one" = negative, "show more" = more. */
  feedback?: FeedbackKind;
  /** For alert: the notification as read (status 'resolved' gets no answer). */
  alert?: Alert;
  /** Short human-readable why ("hex code 0xc0020002, log prefix"). */
  reason: string;
}

/** An all-zero score table. */
export function zeroScores(): Record<Intent, number> {
  return { error_paste: 0, question: 0, lookup: 0, help: 0, feedback: 0, greeting: 0, chatter: 0, alert: 0 };
}
