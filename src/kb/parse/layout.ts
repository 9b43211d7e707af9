import type { ArticleForm } from '../article.js';
import { ArticleParseError } from '../errors.js';
import { FOOTER_FIELD, KB_CATEGORY_LINES, QUERY_WORDS, hasRegistryWarning } from './boilerplate.js';
import { camelKey, collapse } from './text.js';

/** The footer's "Additional query words:" and the words after it, up to a rule. */
const QUERY_WORDS_TEXT = new RegExp(String.raw`${QUERY_WORDS.source}([\s\S]*?)(?:={10,}|$)`, 'i');

/** One headed part of the article body, raw (boilerplate still in). */
export interface RawSection {
  heading: string;
  key: string;
  text: string;
}

/** The body of an article cut into its parts. */
export interface Layout {
  appliesTo: string[];
  /** Text before the first heading (kbclone lines, the registry IMPORTANT note, intro prose). */
  preamble: string;
  sections: RawSection[];
  footer: Record<string, string>;
  queryWords: string;
  registryWarning: boolean;
}

const KNOWN_SECTIONS: Record<string, string> = {
  SUMMARY: 'summary',
  SYMPTOMS: 'symptoms',
  SYMPTOM: 'symptoms',
  CAUSE: 'cause',
  RESOLUTION: 'resolution',
  WORKAROUND: 'workaround',
  STATUS: 'status',
  'MORE INFORMATION': 'moreInformation',
  REFERENCES: 'references',
  INTRODUCTION: 'introduction',
};

const APPLIES_TO = /The\s+information\s+in\s+this\s+article\s+applies\s+to\s*:([\s\S]*?)(?:-{10,}|={10,}|$)/i;

export function cutLayout(body: string, form: ArticleForm): Layout {
  const end = footerStart(body);
  if (end < 0) {
    throw new ArticleParseError(
      'kb_truncated',
      'truncated: the article ends before its footer (no "Keywords :" or copyright line)',
    );
  }
  const footerText = body.slice(end);
  const footer: Record<string, string> = {};
  for (const m of footerText.matchAll(FOOTER_FIELD)) {
    const label = m[1]!.replace(/\s+/g, ' ').toLowerCase();
    if (!(label in footer)) footer[label] = collapse(m[2]!);
  }
  const qw = QUERY_WORDS_TEXT.exec(footerText);

  let main = body.slice(0, end).replace(KB_CATEGORY_LINES, (_, category: string, subcategory?: string) => {
    footer['kbcategory'] = collapse(`${footer['kbcategory'] ?? ''} ${category}`);
    footer['kbsubcategory'] = collapse(`${footer['kbsubcategory'] ?? ''} ${subcategory ?? ''}`);
    return '';
  });
  let appliesTo: string[] = [];
  const at = APPLIES_TO.exec(main);
  if (at) {
    appliesTo = splitAppliesTo(at[1]!);
    main = main.slice(at.index + at[0].length);
  } else {
    // Skip the header's closing rule and a following dashed rule.
    main = main.replace(/^\s*={10,}\s*(?:-{10,})?/, '');
  }

  const headings = findHeadings(main, form);
  const sections: RawSection[] = [];
  headings.forEach((h, i) => {
    const next = headings[i + 1];
    sections.push({ heading: h.heading, key: h.key, text: main.slice(h.end, next ? next.start : main.length) });
  });
  return {
    appliesTo,
    preamble: main.slice(0, headings[0]?.start ?? main.length),
    sections,
    footer,
    queryWords: qw ? collapse(qw[1]!) : '',
    registryWarning: hasRegistryWarning(main),
  };
}

/** Where the footer begins: "Additional query words:", else the rule before "Keywords :". */
function footerStart(body: string): number {
  let last = -1;
  for (const m of body.matchAll(QUERY_WORDS)) last = m.index;
  if (last >= 0) return last;
  const kw = /(?:={20,}\s*)?Keywords\s+:/g;
  let k = -1;
  for (const m of body.matchAll(kw)) k = m.index;
  if (k >= 0) return k;
  const d = /THE\s+INFORMATION\s+PROVIDED\s+IN\s+THE\s+MICROSOFT/i.exec(body);
  return d ? d.index : -1;
}

function splitAppliesTo(s: string): string[] {
  return collapse(s)
    .split(/(?:^|\s)-\s+(?=[A-Z0-9])/)
    .map((x) => x.trim())
    .filter(Boolean);
}

interface Heading {
  heading: string;
  key: string;
  start: number;
  end: number;
}

/**
 * Headings are upper-case text underlined by a run of "=" (or "-" for the well-known
 * names) exactly as long as the text. The length rule finds them in the collapsed form too.
 */
export function findHeadings(s: string, form: ArticleForm): Heading[] {
  const out: Heading[] = [];
  const runs = /(?<=^|\s)(={3,}|-{3,})(?=\s|$)/g;
  for (const m of s.matchAll(runs)) {
    const len = m[1]!.length;
    let q = m.index;
    while (q > 0 && /\s/.test(s[q - 1]!)) q--;
    const gap = s.slice(q, m.index);
    if (form !== 'collapsed' && (gap.match(/\n/g)?.length ?? 0) !== 1) continue;
    const from = q - len;
    if (from < 0) continue;
    if (from > 0 && !/\s/.test(s[from - 1]!)) continue;
    if (form !== 'collapsed') {
      const lineStart = s.lastIndexOf('\n', from - 1) + 1;
      if (s.slice(lineStart, from).trim()) continue;
    }
    const text = s.slice(from, q);
    if (!/^[A-Z][A-Z0-9 ,&/()'.:-]*$/.test(text) || !/[A-Z]{2}/.test(text) || /\s{2}/.test(text)) continue;
    const known = KNOWN_SECTIONS[text];
    if (m[1]![0] === '-' && !known) continue;
    const prev = out[out.length - 1];
    if (prev && from < prev.end) continue;
    out.push({ heading: text, key: known ?? camelKey(text), start: from, end: m.index + len });
  }
  return out;
}
