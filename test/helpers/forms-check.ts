// What the forms tests share (forms.test.ts here, test/corpus/forms-agreement.test.ts): the collapsed and
// markdown forms made from an original-form article, written with random line endings, encodings and
// {% raw %} tags, must parse to the same article.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Article } from '../../src/kb/article.js';
import { toCollapsedForm, toMarkdownForm } from '../../src/kb/forms.js';
import { parseArticle } from '../../src/kb/parse/index.js';
import { decodeCp1252 } from '../../src/kb/parse/decode.js';

const flat = (s: string): string => s.replace(/\s+/g, ' ').trim();
/** The fields that must agree exactly between forms (sections compared without line layout). */
const comparable = (a: Article) => ({
  id: a.id,
  title: a.title,
  sections: Object.fromEntries(Object.entries(a.sections).map(([k, v]) => [k, flat(v ?? '')])),
  steps: a.steps,
  registryKeys: a.registryKeys,
  files: a.files,
  related: a.related,
});

const CP1252: Record<string, number> = {
  '\u2019': 0x92,
  '\u2018': 0x91,
  '\u201c': 0x93,
  '\u201d': 0x94,
  '\u2013': 0x96,
  '\u2014': 0x97,
};
/** Encode as Windows-1252 (what old KB files carry), with curly apostrophes to make it matter. */
function cp1252Bytes(text: string): Buffer {
  const curly = text.replace(/(\w)'(\w)/g, '$1\u2019$2');
  return Buffer.from([...curly].map((ch) => CP1252[ch] ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f)));
}
/** A corpus file's text: UTF-8 when it is valid UTF-8, else Windows-1252. */
export const decode = (b: Buffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return decodeCp1252(b);
  }
};

/** How a generated form may be written: line endings, {% raw %} tags, encoding, trailing spaces. */
export const variant = fc.record({
  crlf: fc.boolean(),
  raw: fc.boolean(),
  cp1252: fc.boolean(),
  trailingSpaces: fc.boolean(),
});

/** An original-form article and the collapsed and markdown forms made from it (written as `v` says) give the same article. */
export function checkForms(
  original: string,
  path: string,
  v: { crlf: boolean; raw: boolean; cp1252: boolean; trailingSpaces: boolean },
): void {
  const lf = original.replace(/\r\n?/g, '\n');
  let text = v.trailingSpaces ? lf.replace(/\n/g, '  \n') : lf;
  if (v.crlf) text = text.replace(/\r?\n/g, '\r\n');
  const bytes = (s: string): Buffer => (v.cp1252 ? cp1252Bytes(s) : Buffer.from(s, 'utf8'));
  const base = parseArticle(bytes(text), path);
  const collapsed = parseArticle(bytes(toCollapsedForm(text)), path);
  const markdown = parseArticle(bytes(toMarkdownForm(text, { raw: v.raw })), path);
  expect(base.form).toBe('text');
  expect(collapsed.form).toBe('collapsed');
  expect(markdown.form).toBe('markdown');
  expect(comparable(collapsed)).toEqual(comparable(base));
  expect(comparable(markdown)).toEqual(comparable(base));
  expect(markdown.errorMessages).toEqual(base.errorMessages);
}
