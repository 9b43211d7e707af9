/**
 * KB folders as people name them: "runbooks=/srv/runbooks" (a name shown with each answer, then
 * the folder) or just "/srv/kbarchive" (named by its base name). Used by KB_DIR and `--kb`.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { HeadingVocabulary, KbFolder, SectionName } from '../parse/context.js';

/** A folder's name: letters, digits, '.', '_' and '-', starting with a letter or digit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A bad folder spec or heading list; `message` says what is accepted. */
export class FolderSpecError extends Error {
  readonly code = 'kb_folder_spec';
  override name = 'FolderSpecError';
}

/**
 * One folder spec: "name=path" or "path" (the path as written: errors show it so). A spec whose
 * whole text is an existing folder is a path even when it holds '=' ("/data/a=b").
 */
export function parseFolderSpec(spec: string): KbFolder {
  const text = spec.trim();
  const eq = text.indexOf('=');
  if (eq > 0 && !isDirectory(text)) {
    const name = text.slice(0, eq).trim();
    const dir = text.slice(eq + 1).trim();
    if (NAME.test(name)) {
      if (!dir) throw new FolderSpecError(`"${text}" names the folder "${name}" but gives no path after "="`);
      return { dir, name };
    }
  }
  return { dir: text };
}

/** The name a folder is shown by: its given name, else its base name. */
export function nameOf(folder: KbFolder): string {
  return folder.name ?? basename(folder.dir);
}

/**
 * The environment variable that holds a folder's URL template: KB_URL_ and the name in capitals,
 * other characters as '_' ("team-runbooks" → KB_URL_TEAM_RUNBOOKS).
 */
export function urlVariableOf(name: string): string {
  return `KB_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Section names KB_HEADINGS accepts. */
export const SECTION_NAMES: readonly SectionName[] = ['symptoms', 'cause', 'impact', 'diagnosis', 'resolution'];

/**
 * KB_HEADINGS: "impact=Blast radius|Business impact;resolution=Runbook" → headings added to each
 * section's defaults. Throws FolderSpecError naming the part it cannot read.
 */
export function parseHeadings(text: string): HeadingVocabulary {
  const out: HeadingVocabulary = {};
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const section = (eq > 0 ? part.slice(0, eq) : '').trim().toLowerCase() as SectionName;
    if (!SECTION_NAMES.includes(section))
      throw new FolderSpecError(
        `"${part.trim()}" must be section=Heading|Heading, the section one of ${SECTION_NAMES.join(', ')}`,
      );
    const headings = part
      .slice(eq + 1)
      .split('|')
      .map((h) => h.trim())
      .filter(Boolean);
    if (!headings.length) throw new FolderSpecError(`"${part.trim()}" lists no heading after "="`);
    out[section] = [...(out[section] ?? []), ...headings];
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
