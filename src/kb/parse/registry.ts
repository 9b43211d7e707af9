import { unique } from './text.js';

const ROOT =
  /HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG|DYN_DATA|PERFORMANCE_DATA)\b|HKLM\b|HKCU\b/g;

/** Words that start prose after a key, never part of a key name in the collapsed form. */
const STOP_WORDS = new Set(
  'A An And As At By Click Create Data Delete Double Edit For From If In It NOTE Name Note On Or Quit Restart Right Select Set Start The Then This To Type Under Use Value When Where With You Your'.split(
    ' ',
  ),
);

/** Full registry paths the article names, each once, in order of appearance; read from collapsed text so all forms agree. */
export function extractRegistryKeys(section: string): string[] {
  const text = section.replace(/\s+/g, ' ').trim();
  const keys: string[] = [];
  for (const m of text.matchAll(ROOT)) {
    const key = readCollapsed(text, m.index);
    if (key.includes('\\') || key === m[0]) keys.push(key);
  }
  return unique(keys.filter((k) => k.includes('\\')).map(tidyKey));
}

/** Collapsed form: segments without spaces; a space continues a segment only before another "\" or a capitalised name word. */
function readCollapsed(text: string, at: number): string {
  const rest = text.slice(at, at + 600);
  const tokens = rest.split(' ').filter(Boolean);
  let key = tokens[0]!;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith('\\')) {
      key += t;
      continue;
    }
    const lastSeg = key.slice(key.lastIndexOf('\\') + 1);
    if (!key.includes('\\') || /[.,;:)]$/.test(key) || !lastSeg) break;
    if (/^[A-Z][A-Za-z0-9]*\\?/.test(t) && !STOP_WORDS.has(t.replace(/\\.*$/, '')) && !/^[A-Z]+$/.test(t)) {
      // A capitalised word joins the last segment only when the key goes on after it ("Key Management Server\...")
      // or it is a short run of name words ending the key.
      const ahead = tokens.slice(i, i + 4).join(' ');
      if (
        /^(?:[A-Z][A-Za-z0-9]*\s){0,3}[A-Z][A-Za-z0-9]*\\/.test(ahead) ||
        /^(?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+(?:[.,;:]|$)/.test(ahead)
      ) {
        key += ' ' + t;
        continue;
      }
    }
    break;
  }
  return cutProse(key);
}

function cutProse(key: string): string {
  let k = key.replace(/\s+/g, ' ').trim();
  const cut = /(?:,\s|;\s|\.\s|\s\(|\s-\s|\s+and\s|\s+or\s|\s+(?:key|subkey|value|entry|registry)\b)/i.exec(k);
  if (cut) k = k.slice(0, cut.index);
  return k;
}

function tidyKey(k: string): string {
  let s = k
    .trim()
    .replace(/["'`]+$/, '')
    .replace(/^["'`]+/, '');
  for (;;) {
    const before = s;
    s = s.replace(/[.,;:]+$/, '');
    if (s.endsWith(')') && (s.match(/\(/g)?.length ?? 0) < (s.match(/\)/g)?.length ?? 0)) s = s.slice(0, -1);
    if (s.endsWith('\\')) s = s.slice(0, -1);
    if (s === before) break;
  }
  return s;
}
