/**
 * A Teams message's body (`messagePayload.body` of a message action: HTML as the client wrote it)
 * as the Markdown-ish text a saved fix keeps, so its code and steps survive as written:
 *
 * - paragraphs (`p`, `div`, headings) and `br` end lines;
 * - code blocks (`pre`, `codeblock`) become fences, with the language from their `class` or their
 *   `code` element's when Teams gives one ("PowerShell", "language-bash"); inline `code` becomes
 *   backticks;
 * - list items become "- " or "1. " lines, nested lists indented;
 * - mentions (`<at>Ann</at>`) become "@Ann", emoji their `alt`, links their text (and the address
 *   when it differs);
 * - entities are decoded; other tags are dropped, their text kept.
 *
 * The result is plain text: renderers escape it like any user text.
 */
import { Parser } from 'htmlparser2';

/** The most HTML read of one message (a fix is a few lines; Teams messages stop at about 28 KB). */
export const MAX_BODY_HTML = 80_000;

const PARAGRAPH_TAGS = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'tr', 'table']);
const CODE_BLOCK_TAGS = new Set(['pre', 'codeblock']);

/** A fence language from a code block's class ("PowerShell", "language-bash"), lowercase; '' when none. */
function languageOf(attribs: Record<string, string>): string {
  const cls = (attribs.class ?? '').split(/\s+/).find(Boolean) ?? '';
  const lang = cls.replace(/^(?:language|lang)-/i, '').toLowerCase();
  return /^[a-z0-9+#-]{1,20}$/.test(lang) ? lang : '';
}

/** The text of a Teams message body given as HTML; see the module comment. */
export function messageBodyText(html: string): string {
  let out = '';
  let pre = 0;
  let inlineCode = 0;
  /** Where the open code fence's language goes while none is known yet; -1 otherwise. */
  let langAt = -1;
  const lists: { ordered: boolean; n: number }[] = [];
  const links: { href: string; start: number }[] = [];
  /** Start a new line unless the output is at one. */
  const newline = (): void => {
    if (out !== '' && !out.endsWith('\n')) out += '\n';
  };
  const parser = new Parser(
    {
      onopentag: (name, attribs) => {
        if (CODE_BLOCK_TAGS.has(name)) {
          if (pre++ === 0) {
            newline();
            const lang = languageOf(attribs);
            out += `\`\`\`${lang}`;
            langAt = lang ? -1 : out.length;
            out += '\n';
          }
        } else if (name === 'code') {
          if (pre > 0) {
            // <pre><code class="language-bash">: the language on the code element.
            const lang = languageOf(attribs);
            if (lang && langAt >= 0) out = out.slice(0, langAt) + lang + out.slice(langAt);
            langAt = -1;
          } else if (inlineCode++ === 0) out += '`';
        } else if (name === 'br') {
          out += '\n';
        } else if (name === 'ol' || name === 'ul') {
          newline();
          lists.push({ ordered: name === 'ol', n: 0 });
        } else if (name === 'li') {
          newline();
          const list = lists[lists.length - 1];
          const depth = Math.max(0, lists.length - 1);
          if (list) list.n += 1;
          out += `${'  '.repeat(depth)}${list?.ordered ? `${list.n}.` : '-'} `;
        } else if (name === 'at') {
          out += '@';
        } else if (name === 'emoji' || name === 'img') {
          const alt = (attribs.alt ?? '').trim();
          if (name === 'emoji' && alt) out += alt;
        } else if (name === 'a') {
          links.push({ href: (attribs.href ?? '').trim(), start: out.length });
        } else if (PARAGRAPH_TAGS.has(name)) {
          newline();
        }
      },
      ontext: (text) => {
        out += pre > 0 ? text : text.replace(/\s+/g, ' ');
      },
      onclosetag: (name) => {
        if (CODE_BLOCK_TAGS.has(name)) {
          if (pre > 0 && --pre === 0) {
            newline();
            out += '```\n';
          }
        } else if (name === 'code') {
          if (pre === 0 && inlineCode > 0 && --inlineCode === 0) out += '`';
        } else if (name === 'ol' || name === 'ul') {
          lists.pop();
          newline();
        } else if (name === 'li') {
          newline();
        } else if (name === 'a') {
          const link = links.pop();
          const shown = link ? out.slice(link.start).trim() : '';
          if (link && /^https?:\/\/\S+$/i.test(link.href) && shown !== link.href) out += ` (${link.href})`;
        } else if (PARAGRAPH_TAGS.has(name)) {
          newline();
        }
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(html.slice(0, MAX_BODY_HTML));
  parser.end();
  if (pre > 0) out += '\n```';
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t\u00A0]+$/, ''))
    .join('\n')
    .replace(/^(?:[ \t\u00A0]*\n)+/, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The text of a message body as Teams sends it: HTML read as above, plain text as is. */
export function bodyText(body: { contentType?: string; content?: string } | undefined): string {
  const content = typeof body?.content === 'string' ? body.content : '';
  if (!content) return '';
  return body?.contentType === 'text' ? content.trim() : messageBodyText(content);
}
