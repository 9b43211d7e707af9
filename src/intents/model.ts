/**
 * The statistical part: a natural.BayesClassifier trained on token lists (see tokens.ts). Training
 * goes through natural's addDocument/train; scoring hands natural's Bayes model a sparse
 * observation (feature indices of the tokens present), which is what natural's dense path computes
 * too, but in O(tokens) instead of O(vocabulary). Scores are normalised to posteriors that sum to 1.
 */
import natural from '../text/natural.js';
import { INTENTS, zeroScores, type Intent } from './types.js';

export interface LabelledTokens {
  tokens: string[];
  intent: Intent;
}

/** Word tokens seen in fewer training messages than this are left out of the vocabulary (pseudo-tokens always stay). */
export const MIN_DOC_FREQ = 2;

/** At most this many known tokens are scored per message, so the product of probabilities never underflows. */
export const MAX_SCORED_TOKENS = 80;

export class IntentModel {
  private readonly bayes: InstanceType<typeof natural.BayesClassifier>;
  private readonly index = new Map<string, number>();

  constructor(docs: readonly LabelledTokens[], smoothing: number) {
    this.bayes = new natural.BayesClassifier(natural.PorterStemmer, smoothing);
    const df = new Map<string, number>();
    for (const doc of docs) for (const t of doc.tokens) df.set(t, (df.get(t) ?? 0) + 1);
    const keep = (t: string): boolean => t.startsWith('__') || (df.get(t) ?? 0) >= MIN_DOC_FREQ;
    for (const doc of docs) {
      const tokens = doc.tokens.filter(keep);
      if (tokens.length) this.bayes.addDocument(tokens, doc.intent);
    }
    // Feature indices follow natural's own order (for..in over its feature table).
    let i = 0;
    for (const feature in this.bayes.features) this.index.set(feature, i++);
    for (const doc of this.bayes.docs) {
      const text = doc.text as unknown as string[];
      this.bayes.classifier.addExample(this.sparse(text), doc.label);
    }
    this.bayes.lastAdded = this.bayes.docs.length;
    this.bayes.train();
  }

  /** Vocabulary size (distinct tokens seen in training). */
  get vocabulary(): number {
    return this.index.size;
  }

  /** Sparse observation: { 0: featureIndex, 1: featureIndex, ... } for known tokens. */
  private sparse(tokens: readonly string[]): Record<string, number> {
    const obs: Record<string, number> = {};
    let n = 0;
    for (const t of tokens) {
      const idx = this.index.get(t);
      if (idx === undefined) continue;
      obs[n++] = idx;
      if (n >= MAX_SCORED_TOKENS) break;
    }
    return obs;
  }

  /** Posterior per intent, summing to 1 (uniform when the message has nothing the model knows). */
  scores(tokens: readonly string[]): Record<Intent, number> {
    const out = zeroScores();
    const raw = this.bayes.classifier.getClassifications(this.sparse(tokens));
    let total = 0;
    for (const c of raw) if (Number.isFinite(c.value)) total += c.value;
    for (const c of raw) {
      if ((INTENTS as readonly string[]).includes(c.label))
        out[c.label as Intent] = total > 0 ? c.value / total : 1 / INTENTS.length;
    }
    return out;
  }
}
