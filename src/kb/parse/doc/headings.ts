/**
 * Which section a heading stands for: the default vocabulary below, plus what configuration adds
 * (KB_HEADINGS, passed in as ParseContext.headings).
 */
import type { HeadingVocabulary, SectionName } from '../context.js';

/**
 * Default headings per section, as people write them in runbooks (Meaning, Impact, Diagnosis,
 * Mitigation), support articles (Symptoms, Cause, Resolution, Workaround) and team docs. Matched
 * case-folded, as the whole heading or its first words ("Workaround 2: …", "Symptoms – how …").
 */
export const DEFAULT_HEADINGS: Readonly<Record<SectionName, readonly string[]>> = {
  symptoms: [
    'Symptom',
    'Symptoms',
    'Problem',
    'Issue',
    'Error',
    'Description',
    'Alert description',
    'Summary',
    'Meaning',
    'What you see',
  ],
  cause: ['Cause', 'Causes', 'Root cause', 'Why', 'Reason', 'Possible causes'],
  impact: ['Impact'],
  diagnosis: [
    'Diagnosis',
    'Diagnostics',
    'Troubleshooting',
    'Troubleshoot',
    'Investigation',
    'How to check',
    'Possible checks',
    'Steps to check',
  ],
  resolution: [
    'Resolution',
    'Fix',
    'Solution',
    'Mitigation',
    'Remediation',
    'Workaround',
    'Steps',
    'What to do',
    'Recommended actions',
  ],
};

/** Section order, for matching: the first section with the longest matching phrase wins. */
const SECTIONS: readonly SectionName[] = ['symptoms', 'cause', 'impact', 'diagnosis', 'resolution'];

/** A heading as matched: case-folded, numbering and trailing punctuation removed, words single-spaced. */
export function normaliseHeading(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_~]/g, '')
    .replace(/^\s*(?:\d+(?:\.\d+)*[.)]?|[a-z][.)]|step\s+\d+[.:)]?)\s+/, '')
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Phrase → section, longest phrases first. */
export type HeadingMatcher = (heading: string) => SectionName | null;

/**
 * The matcher for the defaults merged with `extra`: each section gains its extra headings, and a
 * heading given for one section is taken out of the others' defaults.
 */
export function headingMatcher(extra: HeadingVocabulary = {}): HeadingMatcher {
  const given = new Map<string, SectionName>();
  for (const s of SECTIONS) for (const h of extra[s] ?? []) if (normaliseHeading(h)) given.set(normaliseHeading(h), s);
  const phrases = new Map<string, SectionName>();
  for (const s of SECTIONS)
    for (const h of DEFAULT_HEADINGS[s]) {
      const n = normaliseHeading(h);
      if (!given.has(n) && !phrases.has(n)) phrases.set(n, s);
    }
  for (const [n, s] of given) phrases.set(n, s);
  const byLength = [...phrases.entries()].sort((a, b) => b[0].length - a[0].length);
  return (heading) => {
    const n = normaliseHeading(heading);
    if (!n) return null;
    const whole = phrases.get(n);
    if (whole) return whole;
    for (const [phrase, section] of byLength) if (n.startsWith(phrase + ' ')) return section;
    return null;
  };
}
