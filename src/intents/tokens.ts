/**
 * Message → tokens for the natural classifier: natural's WordTokenizer and PorterStemmer over the
 * lowercased words (stop words kept: "how", "was", "not" carry intent here), numbers folded to
 * "__num", the first two words again as opening tokens ("^how", "^how_do"), plus pseudo-tokens.
 */
import natural from '../text/natural.js';

const tokenizer = new natural.WordTokenizer();
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 20_000;

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = natural.PorterStemmer.stem(word);
    if (stemCache.size < STEM_CACHE_MAX) stemCache.set(word, s);
  }
  return s;
}

/** Word tokens of `text`, lowercased and stemmed; digits become "__num", hex words "__hexword". */
export function wordTokens(text: string, maxWords: number): string[] {
  const words = tokenizer.tokenize(text.toLowerCase()).slice(0, maxWords);
  return words.map((w) => {
    if (/^\d+$/.test(w)) return '__num';
    if (/^(?:0x)?[0-9a-f]{6,}$/.test(w) && /\d/.test(w)) return '__hexword';
    if (w.length > 30) return '__longword';
    return stem(w);
  });
}

/**
 * The tokens the classifier sees: words (each once), opening tokens and the given pseudo-tokens.
 * Distinct tokens only; natural's Bayes classifier scores presence, not counts.
 */
export function messageTokens(text: string, pseudo: readonly string[], maxWords: number): string[] {
  return tokensOfWords(wordTokens(text, maxWords), pseudo);
}

/** messageTokens from already tokenised words (wordTokens). */
export function tokensOfWords(words: readonly string[], pseudo: readonly string[]): string[] {
  const out = new Set<string>(words);
  const first = words[0];
  if (first !== undefined) {
    out.add(`^${first}`);
    const second = words[1];
    out.add(second === undefined ? `^${first}$` : `^${first}_${second}`);
  }
  for (const p of pseudo) out.add(p);
  return [...out];
}
