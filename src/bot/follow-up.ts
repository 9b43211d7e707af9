/**
 * Follow-ups in a thread that already has an answer: "show the full article", "just the steps",
 * "the other one", "what about SP2?" (or "is this still valid for SP2?"), "why this one?". Read only when the thread has an earlier match.
 * Also "has anyone seen this before?" (`seen`): past threads with the same error, asked in a thread or not.
 */

import type { AnswerView } from './reply.js';

export type FollowUp =
  | { kind: 'full' }
  | { kind: 'steps' }
  | { kind: 'next' }
  | { kind: 'others' }
  | { kind: 'why' }
  | { kind: 'refine'; words: string }
  /** "has anyone seen this before?", "did we hit this before?": past threads with the same error. */
  | { kind: 'seen' };

const FULL =
  /^(?:please\s+)?(?:show|give|send|post)?\s*(?:me\s+)?(?:the\s+)?(?:full|whole|entire|complete)\s+(?:article|text|thing|kb)\b|^(?:more\s+detail|all\s+of\s+it|full\s+article)\b/i;
const STEPS =
  /^(?:(?:just|only)\s+(?:the\s+)?(?:steps|fix)|steps\s+only|(?:show|give)\s+(?:me\s+)?(?:just\s+)?(?:the\s+)?steps|how\s+do\s+i\s+fix\s+it)\b/i;
const NEXT =
  /^(?:(?:and\s+|what\s+about\s+|show\s+(?:me\s+)?)?the\s+other\s+one|next(?:\s+one)?|another\s+one|try\s+(?:the\s+)?next)\b/i;
const OTHERS =
  /^(?:(?:any\s+)?other\s+(?:matches|articles|options|ones)|what\s+else|more\s+(?:matches|results|options))\b/i;
const WHY =
  /^(?:why(?:\s+(?:this|that)(?:\s+(?:one|article|kb))?)?|why\s+(?:did|do)\s+you\s+(?:pick|choose|say|suggest|think)\s+(?:this|that|it)(?:\s+(?:one|article|kb))?|how\s+did\s+you\s+(?:pick|choose|find|get)\s+(?:this|that|it)(?:\s+(?:one|article|kb))?|explain(?:\s+(?:this|that|yourself|why))?)\s*\??$/i;
const REFINE =
  /^(?:(?:and\s+)?what\s+about|how\s+about|and\s+(?:for|on|with)|same\s+(?:for|on|with)|what\s+if\s+it'?s)\s+(.{1,80}?)\s*\??$/i;

/** "Is this article still valid for SP4?", "does that apply to 5.0?": the thread's question again, for something else. */
const APPLIES =
  /^(?:is|does|will|would|can|could)\s+(?:this|that|it)(?:\s+(?:one|article|kb|fix|answer|workaround))?\s+(?:still\s+)?(?:(?:be\s+)?(?:valid|apply|work|relevant|hold|true|ok|the\s+same)\s+)?(?:for|to|on|with|in|under)\s+(.{1,80}?)\s*\??$/i;

/**
 * "Has anyone seen this before?": a question about the thread's error's past, in many voices.
 * Built from parts so each is readable; every form is anchored at both ends, so a statement
 * ("I've seen this before", "we had this before, it was the cert"), a question about something
 * else ("has anyone seen the runbook?", "did we hit this before the upgrade?") and a question
 * about now ("is anyone else seeing this?", "has anyone fixed this yet?") are not read as one.
 */
const SEEN_PARTS = (() => {
  /** A greeting, a vocative or the bot's mention before the question ("hey team,", "@kbbot"). */
  const lead = String.raw`(?:(?:@[\w.-]+|hey|hi|hello|yo|ok(?:ay)?|so|quick\s+q(?:uestion)?|q|team|all|folks|guys|everyone|people|y'?all)[\s,:;-]+)*`;
  /** "anyone" and its spellings, with "else" or "here" after it. */
  const anyone = String.raw`(?:any\s*one|any\s*body|any1|some\s*one|some\s*body|some1|any\s+of\s+(?:you|us)(?:\s+guys)?)(?:\s+else)?(?:\s+here)?`;
  /** "we", "you" (the bot, or the team). */
  const we = String.raw`(?:we|you|u|you\s+guys|y'?all|the\s+team|our\s+team)`;
  /** "before" and its typos, and the same said otherwise. */
  const before = String.raw`(?:before|befor|befroe|beofre|bfore|b4|previously|in\s+the\s+past|earlier)`;
  /** Having met the problem (not "seeing", which asks about now). */
  const met = String.raw`(?:seen|saw|see|hit|had|have|run\s+into|ran\s+into|come\s+across|came\s+across|encountered|encounter|bumped\s+into|bump\s+into|experienced|dealt\s+with|faced|got|gotten|noticed)`;
  /** Having fixed it: asked without "before" it is about now ("has anyone fixed this?"), so "before" or "ever" is needed. */
  const fixed = String.raw`(?:fixed|fix|solved|solve|resolved|resolve|sorted|handled|figured\s+out)`;
  /** What was met: this, this error, the same thing, something like this; not "this article", not "the runbook". */
  const what = String.raw`(?:(?:this|that|it|these)(?:\s+(?:exact|same|particular|specific))?|the\s+same|something\s+(?:like|similar\s+to)\s+(?:this|that|it)|this\s+kind\s+of)(?:\s+(?:error(?:\s+(?:message|code))?|errors|issue|issues|problem|problems|one|bug|failure|crash|exception|alert|thing|behaviou?r|code))?`;
  /** Happening again: "has this happened before?", "did it come up before?". */
  const happened = String.raw`(?:happened|happen|come\s+up|came\s+up|occurred|occur|shown\s+up|show\s+up|showed\s+up|popped\s+up|pop\s+up|cropped\s+up|been\s+(?:seen|hit|reported|fixed|solved))`;
  /** A question word opening a yes/no question ("has", "did", "didn't"). */
  const aux = String.raw`(?:has|have|had|did|does|do|hasn'?t|haven'?t|didn'?t|hadn'?t)`;
  /** A thing said after the question: a vocative, a question mark, an emoji. */
  const end = String.raw`(?:[\s,]+(?:team|all|folks|guys|everyone|people|y'?all))?(?:\s*(?:\?|:[\w+'-]+:|\p{Extended_Pictographic}|\u{FE0F}|\u{200D}))*\s*$`;
  /** The same, where the question mark is what makes it a question ("we had this before?"). */
  const asked = String.raw`(?:[\s,]+(?:team|all|folks|guys|everyone|people|y'?all))?\s*\?(?:\s*(?:\?|:[\w+'-]+:|\p{Extended_Pictographic}|\u{FE0F}|\u{200D}))*\s*$`;
  const forms = [
    // has anyone (ever) seen this (before)? / anyone else hit this? / has anyone ever fixed this?
    String.raw`(?:${aux}\s+)?${anyone}(?:\s+(?:ever|already))?\s+${met}\s+${what}(?:\s+(?:${before}|too|as\s+well|here))?${end}`,
    String.raw`(?:${aux}\s+)?${anyone}(?:\s+ever\s+${fixed}\s+${what}(?:\s+${before})?|\s+${fixed}\s+${what}\s+${before})${end}`,
    // did we hit this before? / have you seen this error before / didn't we have this before?
    String.raw`${aux}\s+${we}(?:\s+(?:ever|already))?\s+(?:${met}|${fixed})\s+${what}\s+${before}${end}`,
    String.raw`${aux}\s+${we}\s+ever\s+(?:${met}|${fixed})\s+${what}${end}`,
    // we had this before? / we've seen this before?
    String.raw`${we}(?:'ve|\s*ve|\s+have)?\s+(?:${met}|${fixed})\s+${what}\s+${before}${asked}`,
    // has this happened before? / did this error come up before?
    String.raw`(?:${aux}|is|was)\s+(?:this|that|it)(?:\s+(?:error|issue|problem|one|thing|bug|alert|failure))?(?:\s+ever)?\s+${happened}(?:\s+${before})${end}`,
    String.raw`(?:${aux}|is|was)\s+(?:this|that|it)(?:\s+(?:error|issue|problem|one|thing|bug|alert|failure))?\s+ever\s+${happened}${end}`,
    String.raw`(?:has|have)\s+(?:this|that|it)(?:\s+(?:error|issue|problem|one|thing|bug|alert|failure))?\s+been\s+reported${end}`,
    // seen this before? / ever seen this?
    String.raw`(?:(?:ever|already)\s+)?(?:seen|hit|had|encountered|run\s+into|come\s+across)\s+${what}\s+${before}${end}`,
    String.raw`(?:ever|already)\s+(?:seen|hit|had|encountered|run\s+into|come\s+across)\s+${what}${end}`,
    // is this a known issue (with SP3)? / known bug? / any known issues with this?
    String.raw`(?:is|isn'?t|isnt)\s+(?:this|that|it)\s+(?:a\s+|an\s+)?(?:known|documented|recurring|familiar)(?:\s+(?:issue|bug|problem|error|thing|one|failure|limitation))?(?:\s+(?:with|in|on|for)\s+[^?\n]{1,40}?)?${end}`,
    String.raw`(?:a\s+)?known\s+(?:issue|bug|problem|error)${asked}`,
    String.raw`(?:any|are\s+there\s+any)\s+known\s+(?:issues?|bugs?|problems?)(?:\s+(?:with|for|about|like|on)\s+${what})?${end}`,
    // does this ring a bell? / rings a bell?
    String.raw`(?:does\s+)?(?:this|that|it)(?:\s+(?:error|one))?\s+ring\s+(?:a\s+bell|any\s+bells)${end}`,
    String.raw`(?:(?:this|that|it)(?:\s+(?:error|one))?\s+)?rings?\s+(?:a\s+bell|any\s+bells)${asked}`,
    // any history on this? / any previous incidents like this?
    String.raw`(?:any|got\s+any|do\s+we\s+have\s+any|is\s+there\s+any|are\s+there\s+any)\s+(?:history|(?:prior|previous|past|earlier|old)\s+(?:incidents?|tickets?|threads?|cases?|occurrences?|reports?|history))(?:\s+(?:on|for|with|about|like|of)\s+${what})?${end}`,
  ];
  return new RegExp(String.raw`^${lead}(?:${forms.join('|')})`, 'iu');
})();

/** Whether a short message asks about the error's past ("has anyone seen this before?"). */
export const asksSeenBefore = (text: string): boolean => SEEN_PARTS.test(text.replace(/[\u2018\u2019]/g, "'"));

/** Longest line read as the question in `seenQuestionIn`. */
export const MAX_SEEN_LINE_CHARS = 100;

/**
 * A pasted error with "has anyone seen this before?" on a line of its own before or after it
 * (design 3.5: outside a thread the bot matches the message's own error text). Returns the rest,
 * the error, or undefined when no first or last line is the question, or nothing else is left.
 * Only the first and last lines are read, so a long paste costs nothing.
 */
export function seenQuestionIn(text: string): { rest: string } | undefined {
  const t = text.trim();
  const firstEnd = t.indexOf('\n');
  if (firstEnd < 0) return undefined;
  const lastStart = t.lastIndexOf('\n') + 1;
  const asks = (line: string): boolean => {
    const q = withoutFinalStops(line.trim());
    return q.length > 0 && q.length <= MAX_SEEN_LINE_CHARS && asksSeenBefore(q);
  };
  const error = asks(t.slice(0, firstEnd))
    ? t.slice(firstEnd + 1)
    : asks(t.slice(lastStart))
      ? t.slice(0, lastStart - 1)
      : undefined;
  return error?.trim() ? { rest: error.trim() } : undefined;
}

/** Follow-ups are short: a longer message is a new question. */
export const MAX_FOLLOW_UP_CHARS = 100;

/** The follow-up a short message asks for, or undefined. Long messages are new questions. */
export function readFollowUp(text: string): FollowUp | undefined {
  const t = withoutFinalStops(text.trim());
  if (t.length > MAX_FOLLOW_UP_CHARS) return undefined;
  if (asksSeenBefore(t)) return { kind: 'seen' };
  if (FULL.test(t)) return { kind: 'full' };
  if (STEPS.test(t)) return { kind: 'steps' };
  if (NEXT.test(t)) return { kind: 'next' };
  if (OTHERS.test(t)) return { kind: 'others' };
  if (WHY.test(t)) return { kind: 'why' };
  const refine = REFINE.exec(t) ?? APPLIES.exec(t);
  if (refine?.[1]) return { kind: 'refine', words: refine[1] };
  return undefined;
}

/**
 * Text without the full stops and exclamation marks it ends with. A loop, not `/[.!]+$/`, which
 * is tried again from every mark of a long run that does not end the text (quadratic in the run).
 */
function withoutFinalStops(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1] === '!')) end--;
  return text.slice(0, end);
}

/** The view a lookup asks for with the words beside its ids ("Q290226 steps", "the full text of kb 174743"). */
export function lookupView(rest: string): AnswerView {
  if (/\b(?:full|whole|entire|complete)\b|\ball\s+of\s+it\b/i.test(rest)) return 'full';
  if (/\b(?:steps?|fix|resolution|workaround)\b/i.test(rest)) return 'steps';
  return 'summary';
}
