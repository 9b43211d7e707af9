import { collapse } from './text.js';

/**
 * Does the sentence before a colon say that a quoted, user-visible message follows
 * ("... you receive the following error message:")? Shared by the original and the
 * collapsed reading, so both forms use one definition of a message intro.
 */

/** Words that say a quoted message follows. */
const STRONG_CUE =
  /\b(?:error|errors|message|messages|dialog|warning|warnings|(?<!(?:command|MS-DOS|DOS|system|OS\/2|C:\\?>?)\s+)prompt|alert)\b/i;
const WEAK_CUE =
  /\b(?:receive|received|appears?|displayed|displays|logged|returns?|returned|generated|reports?|states?|reads|says|prompted|shows?)\b/i;

/** ... and words that say code, a key, a procedure, a command or a reference follows instead. */
const ANTI_CUE =
  /\b(?:registry\s+(?:key|subkey|value|entry|settings?)|subkey|sample\s+code|code\s+(?:sample|example)|following\s+(?:code|steps?|lines?\s+(?:to|in)|command|statement|macro|function|syntax|procedure|example|registry|key|files?|entries|entry|section)|syntax|for\s+example|to\s+the\s+following|add\s+the\s+following|type\s+the\s+following)\b/i;
/** "the following <noun>" where the noun is not a message. */
const NOT_A_MESSAGE =
  /\bfollowing\s+(?:\w+\s+)?(?:problems?|symptoms?|situations?|behaviou?r|routes?|names|columns|diagram|illustration|words?|articles?|icons?|programs?|commands?|lines|changes?|conditions?|hierarchy|items?|tasks?|topics?|features?|settings?|parameters?|switches|products?|components?|drivers?|devices?|directories|folders?|services?|pages?|statements?|functions?|methods?|properties|tables?|values?|fields?|utilities|tools?|keys?|options?|information\s+(?:to|in))\b/i;
/** ... unless the sentence says messages are what follows: "the following symptoms or error messages", "errors similar to the following examples". */
const FOLLOWING_MESSAGE =
  /\bfollowing\s+(?:\w+\s+(?:or|and)\s+)?(?:\w+\s+)?(?:error\s+)?(?:messages?|errors?|warnings?)\b(?!\s+(?:conditions?|codes?))|\b(?:messages?|errors?|warnings?)\s+(?:\w+\s+)?(?:similar\s+to|like)\s+(?:one\s+of\s+)?the\s+following\b/i;
/** Instructions and references: the text after the colon is to be typed, looked up or done. */
const INSTRUCTION =
  /\b(?:by\s+typing|typing\s+the\s+following|type\s+(?:each|all|one)\s+of|knowledge\s+base|(?:caused|done|fixed|resolved)\s+by|you\s+should\s+(?:use|type|run|do)|you\s+can|do\s+(?:one\s+of\s+)?the\s+following)\b/i;
/** Sentences about errors in something, or about causes: not quoting a message. */
const ABOUT_ERRORS =
  /^determine\s+which\b|\b(?:documentation\s+errors?|(?:has|have|contains?)\s+(?:\w+\s+)?errors|(?:causes?|reasons?)\s+(?:for|of)|check\s+(?:for\s+)?(?:the\s+following|these)|following\s+sample|shows\s+how)\b/i;
/** Quotes of documentation ("Page 37 of the User's Guide states the following:", "The NETWORKS.WRI file states:") are not messages. */
const DOCUMENTATION =
  /\b(?:guide|help|manual|documentation|reference|readme|page\s+\d+|this\s+page|book|topic|resource\s+kit|paragraph|chapter)\b[^:]*\b(?:states?|reads|says)\b|\b[\w-]+\.(?:wri|txt|doc)\s+(?:file\s+)?(?:states?|reads|says)\b/i;
/** Code: braces, comments, BASIC string functions. */
const CODE = /[{}]|\$\(|\w\$|(?:^|\s)'\s|(?<!:)\/\//;

/** Intros of lists of causes, conditions or fixes, not of quoted messages. */
const REASONS =
  /\b(?:reasons?|causes?|conditions?|situations?|scenarios?|ways?|methods?|options?|workarounds?|resolutions?|solutions?|if|when|because|including)\s*:?$/i;

/** A sentence that ends between two messages: "<msg> followed by: <msg>", "and then: <msg>"; group 1 is that ending. */
export const LINKING_END = /(?:^|\s)((?:and\s+)?(?:then\s+)?followed\s+by|and\s+then)$/i;

export function introducesMessage(intro: string): boolean {
  const sentence = lastSentence(intro);
  if (!sentence || CODE.test(sentence)) return false;
  // A window message (WM_DDE_ACK) or a message map is code, not text the user sees.
  if (
    (/\bWM_[A-Z_]+\b/.test(sentence) && !/\berrors?\b/i.test(sentence)) ||
    /\bmessage\s+map\b(?!\s+to\b)/i.test(sentence)
  )
    return false;
  if (LINKING_END.test(sentence)) return true;
  // "WARNING:" and "CAUTION:" alone label the article's own advice to the reader.
  if (/^(?:warning|caution|important)$/i.test(sentence)) return false;
  if (ANTI_CUE.test(sentence) && !/\berror\s+messages?\b/i.test(sentence)) return false;
  // "If you still receive the error message, try some of the following troubleshooting steps:"
  if (/\b(?:try|do|perform|follow|complete)\s+(?:\w+\s+){0,3}?following\s+(?:\w+\s+)?steps?\b/i.test(sentence))
    return false;
  if ([REASONS, INSTRUCTION, DOCUMENTATION, ABOUT_ERRORS].some((r) => r.test(sentence))) return false;
  // "the following symptoms occur:" lists prose, but "the following symptoms or error messages:" quotes them.
  if (NOT_A_MESSAGE.test(sentence) && !FOLLOWING_MESSAGE.test(sentence)) return false;
  const following = /\bfollowing\b/i.test(sentence);
  const weak = WEAK_CUE.test(sentence);
  const strong = STRONG_CUE.exec(sentence);
  if (!strong) return weak && following;
  // "all the messages going to WndProc:", "the MAPI Messages control, you can:" name messages, not quote one.
  return !/^messages$/i.test(strong[0]) || weak || following;
}

/** The end of an intro that closes its sentence without a colon: "... you receive the following error message." */
const NO_COLON_END = String.raw`(?:[Tt]he\s+following(?:\s+[\w-]+){0,2}?\s+(?:messages?|errors?|warnings?|prompts?)(?:\s+(?:is|are|will\s+be|may\s+be)\s+(?:displayed|generated|logged|returned|reported)|\s+appears?|\s+occurs?)?|[Ss]imilar\s+to\s+the\s+following)\.?`;
const NO_COLON_INTRO = new RegExp(`\\b${NO_COLON_END}$`);
/** Such intro ends in collapsed text, where a capitalised quote (or "error A2026: ...") follows. */
const NO_COLON_INTROS = new RegExp(
  `\\b${NO_COLON_END}(?=\\s+(?:["“<']?[A-Z0-9]|(?:fatal\\s+)?(?:error|warning)\\s+[A-Z]{1,3}\\d))`,
  'g',
);

/** The intro sentence a paragraph ends in without a colon ("... you may receive the following error message."), or ''. */
function introWithoutColon(paragraph: string): string {
  const sentence = lastSentence(paragraph);
  return NO_COLON_INTRO.test(sentence) && introducesMessage(sentence) ? sentence : '';
}

/** Does a paragraph end in an intro without a colon? */
export function introducesWithoutColon(paragraph: string): boolean {
  return introWithoutColon(paragraph) !== '';
}

/** Each intro without a colon in collapsed text: where it ends (the index of its last character), and its sentence. */
export function introsWithoutColon(flat: string): { end: number; sentence: string }[] {
  const out: { end: number; sentence: string }[] = [];
  for (const m of flat.matchAll(NO_COLON_INTROS)) {
    const end = m.index + m[0].length - 1;
    const sentence = introWithoutColon(flat.slice(Math.max(0, end - 400), end + 1));
    if (sentence) out.push({ end, sentence });
  }
  return out;
}

/** The sentence that ends the intro: from the last sentence end or earlier colon. */
export function lastSentence(s: string): string {
  const flat = collapse(s).replace(/:$/, '');
  const cut = Math.max(
    flat.lastIndexOf('. '),
    flat.lastIndexOf('? '),
    flat.lastIndexOf('! '),
    flat.lastIndexOf(': '),
    flat.lastIndexOf('} '),
  );
  // A quoted sentence ends a sentence too: '... try again." The log shows the following error:'.
  const quoted = Math.max(...['."', '?"', '!"', '.”', '?”', '!”'].map((end) => flat.lastIndexOf(`${end} `)));
  return flat.slice(Math.max(cut, quoted < 0 ? -1 : quoted + 1) + 1).trim();
}

/** "... the following ...", "you (may) receive", "<tool> will generate the error". */
const PROSE_INTRO =
  /\b(?:following|you\s+(?:may\s+|might\s+|will\s+)?(?:receive|get|see)|(?:will|may|might)\s+(?:generate|produce|display|return|report)\s+(?:the|this|an?)\s+(?:error|message|warning))\b/i;

/**
 * Windows' own wording inside a message: "... failed to start because of the following error:", "The
 * following error occurred:", "The Workstation service terminated with the following error:".
 */
const WINDOWS_WORDING =
  /\b(?:because\s+of\s+the\s+following\s+error|following\s+error\s+occurred|(?:terminated|failed)\s+with\s+the\s+following\s+error)\b/i;

/**
 * A sentence that plainly introduces a quote further on ("The following error message
 * appears:"), used to end a quote in collapsed text before the next quote's intro.
 */
export function isProseIntro(sentence: string): boolean {
  const words = sentence.split(' ');
  if (words.length < 4 || !/^[A-Z]/.test(sentence)) return false;
  const lower = words.filter((w) => /^[a-z]/.test(w)).length;
  return lower >= words.length / 2 && PROSE_INTRO.test(sentence) && !WINDOWS_WORDING.test(sentence);
}
