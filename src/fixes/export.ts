/**
 * A team fix as a Markdown file kbbot's own doc reader reads back as the same article (issue #24,
 * design 3.8): YAML front matter (written with the `yaml` package) with the id, title, date, link
 * and author; `# title`; `## Symptoms` with each error pasted in the thread; `## Resolution` with
 * the fix exactly as written. The file is named by the id, so the id holds even without the front
 * matter. Editing the fix belongs in the runbook repo it is exported to.
 */
import { stringify } from 'yaml';
import type { Article } from '../kb/article.js';
import { ArticleParseError } from '../kb/errors.js';
import { parseDocument } from '../kb/parse/doc/index.js';
import { collapse } from '../kb/parse/text.js';
import type { FixRecord } from '../memory/types.js';

/** Front matter `source` of an exported fix: says where the file came from (not a link, so never read as one). */
export const EXPORT_SOURCE = 'kbbot team fix';

/** A title the reader would take, in front matter, for an archive article's ("Q290226: …"). */
const ARCHIVE_TITLE = /^\s*["']?Q\d+:/i;

/** The ISO date (yyyy-mm-dd, UTC) of a time in ms since the epoch. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The file an exported fix is written to, relative to the export folder ("fix-12.md"). */
export function fixFileName(fix: Pick<FixRecord, 'id'>): string {
  return `${fix.id}.md`;
}

/** The fix as a Markdown document (see the file comment), ending with a newline. */
export function fixMarkdown(fix: FixRecord): string {
  const front: Record<string, unknown> = {
    id: fix.id,
    // A title starting "Q290226:" in the front matter would make the file read as an archive article
    // (`isArchiveText`); the `# title` line gives the title then.
    ...(ARCHIVE_TITLE.test(fix.title) ? {} : { title: fix.title }),
    date: isoDate(fix.savedAt),
    ...(fix.permalink ? { url: fix.permalink } : {}),
    author: fix.authorName ? `${fix.author} (${fix.authorName})` : fix.author,
    ...(fix.savedBy ? { saved_by: fix.savedBy } : {}),
    saved_at: new Date(fix.savedAt).toISOString(),
    source: EXPORT_SOURCE,
    // `keywords`, not `codes`: the doc reader indexes a document's keywords.
    ...(fix.codes.length ? { keywords: [...fix.codes] } : {}),
    ...(fix.offered.length ? { offered: fix.offered.map((o) => ({ article: o.articleId, verdict: o.verdict })) } : {}),
  };
  const parts = [
    `---\n${stringify(front, { lineWidth: 0 })}---`,
    `# ${escapeInline(collapse(withoutControls(fix.title)))}`,
  ];
  const errors = fix.errors.filter((e) => e.trim());
  if (errors.length) parts.push('## Symptoms', ...errors.map(errorBlock));
  parts.push('## Resolution', fix.text.trim() || '(no text)');
  return `${parts.join('\n\n')}\n`;
}

/**
 * The export of `fix` read back by the doc reader (as `kbbot parse` would read the file); null when
 * the reader refuses it (a fix that is only a link has no words of its own).
 */
export function readFixMarkdown(fix: FixRecord): Article | null {
  try {
    return parseDocument(fixMarkdown(fix), fixFileName(fix), {});
  } catch (error) {
    if (error instanceof ArticleParseError) return null;
    throw error;
  }
}

/**
 * One error as a block the reader takes back as that error: a `text` fence (output, kept as
 * pasted), else, when the reader would not take the fence as an error (a line it reads as a shell
 * prompt or command), a block quote with the text escaped. Whichever round-trips is used.
 */
function errorBlock(error: string): string {
  const fenced = fence(error);
  if (readsAsError(fenced, error)) return fenced;
  const quoted = blockquote(error);
  return readsAsError(quoted, error) ? quoted : fenced;
}

/** Does the reader take `block`, under a Symptoms heading, as `error`? */
function readsAsError(block: string, error: string): boolean {
  try {
    return parseDocument(`## Symptoms\n\n${block}\n`, 'error.md', {}).errorMessages.includes(collapse(error));
  } catch {
    return false;
  }
}

/** `text` in a `text` fence one backtick longer than any run of backticks inside it (at least three). */
function fence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return `${marks}text\n${text.replace(/^\n+|\s+$/g, '')}\n${marks}`;
}

/** `text` as a block quote, every line escaped so the reader sees the characters as typed. */
function blockquote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line.trim() ? `> ${escapeLineStart(escapeInline(line.trim()))}` : '>'))
    .join('\n');
}

/** A line start Markdown reads as a list item or a heading underline ("- ", "+ ", "1. ", "2) ", "==="). */
const BLOCK_START = /^(?:[-+=]|\d{1,9}(?=[.)]))/;

/** `line` with a start that would make it a list item or a heading underline escaped. */
function escapeLineStart(line: string): string {
  return line.replace(BLOCK_START, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** ASCII punctuation Markdown could read as markup (emphasis, code, links, HTML, entities, headings, tables). */
const MARKUP = /[\\`*_[\]<>#&!~|]/g;

/** `text` with every character Markdown could read as markup backslash-escaped (CommonMark allows it for any ASCII punctuation). */
function escapeInline(text: string): string {
  return text.replace(MARKUP, '\\$&');
}

/** Text without control characters (a bell or an escape code pasted into a title would go into the file as is). */
function withoutControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
}
