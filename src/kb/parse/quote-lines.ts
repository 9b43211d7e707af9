/**
 * Quotes in the forms that keep their lines (original text, markdown pages): after an intro that
 * says a message follows, the block indented deeper than the intro's paragraph, with the
 * exceptions KB articles need ("-or-" at the margin, messages at a list item's own indentation,
 * bulleted lists at the intro's margin). The collapsed reader (errors.ts) is trained on these.
 */
import { introducesMessage, introducesWithoutColon, lastSentence } from './intro.js';
import { collapse } from './text.js';

const indentOf = (l: string): number => l.replace(/\t/g, '    ').length - l.replace(/\t/g, '    ').trimStart().length;

/** Paragraph openings that talk about the quoted message rather than continue it. */
const COMMENT =
  /^(?:NOTE\b|Note:|This\s+(?:message|error|means|occurs|problem|behavior|is\s+(?:because|caused|by))|If\s+you\b|In\s+the\s+(?:above|preceding)\b|where\s)/;

/** The original form's quotes, each with the offset just past its intro's colon (for training the collapsed reader). */
export function quotesWithIntros(text: string): { colonEnd: number; intro: string; quote: string }[] {
  const lines = text.split('\n');
  const out: { colonEnd: number; intro: string; quote: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = /:\s*$/.test(line);
    // Or an intro that ends its paragraph without a colon ("... you receive the following error message.").
    if (!colon && !(/\b(?:following|similar)\b/.test(line) && !lines[i + 1]?.trim())) continue;
    let p = i;
    while (p > 0 && lines[p - 1]!.trim() && !/^\s*(?:-|\d{1,2}[.)])\s/.test(lines[p]!)) p--;
    const intro = lines.slice(p, i + 1).join(' ');
    if (colon ? !introducesMessage(intro) : !introducesWithoutColon(intro)) continue;
    const base = indentOf(lines[p]!);
    // A list item's intro ("3. The following error appears:") has its text hanging after the marker.
    const marker = /^\s*(?:-|\d{1,2}[.)]|[a-z][.)])\s+/.exec(lines[p]!.replace(/\t/g, '    '));
    const several = /\b(?:messages|errors|warnings|these|one\s+of|both|either)\b/i.test(lastSentence(intro));
    let { block, end } = quoteBlock(lines, i + 1, base, marker && !several ? marker[0].length : -1);
    // Inside a list item the message may stand at the item's own indentation: the paragraph after the intro.
    if (!block.length && colon && !marker && base > 0 && nextIndent(lines, i + 1) === base)
      ({ block, end } = nextParagraph(lines, i + 1));
    // "... one of the following error messages:" then a bulleted list at the intro's margin: each item is a message.
    if (!block.length && colon && MESSAGE_LIST.test(lastSentence(intro)))
      ({ block, end } = marginList(lines, i + 1, base));
    if (!block.length) continue;
    const colonEnd = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0) + line.replace(/\s+$/, '').length;
    out.push({ colonEnd, intro: lastSentence(intro), quote: collapse(block.join(' ')) });
    i = end - 1;
  }
  return out;
}

/**
 * The lines indented deeper than the intro from `from` on, and the line index where they end.
 * `hang` is the text indent of a list item's intro that announces one message: when the quote
 * is indented no deeper than that, a paragraph of prose after it is the item's own text.
 */
function quoteBlock(lines: string[], from: number, base: number, hang = -1): { block: string[]; end: number } {
  const block: string[] = [];
  let depth = -1;
  let j = from;
  for (; j < lines.length; j++) {
    const l = lines[j]!;
    if (!l.trim()) {
      if (block.length) block.push('');
      continue;
    }
    const ind = indentOf(l);
    // "-or-" written at the margin between two indented messages: the second one is quoted too.
    if (ind <= base && block.length && OR_LINE.test(l) && nextIndent(lines, j + 1) > base) {
      block.push('-or-');
      continue;
    }
    if (ind <= base) break;
    if (depth < 0) depth = ind;
    // ... and so does a paragraph that introduces the next message ("When you click Details, you receive the following error:").
    else if (block[block.length - 1] === '' && ind === depth && introducesParagraph(lines, j)) break;
    // ... and, after a list item's intro, a paragraph of the item's prose about the message.
    else if (
      block[block.length - 1] === '' &&
      ind === depth &&
      depth <= hang &&
      (itemTextAfter(block, lines, j) || isQuestionOrAnswer(lines, j))
    )
      break;
    // A less indented paragraph ends the quote, unless the quote began with a centred title.
    else if (block[block.length - 1] === '' && ind < depth && depth - ind <= 8) break;
    // ... and so does a paragraph that comments on the message.
    else if (block[block.length - 1] === '' && COMMENT.test(l.trim())) break;
    block.push(l);
  }
  while (block.length && !block[block.length - 1]) block.pop();
  return { block, end: j };
}

/** An intro of several messages: "one of the following error messages", "The possible error messages are". */
const MESSAGE_LIST =
  /\bthe\s+following\s+(?:\w+\s+)?(?:error\s+)?(?:messages|errors|warnings)$|\b(?:error\s+)?messages\s+(?:are|include)$/i;

/** A bulleted list from line `from` on whose bullets stand at the margin `base` (or one further), and the line index where it ends. */
function marginList(lines: string[], from: number, base: number): { block: string[]; end: number } {
  const block: string[] = [];
  let j = from;
  for (; j < lines.length; j++) {
    const l = lines[j]!;
    if (!l.trim()) continue;
    const ind = indentOf(l);
    // An item's paragraph that introduces a message of its own ("When you click Details, the following message is displayed:") ends the list there.
    if (block.length && !lines[j - 1]!.trim() && endsInIntro(paragraph(lines, j))) break;
    // A bullet, or the hanging lines of the item before it.
    if ((/^\s*-\s+\S/.test(l) && ind <= base + 1) || (block.length && ind > base + 1)) block.push(l);
    else break;
  }
  return { block, end: j };
}

const endsInIntro = (para: string): boolean => para.endsWith(':') && introducesMessage(para);

/** "-or-" (or "-and-") as KB articles write it between two messages ("- or -", "--or--"). */
export const OR_MARK = String.raw`-+\s?(?:or|and)\s?-+`;
/** A line that only says "-or-". */
const OR_LINE = new RegExp(String.raw`^\s*${OR_MARK}\s*$`, 'i');

/** The indentation of the first non-blank line from `j` on, or -1. */
function nextIndent(lines: string[], j: number): number {
  while (j < lines.length && !lines[j]!.trim()) j++;
  return j < lines.length ? indentOf(lines[j]!) : -1;
}

/** The lines of the first paragraph from line `from` on, and the line index where it ends. */
function nextParagraph(lines: string[], from: number): { block: string[]; end: number } {
  let j = from;
  while (j < lines.length && !lines[j]!.trim()) j++;
  const block: string[] = [];
  for (; j < lines.length && lines[j]!.trim(); j++) block.push(lines[j]!);
  return { block, end: j };
}

/** The paragraph that starts at line `j`, collapsed. */
function paragraph(lines: string[], j: number): string {
  let k = j;
  while (k < lines.length && lines[k]!.trim()) k++;
  return collapse(lines.slice(j, k).join(' '));
}

/** Prose that speaks of the message ("If the error message is displayed, ...", "When this happens, ..."). */
const ABOUT_THE_MESSAGE =
  /\b(?:this|the|that|above|these)\s+(?:(?:error\s+)?messages?|errors?|warnings?|prompts?|dialog(?:\s+box)?)\b|\bwhen\s+this\s+(?:occurs|happens)\b|^This\s+is\s+(?:incorrect|because|caused|expected)\b/i;
/** A quote so far that ends in "-or-" or "-and-": the next paragraph is the other message. */
const OR_END = new RegExp(String.raw`(?:^|\s)${OR_MARK}$`, 'i');
/** A label of a message's part ("Text:", "Description:", "Caution:"), not the article's own ("Cause:", "Note:"). */
const LABEL = /^[A-Z][A-Za-z]*:\s/;
const ARTICLE_LABEL = /^(?:cause|notes?|resolution|workaround|solution|important|tip):/i;

/**
 * Whether the paragraph at line `j`, after a message that stands at a list item's own indentation,
 * is the item's text rather than more of the message ("Choose the OK button, but do not restart the
 * computer yet."). Nothing in the layout tells them apart, so, as when the message is the paragraph
 * after the intro, the quote is one paragraph. Only what reads as more of a message carries it on:
 * "-or-" and the message after it; a dialog's text after its title ("Invalid Link") or after a
 * label's colon ("Description:"); a question it asks ("Do you want to continue?"); a part it labels
 * ("Text: ...", "Caution: ..."); and a line without a run of lower-case words (a log's next line).
 */
function itemTextAfter(block: string[], lines: string[], j: number): boolean {
  const para = paragraph(lines, j);
  if (/^[A-Z][a-z]+\s/.test(para) && /[.?!]$/.test(para) && para.split(' ').length >= 5 && ABOUT_THE_MESSAGE.test(para))
    return true;
  const before = collapse(block.join(' '));
  if (
    OR_LINE.test(para) ||
    OR_END.test(before) ||
    /:$/.test(before) ||
    /\?$/.test(para) ||
    (LABEL.test(para) && !ARTICLE_LABEL.test(para))
  )
    return false;
  if (!/[.?!]$/.test(before) && before.split(' ').length <= 6) return false;
  return /(?:^|\s)[a-z]+,?\s+[a-z]+,?\s+[a-z]+/.test(para);
}

/** In a list of questions and answers ("7. Q. ... I get the error: <msg>"), the reader's question about the message, or the answer. */
function isQuestionOrAnswer(lines: string[], j: number): boolean {
  const para = paragraph(lines, j);
  return (
    /^A\.\s+[A-Z]/.test(para) ||
    (/^(?:What|Why|How)\s[^]*\?$/.test(para) && /\b(?:I|my|this\s+(?:error|problem))\b/.test(para))
  );
}

/** A paragraph that ends in a colon and introduces a message indented deeper than itself. */
function introducesParagraph(lines: string[], j: number): boolean {
  const para = paragraph(lines, j);
  if (!/^[A-Z][a-z]+\s/.test(para) || para.split(' ').length < 5 || !endsInIntro(para)) return false;
  let k = j;
  while (k < lines.length && lines[k]!.trim()) k++;
  return nextIndent(lines, k) > indentOf(lines[j]!);
}
