/**
 * A team fix (issue #24) as the searchable record the ranker reads: an Article whose title is the
 * fix's title, whose symptoms and error messages are the errors pasted in its thread, and whose
 * resolution is the fix exactly as written (its steps read as the doc reader reads a runbook's).
 * Also the title rules: the title given, else the first line of the first error, else the first
 * line of the fix.
 */
import type { Article } from '../kb/article.js';
import { extractRegistryKeys } from '../kb/parse/registry.js';
import { collapse, unique } from '../kb/parse/text.js';
import type { FixRecord } from '../memory/types.js';
import { ArticleParseError } from '../kb/errors.js';
import { parseDocument } from '../kb/parse/doc/index.js';
import { isoDate } from './export.js';

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
