/**
 * The ranker's one options object. Every default is a constant here; BENCHMARKS.md records the
 * dev-set figures they were chosen on.
 */
export const RANKER_DEFAULTS = {
  /**
   * Weight of a term by the field it is in (BM25F). `impact` and `diagnosis` are a team document's
   * sections of those names (archive articles have no such fields, so their weights move nothing there).
   */
  fields: {
    title: 4,
    errors: 3,
    symptoms: 4,
    summary: 1.5,
    cause: 2.5,
    fix: 1,
    more: 0.5,
    meta: 0.5,
    impact: 1,
    diagnosis: 1,
  },
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
  /**
   * Boost of an identifier with interior capitals in the message ("KubeAPIErrorBudgetBurn", an
   * alert name), as one term; 0: read as any word (the archive: its messages' identifiers are API
   * and function names, ranked as words).
   */
  identifierBoost: 0,
  /** Boost of each word of such an identifier ("kube", "api", "error", ...); 0: not split. */
  identifierWordBoost: 0,
  /**
   * Score added for an article whose title words (its title, alert names and file stem split into
   * words) the message holds, scaled by the idf-weighted share it holds, to `titleCoveragePower`;
   * 0: not (the archive: its titles are sentences, matched as terms).
   */
  titleCoverageWeight: 0,
  /** Power of that share: higher favours articles whose title words the message holds all of. */
  titleCoveragePower: 2,
  /**
   * Power of the idf mass of title words the message holds, over the most any candidate's title
   * holds, that scales the title score; 0: not (each title is judged alone).
   */
  titleMassPower: 0,
  /** Read the message without IP addresses and ports (`withoutAddresses`); the archive's messages keep theirs. */
  dropAddresses: false,
  /** Boost of a synonym's or abbreviation's expansion (split over its words). */
  synonymBoost: 0.6,
  /** Boost of a typo's correction. */
  typoBoost: 0.8,
  /** Score multiplier (1 + this) for an article in a product the message names; divided for other products. */
  categoryWeight: 0.15,
  /** Score multiplier (1 + this) for an article applying to a version the message names. */
  versionWeight: 0.05,
  // Several sources (the archive with a team's runbooks; `Ranker`). Chosen with the archive and
  // ../shared/teamkb loaded together, on the archive's dev error pastes (which must stay within
  // 0.005 @1 of the archive alone) and the teamkb dev sets (which should lose little against
  // teamkb alone); figures in BENCHMARKS.md ("Team KB").

  /**
   * The confidence a source far smaller than the largest must have on top of the largest's to take
   * a place from it (scaled by how much smaller it is; see `sourceHandicaps`). Without it, short
   * generic errors that both quote ("Cannot create object") went to the runbooks: archive pastes
   * 0.977 alone, 0.961 beside teamkb without a margin, 0.973 with 0.2 (teamkb's pasted errors
   * beside the archive 0.972 → 0.964: some are the same error text as archive pastes).
   */
  sourceMargin: 0.2,
  /**
   * ... applied only when the largest source's confidence times its vocabulary factor (see
   * `sourceVocabularyPower`) is at least this (its answer is likely right, and about words it
   * knows), and not against a source that quotes more of the message. With the factor counted in:
   * teamkb questions beside the archive 0.789 → 0.800 @1, pastes 0.964 → 0.968 (at power 2); nothing else moved.
   */
  sourceMarginFrom: 0.5,
  /**
   * Each source's confidence is multiplied by the share of the message's telling weight it has
   * words for (`knownShare`), to this power; 0: not. The archive is sure of nonsense answers to
   * questions about words it has never seen ("why is praefect replication lagging"): teamkb
   * questions beside the archive 0.779 → 0.789 @1 from 0 to 2. From 2 to 4 (with the factor in
   * `sourceMarginFrom`): the archive's dev questions beside teamkb 0.817 → 0.833 and teamkb's
   * 0.853 → 0.874 (both as alone), the rest unchanged; 3 keeps one loss in each, 5 loses an archive paste.
   */
  sourceVocabularyPower: 4,
  /** Candidates re-scored in full per message. */
  candidates: 200,
  /** Hits returned. */
  k: 10,

  // Bounds on the work one message can cause, whatever it holds. Each is well above what any message
  // of the dev sets needs (so no answer moves), and together they keep the costliest message shapes
  // within a few times an ordinary paste's cost (`node scripts/bench-hostile.mjs`).

  /**
   * Letters in the longest word the speller corrects. A correction is a KB word one edit away, and
   * each letter of the word means some 50 edits to look up (before this bound, with every edit spelled
   * out, a 20,000-letter word took 2.6 s). The longest words the 57,000-article corpus uses in three or
   * more articles, which is what a correction must be, have 33 letters (API names such as
   * "perrecipientmessagetransferfield"; runs such as "abcd...xyzabcd...xyz" aside): 34 loses none.
   */
  maxSpellLength: 34,
  /**
   * Distinct unknown words per message the speller tries (in the order the message has them):
   * each try looks up some 50 edits per letter. The dev sets' messages have at most 8.
   */
  maxSpellingTries: 12,
  /**
   * Distinct words per message searched (the first ones; codes, corrections and expansions come on
   * top): each is looked up, weighed and checked against every hit. The dev sets' messages have at
   * most 50; a 4,000-character paste of short tokens has 800.
   */
  maxQueryTerms: 256,
  /** Error codes per message used (the first ones): each is matched against every leading article. The dev sets' messages have at most 18. */
  maxCodes: 32,
  /** Abbreviations and long forms per message expanded (the first ones). The dev sets' messages have at most 5. */
  maxExpansions: 16,
  /**
   * Word runs per message looked up in the error-text and word-pair indexes (the first distinct
   * ones, in each): each is a search of an index of millions of runs. The dev sets' messages have at most 88.
   */
  maxRuns: 256,
  /**
   * Postings (article entries) the term score may add up per message. When the message's terms
   * have more, its commonest terms are left out, as those found in more than `maxTermShare` of the
   * articles are. The dev sets' messages need at most 285,000 (common words such as "server" have
   * 10,000 each); 500,000 take about 2 ms.
   */
  maxTermPostings: 500_000,
  /**
   * Postings per message the error-text and word-pair matching may look at (each of the two): a
   * message's commonest word runs are left out beyond it. The dev sets' messages need at most 7,000.
   */
  maxRunPostings: 20_000,
  /**
   * Cuts (colons, dashes, quotes) after which the rest of a message is also tried as an exact
   * quote: each is a copy of the message checked against every leading article. The dev sets'
   * messages have at most 17.
   */
  exactCuts: 24,
};

export type RankerOptions = Partial<Omit<typeof RANKER_DEFAULTS, 'fields'>> & {
  fields?: Partial<typeof RANKER_DEFAULTS.fields>;
};

/**
 * Settings for a source of team documents (Markdown, HTML, plain text: runbooks and support
 * articles), on top of RANKER_DEFAULTS; the archive keeps the defaults. Chosen on the teamkb dev
 * sets (../shared/eval/teamkb-dev-*.jsonl; figures in BENCHMARKS.md).
 */
export const TEAM_SOURCE_OPTIONS: RankerOptions = {
  /**
   * A pasted alert name ("getting paged for PrometheusMissingRuleEvaluations") is one rare term
   * among a few common ones ("page", "gke", "main") that a long page may hold many times: counted
   * as a code it decides, and its words spelled out match a title that writes them apart
   * ("Prometheus Missing Rule Evaluations"). With `dropAddresses`: dev alerts 0.843 → 0.910 @1
   * (name only 0.89 → 1.00, description only 0.63 → 0.67); pasted errors and questions unchanged.
   */
  identifierBoost: 3,
  identifierWordBoost: 1,
  /**
   * An alert's instance labels in its description ("member 10.128.9.87:6443 has no leader",
   * "Prometheus payments/redis-75b11204bd-z7w62 failed to ..."): not the problem.
   */
  dropAddresses: true,
  /**
   * A rule's description often spells out its alert name ("65% of the ... targets are down" for
   * TargetDown, "receive errors" for NodeNetworkReceiveErrs) where the runbook's prose does not, and
   * of near twins (etcdGRPCRequestsSlow, etcdGRPCWriteRequestsSlow) the one whose every name word the
   * message holds is meant. Chosen on the dev sets (0.2-0.4 alike; 1 costs pasted errors 0.988 →
   * 0.968): with pod names dropped too, description-only alerts 0.667 → 0.750 @1 (0.783 → 0.883 @3),
   * questions 0.811 → 0.874 @1, pasted errors unchanged.
   */
  titleCoverageWeight: 0.3,
  /**
   * Of near twins whose names the message holds alike, the one whose name holds more of it: "gRPC
   * write requests ... 4.28s" is etcdGRPCWriteRequestsSlow, not etcdGRPCRequestsSlow (the share
   * alone, 0.82 against 0.78, lifts the longer name too little). Chosen on the dev sets (1: 0.900
   * → 0.883 @3): description-only alerts 0.750 → 0.767 @1 (0.883 → 0.900 @3), pasted errors and
   * questions unchanged (0.988, 0.874 @1).
   */
  titleMassPower: 2,
};
