/**
 * A team fix (issue #24) as the searchable record the ranker reads: an Article whose title is the
 * fix's title, whose symptoms and error messages are the errors pasted in its thread, and whose
 * resolution is the fix exactly as written (its steps read as the doc reader reads a runbook's).
 * Also the title rules: the title given, else the first line of the first error, else the first
 * line of the fix; and `textProfile`, an error read as the tokens that tell it from other errors
 * (what the FixIndex compares a message with).
 */
import type { Article } from '../kb/article.js';
import { extractRegistryKeys } from '../kb/parse/registry.js';
import { collapse, unique } from '../kb/parse/text.js';
import type { FixRecord } from '../memory/types.js';
import { ArticleParseError } from '../kb/errors.js';
import { parseDocument } from '../kb/parse/doc/index.js';
import { isoDate } from './export.js';
import { stripLogPrefix, withoutAddresses } from '../kb/rank/clean-query.js';
import { undoChatMarkup } from '../text/chat-markup.js';
import { normaliseText, stem, STOPWORDS, terms, wholeTokens } from '../kb/rank/tokens.js';

/** `article.source` of the fixes' articles (the FixIndex's own source; never merged with the KB's). */
export const FIX_SOURCE = 'team fixes';

/** Longest title kept (characters, "…" included), as FixRecord.title promises. */
export const MAX_TITLE_CHARS = 100;

/** Where a title comes from, in order of preference. */
export interface TitleInput {
  /** Given by the person (`save fix as "…"`). */
  given?: string | null;
  /** Errors pasted in the thread, the thread's query first. */
  errors?: readonly string[];
  /** The fix as written. */
  text?: string | null;
}

/**
 * A fix's title: the title given, else the first line with words of the first error that has one,
 * else of the fix; one line, whitespace collapsed, at most MAX_TITLE_CHARS (cut at a word with "…").
 * "Team fix" when there is nothing to take it from.
 */
export function fixTitle(input: TitleInput): string {
  const given = collapse(input.given ?? '');
  if (given) return shorten(given);
  for (const error of input.errors ?? []) {
    const line = firstLine(error);
    if (line) return shorten(line);
  }
  const line = firstLine(input.text ?? '');
  return line ? shorten(line) : 'Team fix';
}

/** The first line with a letter or digit, collapsed, with code-fence lines and quote marks ("> ") skipped. */
function firstLine(text: string): string {
  for (const raw of text.split('\n')) {
    if (/^\s*(?:```|~~~)/.test(raw)) continue;
    const line = collapse(raw.replace(/^\s*(?:>\s*)+/, ''));
    if (/[\p{L}\p{N}]/u.test(line)) return line;
  }
  return '';
}

/** `s` cut to MAX_TITLE_CHARS at a word boundary when it can be, with "…". */
function shorten(s: string): string {
  if (s.length <= MAX_TITLE_CHARS) return s;
  const cut = s.slice(0, MAX_TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The fix as an Article for the FixIndex. Its steps come from reading the fix's text as the
 * Resolution of a team document, as its export (export.ts) is read, so the index and an exported
 * folder find the same steps. `path` is empty: a fix is read from no file, and a file name's words ("fix", "12")
 * must not count as title words.
 */
export function fixToArticle(fix: FixRecord): Article {
  const errors = unique(fix.errors.map(collapse).filter(Boolean));
  const text = fix.text.trim();
  return {
    path: '',
    id: fix.id,
    title: fix.title,
    product: null,
    category: null,
    versions: [],
    date: isoDate(fix.savedAt),
    keywords: unique(fix.codes.filter(Boolean)),
    issueType: null,
    solutionType: null,
    appliesTo: [],
    sections: {
      ...(fix.errors.length ? { symptoms: fix.errors.map((e) => e.trim()).join('\n\n') } : {}),
      ...(text ? { resolution: text } : {}),
    },
    errorMessages: errors,
    steps: fixSteps(text),
    registryKeys: extractRegistryKeys([...fix.errors, text].join('\n')),
    files: [],
    related: [],
    registryWarning: false,
    form: 'gfm',
    source: FIX_SOURCE,
    url: fix.permalink,
    alertNames: [],
  };
}

/** The steps of a fix's text, as the doc reader finds them in a Resolution section ([] when it finds none). */
export function fixSteps(text: string): string[] {
  if (!text) return [];
  try {
    return parseDocument(`# Fix\n\n## Resolution\n\n${text}\n`, 'fix.md', {}).steps;
  } catch (error) {
    if (error instanceof ArticleParseError) return [];
    throw error;
  }
}

/**
 * Words so common in error text that sharing them says little about which error it is: a message
 * and a fix that share only "error", "failed", "connection" and "timed out" are not the same error.
 * They count GENERIC_WEIGHT instead of 1 in a profile (see `textProfile`).
 */
const GENERIC_WORDS = `error errors err fail failed failure fails failing cannot unable could not connect connection connections
  connected refused timeout timed time out denied access invalid unknown exception warning warn fatal critical code codes
  status request requests response server servers service services client host port network file files directory process
  start started starting stop stopped run running user users data database read write found missing exist exists exit
  message messages info log logs system value type object null true false line version new old set problem issue issues
  please check details detail see more support contact administrator admin try again later unexpected occurred occur
  something went wrong sorry internal external operation operations permission permissions allow allowed disabled enabled
  config configuration configured setting settings default local remote option options application app instance node
  nodes job jobs task tasks thread name key keys id level state reason result attempt attempts current available
  already still being use used using following specified given required require must error_code failure_reason
  can won't don't doesn't didn't isn't wasn't aren't after before because while during since when again ok`;

/** Weight of a generic word (GENERIC_WORDS) in a profile; other words weigh 1. */
export const GENERIC_WEIGHT = 0.35;

/** Weight of a code that tells errors apart (0x8007000d, ora-12154, x509, E11000, ENOSPC, CrashLoopBackOff, update.exe). */
export const CODE_WEIGHT = 3;

/** Weight of a 3-5 digit number (an HTTP status, a port, an event id): telling, but shared by other errors too. */
export const NUMBER_WEIGHT = 1.5;

/** GENERIC_WORDS as the profile spells its tokens (stemmed; "won't" and the like spell out to stopwords and drop). */
const GENERIC: ReadonlySet<string> = new Set(
  GENERIC_WORDS.split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => terms(w)),
);

/**
 * Words in capitals that are levels and labels, not error names: they are never taken as codes
 * (ENOSPC and ECONNREFUSED are; ERROR and EXPIRED are not).
 */
const CAPS_LABELS: ReadonlySet<string> = new Set(
  'ERROR ERRORS ERRORED ERR EMERG EXIT EVENT ENABLED ENDED EXPIRED EXPIRY ENTER ENTRY EMAIL EMPTY EXCEPTION EXCEPTIONS ELSE END ENGINE EXEC EXISTS EXISTING EXPECTED EXCEEDED EXPORT EXTERNAL ENCRYPTED ENV EOF ERRNO'.split(
    ' ',
  ),
);

/** Named error codes as written: errno names (ENOSPC, ERESOLVE) and identifiers of several capitalised words (CrashLoopBackOff, OOMKilled, RecordTooLargeException). */
const NAMED_CODE = /\bE[A-Z]{3,}\b|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*){2,}\b|\b[A-Z]{2,}[a-z]+(?:[A-Z][a-z0-9]*)*\b/g;

/**
 * What changes from one paste of an error to the next: timestamps, dates, UUIDs, e-mail
 * addresses, IP addresses with their ports and pod names (`withoutAddresses`), long hex ids.
 */
const VOLATILE_TEXT = [
  /\b\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/gi,
  /\b\d{1,2}\/\d{1,2}\/\d{2,4},?(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?/gi,
  /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/g,
  /\b[0-9a-f]{12,}\b/gi,
];

/** What a text's error says, for comparing errors with each other (see `textProfile`). */
export interface TextProfile {
  /** Its telling tokens in order: stemmed words, codes and numbers; what varies between pastes left out. */
  seq: string[];
  /** Each distinct token's weight: CODE_WEIGHT, NUMBER_WEIGHT, 1, or GENERIC_WEIGHT. */
  weights: Map<string, number>;
  /** Its codes (the CODE_WEIGHT tokens). */
  codes: Set<string>;
  /** Sum of the weights. */
  total: number;
}

/** Longest text profiled (characters): a 100 KB paste costs no more than a page. */
export const MAX_PROFILE_CHARS = 4000;

/** Most tokens a profile keeps (the first ones). */
export const MAX_PROFILE_TOKENS = 400;

/**
 * A text's error as tokens to compare: chat markup and log-line prefixes undone (as `cleanQuery` does),
 * then what differs between two pastes of the same error (timestamps, ids, addresses, pod names,
 * versions, host numbers) dropped, so that "payments-api-7d9f8c6b5-xk2lp" and
 * "payments-api-5c8d7f9b4-qq7rn" read alike. Codes count most; words common in every error count little.
 */
export function textProfile(raw: string): TextProfile {
  let text = undoChatMarkup(raw.slice(0, MAX_PROFILE_CHARS * 2))
    .text.slice(0, MAX_PROFILE_CHARS)
    .split('\n')
    .map((line) => stripLogPrefix(line.trim()))
    .join('\n');
  text = withoutAddresses(text);
  for (const re of VOLATILE_TEXT) text = text.replace(re, ' ');
  const seq: string[] = [];
  const weights = new Map<string, number>();
  const codes = new Set<string>();
  const add = (token: string, weight: number): void => {
    if (seq.length >= MAX_PROFILE_TOKENS) return;
    seq.push(token);
    if (weight === CODE_WEIGHT) codes.add(token);
    weights.set(token, Math.max(weights.get(token) ?? 0, weight));
  };
  const named = new Set<string>();
  for (const m of text.matchAll(NAMED_CODE)) if (!CAPS_LABELS.has(m[0])) named.add(m[0].toLowerCase());
  for (const whole of wholeTokens(normaliseText(text))) {
    if (isCode(whole) || named.has(whole)) {
      add(whole, CODE_WEIGHT);
      continue;
    }
    for (const part of whole.split(/[._/+#-]+/)) {
      if (!part) continue;
      if (/\d/.test(part)) {
        if (isCode(part) || named.has(part)) add(part, CODE_WEIGHT);
        else if (/^\d{3,5}$/.test(part) && !/^(?:19|20)\d\d$/.test(part)) add(part, NUMBER_WEIGHT);
        else if (/^[a-z]{1,5}\d$|^[a-z]\d[a-z]$/.test(part)) add(part, 1); // sp3, s3, ec2, ipv6, k8s
        continue;
      }
      if (named.has(part)) {
        add(part, CODE_WEIGHT);
        continue;
      }
      if (part.length < 2 || STOPWORDS.has(part)) continue;
      const t = stem(part);
      add(t, GENERIC.has(t) ? GENERIC_WEIGHT : 1);
    }
  }
  let total = 0;
  for (const w of weights.values()) total += w;
  return { seq, weights, codes, total };
}

/**
 * A token that names one error: a hex code (0x8007000d), letters then digits (x509, e11000,
 * lnk2001, gh006, aadsts50076, kb5046617), letters-dash-digits (ora-12154), a program or library
 * file (update.exe). Not a host's number ("kmsrv01"), a version or a plain number.
 */
function isCode(token: string): boolean {
  return (
    /^0x[0-9a-f]{4,}$/.test(token) ||
    /^[a-z]{1,6}\d{3,8}[a-z]?$/.test(token) ||
    /^[a-z]{2,8}-\d{3,6}$/.test(token) ||
    /^[a-z0-9_-]+\.(?:exe|dll|sys|msi|ps1|jar|so)$/.test(token)
  );
}
