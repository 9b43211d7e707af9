/** Which text of an article each ranking field reads. */
import { ARCHIVE_FORMS, type Article } from '../article.js';
import type { FieldTexts } from './term-index.js';
import { identifierWords, terms } from './tokens.js';

const FIX_SECTIONS = ['resolution', 'workaround', 'status'];
const OWN_FIELDS = new Set(['symptoms', 'summary', 'cause', ...FIX_SECTIONS]);
/** Sections a team document's fields read on their own (`impact`, `diagnosis`), besides OWN_FIELDS. */
const TEAM_FIELDS = new Set([...OWN_FIELDS, 'impact', 'diagnosis']);

/** The article's text per ranking field (see RANKER_DEFAULTS.fields). */
export function articleFields(a: Article): FieldTexts {
  if (ARCHIVE_FORMS.includes(a.form)) return archiveFields(a);
  const s = a.sections;
  return {
    title: [a.title, ...titleExtras(a)].join('\n'),
    errors: a.errorMessages.join('\n'),
    symptoms: s.symptoms,
    summary: s.summary,
    cause: s.cause,
    impact: s.impact,
    diagnosis: s.diagnosis,
    fix: FIX_SECTIONS.map((k) => s[k] ?? '').join('\n'),
    more: otherSections(a, TEAM_FIELDS),
    meta: [a.product ?? '', ...a.appliesTo].join('\n'),
  };
}

/** The archive's fields, exactly as before team documents were read. */
function archiveFields(a: Article): FieldTexts {
  const s = a.sections;
  return {
    title: a.title,
    errors: a.errorMessages.join('\n'),
    symptoms: s.symptoms,
    summary: s.summary,
    cause: s.cause,
    fix: FIX_SECTIONS.map((k) => s[k] ?? '').join('\n'),
    more: otherSections(a, OWN_FIELDS),
    meta: [a.product ?? '', ...a.appliesTo].join('\n'),
  };
}

function otherSections(a: Article, own: ReadonlySet<string>): string {
  return Object.entries(a.sections)
    .filter(([name]) => !own.has(name))
    .map(([, text]) => text ?? '')
    .join('\n');
}

/**
 * Title words a team document's title does not spell out: its alert names whole (a pasted
 * "etcdNoLeader" is one token) and split into words (etcd no leader), and its file stem's words
 * ("prometheus-is-down", "KubeAPIErrorBudgetBurn"); each once, lower-cased, none the title has.
 */
export function titleExtras(a: Article): string[] {
  const seen = new Set(a.title.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const out: string[] = [];
  const add = (w: string): void => {
    const lower = w.toLowerCase();
    if (lower && !seen.has(lower)) {
      seen.add(lower);
      out.push(lower);
    }
  };
  for (const name of a.alertNames) {
    add(name);
    identifierWords(name).forEach(add);
  }
  identifierWords(fileStem(a.path)).forEach(add);
  return out;
}

/**
 * The words a team document is named by: its title, alert names and file stem, identifiers split
 * into words ("CephOSDNearFull" → ceph osd near full), as ranking terms, each once. A message that
 * holds all of them names the document in words.
 */
export function titleTerms(a: Article): string[] {
  const names = [a.title, ...a.alertNames, fileStem(a.path)];
  return [...new Set(names.flatMap((n) => identifierWords(n).flatMap((w) => terms(w))))];
}

/** The file name without its folder and its last extension. */
function fileStem(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The text an article quotes errors in: matched word for word against pasted errors. */
export function quotableText(a: Article): string {
  const s = a.sections;
  return [a.title, ...a.errorMessages, s.symptoms ?? '', s.summary ?? '', s.cause ?? ''].join('\n');
}
