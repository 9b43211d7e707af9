/**
 * Split whitespace-collapsed text into sentence-like units: after ". ", "? ", "! " before a
 * capital, digit, quote or bracket, and before a bullet " - ".
 */
export function splitSentences(s: string): string[] {
  const parts = s.split(/(?<=[.?!])(?<!(?:^|\s)\d{1,2}[.)])\s+(?=["'(A-Z0-9<%\\[])|\s+(?=-\s)/);
  return parts.map((p) => p.trim()).filter(Boolean);
}
