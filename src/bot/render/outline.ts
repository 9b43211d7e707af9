/**
 * What an answer shows, in order, for its view: the part list every renderer walks, so the
 * console, Slack and Teams agree on content and differ only in form.
 *
 * - summary: symptoms, cause, the registry warning, the fix (an archive article's resolution in
 *   its own words, then its steps; or prose; or "no fix"), status, registry keys the steps do not
 *   already name, files, related articles.
 * - steps: the warning, the fix, registry keys the steps do not name, and files.
 * - full: the warning, then every section of the article with its heading, "no fix" when there is
 *   none, registry keys, files, related articles.
 */
import type { AnswerStep, ArticleAnswer, CodeBlock, RelatedArticle, Rich } from '../reply.js';
import { docBlocks, inlineCode } from './doc-text.js';
import { collapse } from './escape.js';

/** One item of a team document's list: nesting depth (0: top), marker ("-", "1.", "a.") and its text with code marked. */
export interface ListLine {
  depth: number;
  marker: string;
  text: Rich;
}

/**
 * A paragraph of an article section; `quoted` paragraphs (indented in the article: error texts,
 * keys) keep their lines. A team document's paragraph also says what it is: prose with inline
 * code marked (`rich`), a sub-heading (`heading`), a list (`list`) or a code block (`code`; its
 * `text` is the code, lines kept). Renderers that know none of these still show `text`.
 */
export interface Paragraph {
  text: string;
  quoted: boolean;
  rich?: Rich;
  heading?: true;
  list?: ListLine[];
  code?: CodeBlock;
}

export type Part =
  | { kind: 'text'; heading: string; paragraphs: Paragraph[] }
  | { kind: 'warning'; text: string }
  /** Numbered steps; `lead` is the fix in the article's own words, shown under the heading before them. */
  | { kind: 'steps'; heading: string; steps: AnswerStep[]; lead?: Paragraph[] }
  | { kind: 'no_fix'; text: string }
  | { kind: 'list'; heading: string; items: Rich[] }
  | { kind: 'related'; items: RelatedArticle[] };

/** Split section text at blank lines; indented paragraphs are quoted, others collapsed to one line. */
export function paragraphsOf(text: string): Paragraph[] {
  return text
    .split(/\n[ \t]*\n/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const quoted = /^[ \t]{2,}\S/.test(chunk) && !/^\s*(?:\d+[.)]|[-*•])\s/.test(chunk);
      return quoted
        ? {
            text: chunk
              .split('\n')
              .map((l) => collapse(l))
              .filter(Boolean)
              .join('\n'),
            quoted,
          }
        : { text: collapse(chunk), quoted };
    });
}

/** A team document's section text as paragraphs: prose with inline code, sub-headings, lists and code blocks. */
export function docParagraphsOf(text: string): Paragraph[] {
  return docBlocks(text).map((b): Paragraph => {
    switch (b.kind) {
      case 'para':
        return { text: b.text, quoted: false, rich: inlineCode(b.text) };
      case 'heading':
        return { text: b.text, quoted: false, rich: inlineCode(b.text), heading: true };
      case 'list':
        return {
          text: b.items.map((it) => `${'  '.repeat(it.depth)}${it.marker} ${it.text}`).join('\n'),
          quoted: false,
          list: b.items.map((it) => ({ depth: it.depth, marker: it.marker, text: inlineCode(it.text) })),
        };
      case 'code':
        return { text: b.text, quoted: true, code: { lang: b.lang, text: b.text } };
    }
  });
}

const prose = (heading: string, text: string | undefined, doc = false): Part[] =>
  text?.trim() ? [{ kind: 'text', heading, paragraphs: doc ? docParagraphsOf(text) : paragraphsOf(text) }] : [];

function fixParts(a: ArticleAnswer): Part[] {
  const doc = a.format === 'doc';
  const heading = a.runbook ? 'Mitigation' : 'Fix';
  if (a.steps.length && a.stepsOf !== 'diagnosis') {
    // An archive article's resolution in its own words leads its steps (issue #25).
    const lead = !doc && a.fixText?.trim() ? paragraphsOf(a.fixText) : [];
    return [{ kind: 'steps', heading, steps: a.steps, ...(lead.length ? { lead } : {}) }];
  }
  if (a.fixText?.trim()) return prose(heading, a.fixText, doc);
  return a.noFix ? [{ kind: 'no_fix', text: a.noFix }] : [];
}

/** The diagnosis: its steps when the numbered steps are the article's diagnosis, else its text. */
function diagnosisParts(a: ArticleAnswer): Part[] {
  if (a.stepsOf === 'diagnosis' && a.steps.length) return [{ kind: 'steps', heading: 'Diagnosis', steps: a.steps }];
  return prose('Diagnosis', a.diagnosis, true);
}

/**
 * A team document's outline. Summary: its symptoms ("Meaning" in an alert runbook) or summary,
 * cause, impact, diagnosis with its first commands, the warning, the fix ("Mitigation" in a
 * runbook), status, the start of its other sections when no heading matched a known one, then
 * keys, files and related articles. Steps: the warning, the diagnosis steps when they are all
 * the steps there are, the fix. Full: every section under its heading.
 */
function docOutline(a: ArticleAnswer, warnings: Part[]): Part[] {
  if (a.view === 'steps') {
    const diagnosis = a.stepsOf === 'diagnosis' ? diagnosisParts(a) : [];
    return withReferences(a, false, [...warnings, ...diagnosis, ...fixParts(a)]);
  }
  if (a.view === 'full' && a.sections?.length) {
    const noFix: Part[] = a.noFix ? [{ kind: 'no_fix', text: a.noFix }] : [];
    return withReferences(a, true, [
      ...warnings,
      ...a.sections.flatMap((s) => prose(s.heading, s.text, true)),
      ...noFix,
    ]);
  }
  return withReferences(a, true, [
    ...prose('Summary', a.summary, true),
    ...prose(a.runbook ? 'Meaning' : 'Symptoms', a.symptoms, true),
    ...prose('Cause', a.cause, true),
    ...prose('Impact', a.impact, true),
    ...diagnosisParts(a),
    ...(a.otherSections ?? []).flatMap((s) => prose(s.heading, s.text, true)),
    ...warnings,
    ...fixParts(a),
    ...prose('Status', a.status, true),
  ]);
}

/** The text of the steps (and their lead) among `parts`, whitespace collapsed and in lower case. */
function stepsTextOf(parts: readonly Part[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.kind !== 'steps') continue;
    for (const p of part.lead ?? []) texts.push(p.text);
    for (const step of part.steps) {
      texts.push(richText(step.text), ...step.items.map(richText));
      for (const d of step.details ?? []) texts.push(d.kind === 'code' ? d.code.text : richText(d.text));
    }
  }
  return collapse(texts.join(' ')).toLowerCase();
}

/**
 * `body`, then the registry keys, files and (with `withRelated`) related articles. A registry key
 * the steps shown already name is not listed again; when they name every key, there is no list.
 */
function withReferences(a: ArticleAnswer, withRelated: boolean, body: Part[]): Part[] {
  const said = stepsTextOf(body);
  // Named whole: a step naming "...\KMServerOld" or "...\KMServer\Keys" does not name "...\KMServer".
  const named = (key: string): boolean => {
    const k = collapse(key).toLowerCase();
    for (let at = said.indexOf(k); at >= 0; at = said.indexOf(k, at + 1))
      if (!/[\w\\]/.test(said[at + k.length] ?? '')) return true;
    return false;
  };
  const keys = a.registryKeys.filter((k) => !named(k));
  const parts: Part[] = [...body];
  if (keys.length)
    parts.push({ kind: 'list', heading: 'Registry keys', items: keys.map((k) => [{ text: k, code: true }]) });
  if (a.files.length)
    parts.push({
      kind: 'list',
      heading: 'Files',
      items: a.files.map((f) => [{ text: f.name, code: true }, { text: f.version ? ` ${f.version}` : '' }]),
    });
  if (withRelated && a.related.length) parts.push({ kind: 'related', items: a.related });
  return parts;
}

export function outline(a: ArticleAnswer): Part[] {
  const warnings: Part[] = a.warnings.map((text) => ({ kind: 'warning', text }));
  if (a.format === 'doc') return docOutline(a, warnings);
  if (a.view === 'steps') return withReferences(a, false, [...warnings, ...fixParts(a)]);
  if (a.view === 'full' && a.sections?.length) {
    const noFix: Part[] = a.noFix ? [{ kind: 'no_fix', text: a.noFix }] : [];
    return withReferences(a, true, [...warnings, ...a.sections.flatMap((s) => prose(s.heading, s.text)), ...noFix]);
  }
  return withReferences(a, true, [
    ...prose('Symptoms', a.symptoms),
    ...prose('Cause', a.cause),
    ...warnings,
    ...fixParts(a),
    ...prose('Status', a.status),
  ]);
}

/**
 * "Close call: Q235418 XADM: Cannot Apply Service Pack on KM Server also matches — say "the other
 * one"": shown under the Matched line when another article matched almost as well; null when none did.
 */
export function closeCallText(a: ArticleAnswer): string | null {
  const other = a.closeCall;
  if (!other?.id) return null;
  const id = collapse(other.id);
  const full = collapse(other.title);
  // Said once: a title that repeats the id ("Q235418: XADM: ...") loses its copy.
  const title = full.startsWith(`${id}:`) ? full.slice(id.length + 1).trim() : full;
  return `Close call: ${id}${title ? ` ${title}` : ''} also matches — say "the other one"`;
}

/** How an answer is titled: "Q290226: XADM: …" for an archive article, a team document's own title (its id is a path). */
export const answerTitle = (a: ArticleAnswer): string => (a.format === 'doc' ? a.title : `${a.id}: ${a.title}`);

/** The label of the link to the article: "Open Q290226", or "Open article" for a team document. */
export const openLabel = (a: ArticleAnswer): string => (a.format === 'doc' ? 'Open article' : `Open ${a.id}`);

/** "Microsoft Exchange Server, version 5.5" when it says more than the product, else the product. */
export function appliesToOf(a: ArticleAnswer): string | null {
  const list = a.appliesTo.map(collapse).filter(Boolean);
  return list.length ? list.join('; ') : a.product;
}

/** "Q235418 (XADM: Cannot Apply Service Pack on KM Server)" or just "Q235418". */
export const relatedLabel = (r: RelatedArticle): string => (r.title ? `${r.id} (${collapse(r.title)})` : r.id);

/** A step as one string, for measuring and for plain fallbacks. */
export const richText = (rich: Rich): string => rich.map((s) => s.text).join('');

/** A no-match reply as lines: what was said, then each hint as a bullet (the chat renderers' form). */
export function noMatchLines(reply: { text: string; hints: string[] }): string[] {
  return [reply.text, ...reply.hints.map((h) => `• ${collapse(h)}`)];
}
