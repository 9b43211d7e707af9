import { introducesMessage } from './intro.js';
import { quoteModel, type QuoteModel } from './quote-weights.js';
import { endShape, tokenShape, word } from './token-shape.js';

export type { QuoteModel } from './quote-weights.js';

/**
 * Where does a quoted message end in text whose line breaks and indentation are gone?
 * At each space after the quote's start, a small logistic model (trained by
 * `scripts/train-quote-model.mjs` on original-form KB articles, whose indentation shows
 * where quotes end) scores "the quote ends here", and the quote ends at the likeliest space.
 * Its weights are data, `models/quote-ends.json`, read once (quote-weights.ts).
 */

/** Common words that say nothing about whether a sentence continues a message. */
const STOP_WORDS = new Set([
  'the',
  'a',
  'an',
  'to',
  'of',
  'in',
  'on',
  'is',
  'be',
  'and',
  'or',
  'for',
  'it',
  'this',
  'that',
  'not',
  'you',
  'your',
  'with',
  'as',
  'by',
  'at',
  'are',
  'was',
  'from',
  'if',
  'can',
  'will',
  'may',
]);

const isContent = (w: string): boolean => w.length > 2 && !STOP_WORDS.has(w);

/** Content words of some text, lower case. */
function contentWords(tokens: string[]): string[] {
  return tokens.map(word).filter(isContent);
}

/** Each token's word, and where each content word occurs, computed once per window. */
interface WindowWords {
  words: string[];
  at: Map<string, number[]>;
}
const windowCache = new WeakMap<string[], WindowWords>();
function windowWords(tokens: string[]): WindowWords {
  let ww = windowCache.get(tokens);
  if (!ww) {
    const words = tokens.map(word);
    const at = new Map<string, number[]>();
    words.forEach((w, k) => {
      if (!isContent(w)) return;
      const list = at.get(w);
      if (list) list.push(k);
      else at.set(w, [k]);
    });
    ww = { words, at };
    windowCache.set(tokens, ww);
  }
  return ww;
}

/** What a quote's boundaries share: the intro sentence that announced it. */
export interface QuoteContext {
  /** The intro's last words, lower case. */
  introTail: string[];
  /** The intro sentence's content words. */
  introWords: Set<string>;
  /** The token where the next quote's intro sentence seems to start, or -1. */
  nextIntro: number;
}

export function quoteContext(intro: string, nextIntro = -1): QuoteContext {
  const tokens = intro.split(' ').filter(Boolean);
  return {
    introTail: tokens.slice(-5).map(word).filter(Boolean),
    introWords: new Set(contentWords(tokens)),
    nextIntro,
  };
}

const NO_CONTEXT: QuoteContext = { introTail: [], introWords: new Set(), nextIntro: -1 };

const bucket = (share: number): string => (share === 0 ? '0' : share < 0.34 ? 'lo' : share < 0.67 ? 'mid' : 'hi');

/** Features of the boundary between tokens[i-1] and tokens[i] (i ≥ 1) of a quote's window. */
export function boundaryFeatures(tokens: string[], i: number, ctx: QuoteContext = NO_CONTEXT): string[] {
  const prev = tokens[i - 1] ?? '';
  const next = tokens[i] ?? '';
  const next2 = tokens[i + 1] ?? '';
  const ahead = tokens
    .slice(i, i + 8)
    .join(' ')
    .toLowerCase();
  const pe = endShape(prev);
  const ns = tokenShape(next);
  const n = Math.min(i, 40);
  const lenBucket = n < 4 ? 'a' : n < 8 ? 'b' : n < 16 ? 'c' : n < 30 ? 'd' : 'e';
  const f = [
    `pe=${pe}`,
    `ns=${ns}`,
    `pe|ns=${pe}|${ns}`,
    `nw=${word(next)}`,
    `nw|pe=${word(next)}|${pe}`,
    `nw2=${word(next)} ${word(next2)}`,
    `pw=${word(prev)}`,
    `len=${lenBucket}`,
    `len|pe=${lenBucket}|${pe}`,
    `ns2=${tokenShape(next2)}`,
    `ns|ns2=${ns}|${tokenShape(next2)}`,
    `pe|nw|ns2=${pe}|${word(next)}|${tokenShape(next2)}`,
  ];
  if (/\byou(?:r)?\b/.test(ahead)) f.push('ahead:you');
  if (/\b(?:error|message)\b/.test(ahead)) f.push('ahead:errmsg');
  if (/\b(?:this|the)\s+(?:error|message|problem|behavior|issue)\b/.test(ahead)) f.push('ahead:this-error');
  if (/:\s/.test(ahead + ' ') && /\b(?:following|message|error)\b/.test(ahead)) f.push('ahead:intro');
  if (/\b(?:is|are|was|were|occurs?|appears?|can|may|will|does|do)\b/.test(ahead.split(' ').slice(0, 4).join(' ')))
    f.push('ahead:verb');
  const sentence = nextSentence(tokens, i);
  const lowerShare = sentence.filter((t) => /^[a-z]/.test(t)).length / sentence.length;
  f.push(
    `sent=${sentence.length < 4 ? 's' : sentence.length < 10 ? 'm' : 'l'}|${lowerShare > 0.5 ? 'prose' : 'terse'}|${pe}`,
  );
  if (
    /^(?:you|your|this|these|that|it|if|when|to|the|for|in|note|however|because|after|before|although|then|also)$/.test(
      word(next),
    ) &&
    pe !== 'colon'
  )
    f.push(`prose-start|${pe}|${/^[A-Z]/.test(next) ? 'Cap' : 'low'}`);
  if (/^["“]/.test(tokens[0] ?? '') && /["”]$/.test(prev)) f.push('closed-quote');
  const stops = tokens.slice(0, i).filter((t) => /[.?!]$/.test(t)).length;
  f.push(`stops=${Math.min(stops, 3)}|${pe}`);
  f.push(`first=${tokenShape(tokens[0] ?? '')}|${pe}|${ns}`);
  f.push(`pw2=${word(tokens[i - 2] ?? '')}|${pe}`);
  // The words of the next sentence: prose ("then", "because", "Microsoft", "version") or more of the message.
  const { words, at } = windowWords(tokens);
  for (const w of new Set(words.slice(i + 1, i + Math.min(sentence.length, 12)))) if (w) f.push(`nb=${w}`);
  // ... and its word pairs ("may resolve", "this problem", "you must"), which say more than either word.
  for (let k = i; k + 1 < i + Math.min(sentence.length, 12); k++) f.push(`nbb=${words[k]} ${words[k + 1]}`);
  // The words of the quote's last sentence so far, by whether the boundary ends a sentence: a message's ("cannot",
  // "failed") or the article's ("occurs", "means").
  const sentenceEnd = pe === 'stop' || pe === 'close' ? 'end' : 'mid';
  const sb = sentenceEnd === 'end' ? 'E' : pe === 'colon' ? 'C' : 'M';
  for (const w of new Set(lastSentenceWords(tokens, words, i))) if (w) f.push(`pb=${w}|${sb}`);
  if (
    /\b(?:this|the|that|these|same|above|preceding)\s+(?:error|message|warning|problem|dialog)/i.test(
      sentence.join(' '),
    )
  )
    f.push(`refback|${pe}`);
  // Does the next sentence reuse the quote's words (more of the message) or the intro's (the article's prose)?
  const nextWords = words.slice(i, i + sentence.length).filter(isContent);
  if (nextWords.length) {
    const inQuote = nextWords.filter((w) => at.get(w)!.some((k) => k < i && k >= i - 40)).length / nextWords.length;
    const inIntro = nextWords.filter((w) => ctx.introWords.has(w)).length / nextWords.length;
    f.push(
      `ovq=${bucket(inQuote)}|${pe}`,
      `ovi=${bucket(inIntro)}|${pe}`,
      `ovqi=${bucket(inQuote)}|${bucket(inIntro)}`,
    );
  }
  if (i === ctx.nextIntro) f.push('next-intro-starts');
  else if (ctx.nextIntro > 0 && i > ctx.nextIntro) f.push('inside-next-intro');
  // The next sentence is itself an intro ("MASM 5.1 generates the following warning:").
  const last = sentence[sentence.length - 1]!;
  if (last.endsWith(':') && sentence.length > 2 && introducesMessage(sentence.join(' '))) f.push(`next-is-intro|${pe}`);
  // "NOTE:", "IMPORTANT:", "Error:" labels.
  const label = /^([A-Za-z]+):/.exec(next);
  if (label) f.push(`label=${label[1]!.toLowerCase()}`);
  for (const w of ctx.introTail) f.push(`iw=${w}|${sentenceEnd}`);
  return f;
}

/** The words of the sentence that ends at token i-1, at most 12 of them, last first. */
function lastSentenceWords(tokens: string[], words: string[], i: number): string[] {
  const out: string[] = [];
  for (let k = i - 1; k >= 0 && out.length < 12; k--) {
    if (out.length && /[.?!:]$/.test(tokens[k]!)) break;
    out.push(words[k]!);
  }
  return out;
}

/** The tokens from i up to and including the next one that ends a sentence. */
function nextSentence(tokens: string[], i: number): string[] {
  const out: string[] = [];
  for (let k = i; k < tokens.length && out.length < 30; k++) {
    out.push(tokens[k]!);
    if (/[.?!:]$/.test(tokens[k]!)) break;
  }
  return out.length ? out : [''];
}

const weightMaps = new WeakMap<QuoteModel, Map<string, number>>();

/** The linear model's logit of "the quote ends between tokens[i-1] and tokens[i]". */
export function endLogit(
  tokens: string[],
  i: number,
  model: QuoteModel = quoteModel(),
  ctx: QuoteContext = NO_CONTEXT,
): number {
  let weights = weightMaps.get(model);
  if (!weights) weightMaps.set(model, (weights = new Map(Object.entries(model.weights))));
  let z = model.bias;
  for (const f of boundaryFeatures(tokens, i, ctx)) z += weights.get(f) ?? 0;
  return z;
}

/** Probability that the quote ends between tokens[i-1] and tokens[i]. */
export function endProbability(
  tokens: string[],
  i: number,
  model: QuoteModel = quoteModel(),
  ctx: QuoteContext = NO_CONTEXT,
): number {
  return 1 / (1 + Math.exp(-endLogit(tokens, i, model, ctx)));
}

/** Within this many tokens, a parenthesis or quotation mark opened in a quote is closed in it. */
const CLOSE_WITHIN = 20;

/**
 * For each boundary i < end, whether it falls inside a parenthesis or a pair of quotation marks that
 * opened in the quote and closes within CLOSE_WITHIN tokens ('Fonts: "TrueType fonts are not enabled."'):
 * the quote does not end there.
 */
export function openSpans(tokens: string[], end: number): boolean[] {
  const depth: Array<[number, boolean]> = [];
  let paren = 0;
  let quote = false;
  for (let k = 0; k < Math.min(tokens.length, end + CLOSE_WITHIN); k++) {
    for (const c of tokens[k]!) {
      if (c === '(') paren++;
      else if (c === ')' && paren > 0) paren--;
      else if (c === '"') quote = !quote;
    }
    depth.push([paren, quote]);
  }
  const open: boolean[] = [];
  for (let i = 1; i < end; i++) {
    const [p, q] = depth[i - 1]!;
    let closes = false;
    for (let k = i; k < Math.min(depth.length, i + CLOSE_WITHIN) && (p || q) && !closes; k++)
      closes = (p > 0 && depth[k]![0] < p) || (q && !depth[k]![1]);
    open[i] = closes;
  }
  return open;
}

/**
 * The quote at the start of `tokens` (collapsed text): how many tokens belong to it.
 * The quote ends at the likeliest boundary, where the model's score of ending there times
 * its scores of not ending at every earlier space is highest; `limit` is where the next
 * message intro's sentence starts, if any, which the quote cannot run into.
 */
export function quoteLength(
  tokens: string[],
  limit = tokens.length,
  model: QuoteModel = quoteModel(),
  ctx: QuoteContext = NO_CONTEXT,
): number {
  const end = Math.min(tokens.length, limit);
  let best = end;
  let bestLog = -Infinity;
  let survive = 0;
  // A lone title-case word ("Alert", "Volume") is a dialog's title or a label, not a whole message.
  const titleOnly = /^[A-Z][a-z]+$/.test(tokens[0] ?? '');
  const open = openSpans(tokens, end);
  for (let i = 1; i < end; i++) {
    // Where the quote cannot end, the model's score says nothing.
    if (open[i]) continue;
    const p = endProbability(tokens, i, model, ctx);
    if (i === 1 && titleOnly) {
      survive += Math.log(1 - p);
      continue;
    }
    const here = survive + Math.log(p);
    if (here > bestLog) {
      bestLog = here;
      best = i;
    }
    survive += Math.log(1 - p);
    if (survive < bestLog) return best;
  }
  return survive > bestLog ? end : best;
}
