// Full-corpus ingest through the built CLI (real worker pool), then a load of the index in a
// fresh process. Needs the corpus: KBBOT_CORPUS_DIR (default /tmp/corpus); skipped without it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, DIST_CLI, REPO, tempDir } from '../helpers/paths.js';

const CORPUS = process.env.KBBOT_CORPUS_DIR || '/tmp/corpus';
const present = existsSync(CORPUS) && existsSync(DIST_CLI);
if (!present) {
  console.warn(
    `corpus test skipped: ${existsSync(DIST_CLI) ? `no corpus at ${CORPUS}` : 'no build in dist/'} ` +
      '(set KBBOT_CORPUS_DIR, or unpack ../shared/corpus/kbarchive-corpus.tar.gz into /tmp; .ci/run does this)',
  );
}

describe.skipIf(!present)(`full corpus at ${CORPUS}`, () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const index = join(tmp.dir, 'corpus.index');

  it('ingests every file, accounting for each, within the time budget', () => {
    const r = spawnSync(process.execPath, [CLI, 'ingest', '--json', '--out', index, CORPUS], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      files: number;
      articles: number;
      duplicates: number;
      failures: unknown[];
      seconds: number;
    };
    const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).length;
    expect(summary.files).toBe(files);
    expect(summary.articles + summary.duplicates + summary.failures.length).toBe(files);
    expect(summary.articles, 'the real parser should read nearly every corpus file').toBeGreaterThan(files * 0.95);
    expect(summary.seconds).toBeLessThan(120); // target 60 s on 2 cores; this only catches a collapse
  }, 300_000);

  it('loads the index in a fresh process from the index, not by ingesting', () => {
    const script = `
      const { openKb } = await import(${JSON.stringify(join(REPO, 'dist/src/kb/index/open-kb.js'))});
      const r = await openKb([${JSON.stringify(CORPUS)}], { indexPath: ${JSON.stringify(index)} });
      console.log(JSON.stringify({ from: r.loadedFrom, size: r.kb.size, seconds: r.seconds }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { from: string; size: number; seconds: number };
    expect(out.from).toBe('index');
    expect(out.size).toBeGreaterThan(0);
  }, 120_000);
});
