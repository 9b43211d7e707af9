/**
 * Where a quote's own marks end it in collapsed text, before the quote model is asked: the
 * closing quotation mark of a quoted message, and the source codes that end an event's text.
 */

/** A message in quotation marks ends at the closing mark when that comes within this many words. */
const QUOTED_MESSAGE_TOKENS = 150;

/**
 * An event's text ends in its source's codes: "... in the queue. [MTA GATEWAY 45 512] (14)", "... Help
 * file. (129)". When the quote ends at a full stop just before them, they are its last tokens.
 */
export function withEventSuffix(tokens: string[], length: number, limit: number): number {
  if (!/[.!?]$/.test(tokens[length - 1] ?? '')) return length;
  let k = length;
  if (/^\[/.test(tokens[k] ?? '')) {
    const close = tokens.slice(k, k + 6).findIndex((t) => /\]$/.test(t));
    if (close < 0) return length;
    k += close + 1;
  }
  return k < limit && /^\(\d{1,5}\)$/.test(tokens[k] ?? '') ? k + 1 : length;
}

/**
 * A quote that opens with a quotation mark ends at the token that closes it, or, when quoted lines
 * follow one another ('"Setup Error 997" "Object 90" "Your Setup files may be damaged."', a dialog's
 * title and text), at the last of them: how many tokens that is, or -1 when it is not closed within
 * the quote's limit.
 */
export function closingQuote(tokens: string[], limit = tokens.length): number {
  const end = Math.min(tokens.length, limit, QUOTED_MESSAGE_TOKENS);
  let closed = -1;
  for (let from = 0; from < end && /^["“]/.test(tokens[from]!); from = closed) {
    const length = closingMark(tokens, from, end);
    if (length < 0) break;
    closed = length;
  }
  // A command to type '"http://server/x" (without the quotation marks)' is left to the model and the plausibility check.
  return closed > 0 && /^\(without$/i.test(tokens[closed] ?? '') ? -1 : closed;
}

/** The end (exclusive) of the quotation that opens at tokens[from], or -1. */
function closingMark(tokens: string[], from: number, end: number): number {
  const first = tokens[from]!;
  if (first.length > 1 && /\w["”][.,;:!?]?$/.test(first)) return from + 1;
  for (let k = from + 1; k < end; k++) {
    const t = tokens[k]!;
    // A quotation inside the message ("Cannot find "C:\X.XLA"") opens and closes in one token.
    if (/^["“]/.test(t) && t.length > 1) {
      if (/["”][.,;:!?]?$/.test(t.slice(1))) continue;
      return -1;
    }
    if (/["”][.,;:!?)]?$/.test(t)) return k + 1;
  }
  return -1;
}
