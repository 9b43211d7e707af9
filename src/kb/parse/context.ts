/**
 * What a parser knows about where a file was found: the KB folder (a team document's id is its
 * path relative to it), the folder's name (shown with each answer), its URL template and the
 * heading vocabulary. The archive's three forms use only `source`.
 */
import { basename, relative, sep } from 'node:path';

/** The sections a team document's headings map to (see doc/headings.ts for the default words). */
export type SectionName = 'symptoms' | 'cause' | 'impact' | 'diagnosis' | 'resolution';

/** Headings (as people write them, any case) per section; config's KB_HEADINGS adds to the defaults. */
export type HeadingVocabulary = Partial<Record<SectionName, string[]>>;

export interface ParseContext {
  /** The KB folder the file was found in; a team document's id is the file's path relative to it. */
  root?: string;
  /** The folder's name ("runbooks" in KB_DIR=runbooks=/srv/runbooks); default: the folder's base name. */
  source?: string;
  /**
   * Link of a team document without its own (front matter `url` and the like): `{path}` is the
   * relative path (each segment URL-encoded, '/' kept), `{stem}` the file name without extension.
   */
  urlTemplate?: string;
  /** Headings added to the default vocabulary, per section. */
  headings?: HeadingVocabulary;
}

/** One KB folder as configured: where it is, what it is called, how its documents link. */
export interface KbFolder {
  dir: string;
  /** Shown with each answer; default `basename(dir)`. */
  name?: string;
  /** See ParseContext.urlTemplate. */
  urlTemplate?: string;
}

/** The name of a folder: its given name, else its base name. */
export function folderName(folder: KbFolder): string {
  return folder.name ?? basename(folder.dir);
}

/**
 * The parse context of `path`: the folder (of `folders`, absolute dirs) it lies under (the
 * deepest when folders nest), plus the shared heading vocabulary.
 */
export function contextFor(path: string, folders: readonly KbFolder[], headings?: HeadingVocabulary): ParseContext {
  let best: KbFolder | undefined;
  for (const f of folders) {
    const rel = relative(f.dir, path);
    if (rel && !rel.startsWith('..') && !rel.startsWith(sep) && (!best || f.dir.length > best.dir.length)) best = f;
  }
  if (!best) return headings ? { headings } : {};
  return { root: best.dir, source: folderName(best), urlTemplate: best.urlTemplate, headings };
}

/** A team document's id: its path relative to `root`, with '/' between segments; the path itself without a root. */
export function relativeId(path: string, root: string | undefined): string {
  const rel = root ? relative(root, path) : path;
  return rel.split(sep).join('/');
}

/** `template` filled for the document at relative path `rel` ("gitlab/docs/x.md"). */
export function fillUrlTemplate(template: string, rel: string): string {
  const encoded = rel
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  const file = rel.split('/').pop() ?? rel;
  const stem = file.replace(/\.[^.]+$/, '');
  return template.replaceAll('{path}', encoded).replaceAll('{stem}', encodeURIComponent(stem));
}
