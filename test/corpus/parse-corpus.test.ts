// Every article of the full corpus parses: no crash, an id and a title for each.
// Needs the corpus (KBBOT_CORPUS_DIR, default /tmp/corpus); skipped with a message without it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/kb/parse/index.js';

const CORPUS = process.env.KBBOT_CORPUS_DIR || '/tmp/corpus';
const present = existsSync(CORPUS);
if (!present)
  console.warn(
    `parse-corpus skipped: no corpus at ${CORPUS} (set KBBOT_CORPUS_DIR, or unpack ../shared/corpus/kbarchive-corpus.tar.gz into /tmp)`,
  );

describe.skipIf(!present)(`parsing every article in ${CORPUS}`, () => {
  it('reads all of them, each with an id and a title, in all three forms', () => {
    const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const failures: string[] = [];
    const forms = { text: 0, collapsed: 0, markdown: 0, gfm: 0, html: 0, plain: 0 };
    const ids = new Set<string>();
    for (const entry of files) {
      const path = join(entry.parentPath, entry.name);
      try {
        const a = parseArticle(readFileSync(path), path);
        if (!/^Q\d+$/.test(a.id) || !a.title) failures.push(`${path}: missing id or title`);
        forms[a.form]++;
        ids.add(a.id);
      } catch (e) {
        failures.push(`${path}: ${(e as Error).message}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(files.length).toBeGreaterThan(50_000);
    expect(forms.text + forms.collapsed + forms.markdown).toBe(files.length);
    expect(Math.min(forms.text, forms.collapsed, forms.markdown)).toBeGreaterThan(files.length / 10);
    expect(ids.size).toBe(files.length); // the corpus holds each article once
  }, 300_000);
});
