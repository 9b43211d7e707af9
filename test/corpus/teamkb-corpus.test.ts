// Every article of ../shared/teamkb (743 real runbooks and support articles) is read as a team's
// KB: no failures, a title and some text for each, ids unique and equal to the relative paths.
// Skipped with a message when ../shared/teamkb is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/kb/parse/index.js';
import { REPO } from '../helpers/paths.js';

const TEAMKB = join(REPO, '..', 'shared', 'teamkb');
const present = existsSync(TEAMKB);
if (!present) console.warn(`teamkb-corpus skipped: no team KB at ${TEAMKB} (../shared/teamkb next to the repo)`);

describe.skipIf(!present)(`reading every article in ${TEAMKB}`, () => {
  it('reads all of them, each with a title and a section, ids the relative paths', () => {
    const files = readdirSync(TEAMKB, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .filter((p) => relative(TEAMKB, p) !== 'NOTICE.md');
    const failures: string[] = [];
    const ids = new Set<string>();
    for (const path of files) {
      const rel = relative(TEAMKB, path).split(sep).join('/');
      try {
        const a = parseArticle(readFileSync(path), path, { root: TEAMKB, source: 'teamkb' });
        if (!a.title.trim()) failures.push(`${rel}: no title`);
        if (!Object.values(a.sections).some((t) => t?.trim())) failures.push(`${rel}: no section or body`);
        if (a.id !== rel) failures.push(`${rel}: id ${a.id}`);
        if (!['gfm', 'html', 'plain'].includes(a.form)) failures.push(`${rel}: read as the archive's ${a.form}`);
        ids.add(a.id);
      } catch (e) {
        failures.push(`${rel}: ${(e as Error).message}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(743);
    expect(ids.size).toBe(files.length);
  }, 120_000);
});
