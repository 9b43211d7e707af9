/**
 * KB ids as chat writes them: everything src/kb/kb-id.ts finds ("Q290226", "KB 290226") plus the
 * looser chat forms "kb article 290226", "article 290226" and "Q-290226". Canonical "Q290226".
 */
import { findKbIds, withoutKbIds } from '../kb/kb-id.js';

/** Each run of spaces belongs to one `\s*`, so a long run costs linear time (see features.ts). */
const LOOSE_ID = /\b(?:(?:kb|q)\s*-\s*|(?:kb|ms)\s+article\s*(?:#\s*)?|article\s*(?:#\s*)?)(\d{5,7})\b/gi;

/** Every KB id in `text`, canonical, each once, in order of mention. */
export function findChatKbIds(text: string): string[] {
  const ids = new Set(findKbIds(text));
  for (const m of text.matchAll(LOOSE_ID)) ids.add(`Q${m[1]}`);
  return [...ids];
}

/** `text` with every id mention (strict and loose forms) removed. */
export function withoutChatKbIds(text: string): string {
  return withoutKbIds(text).replace(LOOSE_ID, ' ');
}
