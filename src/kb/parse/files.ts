import type { FileVersion } from '../article.js';

const TABLE_HEADER =
  /\b(?:File\s*name|Filename|File)\b[^\n]{0,120}?-{4,}|\bVersion\b[^\n]{0,120}?\bFile\s*name\b[^\n]{0,60}?-{4,}/gi;
const FILE_TOKEN = /^[A-Za-z0-9_$~#@!&+-]+(?:\.[A-Za-z0-9_$~-]+)*\.[A-Za-z0-9_]{1,4}$/;
const VERSION_TOKEN = /^\d{1,5}(?:\.\d{1,5}){1,3}[a-z]?$/i;
/** Tokens that may stand in a table row besides name and version. */
const CELL_TOKEN =
  /^(?:\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?(?:[ap]m?)?|[\d,]+|[ap]m|bytes?|x86|alpha|i386|ia64|mips|ppc|-+|[A-Z][a-z]+|\([A-Za-z]+\)|[A-Z]{2,5})$/i;

/**
 * Files and versions from file-attribute tables ("File Name  Version" then a dashed rule,
 * then rows). Works on whitespace-collapsed text so every form reads the same.
 */
export function extractFiles(text: string): FileVersion[] {
  const out: FileVersion[] = [];
  const seen = new Set<string>();
  const flat = text.replace(/\s+/g, ' ');
  for (const h of flat.matchAll(TABLE_HEADER)) {
    const header = h[0];
    if (!/\bversion\b/i.test(header)) continue;
    const versionFirst =
      /\bversion\b[\s\S]*\bfile\s*name\b/i.test(header) && !/\bfile\s*name\b[\s\S]*\bversion\b/i.test(header);
    const rest = flat.slice(h.index + header.length).replace(/^[\s-]+/, '');
    const tokens = rest.split(' ');
    let current: string | null = null;
    let pending: string[] = [];
    const emit = (name: string, version: string): void => {
      const key = `${name.toLowerCase()}@${version}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ name, version });
    };
    for (const t of tokens.slice(0, 800)) {
      if (FILE_TOKEN.test(t) && !VERSION_TOKEN.test(t)) {
        if (versionFirst && pending.length) emit(t, pending[pending.length - 1]!);
        if (!versionFirst && current && pending.length) emit(current, pending[0]!);
        current = t;
        pending = [];
      } else if (VERSION_TOKEN.test(t)) {
        pending.push(t);
      } else if (!CELL_TOKEN.test(t)) {
        break;
      }
    }
    if (!versionFirst && current && pending.length) emit(current, pending[0]!);
  }
  return out;
}
