/**
 * IntentClassifier: chat message → intent. Pipeline: an alert notification (alerts.ts) is decided
 * first; otherwise undo chat markup, cap the text, detect hand-made signals (features.ts), and score
 * the message with two models trained on training/intents: natural's Bayes classifier over word
 * tokens and pseudo-tokens (model.ts), and a softmax model over hashed words, bigrams, character
 * n-grams and shape (hashed-features.ts, softmax.ts). Their log-probabilities are combined with fixed
 * weights and a temperature (measured by scripts/intents-cv.mjs), then the rule layer (rules.ts)
 * decides the unambiguous forms and vetoes passive answers to channel talk. Never throws; a 100 KB
 * paste costs no more than its first few KB. The trained models are shared by every classifier
 * built from the same examples and options, so a process trains once.
 */
import { undoChatMarkup } from '../text/chat-markup.js';
import { readAlert } from './alerts.js';
import { detectSignals } from './features.js';
import { findChatKbIds, withoutChatKbIds } from './kb-ids.js';
import { IntentModel } from './model.js';
import { CUE_INTENTS, cueTokens, decisiveRule, feedbackKind, passiveVeto, RULE_DEFAULTS } from './rules.js';
import { DEFAULT_HASH_BITS, hashedFeatures, type SparseVector } from './hashed-features.js';
import { SoftmaxModel, type SoftmaxOptions } from './softmax.js';
import { tokensOfWords, wordTokens } from './tokens.js';
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
/**
 * Default weight of the softmax model in the combination (the Bayes model gets the rest): the softmax
 * model generalises better to new voices, the Bayes model is steadier on short messages.
 */
export const DEFAULT_SOFTMAX_WEIGHT = 0.85;
/** Default temperature of the combined scores: above 1 softens over-confident posteriors (calibration). */
export const DEFAULT_TEMPERATURE = 1;
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
  /** Weight of the softmax model's log-probabilities (0..1; the Bayes model gets the rest). Default DEFAULT_SOFTMAX_WEIGHT. */
  softmaxWeight?: number;
  /** Temperature applied to the combined log-probabilities. Default DEFAULT_TEMPERATURE. */
  temperature?: number;
  /** Training of the softmax model (passes, step size, L2). Default SOFTMAX_DEFAULTS (softmax.ts). */
  softmax?: Partial<SoftmaxOptions>;
  /** Training examples. Default: the bundled training files (training/intents/*.jsonl). */
  examples?: readonly Example[];
}

/** The intents the models learn (alerts are read by shape). */
const LEARNT: readonly Intent[] = INTENTS.filter((i) => i !== 'alert');

interface Models {
  bayes: IntentModel;
  softmax: SoftmaxModel;
}

/** Trained models by examples (identity) and the options that shape training. */
const trained = new WeakMap<readonly Example[], Map<string, Models>>();

interface Prepared {
  text: string;
  ids: string[];
  tokens: string[];
  vector: SparseVector;
  signals: ReturnType<typeof detectSignals>;
  withoutIds: string;
}

export class IntentClassifier {
  private readonly passiveThreshold: number;
  private readonly maxChars: number;
  private readonly maxWords: number;
  private readonly softmaxWeight: number;
  private readonly temperature: number;
  private readonly models: Models;

  constructor(options: IntentOptions = {}) {
    this.passiveThreshold = options.passiveThreshold ?? DEFAULT_PASSIVE_THRESHOLD;
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    this.maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
    this.softmaxWeight = options.softmaxWeight ?? DEFAULT_SOFTMAX_WEIGHT;
    this.temperature = options.temperature ?? DEFAULT_TEMPERATURE;
    const examples = options.examples ?? trainingExamples();
    const smoothing = options.smoothing ?? DEFAULT_SMOOTHING;
    const key = JSON.stringify([this.maxChars, this.maxWords, smoothing, options.softmax ?? {}]);
    let byOptions = trained.get(examples);
    if (!byOptions) trained.set(examples, (byOptions = new Map()));
    let models = byOptions.get(key);
    if (!models) {
      const prepared = examples.map((e) => this.prepare(e.text));
      const bayes = new IntentModel(
        prepared.map((p, i) => ({ tokens: p.tokens, intent: (examples[i] as Example).intent })),
        smoothing,
      );
      const softmax = new SoftmaxModel(
        prepared.map((p) => p.vector),
        examples.map((e) => LEARNT.indexOf(e.intent)),
        LEARNT.length,
        1 << DEFAULT_HASH_BITS,
        options.softmax,
      );
      models = { bayes, softmax };
      byOptions.set(key, models);
    }
    this.models = models;
  }

  /** Posterior per intent: the two models' log-probabilities combined, tempered and normalised. */
  private scores(p: Prepared): Record<Intent, number> {
    const bayes = this.models.bayes.scores(p.tokens);
    const soft = this.models.softmax.probabilities(p.vector);
    const w = this.softmaxWeight;
    const logs = LEARNT.map(
      (intent, c) =>
        (w * Math.log((soft[c] as number) + 1e-9) + (1 - w) * Math.log(bayes[intent] + 1e-9)) / this.temperature,
    );
    const max = Math.max(...logs);
    const exps = logs.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    const out = zeroScores();
    LEARNT.forEach((intent, c) => (out[intent] = (exps[c] as number) / sum));
    return out;
  }

  /** Turn text into what the model and rules look at. */
  private prepare(raw: string): Prepared {
    const chat = undoChatMarkup(raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw);
    const text = chat.text.slice(0, this.maxChars);
    const ids = findChatKbIds(text);
    const withoutIds = ids.length ? withoutChatKbIds(text) : text;
    const mentioned = chat.mentions.length > 0;
    const signals = detectSignals(text, chat.fenced, mentioned);
    const cues = cueTokens({ text, ids, withoutIds, signals });
    const pseudo = [...signals.tokens, ...(ids.length ? ['__kbid'] : []), ...cues];
    const words = wordTokens(text, this.maxWords);
    const tokens = tokensOfWords(words, pseudo);
    const ownWords = chat.quoted ? wordTokens(undoChatMarkup(unquoted(raw)).text, this.maxWords) : undefined;
    const vector = hashedFeatures({ text, tokens, words, mentioned, ownWords });
    return { text, ids, tokens, vector, signals, withoutIds };
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
    const scores = this.scores(p);
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
    for (const token of p.tokens) {
      const cued = CUE_INTENTS[token];
      if (cued && scores[cued] >= RULE_DEFAULTS.cueFloor && argmax(scores) !== cued)
        return {
          intent: cued,
          reason: `${cued === 'help' ? 'asks about the bot' : 'reacts to an answer'}; model: ${cued} ${scores[cued].toFixed(2)}`,
          overridden: true,
        };
    }
    const top = argmax(scores);
    const veto = passiveVeto(top, scores[top], this.passiveThreshold, p.signals);
    if (!veto) return { intent: top, reason: `model: ${top} ${scores[top].toFixed(2)}`, overridden: false };
    // Not an error paste, but maybe a question asked around an error ("why do I get ... ?").
    if (top === 'error_paste' && (p.signals.questionForm || p.signals.symptom)) {
      if (!passiveVeto('question', scores.error_paste + scores.question, this.passiveThreshold, p.signals)) {
        return { intent: 'question', reason: `${veto}; asked as a question`, overridden: true };
      }
    }
    const alt = argmax(scores, (i) => !isPassive(i));
    return { intent: scores[alt] >= RULE_DEFAULTS.fallbackFloor ? alt : 'chatter', reason: veto, overridden: true };
  }
}

/** The lines of a message that are not quoted ("> ..." or "&gt; ..."), up to MAX_RAW_CHARS. */
function unquoted(raw: string): string {
  return raw
    .slice(0, MAX_RAW_CHARS)
    .split('\n')
    .filter((line) => !/^\s*(?:<p>)?\s*(?:>|&gt;)/.test(line))
    .join('\n');
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
