import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, type IngestResult } from '../../../../src/kb/index/ingest.js';
import { describeFsError } from '../../../../src/kb/index/read-source.js';
import { KbDirError } from '../../../../src/kb/index/walk.js';
import { parseArticle as fakeParse } from '../../../fixtures/fake-parser.mjs';
import { RUNNING_AS_ROOT, SEED_IDS, SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

const seedFiles = readdirSync(SEEDS_DIR).sort();
const seedBytes = (i: number): Buffer => readFileSync(join(SEEDS_DIR, seedFiles[i] as string));

/** Deterministic "random" bytes with NULs. */
function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = i % 7 === 0 ? 0 : x & 0xff;
  }
  return b;
}

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('ingest of a folder with seeds and bad files', () => {
  const tmp = tempDir();
  const kb = join(tmp.dir, 'kb');
  let result: IngestResult;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    mkdirSync(join(kb, 'nested', 'deeper'), { recursive: true });
    seedFiles.forEach((f, i) =>
      copyFileSync(join(SEEDS_DIR, f), join(kb, i % 2 ? 'nested' : '.', `seed-${i}.whatever`)),
    );
    writeFileSync(join(kb, 'empty.txt'), '');
    writeFileSync(join(kb, 'junk.bin'), junk(4096));
    writeFileSync(join(kb, 'nested', 'deeper', 'truncated'), seedBytes(1).subarray(0, 300));
    writeFileSync(join(kb, 'README.md'), '# My notes\n\nThis folder holds KB articles.\n');
    writeFileSync(join(kb, 'huge.dat'), '');
    truncateSync(join(kb, 'huge.dat'), 20 * 1024 * 1024); // sparse: 20 MB without writing them
    symlinkSync(join(kb, 'does-not-exist.txt'), join(kb, 'dangling-link.txt'));
    symlinkSync(kb, join(kb, 'nested', 'loop')); // a folder link back up: must not loop
    // Two copies of Q235418: an older one (date rewritten) must lose to the newer seed.
    const older = seedBytes(1).toString('latin1').replace('11-JUN-2002', '11-JUN-1999');
    writeFileSync(join(kb, 'nested', 'deeper', 'q235418-old.txt'), older, 'latin1');
    if (hasMkfifo()) execFileSync('mkfifo', [join(kb, 'a-pipe')]);
    result = await ingest([kb], { parse: fakeParse, onProgress: (d, t) => progress.push([d, t]) });
  });
  afterAll(tmp.cleanup);

  const failure = (name: string) => result.summary.failures.find((f) => f.path.endsWith(name));

  it('keeps every seed as an article, whatever the file name', () => {
    expect(result.kb.size).toBe(5);
    expect(new Set(result.kb.articles().map((a) => a.id))).toEqual(new Set(SEED_IDS));
    expect(result.summary.articles).toBe(5);
    expect(result.summary.forms).toEqual({ text: 2, collapsed: 2, markdown: 1, gfm: 0, html: 0, plain: 0 });
  });

  it('reports each bad file with a reason instead of crashing or dropping it', () => {
    expect(failure('empty.txt')?.reason).toMatch(/empty/);
    expect(failure('junk.bin')?.reason).toMatch(/binary/);
    expect(failure('truncated')?.reason).toMatch(/cut off/);
    expect(failure('README.md')?.reason).toMatch(/not a KB article/);
    expect(failure('huge.dat')?.reason).toBe('file is 20.0 MB, larger than the 4 MB an article can be');
    expect(failure('dangling-link.txt')?.reason).toMatch(/ENOENT/);
    if (hasMkfifo()) expect(failure('a-pipe')?.reason).toMatch(/not a regular file/);
  });

  it('accounts for every file: articles + duplicates + failures = files', () => {
    const { files, articles, duplicates, failures } = result.summary;
    expect(files).toBe(articles + duplicates + failures.length);
    expect(files).toBe(12 + (hasMkfifo() ? 1 : 0)); // 5 seeds, 6 bad files, 1 older copy (+ a named pipe)
  });

  it('keeps the newer of two articles with the same id and reports the duplicate', () => {
    expect(result.summary.duplicates).toBe(1);
    expect(result.duplicates).toEqual([
      {
        id: 'Q235418',
        kept: join(kb, 'nested', 'seed-1.whatever'),
        dropped: join(kb, 'nested', 'deeper', 'q235418-old.txt'),
      },
    ]);
    expect(result.kb.get('Q235418')?.date).toBe('2002-06-11');
  });

  it('follows the summary contract', () => {
    expect(Object.keys(result.summary).sort()).toEqual([
      'articles',
      'duplicates',
      'failures',
      'files',
      'forms',
      'seconds',
    ]);
    for (const f of result.summary.failures) expect(Object.keys(f).sort()).toEqual(['path', 'reason']);
    expect(result.summary.seconds).toBeGreaterThanOrEqual(0);
  });

  it('reports progress up to files/total', () => {
    expect(progress[0]).toEqual([0, result.summary.files]);
    expect(progress.at(-1)).toEqual([result.summary.files, result.summary.files]);
  });

  it('records a stamp (size, mtime, sha1) for every file', () => {
    expect(result.sources).toHaveLength(result.summary.files);
    const seed = result.sources.find((s) => s.path.endsWith('seed-0.whatever'));
    expect(seed?.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(result.sources.find((s) => s.path.endsWith('huge.dat'))?.hash).toBeNull();
  });
});

describe('ingest edge cases', () => {
  it('ties on date keep the first file in sorted path order', async () => {
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, 'b.txt'), seedBytes(4));
      writeFileSync(join(tmp.dir, 'a.txt'), seedBytes(4));
      const r = await ingest([tmp.dir], { parse: fakeParse });
      expect(r.duplicates).toEqual([{ id: 'Q290226', kept: join(tmp.dir, 'a.txt'), dropped: join(tmp.dir, 'b.txt') }]);
    } finally {
      tmp.cleanup();
    }
  });

  it('throws KbDirError for a missing folder', async () => {
    await expect(ingest(['/no/such/kbbot/folder'], { parse: fakeParse })).rejects.toBeInstanceOf(KbDirError);
  });

  it('reports a parser crash (not a parse rejection) as a failure too', async () => {
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, 'x.txt'), 'anything');
      const r = await ingest([tmp.dir], {
        parse: () => {
          throw new TypeError('boom');
        },
      });
      expect(r.summary.failures).toEqual([
        { path: join(tmp.dir, 'x.txt'), reason: 'the parser failed on this file: boom' },
      ]);
    } finally {
      tmp.cleanup();
    }
  });

  it.skipIf(RUNNING_AS_ROOT)(
    'reports a file without read permission (skipped as root: root reads mode-000 files)',
    async () => {
      const tmp = tempDir();
      try {
        const file = join(tmp.dir, 'secret.txt');
        writeFileSync(file, seedBytes(0));
        chmodSync(file, 0o000);
        const r = await ingest([tmp.dir], { parse: fakeParse });
        expect(r.summary.failures).toEqual([
          { path: file, reason: 'cannot read the file: permission denied (EACCES)' },
        ]);
      } finally {
        tmp.cleanup();
      }
    },
  );

  it('words permission errors with their code', () => {
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(
      'cannot read the file: permission denied (EACCES)',
    );
  });
});
