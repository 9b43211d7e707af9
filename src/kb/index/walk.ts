/**
 * Listing every file under the KB folders, recursively, whatever its name or extension.
 * Symbolic links are followed, but a folder already visited (a link loop) is not entered twice.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeFsError } from './read-source.js';

/** A KB folder that does not exist or is not a folder: a user mistake, reported plainly. */
export class KbDirError extends Error {
  readonly code = 'kb_dir_missing';
  override name = 'KbDirError';
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WalkResult {
  /** Every non-folder entry (regular files, links to files, broken links, ...) in sorted order. */
  files: string[];
  /** Folders that could not be listed. */
  failures: { path: string; reason: string }[];
}

/** Throw KbDirError unless every dir exists and is a folder. */
export function checkDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new KbDirError(dir, `KB folder not found: ${dir}`);
    }
    if (!isDir) throw new KbDirError(dir, `not a folder: ${dir}`);
  }
}

/**
 * List the files under `dirs` (paths as given, joined with entry names). Throws KbDirError when a
 * dir is missing; everything below that is reported in `failures`, never thrown.
 */
export function walk(dirs: readonly string[], skip: readonly string[] = []): WalkResult {
  checkDirs(dirs);
  const skipped = new Set(skip.map((d) => resolve(d)));
  const files: string[] = [];
  const failures: WalkResult['failures'] = [];
  const seen = new Set<string>();

  const visit = (dir: string): void => {
    let key: string;
    try {
      const st = statSync(dir);
      key = `${st.dev}:${st.ino}`;
    } catch (err) {
      failures.push({ path: dir, reason: describeFsError(err, 'open the folder') });
      return;
    }
    if (seen.has(key)) return; // a symlink loop or a second link to the same folder
    seen.add(key);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      failures.push({ path: dir, reason: describeFsError(err, 'list the folder') });
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (skipped.has(path)) continue;
      if (entry.isDirectory()) visit(path);
      else if (entry.isSymbolicLink() && isDirectoryTarget(path)) visit(path);
      else files.push(path);
    }
  };

  for (const dir of dirs) visit(dir);
  files.sort(comparePaths);
  return { files, failures };
}

function isDirectoryTarget(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // broken link: listed as a file, so reading it reports the failure
  }
}

/** Plain code-unit order: stable across locales, so "first in sorted path order" is well defined. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Absolute, normalised folder list: what the index records to know which KB it belongs to. */
export function normaliseDirs(dirs: readonly string[]): string[] {
  return dirs.map((d) => resolve(d));
}
