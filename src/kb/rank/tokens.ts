/**
 * Tokens for ranking. Two kinds, computed the same way for articles and messages:
 * - terms: lower-cased, spelled-out ("can't" → cannot, "SP3" and "service pack 3" → sp3,
 *   "win95" → windows 95), codes and file names kept whole (0xc0020002, kmserver.exe, 5.5) and
 *   also split, words Porter-stemmed, stopwords dropped;
 * - words: every alphanumeric run, lower-cased and unstemmed, for matching error text as text.
 */
import natural from '../../text/natural.js';

/** Words too common to say anything about which article is meant. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these
  those there here you your we our they their he she his her i me my not no can cannot could would should will may might do
  does did done have has had what when where which who why how all any some such than too very into out up down over under
  again once only own same so just also more most other about after before between through during while get got getting
  us them him im ive dont doesnt didnt cant wont isnt anyone someone anybody please thanks hi hey ok okay
  help urgent kinda sorta pretty really actually basically guys team folks seeing weird idea ideas thoughts anybody still
  keeps keep way even though whenever every`.split(/\s+/),
);

/**
 * Spelling-out applied to every text before it is tokenised; order matters. Each rewrite comes
 * with the literals its regex cannot match without: a text holding none of them skips the regex,
 * which gives the same output (nothing to match) in about 40% less time (`([a-z]+)n't` alone tried
 * every word of every text).
 */
const REWRITES: [readonly string[], RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // Hex codes at their full 32 bits, as KB titles write them: "stop 0x0A" and "0xA" → 0x0000000a.
  [['0x'], /\b0x([0-9a-f]{1,7})\b/g, (_m, hex) => `0x${hex.padStart(8, '0')}`],
  [['can'], /\b(can)'?t\b/g, 'cannot'],
  [['won'], /\bwon'?t\b/g, 'will not'],
  [["n't"], /\b([a-z]+)n't\b/g, '$1 not'],
  [["'s", '’s'], /['’]s\b/g, ''],
  [['service'], /\bservice\s+pack\s+(\d)\b/g, 'sp$1'],
  [['sp'], /\bsp\s+(\d)\b/g, 'sp$1'],
  [['win'], /\bwin\s?(95|98|3\.1|3\.11)\b/g, 'windows $1'],
  [['win', 'w2k'], /\bwin\s?(2k|2000)\b|\bw2k\b/g, 'windows 2000'],
  [['win'], /\bwin\s?nt\b/g, 'windows nt'],
  [['nt'], /\bnt\s?4(\.0)?\b/g, 'nt 4.0'],
  [['nt'], /\bnt\s?3\.51\b/g, 'nt 3.51'],
  [['wfw'], /\bwfw\b/g, 'windows for workgroups'],
  [['e-mail'], /\be-mail\b/g, 'email'],
];

const TOKEN = /[a-z0-9][a-z0-9_]*(?:[.+#-][a-z0-9_]+)*/g;

const stemCache = new Map<string, string>();

/**
 * Longer words are not stemmed. The Porter stemmer's regexes cost a word's length squared (a
 * 20,000-letter word took seconds); no English word is this long, and the longest alphabetic term
 * of the 57,000-article corpus has 70 letters. Articles and messages are stemmed alike, so a KB
 * word this long still matches itself.
 */
export const MAX_STEM_CHARS = 100;

/** Porter stem of an alphabetic word, cached. Codes, numbers and words over MAX_STEM_CHARS are returned as they are. */
export function stem(word: string): string {
  if (word.length > MAX_STEM_CHARS || !/^[a-z]+$/.test(word)) return word;
  let s = stemCache.get(word);
  if (s === undefined) {
    s = word.length <= 3 ? word : (natural.PorterStemmer.stem(word) as string);
    if (stemCache.size < 2_000_000) stemCache.set(word, s);
  }
  return s;
}

/** Lower-case and spell out (the REWRITES), ready for term or word splitting. */
export function normaliseText(text: string): string {
  let t = text.toLowerCase();
  for (const [literals, re, to] of REWRITES) {
    if (!literals.some((l) => t.includes(l))) continue;
    t = typeof to === 'string' ? t.replace(re, to) : t.replace(re, to);
  }
  return t;
}

/** Whole tokens of a normalised text, in order: "kmserver.exe", not its parts. */
export function wholeTokens(normalised: string): string[] {
  return normalised.match(TOKEN) ?? [];
}

/** Surface tokens (unstemmed, stopwords kept): compounds such as "kmserver.exe" and their parts. */
export function surfaceTokens(normalised: string): string[] {
  const out: string[] = [];
  for (const m of normalised.matchAll(TOKEN)) {
    const tok = m[0];
    out.push(tok);
    if (/[.\-+#]/.test(tok) && /[a-z]/.test(tok)) {
      for (const part of tok.split(/[.\-+#]/)) if (part.length > 1 && part !== tok) out.push(part);
    }
  }
  return out;
}

/** True when a token is a code or identifier worth matching exactly (0xc0020002, c1041724, lnk2001, 1018, kmserver.exe). */
export function isCodeToken(tok: string): boolean {
  if (/^0x[0-9a-f]{4,}$/.test(tok)) return true;
  if (/^[a-z]{0,4}\d{3,}[a-z]?$/.test(tok) && /\d{3,}/.test(tok)) return !/^(19|20)\d\d$/.test(tok);
  if (/^[a-z0-9_-]+\.(exe|dll|sys|ini|cpl|ocx|vxd|drv|com|bat|log|inf|mdb|edb|pst|ost|hlp|tlb)$/.test(tok)) return true;
  if (/^[a-z]\d{6,}$|^[0-9a-f]{8}$/.test(tok) && /\d/.test(tok)) return true;
  return false;
}

/** The last text read by `normalisedText` / `textTokens`, and what was read of it. */
let lastRead: { text: string; normalised: string; tokens: string[] | undefined } | undefined;

function read(text: string): { normalised: string; tokens: string[] | undefined } {
  if (lastRead?.text !== text) lastRead = { text, normalised: normaliseText(text), tokens: undefined };
  return lastRead;
}

/** `normaliseText(text)`; the last text's is kept, as one message is read by several parts of the ranker. */
export function normalisedText(text: string): string {
  return read(text).normalised;
}

/** `surfaceTokens(normaliseText(text))`, kept like `normalisedText`'s (do not change the array). */
export function textTokens(text: string): readonly string[] {
  const r = read(text);
  return (r.tokens ??= surfaceTokens(r.normalised));
}

/** Ranking terms of a text: stemmed, stopwords and one-character tokens dropped. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const tok of textTokens(text)) {
    if (tok.length < 2 || STOPWORDS.has(tok)) continue;
    out.push(stem(tok));
  }
  return out;
}

/** Every alphanumeric run, lower-cased: the word sequence error text is matched on. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * The words of an identifier such as an alert name or a file stem: split at separators, at
 * camelCase humps, around acronyms and digits ("KubeAPIErrorBudgetBurn" → Kube API Error Budget
 * Burn; "etcdHighNumberOfFailedGRPCRequests" → etcd High Number Of Failed GRPC Requests;
 * "pg_xid_xmin_age-alert" → pg xid xmin age alert). Case is kept; every ASCII letter and digit of
 * the name is in exactly one word, in order.
 */
export function identifierWords(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).flatMap((part) => part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []);
}
