import { unique } from './text.js';

/** Q-numbers the article refers to ("Q191014", "article number 191014"), never its own. */
export function extractRelated(text: string, ownId: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/\bQ(\d{5,6})\b/g)) ids.push(`Q${m[1]}`);
  for (const m of text.matchAll(
    /article\s+numbers?\s+(?:below\s+)?(?:to\s+view[^:]*)?:?\s+((?:\d{5,6}[\s,]+(?:and\s+)?)+)/gi,
  )) {
    for (const n of m[1]!.match(/\d{5,6}/g) ?? []) ids.push(`Q${n}`);
  }
  return unique(ids.map((id) => id.replace(/^Q0+/, 'Q'))).filter((id) => id !== ownId);
}
