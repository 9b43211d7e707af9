/**
 * Does the article contain the pasted error exactly, character for character (whitespace
 * collapsed)? Word runs cannot tell "Runtime Error 13" from "Runtime error 13" or "persists,
 * contact" from "persists contact"; among articles that contain all the words, the one quoting the
 * text exactly is the one the user is looking at. Chat around the error ("getting this: …",
 * quotes, a trailing full stop) is tried off as well.
 */
import type { Article } from '../article.js';
import { RANKER_DEFAULTS } from './options.js';

/** Segments shorter than this (characters) are not worth an exact look. */
export const MIN_EXACT_CHARS = 12;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The article's whole text, whitespace collapsed. */
export function articleText(a: Article): string {
  return collapse([a.title, ...Object.values(a.sections)].join(' '));
}

/** Quote marks a candidate opens with. */
const OPENING = /^["'“‘(]+/;
/**
 * Quote marks it ends with. The look-behind lets only the first mark of a run start a match:
 * `["'”’)]+$` alone is tried again from every mark of a long run that does not end the text.
 */
const CLOSING = /(?<!["'”’)])["'”’)]+$/;
/** Full stops it ends with (the look-behind as above). */
const STOPS = /(?<![.…])[.…]+$/;

/**
 * The message and the parts of it that may be the error alone, longest first: the message after
 * each of its first `maxCuts` colons, dashes or opening quotes (a paste has a few; every one more is
 * a copy of the message checked against every leading article).
 */
export function exactCandidates(message: string, maxCuts = RANKER_DEFAULTS.exactCuts): string[] {
  const text = collapse(message);
  const out = new Set<string>();
  const add = (s: string): void => {
    const t = s.trim().replace(OPENING, '').replace(CLOSING, '').trim();
    if (t.length >= MIN_EXACT_CHARS) out.add(t);
    const bare = t.replace(STOPS, '').trim();
    if (bare.length >= MIN_EXACT_CHARS) out.add(bare);
  };
  add(text);
  // Chatter before a colon, dash or opening quote: "getting this when I run setup: <error>".
  let cuts = 0;
  for (const m of text.matchAll(/(?:[:?!]|\s[-–—]|["“])\s*/g)) {
    if (cuts++ >= maxCuts) break;
    add(text.slice((m.index ?? 0) + m[0].length));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * 1 when the article's text (`articleText`) contains the whole message exactly, else the share of the message covered by
 * the longest candidate it contains exactly (case-insensitive matches count 0.8 of that).
 */
export function exactShare(
  candidates: string[],
  messageLength: number,
  text: string,
  lowerCandidates: string[] = candidates.map((c) => c.toLowerCase()),
): number {
  if (candidates.length === 0 || messageLength === 0) return 0;
  let lower: string | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i] ?? '';
    if (text.includes(c)) return Math.min(1, c.length / messageLength);
    lower ??= text.toLowerCase();
    if (lower.includes(lowerCandidates[i] ?? '')) return 0.8 * Math.min(1, c.length / messageLength);
  }
  return 0;
}
