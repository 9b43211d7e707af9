/**
 * Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a document, as a plain object.
 * Broken front matter is read as none: the article is still read from its body.
 */
import type { Literal, Root } from 'mdast';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

declare module 'mdast' {
  /** TOML front matter (`+++`), as micromark-extension-frontmatter gives it (its types name only YAML). */
  interface Toml extends Literal {
    type: 'toml';
  }
  interface FrontmatterContentMap {
    toml: Toml;
  }
  interface RootContentMap {
    toml: Toml;
  }
}

export type FrontMatter = Record<string, unknown>;

/** The document's front matter ({} when it has none or it does not parse), and whether it was broken. */
export function readFrontMatter(root: Root): { data: FrontMatter; broken: boolean } {
  const node = root.children[0];
  if (!node || (node.type !== 'yaml' && node.type !== 'toml')) return { data: {}, broken: false };
  try {
    const value: unknown =
      node.type === 'yaml' ? parseYaml(node.value, { maxAliasCount: 100, prettyErrors: false }) : parseToml(node.value);
    if (value === null || value === undefined) return { data: {}, broken: false };
    if (typeof value !== 'object' || Array.isArray(value)) return { data: {}, broken: true };
    return { data: value as FrontMatter, broken: false };
  } catch {
    return { data: {}, broken: true };
  }
}

/** The first of `keys` whose value is a non-empty string (or number), trimmed; null: none. */
export function fmString(data: FrontMatter, ...keys: string[]): string | null {
  for (const key of keys) {
    const v = data[key];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

/** The values of `keys` as a list of strings: a YAML/TOML list, or a comma-separated string. */
export function fmList(data: FrontMatter, ...keys: string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const v = data[key];
    if (Array.isArray(v)) {
      for (const x of v)
        if ((typeof x === 'string' || typeof x === 'number') && String(x).trim()) out.push(String(x).trim());
    } else if (typeof v === 'string') {
      out.push(
        ...v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    }
  }
  return [...new Set(out)];
}

/** A front-matter date (YAML may give a Date, TOML a TomlDate; strings like "12/17/2023" or "2023-12-17") as ISO yyyy-mm-dd; null: none. */
export function fmDate(data: FrontMatter, ...keys: string[]): string | null {
  for (const key of keys) {
    const v = data[key];
    if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
    const s = typeof v === 'string' ? v.trim() : v && typeof v === 'object' ? String(v) : '';
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s);
    if (m) return iso(m[1]!, m[2]!, m[3]!);
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (m) return iso(m[3]!, m[1]!, m[2]!);
  }
  return null;
}

function iso(y: string, mo: string, d: string): string | null {
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
