import type { ArticleForm } from '../article.js';
import { looksLikeCode } from './code.js';
import { LINKING_END, introducesMessage, introsWithoutColon, isProseIntro, lastSentence } from './intro.js';
import { OR_MARK, quotesWithIntros } from './quote-lines.js';
import { closingQuote, withEventSuffix } from './quote-marks.js';
import { quoteContext, quoteLength } from './quote-boundary.js';
import { quoteModel } from './quote-weights.js';
import { collapse, cutSubheading, unique } from './text.js';

export { introducesMessage } from './intro.js';
export { quotesWithIntros } from './quote-lines.js';

const MAX_MESSAGE = 1200;
/** A bulleted list's item runs to the next bullet when that comes within this many words. */
const BULLET_ITEM_TOKENS = 80;

function plausible(msg: string): boolean {
  if (msg.length < 3 || msg.length > MAX_MESSAGE) return false;
  if (/^HKEY_|^HKLM|^HKCU/.test(msg)) return false;
  if (/[{};]\s*$/.test(msg) && /[{}]/.test(msg)) return false;
  // Resource scripts (IDD_X DIALOG ... BEGIN ... PUSHBUTTON) and CONFIG.SYS lines (DEVICE=C:\X.SYS /Y) are code, not messages.
  if (/\bDIALOG(?:EX)?\b[^]*\bBEGIN\b/.test(msg) || /^[A-Z]+=[A-Za-z]:\\\S*(?:\s+\/\w+)*$/.test(msg)) return false;
  // Steps and commands to type are not messages.
  if (/^(?:\d{1,2}|[a-z])[.)]\s/.test(msg) || /\(without the quotation marks\)/i.test(msg)) return false;
  return /[A-Za-z]{2}/.test(msg) && !looksLikeCode(msg);
}

/** Error and message texts quoted in a section, whitespace collapsed. */
export function extractErrorMessages(text: string, form: ArticleForm): string[] {
  const found = form === 'collapsed' ? fromCollapsed(text) : fromLines(text);
  return unique(found.map((m) => unquote(trimAnnotations(unquote(m).trim()))).filter(plausible));
}

/** A message in quotation marks without them; a quotation mark that belongs to the message (Cannot find "C:\X.XLA") stays. */
function unquote(msg: string): string {
  const quotes = (msg.match(/["“”]/g) ?? []).length;
  const open = /^["“]/.test(msg);
  const close = /["”]$/.test(msg);
  if (open && close && quotes === 2) return msg.slice(1, -1);
  if (quotes % 2 === 0) return msg;
  return open ? msg.slice(1) : close ? msg.slice(0, -1) : msg;
}

/**
 * What a quote holds beside the message, in either form: a list item's own intro ("When you
 * click Cancel, you receive an error message similar to the following: <message>"), a note
 * of when it appears ("(If you are using Microsoft Excel 97)"), a dangling "-and-", and the article's
 * own "Cause: ..." or "Resolution: ..." after it.
 */
function trimAnnotations(msg: string): string {
  const colon = msg.indexOf(': ');
  const intro = colon > 0 ? msg.slice(0, colon) : '';
  // The intro is the quote's first sentence and speaks to the reader, so it is prose, not the message's own "Error: ...".
  if (intro && !/[.?!]\s/.test(intro) && /\byou\b/i.test(intro) && isProseIntro(intro) && introducesMessage(intro))
    msg = msg.slice(colon + 2);
  return trimPlaceholderNote(trimProseAfterQuote(msg))
    .replace(/\s+(?:Cause|Resolution|Workaround|More Information):(?:\s[^]*)?$/, '')
    .replace(/\s+\((?:(?:If|When|Where)\s+you|This\s+(?:error|message))\b[^()]*\)$/, '')
    .replace(/\s+-(?:and|or)?-?$/i, '');
}

/** The article's own words after a message in quotation marks ('"... overwrite with new label? (Y/N)." Type y to confirm the label change.'). */
const PROSE_AFTER_QUOTE =
  /^(?:You|Your|This|That|These|The|To|If|When|Click|Choose|Type|Press|Select|In|At|After|Then|Note)\s\S+\s\S+[^]*[.?!:]$/;
function trimProseAfterQuote(msg: string): string {
  const tokens = msg.split(' ');
  const closed = closingQuote(tokens);
  if (closed < 0 || closed >= tokens.length) return msg;
  return PROSE_AFTER_QUOTE.test(tokens.slice(closed).join(' ')) ? tokens.slice(0, closed).join(' ') : msg;
}

/** "Cannot reconnect <x>: to <share> where <x> is the drive letter.": the note on a placeholder is the article's, not the message's. */
function trimPlaceholderNote(msg: string): string {
  const note =
    /,?\s+\(?where\s+(\S+)\s+(?:is|are|has|have|represents|refers\s+to|stands\s+for|can\s+be|means|indicates)\s[^]*$/i.exec(
      msg,
    );
  if (!note || note.index === 0) return msg;
  const head = msg.slice(0, note.index);
  return head.toLowerCase().includes(note[1]!.toLowerCase()) ? head : msg;
}

/** Forms that keep their lines: the quotes their indentation shows (quote-lines.ts), each split at "-or-" and bullets. */
function fromLines(text: string): string[] {
  return quotesWithIntros(text).flatMap((q) => splitAlternatives(q.quote));
}

/** "-or-" between two messages ("- or -", "--or--", "or-"). */
const OR = String.raw`\s+(?:${OR_MARK}|or-)\s+`;
const OR_SPLIT = new RegExp(OR, 'i');
/** ... and in a bulleted list, each bullet too. */
const LIST_SPLIT = new RegExp(String.raw`${OR}|(?:^|\s)-\s+(?=\S)`, 'i');
const OR_THEN_BULLET = new RegExp(String.raw`${OR}-\s`, 'i');

/** "msg one -or- msg two" and bulleted lists are several messages. */
function splitAlternatives(quote: string): string[] {
  // A dash inside a message ("Notice 34 - Could not access log information file") is part of it; only a
  // quote that opens with a bullet is a bulleted list.
  const bulleted = /^-\s/.test(quote) || OR_THEN_BULLET.test(quote);
  return (
    quote
      .split(bulleted ? LIST_SPLIT : OR_SPLIT)
      // "msg -or- - msg": the bullet after "-or-" is not part of the message.
      .map((x) => x.trim().replace(/^-\s+/, ''))
      .filter((x) => x && !/^-*\s?(?:or|and)\s?-*$/i.test(x))
  );
}

/** A colon (or an intro's last character) that introduces a message, and where its intro sentence starts. */
export interface IntroColon {
  colon: number;
  sentenceStart: number;
}

/** Where each colon that introduces a message stands in collapsed text, and where its intro sentence starts. */
export function introColons(flat: string): IntroColon[] {
  const out: IntroColon[] = [];
  for (const m of flat.matchAll(/:(?=\s)/g)) {
    const intro = flat.slice(Math.max(0, m.index - 400), m.index + 1);
    const last = lastSentence(intro);
    // introducesMessage reads the intro's last sentence, so it is handed that sentence, cut once.
    const sentence = introducesMessage(last) ? last : paragraphIntro(last);
    if (!sentence) continue;
    out.push({ colon: m.index, sentenceStart: m.index - sentence.length });
  }
  // Intros without a colon: the "colon" is their last character.
  for (const { end, sentence } of introsWithoutColon(flat))
    out.push({ colon: end, sentenceStart: end + 1 - sentence.length });
  return out.sort((a, b) => a.colon - b.colon);
}

/**
 * Where a quote cannot run on in collapsed text: a section heading without its underline ("CAUSE The
 * help files require ..."), and the reader's own question after a message in a list of questions and
 * answers ("<msg> What did I do wrong? A. ...").
 */
const QUOTE_STOPS = [
  /\s(?:SYMPTOMS?|CAUSE|RESOLUTION|WORKAROUND|STATUS|SUMMARY|MORE INFORMATION|REFERENCES)\s(?=[A-Z][a-z])/,
  /\s(?:What|Why|How)\s[^.?!:]*\b(?:I|my)\b[^.?!:]*\?(?=\s|$)/,
];

/** `s` up to the first quote stop in it. */
function cutAtQuoteStops(s: string): string {
  for (const stop of QUOTE_STOPS) {
    const m = stop.exec(s);
    if (m) s = s.slice(0, m.index);
  }
  return s;
}

/**
 * The token window of a quote that starts at `start` in collapsed text, and `limit`: how
 * many tokens come before the next plain intro sentence ("The following error appears:"),
 * which the quote cannot run into. When that sentence starts right after a colon (which may
 * belong to the message, "Error Reported: Bus Reset ... the following error appears:"), the
 * quote may run up to the intro's last word, and `introStart` tells the model where the
 * intro sentence seems to begin.
 */
export function quoteWindow(
  flat: string,
  start: number,
  intros: IntroColon[],
): { tokens: string[]; limit: number; introStart: number } {
  const window = cutAtQuoteStops(cutSubheading(flat.slice(start, start + MAX_MESSAGE)));
  const tokens = window.split(' ').filter(Boolean);
  const next = nextProseIntro(flat, start, intros);
  if (!next || next.sentenceStart - start >= window.length) return { tokens, limit: tokens.length, introStart: -1 };
  const before = flat.slice(start, next.sentenceStart).split(' ').filter(Boolean).length;
  if (/:\s*$/.test(flat.slice(start, next.sentenceStart))) {
    const toColon = flat
      .slice(start, next.colon + 1)
      .split(' ')
      .filter(Boolean).length;
    return { tokens, limit: Math.max(1, Math.min(tokens.length, toColon - 1)), introStart: before };
  }
  return { tokens, limit: Math.max(1, before), introStart: -1 };
}

const RUN_ON_START =
  /(?<=[^\s.?!:]\s)(?:Or|And|In|When|If|While|Also|Then|You|This|The|However|Sometimes|Instead|After|Additionally)\s/g;

/** The first intro after `start` that reads as plain prose, found lazily (this runs once per quote). */
function nextProseIntro(flat: string, start: number, intros: IntroColon[]): IntroColon | undefined {
  for (const x of intros) {
    if (x.colon <= start) continue;
    const intro = proseIntro(flat, x);
    if (intro && intro.sentenceStart > start) return intro;
  }
  return undefined;
}

/** The intro as a plain prose sentence ("The following error appears:"), or undefined. */
function proseIntro(flat: string, x: IntroColon): IntroColon | undefined {
  const sentence = flat.slice(x.sentenceStart, x.colon);
  const at = isProseIntro(sentence) ? 0 : runOnIntro(sentence);
  return at < 0 ? undefined : { colon: x.colon, sentenceStart: x.sentenceStart + at };
}

/**
 * Where the intro starts in a sentence that collapsing ran on from a message ("... not found in DLL
 * Or while running a program, the following error is generated:"), or -1: the longest tail that
 * reads as an intro, a linking "followed by" or a label of the next message.
 */
function runOnIntro(sentence: string): number {
  // The message's last mark before it ("error A2008: syntax error : , MASM versions 5.1 generate the following warning:").
  const mark = /^[,;]\s+/.exec(sentence);
  if (mark && isProseIntro(sentence.slice(mark[0].length))) return mark[0].length;
  for (const m of sentence.matchAll(RUN_ON_START)) if (isProseIntro(sentence.slice(m.index))) return m.index;
  // "<msg> followed by: <msg>".
  const linking = LINKING_END.exec(sentence);
  if (linking) return sentence.length - linking[1]!.length;
  // "... Pidholdr.dll Windows 3.x Error Message:": a label of the next message.
  const words = sentence.split(' ');
  for (let n = 3; n < Math.min(7, words.length); n++) {
    const tail = words.slice(-n).join(' ');
    if (!/[.?!:]$/.test(words[words.length - n - 1]!) && LABEL_INTRO.test(tail)) return sentence.length - tail.length;
  }
  return -1;
}

/** A title-case label that introduces the message after it: "Windows 95 Error Message", "Event Log Message". */
const LABEL_INTRO = /^(?!Error\b)[A-Z][a-z]\S*(?:\s+[A-Z0-9]\S*){0,4}\s+(?:Error\s+)?Messages?$/;

/**
 * Collapsed form: indentation is gone, so a quote starts after a colon whose sentence
 * says a message follows, and runs sentence by sentence while the next sentence reads
 * like part of the quote rather than the article's prose.
 */
function fromCollapsed(text: string): string[] {
  const flat = collapse(text);
  const intros = introColons(flat);
  const out: string[] = [];
  let consumed = 0;
  for (const { colon, sentenceStart } of intros) {
    if (colon < consumed) continue;
    let start = colon + 2;
    // "... one of the following error messages. Windows 95 Error Message: <msg>": the label's own colon introduces the message.
    if (intros.some((x) => x.sentenceStart === start && LABEL_INTRO.test(flat.slice(start, x.colon)))) continue;
    let bulleted = false;
    for (;;) {
      const { tokens, limit, introStart } = quoteWindow(flat, start, intros);
      if (!tokens.length) break;
      if (!bulleted) bulleted = tokens[0] === '-';
      // In a bulleted list each item is a message up to the next bullet; the model finds where the last one ends.
      const bullet = bulleted ? nextBullet(tokens, limit) : -1;
      const quoted = bullet > 0 ? -1 : closingQuote(tokens, limit);
      const length =
        bullet > 0
          ? bullet
          : quoted > 0
            ? quoted
            : withEventSuffix(
                tokens,
                quoteLength(tokens, limit, quoteModel(), quoteContext(flat.slice(sentenceStart, colon), introStart)),
                limit,
              );
      const joined = tokens.slice(0, length).join(' ');
      consumed = start + joined.length;
      out.push(...splitAlternatives(joined));
      // "msg -or- msg" and bulleted lists: the message after the separator is quoted too.
      const sep = tokens[length];
      if (length + 1 >= limit || !sep || !(/^-?(?:or|and)-$/i.test(sep) || (bulleted && sep === '-'))) break;
      start = consumed + sep.length + 2;
    }
  }
  return out;
}

/** Where the next item of a bulleted list starts ("- msg - msg"), within the item length and the quote's limit; -1 when none does. */
export function nextBullet(tokens: string[], limit = tokens.length): number {
  const end = Math.min(tokens.length, limit, BULLET_ITEM_TOKENS + 1);
  for (let k = tokens[0] === '-' ? 2 : 1; k < end; k++) if (tokens[k] === '-') return k;
  return -1;
}

/**
 * Collapsed text loses the paragraph break before an intro that follows a line without a full
 * stop ("... (without the quotation marks) The error message is as follows:"): the longest tail
 * of the sentence that starts a new one after such a line and reads as an intro, or ''.
 */
function paragraphIntro(sentence: string): string {
  // ... also when the paragraph after a command to type goes on in lower case ("... (without the quotation marks) then I get the error message:").
  for (const m of sentence.matchAll(
    /(?:[)"'>\d/]|-{3,})\s+(?=[A-Z][a-z]*\s+[a-z])|\([Ww]ithout\s+the\s+quotation\s+marks\)\s+(?=[a-z]+\s)/g,
  )) {
    const tail = sentence.slice(m.index + m[0].length);
    if (tail.split(' ').length >= 4 && introducesMessage(tail)) return tail;
  }
  return '';
}
