/** KB article ids as people write them: "Q290226", "KB290226", "kb 290226", "KB: 290226". */

// Each run of spaces belongs to one `\s*` (`\s*:?\s*#?\s*` let three share it: "Q" and 1,500 spaces took 2 s).
const ID_IN_TEXT = /\b(?:Q|KB)\s*(?::\s*)?(?:#\s*)?(\d{5,7})\b/gi;
const BARE_ID = /^\s*(?:(?:Q|KB)\s*)?(?::\s*)?(?:#\s*)?(\d{5,7})\s*$/i;

/** The canonical form "Q290226" of an id written any of the accepted ways, or null. */
export function normaliseKbId(text: string): string | null {
  const m = BARE_ID.exec(text);
  return m ? `Q${m[1]}` : null;
}

/** Every KB id mentioned in `text`, canonical ("Q290226"), each once, in order of mention. */
export function findKbIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(ID_IN_TEXT)) ids.add(`Q${m[1]}`);
  return [...ids];
}

/** `text` with every KB id mention removed (to tell a bare lookup from a message that mentions one). */
export function withoutKbIds(text: string): string {
  return text.replace(ID_IN_TEXT, ' ');
}

/**
 * Team fix ids (issue #24): "fix-12", as the fix store gives them. Kept apart from the KB's ids
 * above, which they never change: a fix is looked up in the FixIndex, not the KB.
 */
const FIX_ID_IN_TEXT = /\bfix-(\d{1,9})\b/gi;
/** A lookup of one fix as people type it: "fix-12", "fix 12", "fix #12", "FIX-12". */
const BARE_FIX_ID = /^\s*fix\s*[-#]?\s*(\d{1,9})\s*$/i;

/** The canonical form "fix-12" of a fix id written any of the accepted ways, or null. */
export function normaliseFixId(text: string): string | null {
  const m = BARE_FIX_ID.exec(text);
  return m ? `fix-${Number(m[1])}` : null;
}

/** Every fix id written "fix-12" in `text`, canonical, each once, in order of mention ("fix 12 servers" is not one). */
export function findFixIds(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(FIX_ID_IN_TEXT)) ids.add(`fix-${Number(m[1])}`);
  return [...ids];
}
