/**
 * Intent classification of chat messages (error_paste, question, lookup, help, feedback, greeting,
 * chatter, and alert notifications): the public API. See classifier.ts for the pipeline and evaluate.ts for measurement.
 */
export { INTENTS, PASSIVE_INTENTS, isPassive, type FeedbackKind, type Intent, type IntentResult } from './types.js';
export {
  DEFAULT_MAX_CHARS,
  DEFAULT_MAX_WORDS,
  DEFAULT_PASSIVE_THRESHOLD,
  DEFAULT_SMOOTHING,
  IntentClassifier,
  classifyIntent,
  type IntentOptions,
} from './classifier.js';
export { isThumbsUp, outcomeIn } from './rules.js';
export {
  MAX_ALERT_CHARS,
  alertLike,
  alertSearchText,
  readAlert,
  splitAlertName,
  type Alert,
  type AlertSource,
  type AlertStatus,
} from './alerts.js';
export { evaluateIntents, type IntentEvaluation, type LabelledMessage } from './evaluate.js';
