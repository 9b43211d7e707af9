/** The readable (non-JSON) view of a parsed article for `kbbot parse`. */
import type { Article } from '../kb/article.js';

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function describeArticle(a: Article): string {
  const sections = Object.keys(a.sections).filter((k) => a.sections[k] !== undefined);
  return [
    `${a.id}  ${a.title}`,
    `  file:      ${a.path} (${a.form})`,
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
  ].join('\n');
}
