/** Which text of an article each ranking field reads. */
import type { Article } from '../article.js';
import type { FieldTexts } from './term-index.js';

const FIX_SECTIONS = ['resolution', 'workaround', 'status'];
const OWN_FIELDS = new Set(['symptoms', 'summary', 'cause', ...FIX_SECTIONS]);

/** The article's text per ranking field (see RANKER_DEFAULTS.fields). */
export function articleFields(a: Article): FieldTexts {
  const s = a.sections;
  const more = Object.entries(s)
    .filter(([name]) => !OWN_FIELDS.has(name))
    .map(([, text]) => text ?? '')
    .join('\n');
  return {
    title: a.title,
    errors: a.errorMessages.join('\n'),
    symptoms: s.symptoms,
    summary: s.summary,
    cause: s.cause,
    fix: FIX_SECTIONS.map((k) => s[k] ?? '').join('\n'),
    more,
    meta: [a.product ?? '', ...a.appliesTo].join('\n'),
  };
}

/** The text an article quotes errors in: matched word for word against pasted errors. */
export function quotableText(a: Article): string {
  const s = a.sections;
  return [a.title, ...a.errorMessages, s.symptoms ?? '', s.summary ?? '', s.cause ?? ''].join('\n');
}
