import type { ArticleForm } from '../article.js';
import { collapse, cutSubheading, unique } from './text.js';
import { quoteLength } from './quote-boundary.js';

/** Words in the sentence before a colon that say a quoted message follows. */
const STRONG_CUE = /\b(?:error|errors|message|messages|dialog|warning|warnings|prompt|alert)\b/i;
const WEAK_CUE = /\b(?:receive|received|appears?|displayed|displays|logged|returns?|returned|generated|reports?|states?|reads|prompted|shows?|says)\b/i;
/** ... and words that say code, a key or a procedure follows instead. */
const ANTI_CUE =
  /\b(?:registry\s+(?:key|subkey|value|entry)|subkey|sample\s+code|code\s+(?:sample|example)|following\s+(?:code|steps?|lines?\s+(?:to|in)|command|statement|macro|function|syntax|procedure|example|registry|key|files?|entries|entry|section)|syntax|for\s+example|to\s+the\s+following|add\s+the\s+following|type\s+the\s+following)\b/i;

/** Intros of lists of causes, conditions or fixes, not of quoted messages. */
const REASONS = /\b(?:reasons?|causes?|conditions?|situations?|scenarios?|ways?|methods?|options?|workarounds?|resolutions?|solutions?|if|when|because)\s*:?$/i;

const MAX_MESSAGE = 1200;

/** Does the sentence that ends in this colon introduce a quoted message? */
export function introducesMessage(intro: string): boolean {
  const sentence = lastSentence(intro);
  if (!sentence) return false;
  if (ANTI_CUE.test(sentence) && !/\berror\s+messages?\b/i.test(sentence)) return false;
  if (REASONS.test(sentence)) return false;
  return STRONG_CUE.test(sentence) || (WEAK_CUE.test(sentence) && /\bfollowing\b/i.test(sentence));
}

function lastSentence(s: string): string {
  const flat = collapse(s);
  const cut = Math.max(flat.lastIndexOf('. '), flat.lastIndexOf('? '), flat.lastIndexOf('! '));
  return flat.slice(cut + 1).trim();
}

function plausible(msg: string): boolean {
  if (msg.length < 3 || msg.length > MAX_MESSAGE) return false;
  if (/^HKEY_|^HKLM|^HKCU/.test(msg)) return false;
  if (/[{};]\s*$/.test(msg) && /[{}]/.test(msg)) return false;
  return /[A-Za-z]{2}/.test(msg);
}

/** Error and message texts quoted in a section, whitespace collapsed. */
export function extractErrorMessages(text: string, form: ArticleForm): string[] {
  const found = form === 'collapsed' ? fromCollapsed(text) : fromLines(text);
  return unique(found.map((m) => m.replace(/^["“]|["”]$/g, '').trim()).filter(plausible));
}

const indentOf = (l: string): number => l.replace(/\t/g, '    ').length - l.replace(/\t/g, '    ').trimStart().length;

/** Text forms: a colon-ended intro, then a block indented deeper than the intro's paragraph. */
function fromLines(text: string): string[] {
  return quotesWithIntros(text).flatMap((q) => splitAlternatives(q.quote));
}

/** The original form's quotes, each with the offset just past its intro's colon (for training the collapsed reader). */
export function quotesWithIntros(text: string): { colonEnd: number; quote: string }[] {
  const lines = text.split('\n');
  const out: { colonEnd: number; quote: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/:\s*$/.test(line)) continue;
    let p = i;
    while (p > 0 && lines[p - 1]!.trim() && !/^\s*(?:-|\d{1,2}[.)])\s/.test(lines[p]!)) p--;
    const intro = lines.slice(p, i + 1).join(' ');
    if (!introducesMessage(intro)) continue;
    const base = indentOf(lines[p]!);
    const block: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (!l.trim()) {
        block.push('');
        continue;
      }
      if (indentOf(l) <= base) break;
      block.push(l);
    }
    while (block.length && !block[block.length - 1]) block.pop();
    if (!block.some((l) => l.trim())) continue;
    const colonEnd = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0) + line.replace(/\s+$/, '').length;
    out.push({ colonEnd, quote: collapse(block.join(' ')) });
    i = j - 1;
  }
  return out;
}

/** "msg one -or- msg two" and bulleted lists are several messages. */
function splitAlternatives(quote: string): string[] {
  return quote
    .split(/\s+-?or-\s+|(?:^|\s)-\s+(?=\S)/i)
    .map((x) => x.trim())
    .filter((x) => x && !/^-?or-?$/i.test(x));
}

/**
 * Collapsed form: indentation is gone, so a quote starts after a colon whose sentence
 * says a message follows, and runs sentence by sentence while the next sentence reads
 * like part of the quote rather than the article's prose.
 */
function fromCollapsed(text: string): string[] {
  const flat = collapse(text);
  const out: string[] = [];
  let consumed = 0;
  for (const m of flat.matchAll(/:\s/g)) {
    if (m.index < consumed) continue;
    const intro = flat.slice(Math.max(consumed, m.index - 400), m.index + 1);
    if (!introducesMessage(intro)) continue;
    const start = m.index + m[0].length;
    const tokens = cutSubheading(flat.slice(start, start + MAX_MESSAGE)).split(' ').filter(Boolean);
    if (!tokens.length) continue;
    const joined = tokens.slice(0, quoteLength(tokens)).join(' ');
    consumed = start + joined.length;
    out.push(...splitAlternatives(joined));
  }
  return out;
}
