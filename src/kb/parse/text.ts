/** Small text helpers shared by the parser. */

/** All runs of whitespace become one space; trimmed. */
export function collapse(s: string): string {
  // Most calls get text that is collapsed already (the collapsed form, intros cut from it).
  if (!/[^\S ]| {2}|^ | $/.test(s)) return s;
  return s.replace(/\s+/g, ' ').trim();
}

/** Remove the common leading indentation of the non-blank lines. */
export function dedent(s: string): string {
  const lines = s.split('\n');
  let min = Infinity;
  for (const l of lines) {
    if (!l.trim()) continue;
    const ind = l.length - l.trimStart().length;
    if (ind < min) min = ind;
  }
  if (!isFinite(min) || min === 0) return s;
  return lines.map((l) => (l.trim() ? l.slice(min) : '')).join('\n');
}

/**
 * Tidy a block of article text: right-trim lines, drop leading/trailing blank lines,
 * squeeze runs of blank lines into one, remove common indentation.
 */
export function tidyBlock(s: string): string {
  const lines = s.split('\n').map((l) => l.replace(/\s+$/, ''));
  const out: string[] = [];
  for (const l of lines) {
    if (!l && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(l);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return dedent(out.join('\n'));
}

/** Unique values, first occurrence wins, order kept. */
export function unique<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

const MONTHS: Record<string, string> = {
  JAN: '01',
  FEB: '02',
  MAR: '03',
  APR: '04',
  MAY: '05',
  JUN: '06',
  JUL: '07',
  AUG: '08',
  SEP: '09',
  OCT: '10',
  NOV: '11',
  DEC: '12',
};

/** "23-AUG-2001" → "2001-08-23"; null when it is not such a date. */
export function isoDate(kbDate: string | undefined): string | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec((kbDate ?? '').trim());
  if (!m) return null;
  const month = MONTHS[m[2]!.toUpperCase()];
  if (!month) return null;
  return `${m[3]}-${month}-${m[1]!.padStart(2, '0')}`;
}

/** "MORE INFORMATION" → "moreInformation", "CD-ROM PROBLEMS" → "cdRomProblems". */
export function camelKey(heading: string): string {
  const words = heading
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/** Collapsed text up to a dash-underlined sub-heading ("Method 2 --------", "Sample Code -----------"). */
export function cutSubheading(s: string): string {
  for (const m of s.matchAll(/(?<=\s)-{3,}(?=\s|$)/g)) {
    const from = m.index - 1 - m[0].length;
    if (from >= 0 && /^[A-Z0-9]/.test(s.slice(from, m.index - 1))) return s.slice(0, from);
  }
  return s;
}
