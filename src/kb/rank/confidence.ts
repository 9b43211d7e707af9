/**
 * Confidence that the first hit answers the message, 0-1, from how the scores look: how much of
 * a pasted error the article quotes, how far the first hit stands above the second, and how much
 * of the message's term weight it matched. A logistic curve; its coefficients were set by hand
 * from how often the first hit is right per band of each signal on the dev sets, and the bot's
 * thresholds read off the resulting curve (BENCHMARKS.md, "Confidence").
 */
export interface ConfidenceInput {
  /** Combined score of the first and second hit. */
  top: number;
  second: number;
  /** Share of the message's word runs found in the first hit (0 when none). */
  coverage: number;
  /** Share of the message the first hit quotes character for character (0 when not checked). */
  exact: number;
  /** Informative word runs in the message. */
  runs: number;
  /** Share of the message's term weight the first hit matched (0-1). */
  termShare: number;
  /** Distinct terms in the message. */
  queryTerms: number;
}

/** Coefficients of the logistic curve (see the file comment). */
export const CONFIDENCE_COEFFICIENTS = {
  bias: -4,
  margin: 3.5,
  termShare: 3.5,
  quoted: 2.5,
  fullMargin: 0.4,
  minRuns: 3,
  fullSupport: 0.3,
};

export function confidenceOf(c: ConfidenceInput, k = CONFIDENCE_COEFFICIENTS): number {
  if (c.top <= 0) return 0;
  // How far the first hit stands above the second, full marks at a 40% lead.
  const margin = Math.min(1, (c.top - c.second) / c.top / k.fullMargin);
  // How much of a pasted error the article quotes; word runs alone count less, and not for two-word messages.
  const quoted = Math.max(c.exact, c.runs >= k.minRuns ? 0.8 * c.coverage : 0);
  // A lead over the second hit means little when the first matches only a sliver of the message
  // (one known word of five on a small KB): the lead counts in full from 30% matched or quoted.
  const support = Math.min(1, (Math.min(1, c.termShare) + quoted) / k.fullSupport);
  const z = k.bias + k.margin * margin * support + k.termShare * Math.min(1, c.termShare) + k.quoted * quoted;
  return 1 / (1 + Math.exp(-z));
}
