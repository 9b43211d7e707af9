import type { ArticleForm } from '../article.js';
import { ArticleParseError } from '../errors.js';
import { decodeEntities } from '../../text/chat-markup.js';
import { collapse, isoDate } from './text.js';

/**
 * What the three forms carry in their headers, read alike, plus the rest of the
 * article (`body`) in a shape the later steps share: for the text and markdown forms
 * the original lines (markdown's tab indent removed), for the collapsed form one line.
 */
export interface Envelope {
  form: ArticleForm;
  id: string;
  title: string;
  product: string | null;
  /** "[exchange]" tag of the text forms, without brackets. */
  categoryTag: string | null;
  /** PROD/VER or "Version(s)" value, raw. */
  prodVer: string;
  operatingSystems: string;
  date: string | null;
  keywords: string[];
  body: string;
}

const TEXT_HEADER =
  /^DOCUMENT:\s*(Q\d+)\s*(\d{1,2}-[A-Za-z]{3}-\d{4})?\s*(?:\[([^\]]*)\])?\s*TITLE\s*:\s*(.*?)\s*PRODUCT\s*:\s*(.*?)\s*PROD\/VER\s*:\s*(.*?)\s*OPER\/SYS\s*:\s*(.*?)\s*KEYWORDS\s*:\s*(.*)$/s;
/** The rule that ends the header: "=====", or in a few older articles "-----". */
const HEADER_END = /={10,}|-{10,}/;

/** Split a decoded file into its form, header fields and body. Throws for non-articles. */
export function readEnvelope(text: string): Envelope {
  const start = text.trimStart();
  if (start.startsWith('---')) return readMarkdown(start);
  if (/^DOCUMENT:\s*Q\d+/.test(start)) return readText(start);
  throw new ArticleParseError(
    'kb_not_article',
    'not a KB article: expected a "DOCUMENT:Q…" header or Jekyll front matter with an "Article: Q…" line',
  );
}

function readText(text: string): Envelope {
  const end = HEADER_END.exec(text);
  if (!end)
    throw new ArticleParseError('kb_truncated', 'truncated: the header never ends (no "=====" line after KEYWORDS)');
  const head = collapse(text.slice(0, end.index));
  const m = TEXT_HEADER.exec(head);
  if (!m)
    throw new ArticleParseError(
      'kb_not_article',
      'not a KB article: the DOCUMENT header lacks TITLE/PRODUCT/PROD/VER/KEYWORDS',
    );
  const body = text.slice(end.index);
  const lines = body.split('\n').length;
  return {
    form: lines <= 2 ? 'collapsed' : 'text',
    id: m[1]!.toUpperCase(),
    date: isoDate(m[2]),
    categoryTag: m[3]?.trim().toLowerCase() || null,
    title: m[4]!.trim(),
    product: m[5]!.trim() || null,
    prodVer: m[6]!.trim(),
    operatingSystems: m[7]!.trim(),
    keywords: splitWords(m[8]!),
    body,
  };
}

function readMarkdown(text: string): Envelope {
  const fm = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (!fm)
    throw new ArticleParseError('kb_not_article', 'not a KB article: front matter is not closed by a "---" line');
  const front = parseFrontMatter(fm[1]!);
  let lines = text.slice(fm[0].length).split('\n');
  lines = lines.filter((l) => !/^\s*\{%-?\s*(?:end)?raw\s*-?%\}\s*$/.test(l));
  const h2 = lines.findIndex((l) => /^#{1,6}\s/.test(l));
  if (h2 >= 0 && lines.slice(0, h2).every((l) => !l.trim())) lines = lines.slice(h2 + 1);
  lines = lines.map((l) => (l.startsWith('\t') ? l.slice(1) : l));

  const fields: Record<string, string> = {};
  let i = 0;
  while (i < lines.length && !lines[i]!.trim()) i++;
  for (; i < lines.length; i++) {
    const m = /^\s*([A-Za-z ()]+?)\s*:\s?(.*)$/.exec(lines[i]!);
    if (!m || /^-{5,}|^={5,}/.test(lines[i]!.trim())) break;
    fields[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  const articleId = /^Q\d+$/i.exec(fields['article'] ?? '')?.[0];
  const titleId = /^(Q\d+):\s*/i.exec(front['title'] ?? '');
  const id = (articleId ?? titleId?.[1] ?? /\/(Q\d+)\/?$/i.exec(front['permalink'] ?? '')?.[1])?.toUpperCase();
  if (!id)
    throw new ArticleParseError('kb_not_article', 'not a KB article: the markdown page has no "Article: Q…" line');
  const rest = lines.slice(i);
  if (!rest.some((l) => l.trim()))
    throw new ArticleParseError('kb_truncated', 'truncated: the page ends after its header');
  // KB pages write the title with HTML character references ("Error 1068 &quot;RIP ...&quot;"); the other forms have the characters.
  const title = collapse(decodeEntities(front['title'] ?? '').replace(/^Q\d+:\s*/i, ''));
  if (!title) throw new ArticleParseError('kb_not_article', 'not a KB article: the markdown page has no title');
  const permalinkCategory =
    /(?:^|\/)kb\/([a-z][a-z0-9]*)\//i.exec(front['permalink'] ?? '')?.[1]?.toLowerCase() ?? null;
  return {
    form: 'markdown',
    id,
    title,
    product: fields['product(s)'] || null,
    categoryTag: permalinkCategory,
    prodVer: fields['version(s)'] ?? '',
    operatingSystems: fields['operating system(s)'] ?? '',
    date: isoDate(fields['last modified']),
    keywords: splitWords(fields['keyword(s)'] ?? ''),
    body: rest.join('\n'),
  };
}

/** The flat `key: value` YAML that Jekyll pages use; quoted values unescaped. */
function parseFrontMatter(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of src.split('\n')) {
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
      v = v.slice(1, -1).replace(/\\(["\\/])/g, '$1');
    } else if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) {
      v = v.slice(1, -1).replace(/''/g, "'");
    }
    out[m[1]!.toLowerCase()] = v;
  }
  return out;
}

function splitWords(s: string): string[] {
  return s.split(/[\s,]+/).filter(Boolean);
}
