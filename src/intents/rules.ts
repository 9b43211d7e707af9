/**
 * The small rule layer on top of the natural classifier: a few unambiguous forms decide outright
 * (a bare KB id is a lookup, "help" is help, "hi kbbot" is a greeting), and the passive guard keeps
 * the bot quiet on channel talk that only mentions an error ("the STOP 0x1E was bad RAM, fixed").
 * Each rule returns the intent it forces and why, or undefined to leave the model's choice.
 */
import { detectSignals, type Signals } from './features.js';
import type { FeedbackKind, Intent } from './types.js';

export interface RuleInput {
  text: string;
  ids: string[];
  /** The text with KB ids removed. */
  withoutIds: string;
  signals: Signals;
}

export interface RuleDecision {
  intent: Intent;
  reason: string;
}

const HELP_ONLY =
  /^\s*(?:@?kb ?bot[,:]?\s*)?\/?(?:help|halp|usage|commands|\?)[\s?!.\p{Extended_Pictographic}\u{FE0F}]*$|^\s*\/kb\s+help\b/iu;
const LOOKUP_VERB =
  /^\s*(?:\/kb\b|(?:please |pls |can you |could you )?(?:show|open|pull|look ?up|lookup|fetch|get|gimme|give me|read|find|bring up|link)\b)|\bwhat(?:'s| is| does)?\s+(?:in\s+)?(?:kb|q|article)\b|\b(?:kb|q)\s*(?:article\s*)?\d{5,7}\s+(?:say|about)\b|\barticle\s+\d{5,7}\b/i;
const GREETING =
  /^\s*(?:hi|hello|hey|hiya|heya|yo|howdy|sup|wassup|what'?s up|gm|greetings|ello|hallo|hola|aloha|ahoy|ciao|salut|bonjour|g'?day|guten (?:morgen|tag)|(?:good )?(?:morning|mornin|afternoon|evening)|top of the morning|\u{1F44B}|:wave:)(?![\w'])(?:[\s!,.:)]*(?:there|all|folks|everyone|everybody|team|guys|people|peeps|humans|bots|and|y'all|world|kb ?bot|bot|(?=(@\S+))\1))*[\s!,.:)\p{Extended_Pictographic}\u{FE0F}]*$/iu;

/** Asking how to use the bot: "you" as the bot, or the bot's own nouns (articles, results, search). */
const ABOUT_THE_BOT = /\b(?:articles?|results?|answers?|search(?:ing|es)?|look ?ups?|paste|type)\b/i;
/** "ok thanks", "great, cheers": an interjection before thanks (shared by the thanks rules below). */
const THANKS = String.raw`(?:(?:ok(?:ay)?|great|cool|perfect|awesome|nice|super|brilliant|excellent)[,!.]?\s+)?(?:thx|ty|thanks|thank you|cheers)`;
/** Thumbs down: the emoji, or Slack's ":-1:" / ":thumbsdown:". */
const THUMB_DOWN = String.raw`\u{1F44E}|:-1:|:thumbsdown:`;

/** Short reactions to an answer: "that worked", "didn't help", "wrong one", "spot on". */
const FEEDBACK_CUE = new RegExp(
  String.raw`^\s*(?:(?:that|this|it|which|the (?:first|second|last|other) one)\s+)?(?:worked|fixed it|did (?:it|the trick)|did ?n[o']?t (?:help|work|fix)|does ?n[o']?t (?:apply|help|work|match)|was it|nailed it|helped)\b` +
    String.raw`|^\s*${THANKS}\b` +
    String.raw`|\b(?:wrong (?:one|article|kb|answer|product|version)|not it|none of (?:these|them|those|the above)|spot on|bingo|useless|not (?:helpful|relevant|applicable)|irrelevant|good bot|bad bot|nope|worked like|that'?s (?:not )?it)\b|${THUMB_DOWN}`,
  'iu',
);

const THUMB_UP = String.raw`(?:\u{1F44D}[\u{1F3FB}-\u{1F3FF}]?|:(?:\+1|thumbsup):(?::skin-tone-\d:)?)`;
const THUMBS_UP_ONLY = new RegExp(String.raw`^\s*${THUMB_UP}(?:\s*${THUMB_UP})*\s*$`, 'u');

/**
 * A message that is only thumbs up ("👍", Slack's ":+1:"). Under one of the bot's answers it rates
 * the answer; anywhere else it is someone acknowledging a colleague, so the classifier calls it chatter.
 */
export function isThumbsUp(text: string): boolean {
  return THUMBS_UP_ONLY.test(text);
}

const THUMBS_DOWN_ONLY = new RegExp(
  String.raw`^\s*(?:${THUMB_DOWN})(?::skin-tone-\d:|[\u{1F3FB}-\u{1F3FF}])?(?:\s*(?:${THUMB_DOWN})(?::skin-tone-\d:|[\u{1F3FB}-\u{1F3FF}])?)*\s*$`,
  'u',
);

/** A request for an article or information ("show me ...", "can you find ...", "I need ..."). */
const REQUEST =
  /^\s*(?:(?:can|could|would|will) you\s+)?(?:please\s+)?(?:show|find|give|get|pull up|look up|look for|search|send|fetch|list|i need|i want|i'?m looking for|looking for|need|want)\b/i;

/** Thanks to a colleague by name ("thanks Maria!"), not to the bot: the name must be capitalised. */
const THANKS_TO = new RegExp(String.raw`^\s*${THANKS}[,!]?\s+(?!(?:kb ?bot|bot)\b)(\w+)`, 'iu');
const thanksPerson = (text: string): boolean => /^[A-Z][a-z]+$/.test(THANKS_TO.exec(text)?.[1] ?? '');

function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /[a-z0-9]/i.test(w)).length;
}

export const RULE_DEFAULTS = {
  /** An error paste with no error shape (code, log prefix, dialog phrase) needs at least this model confidence. */
  shapelessPaste: 0.9,
  /** A question without a question form or a symptom needs at least this model confidence. */
  unaskedQuestion: 0.9,
  /**
   * A cue (cueTokens: a short reaction to an answer, a question about the bot) decides for its intent
   * when the models give that intent at least this much: the cue breaks near ties, the models overrule it.
   */
  cueFloor: 0.25,
  /**
   * When a passive call is vetoed, the best other intent needs at least this score; below it the message
   * is chatter (not sure it is a paste does not make it feedback or a greeting).
   */
  fallbackFloor: 0.3,
};

/** The intent each cue token stands for, when it breaks a near tie. */
export const CUE_INTENTS: Readonly<Record<string, Intent>> = {
  __cue_feedback: 'feedback',
  __cue_about_bot: 'help',
};

/** Rules that decide outright, before the model's scores are looked at: forms with one reading only. */
export function decisiveRule(input: RuleInput): RuleDecision | undefined {
  const { text, ids, withoutIds, signals } = input;
  if (text.trim() === '') return { intent: 'chatter', reason: 'empty message' };
  if (HELP_ONLY.test(text)) return { intent: 'help', reason: 'asks for help' };
  if (ids.length && signals.structural === 0) {
    const rest = withoutIds.replace(/\b(?:kb|q|article|kbbot|bot|please|pls|plz|thanks|for me)\b|[^a-z0-9\s]/gi, ' ');
    if (wordCount(rest) === 0) return { intent: 'lookup', reason: `names ${ids.join(', ')}` };
    if (LOOKUP_VERB.test(text) && wordCount(rest) <= 8)
      return { intent: 'lookup', reason: `asks for ${ids.join(', ')}` };
  }
  if (GREETING.test(text)) return { intent: 'greeting', reason: 'greeting' };
  if (THUMBS_DOWN_ONLY.test(text)) return { intent: 'feedback', reason: 'thumbs down' };
  if (thanksPerson(text) && signals.words <= 4) return { intent: 'chatter', reason: 'thanks a colleague' };
  return undefined;
}

/**
 * Cues the rules used to decide on, now given to the models as pseudo-tokens so the training data
 * decides how much they count: "__cue_kbid_short" (a KB id with few other words), "__cue_about_bot"
 * (asks how the bot works), "__cue_feedback" (a short reaction to an answer), "__cue_thanks_person"
 * (thanks someone by name).
 */
export function cueTokens(input: RuleInput): string[] {
  const { text, ids, withoutIds, signals } = input;
  const out: string[] = [];
  if (ids.length && signals.structural === 0) {
    const rest = withoutIds.replace(/\b(?:kb|q|article|kbbot|bot|please|pls|plz|thanks|for me)\b|[^a-z0-9\s]/gi, ' ');
    if (wordCount(rest) <= 10) out.push('__cue_kbid_short');
  }
  if (signals.errorShapes === 0 && ids.length === 0) {
    if (signals.questionForm && !signals.tech && !signals.symptom && (signals.botRef || ABOUT_THE_BOT.test(text)))
      out.push('__cue_about_bot');
    const cue =
      (signals.answerRef && !REQUEST.test(text)) ||
      (FEEDBACK_CUE.test(text) && !(signals.symptom && signals.tech) && !thanksPerson(text));
    if (signals.words <= 14 && !signals.questionForm && cue) out.push('__cue_feedback');
  }
  if (THANKS_TO.test(text)) out.push('__cue_thanks_person');
  return out;
}

/**
 * The passive guard: returns why an error_paste/question prediction should fall back to a
 * non-passive intent, or undefined to let it stand. Past-tense resolution or plan talk without a
 * question and without pasted structure (log lines, fences, event-log fields) is talk about an error.
 */
export function passiveVeto(
  intent: Intent,
  confidence: number,
  threshold: number,
  signals: Signals,
): string | undefined {
  if (intent !== 'error_paste' && intent !== 'question') return undefined;
  if (signals.resolution && !signals.questionForm && signals.structural === 0)
    return 'talk about an error, not a paste or a question';
  if (
    intent === 'error_paste' &&
    signals.errorShapes === 0 &&
    !signals.formal &&
    confidence < RULE_DEFAULTS.shapelessPaste
  )
    return 'no error text in it';
  if (intent === 'question' && !signals.questionForm && !signals.symptom && confidence < RULE_DEFAULTS.unaskedQuestion)
    return 'neither asked nor a symptom';
  if (confidence < threshold) return `not sure enough (${confidence.toFixed(2)} < ${threshold})`;
  return undefined;
}

const MORE =
  /\b(?:more|others?|another|next|else|rest|alternatives?|second (?:one|result)|other (?:ones|matches|results|articles|hits))\b/i;
const NEGATIVE = new RegExp(
  String.raw`${THUMB_DOWN}|\bstill (?:broken|failing|fails|the same|happening|down|not|getting|seeing|crashing|no)\b|\bsame (?:error|thing|problem|issue)\b|\bno (?:change|luck|dice|difference)\b|\b(?:wrong|none of (?:these|them|those|the above)|neither|not (?:it|that|helpful|relevant|the)|nope|nah|didn'?t|didnt|doesn'?t|does not|did not|useless|bad|no good|irrelevant|not what)\b|^\s*no\b`,
  'iu',
);
/** "That one is for 5.0, we run 5.5": the answer is for another setup (unless the message also says it worked). */
const OTHER_SETUP =
  /\b(?:(?:is|was) (?:only )?for (?:a |an )?(?:different|another|older|newer)|we (?:run|use|are on|are running) (?:\w+ ){0,2}(?:v(?:ersion)?\s*)?(?:\d+|sp\s*\d+))\b/i;
const POSITIVE = /\u{1F44D}|\b(?:thanks|thank you|thx|worked|works|fixed|helped|solved|perfect|great)\b/iu;

/** A short report of how things stand now: "all working again", "still broken after that", "no change". */
const OUTCOME =
  /\b(?:works?|working|worked|fixed|sorted|solved|resolved|all good|back (?:up|online|to normal)|did the trick|that did it|good now|up again)\b|\bstill (?:broken|failing|fails|the same|happening|down|not|getting|seeing|crashing)\b|\bsame (?:error|thing|problem|issue)\b|\bno (?:change|luck|dice|difference)\b|\b(?:did ?n[o']?t|does ?n[o']?t) (?:work|help|fix)\b/i;

/**
 * Under one of the bot's answers, a short message that says how things stand now reads as a reaction to
 * the answer even when the classifier, which sees no thread, calls it chatter ("thx!! all working again").
 * Returns its kind, or undefined when the message is not such a report (or carries an error of its own).
 */
export function outcomeIn(text: string): FeedbackKind | undefined {
  if (!OUTCOME.test(text)) return undefined;
  const signals = detectSignals(text, false, false);
  if (signals.errorShapes > 0 || signals.questionForm || signals.words > 14) return undefined;
  return feedbackKind(text);
}

/** What feedback says about the last answer: wants more, says it was wrong, or says it worked. */
export function feedbackKind(text: string): FeedbackKind {
  if (MORE.test(text) && !/\b(?:worked|fixed|did it)\b/i.test(text)) return 'more';
  if (NEGATIVE.test(text) || (OTHER_SETUP.test(text) && !POSITIVE.test(text))) return 'negative';
  return 'positive';
}
