/**
 * Products and versions a message names, weighed against what an article applies to.
 * Product words are the names admins use ("exchange", "owa", "vfp", "nt4", "win95"); words mined
 * from the KB's product lines were tried and named too much else ("disk", "mail", "basic").
 * Versions are numbers such as "5.5", "4.0", "97" and service packs ("sp3").
 */
import { normaliseText, surfaceTokens, textTokens } from './tokens.js';

/** Chat names for a KB category. */
export const CATEGORY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  exchange: [
    'exchange',
    'owa',
    'imc',
    'mta',
    'kms',
    'kmserver',
    'outlook web access',
    'information store',
    'exchange server',
  ],
  winnt: ['nt', 'windows nt', 'nt server', 'nt workstation'],
  win95x: ['windows 95', 'win95', '95'],
  win3x: ['windows 3.1', 'windows 3.11', 'win31'],
  foxpro: ['foxpro', 'vfp', 'visual foxpro', 'fox'],
  vbwin: ['vb', 'vb6', 'vb5', 'visual basic'],
  visualc: ['msvc', 'vc', 'vc++', 'visual c++', 'mfc', 'c++'],
  sms: ['sms', 'systems management server'],
  sna: ['sna', 'sna server'],
  iis: ['iis', 'internet information server', 'asp'],
  msdos: ['dos', 'ms-dos'],
  pcmail: ['ms mail', 'msmail', 'mail for pc networks'],
  ssafe: ['sourcesafe', 'vss'],
  word97: ['word 97', 'word'],
  powerpt: ['powerpoint', 'ppt'],
  frontpg: ['frontpage'],
  schedplus: ['schedule+', 'schedule plus', 'schedplus'],
  masm: ['masm', 'macro assembler'],
  fortran: ['fortran'],
  lanman: ['lan manager', 'lanman'],
  odbc: ['odbc'],
};

/** phrase (normalised tokens joined by spaces) → category. */
export type ProductLexicon = Map<string, string>;

/** The lexicon of CATEGORY_ALIASES (product words mined from product lines named too much else: "disk", "mail"). */
export function buildProductLexicon(
  aliases: Readonly<Record<string, readonly string[]>> = CATEGORY_ALIASES,
): ProductLexicon {
  const lexicon: ProductLexicon = new Map();
  for (const [category, names] of Object.entries(aliases)) {
    for (const name of names) lexicon.set(surfaceTokens(normaliseText(name)).join(' '), category);
  }
  return lexicon;
}

/** What a message says about product and version. */
export interface ProductMention {
  /** Categories named, with the words that named them. */
  categories: Map<string, string>;
  /** Version-like tokens: "5.5", "4.0", "97", "sp3". */
  versions: string[];
}

/** Per lexicon: the words its phrases start with (only there can a phrase start in a message). */
const firstWords = new WeakMap<ProductLexicon, { size: number; words: Set<string> }>();

function firstWordsOf(lexicon: ProductLexicon): Set<string> {
  let known = firstWords.get(lexicon);
  if (!known || known.size !== lexicon.size) {
    known = { size: lexicon.size, words: new Set([...lexicon.keys()].map((phrase) => phrase.split(' ')[0] ?? '')) };
    firstWords.set(lexicon, known);
  }
  return known.words;
}

/** Longest phrases first, so "windows nt" wins over "nt". */
export function productMention(text: string, lexicon: ProductLexicon): ProductMention {
  const tokens = textTokens(text);
  const categories = new Map<string, string>();
  const starts = firstWordsOf(lexicon);
  for (let i = 0; i < tokens.length; i++) {
    if (!starts.has(tokens[i] ?? '')) continue;
    for (let n = 3; n >= 1; n--) {
      const phrase = tokens.slice(i, i + n).join(' ');
      const cat = lexicon.get(phrase);
      if (cat !== undefined && (n > 1 || !/^\d+$/.test(phrase) || tokens[i - 1] === 'windows')) {
        if (!categories.has(cat)) categories.set(cat, phrase);
        i += n - 1;
        break;
      }
    }
  }
  const versions = [...new Set(tokens.filter((t) => /^(\d{1,2}\.\d{1,2}[a-z]?|sp\d)$/.test(t)))];
  return { categories, versions };
}

/**
 * A multiplier for an article: above 1 when it is in a category the message names or applies to a
 * version it names, below 1 when the message names other categories only.
 */
export function productFactor(
  mention: ProductMention,
  article: { category: string | null; versions: readonly string[]; appliesTo: readonly string[] },
  weights: { category: number; version: number },
): { factor: number; matched: string[] } {
  const matched: string[] = [];
  let factor = 1;
  if (mention.categories.size > 0 && article.category) {
    const word = mention.categories.get(article.category);
    if (word !== undefined) {
      factor *= 1 + weights.category;
      matched.push(word);
    } else factor /= 1 + weights.category;
  }
  if (mention.versions.length > 0) {
    const applies = article.appliesTo.join(' ').toLowerCase();
    for (const v of mention.versions) {
      const sp = /^sp(\d)$/.exec(v);
      const hit = sp
        ? applies.includes(`service pack ${sp[1]}`) || applies.includes(v)
        : article.versions.includes(v) || applies.includes(`version ${v}`);
      if (hit) {
        factor *= 1 + weights.version;
        matched.push(v);
      }
    }
  }
  return { factor, matched };
}
