/** The readable (non-JSON) view of a parsed article for `kbbot parse`. */
import type { Article } from '../kb/article.js';

/** Characters of an impact or diagnosis excerpt shown. */
const EXCERPT_CHARS = 100;

/** The start of a section on one line. */
const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 3).trimEnd()}...` : flat;
};

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function describeArticle(a: Article): string {
  const sections = Object.keys(a.sections).filter((k) => a.sections[k] !== undefined);
  return [
    `${a.id}  ${a.title}`,
    `  file:      ${a.path} (${a.form})`,
    // The team-document fields, shown when set (the archive's articles read as before).
    ...(a.source ? [`  source:    ${a.source}`] : []),
    ...(a.url ? [`  url:       ${a.url}`] : []),
    ...(a.alertNames.length ? [`  alerts:    ${a.alertNames.join(', ')}`] : []),
    `  product:   ${a.product ?? '-'}${a.category ? ` [${a.category}]` : ''}`,
    `  versions:  ${a.versions.join(', ') || '-'}`,
    `  date:      ${a.date ?? '-'}`,
    `  type:      ${a.issueType ?? '-'} / ${a.solutionType ?? '-'}`,
    `  sections:  ${sections.join(', ') || '-'}`,
    `  counts:    ${[
      count(a.errorMessages.length, 'error message'),
      count(a.steps.length, 'step'),
      count(a.registryKeys.length, 'registry key'),
      count(a.files.length, 'file'),
      count(a.related.length, 'related article'),
      count(a.keywords.length, 'keyword'),
    ].join(', ')}`,
    ...(a.registryWarning ? ['  registry warning: yes'] : []),
    ...(a.sections.impact?.trim() ? [`  impact:    ${excerpt(a.sections.impact)}`] : []),
    ...(a.sections.diagnosis?.trim() ? [`  diagnosis: ${excerpt(a.sections.diagnosis)}`] : []),
  ].join('\n');
}
