/** Paths and temp folders shared by the tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SEEDS_DIR = join(REPO, 'seeds');
export const CLI = join(REPO, 'bin', 'kbbot.js');
export const DIST_CLI = join(REPO, 'dist', 'src', 'cli', 'index.js');
export const FAKE_PARSER_URL = new URL('../fixtures/fake-parser.mjs', import.meta.url).href;

/** Seed ids in file-name order of seeds. */
export const SEED_IDS = ['Q196171', 'Q235418', 'Q174743', 'Q193567', 'Q290226'];

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'kbbot-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Root reads files whatever their mode, so permission tests cannot fail a read as root. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;
