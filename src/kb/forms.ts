/**
 * Render an article in the original KB text form as the other two forms the KB comes
 * in: collapsed (all whitespace folded onto one line) and the Jekyll markdown page.
 * Used by the property tests and the form-agreement benchmark; also handy to see what
 * kbbot accepts.
 */

/** The collapsed form: every run of whitespace becomes one space. */
export function toCollapsedForm(original: string): string {
  return original.replace(/\s+/g, ' ').trim();
}

export interface MarkdownOptions {
  /** Wrap the body in `{% raw %}` / `{% endraw %}` (both occur in the wild). */
  raw?: boolean;
}

/** How the KB's Jekyll pages write these characters in a title. */
const PAGE_TITLE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  '<': '&lt;',
  '>': '&gt;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  '\\': '&#92;',
  _: '&#95;',
  $: '&#36;',
};

/** The Jekyll page form of an original-text article. Throws if `original` has no DOCUMENT header. */
export function toMarkdownForm(original: string, options: MarkdownOptions = {}): string {
  const text = original.replace(/\r\n?/g, '\n');
  const headerEnd = /^={10,}[ \t]*$/m.exec(text);
  if (!headerEnd) throw new Error('not an original-form article: no header rule');
  const field = (name: string): string => {
    const m = new RegExp(`^${name}\\s*:(.*)$`, 'm').exec(text.slice(0, headerEnd.index));
    return (m?.[1] ?? '').trim();
  };
  const doc = /^DOCUMENT:\s*(Q\d+)\s+(\S+)/.exec(text);
  if (!doc) throw new Error('not an original-form article: no DOCUMENT line');
  const id = doc[1]!;
  const title = field('TITLE');
  let body = text.slice(headerEnd.index + headerEnd[0].length).replace(/^\n/, '');
  const disclaimer = /\n\s*THE INFORMATION PROVIDED IN THE MICROSOFT KNOWLEDGE BASE/.exec(body);
  if (disclaimer) body = body.slice(0, disclaimer.index);
  const bodyLines = body.replace(/\s+$/, '').split('\n');
  const head = [
    `Article: ${id}`,
    `Product(s): ${field('PRODUCT')}`,
    `Version(s): ${field('PROD/VER')}`,
    `Operating System(s): ${field('OPER/SYS')}`,
    `Keyword(s): ${field('KEYWORDS')}`,
    `Last Modified: ${doc[2]}`,
    '',
  ];
  const num = id.slice(1);
  const folder = num.length > 3 ? num.slice(0, num.length - 3).padStart(3, '0') : '000';
  // KB pages escape the title as HTML character references, like the real pages do.
  const pageTitle = title.replace(/[&"<>[\]*\\_$]/g, (ch) => PAGE_TITLE_ESCAPES[ch] ?? ch);
  const quoted = JSON.stringify(`${id}: ${pageTitle}`);
  const out = [
    '---',
    'layout: page',
    `title: ${quoted}`,
    `permalink: kb/${folder}/${id}/`,
    '---',
    '',
    `## ${id}: ${pageTitle}`,
    '',
    ...(options.raw ? ['{% raw %}', ''] : []),
    ...[...head, ...bodyLines, ''].map((l) => `\t${l}`),
    ...(options.raw ? ['', '{% endraw %}'] : []),
    '',
  ];
  return out.join('\n');
}
