/**
 * Is a message a person reporting the fix they applied ("fixed it by restarting the KM service",
 * "Resolution: renewed the cert", "the workaround was …")? Such a message is never a new query and
 * never feedback on the bot's answer (docs/design-team-fixes.md, sections 3.3 and 4). Pure rules, in
 * front of the intent model: a resolution cue, plus a means (how it was fixed), and no veto
 * (question, negation, plan, hedge, "still failing").
 *
 * Code (fences, inline code, Teams `<code>`/`<pre>`) counts as a means but is never read for cues,
 * so an error paste that mentions "fix.sh" is not a report. Quoted lines (`>`) are pasted errors and
 * are dropped. Time linear in the text; only the first `FIX_REPORT_MAX_CHARS` characters are read.
 */
import { undoChatMarkup } from '../text/chat-markup.js';

/** Characters read from a message: a fix report says what it did early; the rest is pasted output. */
export const FIX_REPORT_MAX_CHARS = 4000;

/** Optional signals from `detectSignals` (features.ts); only `questionForm` is used. */
export interface FixReportSignals {
  questionForm?: boolean;
}

/** Stands in for a piece of code in the prose: a means, never a cue word. */
const CODE = ' \u2318 ';

/** Fences, inline code and Teams code tags, each replaced by `CODE`. Linear: lazy bodies, bounded spans. */
function takeOutCode(text: string): { prose: string; code: boolean } {
  let code = false;
  const mark = (): string => {
    code = true;
    return CODE;
  };
  const prose = text
    .replace(/```[\s\S]*?(?:```|$)/g, mark)
    .replace(/<(pre|code)(?:\s[^<>]{0,200})?>[\s\S]*?(?:<\/\1>|$)/gi, mark)
    .replace(/`[^`\n]{1,2000}`/g, mark);
  return { prose, code };
}

/** Lines quoted with `>` (or Slack's `&gt;`): pasted errors, not the person's words. */
function dropQuotes(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s{0,3}(?:>|&gt;)/.test(line))
    .join('\n');
}

/** Past-tense (or "turns out") resolution verbs: rule 1a. */
const RESOLUTION_VERB =
  /\b(?:fixed|resolved|solved|sorted|worked around|turn(?:ed|s) out|got (?:it |this |that )?working|did the trick|did it|was the (?:fix|solution|workaround))\b/;

/** Labels: rule 1b. "Resolution: …", "the fix was …", "the workaround we ended up with: …". */
const LABEL_START = /(?:^|[\n.!;]|\bfyi)\s*(?:the )?(?:resolution|fix|workaround|root cause|solution)\s*:/;
const LABEL_WAS = /\b(?:fix|workaround|solution)(?: we [a-z]+(?: [a-z]+){0,2})?\s*(?:was|is|:)\s+\S/;

/** "what worked (for me) was/:" and "what fixed it (for us) was": rule 1c. */
const WHAT_WORKED = /\bwhat (?:worked|fixed it|solved it|did it)\b/;

/** An outcome after an action or a "by/with/after" means: "ok now", "all green", "works again", "errors gone", "is back". */
const OUTCOME =
  /\b(?:all green|back to normal|(?:ok|okay|fine|good|working|work|works|started|up|[a-z]+s) (?:now|again)|now (?:is )?working|is back|(?:errors?|issues?|problems?|alerts?) (?:are |is )?gone|and it started)\b/;

/** Past-tense actions a fix is made of: a means (rule 2) and, with an outcome, a cue. */
const ACTION =
  /\b(?:restarted|rebooted|bounced|ran|renewed|reloaded|cleared|reinstalled|installed|updated|upgraded|downgraded|removed|deleted|changed|rolled back|rotated|disabled|enabled|bumped|increased|raised|added|granted|flushed|reset|resynced|excluded|moved|pinned|replaced|patched|killed|re-ran|recreated|rebuilt|redeployed|applied|re-?registered|re-?seeded|re-?enabled)\b/;

/** A means introduced by a preposition: "by …", "with …", "w/ …", "after …", "via …". */
const MEANS_WORD = /(?:\b(?:by|with|after|via)|\bw\/)\s+\S/;

/** A colon followed by words: "sorted this: the GPO was …". */
const MEANS_COLON = /:\s*\S+\s+\S/;

/** Question openings (the "?" is checked apart). "what worked for me …" is not one. */
const QUESTION_START =
  /^\s*(?:did|does|do|is|was|were|are|can|could|has|have|should|would|will|how|why|who|where|when|any ?one|what (?!worked|fixed|solved|did it))\b/;

/** Plans and futures: rule 3. */
const PLAN =
  /\b(?:will|going to|gonna|try|let'?s|plan|next step|pending|tbd|should|need to|i'll|we'll|hasn'?t been|have to)\b/;

/** Failures and hedges: "still failing", "no luck", "not sure", "maybe". */
const FAILURE =
  /\b(?:still|no luck|no change|no dice|not sure|i think|maybe|might|perhaps|probably|didn'?t help|doesn'?t help)\b/;

/** Negation within three tokens before a resolution word, or right after it ("fix is not working"). */
const NEGATED =
  /\b(?:not|no|never|nothing|didn'?t|doesn'?t|don'?t|isn'?t|wasn'?t|hasn'?t|haven'?t|won'?t|cannot|can'?t)\s+(?:\S+\s+){0,2}(?:fix|resolv|solv|work|help|sort)|\b(?:fix|fixed|resolved|solved|workaround)\s+(?:\S+\s+)?(?:not|isn'?t|doesn'?t|didn'?t|hasn'?t)\b/;

/** Why a message is or is not a fix report, for tests and the benchmark's miss list. */
export interface FixReportReading {
  fixReport: boolean;
  /** The rule that decided: a cue name, a veto name, or "no cue" / "no means". */
  reason: string;
}

/** The reading behind `isFixReport`. */
export function readFixReport(text: string, signals: FixReportSignals = {}): FixReportReading {
  const raw = dropQuotes(text.slice(0, FIX_REPORT_MAX_CHARS).replace(/\r\n?/g, '\n'));
  const { prose: withCode, code } = takeOutCode(raw);
  const prose = undoChatMarkup(withCode)
    .text.toLowerCase()
    .replace(/[\u2018\u2019]/g, "'");
  const words = prose.replace(/\u2318/g, ' ');

  const label = LABEL_START.test(words) || LABEL_WAS.test(words);
  const whatWorked = WHAT_WORKED.test(words);
  const outcome = OUTCOME.test(words) && (ACTION.test(words) || MEANS_WORD.test(prose));
  const cue = RESOLUTION_VERB.test(words)
    ? 'resolution verb'
    : label
      ? 'label'
      : whatWorked
        ? 'what worked'
        : outcome
          ? 'action and outcome'
          : null;
  if (!cue) return { fixReport: false, reason: 'no cue' };

  if (signals.questionForm || words.includes('?') || QUESTION_START.test(words))
    return { fixReport: false, reason: 'question' };
  if (NEGATED.test(words)) return { fixReport: false, reason: 'negated' };
  if (PLAN.test(words)) return { fixReport: false, reason: 'plan' };
  if (FAILURE.test(words)) return { fixReport: false, reason: 'failure or hedge' };

  const means =
    label ||
    whatWorked ||
    outcome ||
    code ||
    MEANS_WORD.test(prose) ||
    MEANS_COLON.test(words) ||
    ACTION.test(words) ||
    /\bhad to\b/.test(words);
  if (!means) return { fixReport: false, reason: 'no means' };
  return { fixReport: true, reason: cue };
}

/**
 * True when `text` reports a fix someone applied, with how. Bare "fixed it" is feedback, not a
 * report. `signals.questionForm` (from `detectSignals`) vetoes like a "?" does.
 */
export function isFixReport(text: string, signals: FixReportSignals = {}): boolean {
  return readFixReport(text, signals).fixReport;
}
