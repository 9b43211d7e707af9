/**
 * The ranker's one options object. Every default is a constant here; BENCHMARKS.md records the
 * dev-set figures they were chosen on.
 */
export const RANKER_DEFAULTS = {
  /** Weight of a term by the field it is in (BM25F). */
  fields: { title: 4, errors: 3, symptoms: 4, summary: 1.5, cause: 2.5, fix: 1, more: 0.5, meta: 0.5 },
  /** BM25 length normalisation. */
  b: 0.6,
  /** BM25 term-frequency saturation. */
  k1: 1.2,
  /** Terms found in more than this share of the articles are left out of the term score. */
  maxTermShare: 0.6,
  /** Score added for an article containing the whole pasted text (scaled by coverage²). */
  phraseWeight: 1.5,
  /** Score added for an article quoting the paste character for character (scaled by the share quoted). */
  exactWeight: 0.5,
  /** Leading hits checked for an exact quote. */
  exactCandidates: 30,
  /** Messages with fewer word runs than this get proportionally less from phrase matching. */
  phraseFullRuns: 4,
  /** Score added for an article containing all the message's word pairs (scaled by the share found). */
  pairWeight: 0.5,
  /** Word pairs in more than this share of articles are ignored. */
  pairMaxDocShare: 0.05,
  /** Boost of error codes and identifiers over ordinary terms. */
  codeBoost: 3,
  /**
   * Score multiplier for a leading hit that has none of the message's error codes while another
   * leading hit has one: the same error text with another code ("service-specific error
   * 4294966767" for a paste of "... 4294966746") is another error.
   */
  codeMissFactor: 0.5,
  /** ... counting only codes in at most this many articles ("4294966746", not "486" or "1024"). */
  codeMaxDocs: 30,
  /** Boost of a synonym's or abbreviation's expansion (split over its words). */
  synonymBoost: 0.6,
  /** Boost of a typo's correction. */
  typoBoost: 0.8,
  /** Score multiplier (1 + this) for an article in a product the message names; divided for other products. */
  categoryWeight: 0.15,
  /** Score multiplier (1 + this) for an article applying to a version the message names. */
  versionWeight: 0.05,
  /** Candidates re-scored in full per message. */
  candidates: 200,
  /** Hits returned. */
  k: 10,
};

export type RankerOptions = Partial<Omit<typeof RANKER_DEFAULTS, 'fields'>> & {
  fields?: Partial<typeof RANKER_DEFAULTS.fields>;
};
