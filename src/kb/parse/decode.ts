import { ArticleParseError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * Windows-1252's 0x80–0x9F range (Node 20's TextDecoder('windows-1252') decodes these as
 * ISO-8859-1 control characters, so the table is ours). Undefined bytes map to U+FFFD.
 */
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

/** Decode Windows-1252 bytes. */
export function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const part = bytes.subarray(i, i + CHUNK);
    const codes = new Array<number>(part.length);
    for (let j = 0; j < part.length; j++) {
      const b = part[j]!;
      codes[j] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** Share of control characters (other than tab, CR, LF, FF) above which bytes are "binary". */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Bytes to text: UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252 (old KB
 * articles carry cp1252 quotes and dashes). Line endings become LF. Rejects empty and
 * binary input with a reason a person can act on.
 */
export function decodeArticleBytes(input: Buffer | string): string {
  if (typeof input === 'string') return normaliseNewlines(stripBom(input));
  if (input.length === 0) throw new ArticleParseError('kb_empty', 'file is empty');
  if (input.includes(0))
    throw new ArticleParseError('kb_binary', 'file is binary (contains NUL bytes), not a text article');
  let text: string;
  try {
    text = utf8.decode(input);
  } catch {
    text = decodeCp1252(input);
  }
  text = stripBom(text);
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  if (control > text.length * MAX_CONTROL_SHARE) {
    throw new ArticleParseError('kb_binary', 'file is binary (control characters), not a text article');
  }
  return normaliseNewlines(text);
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function normaliseNewlines(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}
