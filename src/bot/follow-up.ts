/**
 * Follow-ups in a thread that already has an answer: "show the full article", "just the steps",
 * "the other one", "what about SP2?" (or "is this still valid for SP2?"), "why this one?". Read only when the thread has an earlier match.
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

/** Follow-ups are short: a longer message is a new question. */
export const MAX_FOLLOW_UP_CHARS = 100;

/** The follow-up a short message asks for, or undefined. Long messages are new questions. */
export function readFollowUp(text: string): FollowUp | undefined {
  const t = withoutFinalStops(text.trim());
  if (t.length > MAX_FOLLOW_UP_CHARS) return undefined;
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
