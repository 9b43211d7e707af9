/**
 * Why an article matched, in a form the bot can show: which quoted error text, codes,
 * products, versions and terms matched, and which spellings and abbreviations were read.
 */
import type { Article } from '../article.js';
import type { PhraseMatch } from './phrase-index.js';
import { normalisedText, normaliseText, stem, textTokens, words } from './tokens.js';

export interface MatchReason {
  /** The article's quoted error the message matched, and the share of the message found in the article. */
  errorText?: { quote: string | null; coverage: number };
  /** Codes and identifiers of the message found in the article. */
  codes: string[];
  /** Products and versions of the message the article applies to. */
  products: string[];
  /** Other (stemmed) terms in common. */
  terms: string[];
  /** Typos read as: [typed, read]. */
  corrections: [string, string][];
  /** Abbreviations and synonyms used: [message, read as]. */
  expansions: [string, string][];
  /** One line for people: 'error text "…" (100%), code 0xc0020002, Exchange 5.5'. */
  summary: string;
}

export interface ReasonInput {
  article: Article;
  phrase: PhraseMatch | undefined;
  runs: number;
  terms: string[];
  codes: string[];
  products: string[];
  corrections: [string, string][];
  expansions: [string, string][];
}

/** What the reasons of one message's hits read of it, worked out once for all of them. */
interface MessageWords {
  message: string;
  /** Its words (for the quote it matched). */
  words: Set<string>;
  /** Stem → the first token the message spelled it with. */
  typed: Map<string, string>;
}

let lastMessage: MessageWords | undefined;

/** The message's words and spellings; the last message's are kept, as every hit of a ranking asks for them. */
function messageWords(message: string): MessageWords {
  if (lastMessage?.message === message) return lastMessage;
  const normalised = normalisedText(message);
  const typed = new Map<string, string>();
  for (const tok of textTokens(message)) {
    const s = stem(tok);
    if (!typed.has(s)) typed.set(s, tok);
  }
  lastMessage = { message, words: new Set(words(normalised)), typed };
  return lastMessage;
}

/** The quoted error of the article sharing the most words with the message's matched text. */
function bestQuote(article: Article, message: string): string | null {
  const msg = messageWords(message).words;
  let best: string | null = null;
  let bestShared = 0;
  for (const e of article.errorMessages) {
    const shared = words(normaliseText(e)).filter((w) => msg.has(w)).length;
    if (shared > bestShared) {
      best = e;
      bestShared = shared;
    }
  }
  return best;
}

/**
 * The matched terms as the message spelled them ("service", not the stem "servic"). Terms that
 * only an abbreviation's expansion or a typo's correction brought in are left out: the summary
 * names those expansions and corrections on their own.
 */
export function spelledAsTyped(terms: string[], message: string): string[] {
  const typed = messageWords(message).typed;
  return [...new Set(terms.flatMap((t) => typed.get(t) ?? []))];
}

export function describeReason(input: ReasonInput, message = ''): MatchReason {
  const { article, phrase } = input;
  const codes = input.codes.filter((c) => input.terms.includes(c));
  const terms = input.terms.filter((t) => !codes.includes(t));
  const reason: MatchReason = {
    codes,
    products: input.products,
    terms,
    corrections: input.corrections,
    expansions: input.expansions,
    summary: '',
  };
  if (phrase && phrase.coverage >= 0.3)
    reason.errorText = { quote: bestQuote(article, message), coverage: Math.round(phrase.coverage * 100) / 100 };
  const parts: string[] = [];
  if (reason.errorText) {
    const q = reason.errorText.quote;
    const pct = `${Math.round(reason.errorText.coverage * 100)}% of the text`;
    parts.push(q ? `error text "${q.length > 80 ? `${q.slice(0, 77)}...` : q}" (${pct})` : `the pasted text (${pct})`);
  }
  if (codes.length) parts.push(`${codes.length > 1 ? 'codes' : 'code'} ${codes.join(', ')}`);
  if (input.products.length) parts.push(`applies to ${input.products.join(', ')}`);
  // Only when no error text matched: a long paste would be tokenised again for every hit.
  const shown = reason.errorText ? [] : spelledAsTyped(terms, message);
  if (shown.length) parts.push(`words: ${shown.slice(0, 6).join(', ')}`);
  if (input.expansions.length) parts.push(input.expansions.map(([a, b]) => `${a} = ${b}`).join(', '));
  if (input.corrections.length) parts.push(`read ${input.corrections.map(([a, b]) => `"${a}" as "${b}"`).join(', ')}`);
  reason.summary = parts.join('; ') || 'weak word overlap';
  return reason;
}
