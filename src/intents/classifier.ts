/**
 * IntentClassifier: chat message → intent. Pipeline: an alert notification (alerts.ts) is decided
 * first; otherwise undo chat markup, cap the text, detect
 * hand-made signals (features.ts), score tokens + pseudo-tokens with natural's Bayes classifier
 * (model.ts), then let the rule layer (rules.ts) decide the unambiguous forms and veto passive
 * answers to channel talk. Never throws; a 100 KB paste costs no more than its first few KB.
 */
import { undoChatMarkup } from '../text/chat-markup.js';
import { readAlert } from './alerts.js';
import { detectSignals } from './features.js';
import { findChatKbIds, withoutChatKbIds } from './kb-ids.js';
import { IntentModel } from './model.js';
import { decisiveRule, feedbackKind, passiveVeto } from './rules.js';
import { messageTokens } from './tokens.js';
import { trainingExamples, type Example } from './training-data.js';
import { INTENTS, isPassive, zeroScores, type Intent, type IntentResult } from './types.js';

/** Default minimum posterior for error_paste/question before the bot answers unprompted. */
export const DEFAULT_PASSIVE_THRESHOLD = 0.6;
/** Default number of characters of (unmarked) text looked at. */
export const DEFAULT_MAX_CHARS = 4096;
/** Default number of words tokenised for the model. */
export const DEFAULT_MAX_WORDS = 300;
/** Default additive smoothing of natural's Bayes classifier. */
export const DEFAULT_SMOOTHING = 1;
/** Raw input beyond this many characters is dropped before markup is undone. */
const MAX_RAW_CHARS = 16_384;

export interface IntentOptions {
  /** Minimum model posterior for a passive intent (error_paste, question); below it the next non-passive intent wins. Default DEFAULT_PASSIVE_THRESHOLD. */
  passiveThreshold?: number;
  /** Characters of unmarked text looked at. Default DEFAULT_MAX_CHARS. */
  maxChars?: number;
  /** Words tokenised for the model. Default DEFAULT_MAX_WORDS. */
  maxWords?: number;
  /** Additive smoothing for natural.BayesClassifier. Default DEFAULT_SMOOTHING. */
  smoothing?: number;
  /** Training examples. Default: the built-in set from training-data.ts. */
  examples?: readonly Example[];
}

interface Prepared {
  text: string;
  ids: string[];
  tokens: string[];
  signals: ReturnType<typeof detectSignals>;
  withoutIds: string;
}

export class IntentClassifier {
  private readonly passiveThreshold: number;
  private readonly maxChars: number;
  private readonly maxWords: number;
  private readonly model: IntentModel;

  constructor(options: IntentOptions = {}) {
    this.passiveThreshold = options.passiveThreshold ?? DEFAULT_PASSIVE_THRESHOLD;
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    this.maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
    const examples = options.examples ?? trainingExamples();
    const docs = examples.map((e) => ({ tokens: this.prepare(e.text).tokens, intent: e.intent }));
    this.model = new IntentModel(docs, options.smoothing ?? DEFAULT_SMOOTHING);
  }

  /** Turn text into what the model and rules look at. */
  private prepare(raw: string): Prepared {
    const chat = undoChatMarkup(raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw);
    const text = chat.text.slice(0, this.maxChars);
    const ids = findChatKbIds(text);
    const withoutIds = ids.length ? withoutChatKbIds(text) : text;
    const signals = detectSignals(text, chat.fenced, chat.mentions.length > 0);
    const pseudo = ids.length ? [...signals.tokens, '__kbid'] : signals.tokens;
    return { text, ids, tokens: messageTokens(text, pseudo, this.maxWords), signals, withoutIds };
  }

  classify(input: string): IntentResult {
    try {
      return this.classifyUnsafe(typeof input === 'string' ? input : String(input ?? ''));
    } catch {
      const scores = zeroScores();
      scores.chatter = 1;
      return { intent: 'chatter', confidence: 1, scores, ids: [], reason: 'could not read the message' };
    }
  }

  private classifyUnsafe(raw: string): IntentResult {
    // An alert notification is decided before the model: its shape says what it is.
    const alert = readAlert(raw);
    if (alert) {
      const scores = zeroScores();
      scores.alert = 1;
      const name = alert.alertname ?? 'an unnamed alert';
      return {
        intent: 'alert',
        confidence: 1,
        scores,
        ids: [],
        reason: `${alert.source} notification: ${name} ${alert.status}`,
        alert,
      };
    }
    const p = this.prepare(raw);
    const scores = this.model.scores(p.tokens);
    const decision = this.decide(p, scores);
    const { intent } = decision;
    const reasons = [decision.reason];
    if (isPassive(intent) || p.signals.errorShapes > 0) reasons.push(...p.signals.reasons.slice(0, 4));
    const final = decision.overridden ? blend(scores, intent) : scores;
    const result: IntentResult = {
      intent,
      confidence: final[intent],
      scores: final,
      ids: p.ids,
      reason: reasons.join(', '),
    };
    if (intent === 'feedback') result.feedback = feedbackKind(p.text);
    return result;
  }

  /** Rules first, then the model's choice, then the passive guard. `overridden` when the model was not followed. */
  private decide(p: Prepared, scores: Record<Intent, number>): { intent: Intent; reason: string; overridden: boolean } {
    const rule = decisiveRule(p);
    if (rule) return { ...rule, overridden: true };
    const top = argmax(scores);
    const veto = passiveVeto(top, scores[top], this.passiveThreshold, p.signals);
    if (!veto) return { intent: top, reason: `model: ${top} ${scores[top].toFixed(2)}`, overridden: false };
    // Not an error paste, but maybe a question asked around an error ("why do I get ... ?").
    if (top === 'error_paste' && (p.signals.questionForm || p.signals.symptom)) {
      if (!passiveVeto('question', scores.error_paste + scores.question, this.passiveThreshold, p.signals)) {
        return { intent: 'question', reason: `${veto}; asked as a question`, overridden: true };
      }
    }
    return { intent: argmax(scores, (i) => !isPassive(i)), reason: veto, overridden: true };
  }
}

/** The intent with the highest score among those `allowed`. */
function argmax(scores: Record<Intent, number>, allowed: (i: Intent) => boolean = () => true): Intent {
  let best: Intent = 'chatter';
  let bestScore = -1;
  for (const i of INTENTS) {
    if (allowed(i) && scores[i] > bestScore) {
      best = i;
      bestScore = scores[i];
    }
  }
  return best;
}

/** Scores after a rule overrode the model: half the model's view, half the rule's certainty. */
function blend(scores: Record<Intent, number>, chosen: Intent): Record<Intent, number> {
  const out = zeroScores();
  for (const i of INTENTS) out[i] = scores[i] / 2 + (i === chosen ? 0.5 : 0);
  return out;
}

let shared: IntentClassifier | undefined;

/** Classify with a shared default classifier, built on first use. */
export function classifyIntent(text: string): IntentResult {
  shared ??= new IntentClassifier();
  return shared.classify(text);
}
