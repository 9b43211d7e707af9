import { copyFileSync, cpSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexFormatError } from '../../../../src/kb/errors.js';
import { readIndex, readIndexHeader } from '../../../../src/kb/index/index-file.js';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { buildIndex, INDEX_FILE_NAME, openKb, type IndexOptions } from '../../../../src/kb/index/open-kb.js';
import { parseArticle as fakeParse } from '../../../fixtures/fake-parser.mjs';
import { makeArticle, SAMPLE_ARTICLES } from '../../../helpers/articles.js';
import { SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

describe('KnowledgeBase', () => {
  it('finds articles by id written any accepted way', () => {
    const kb = new KnowledgeBase(SAMPLE_ARTICLES);
    expect(kb.size).toBe(3);
    expect(kb.get('Q290226')?.id).toBe('Q290226');
    expect(kb.get('KB290226')?.id).toBe('Q290226');
    expect(kb.get('kb 290226')?.id).toBe('Q290226');
    expect(kb.get('290226')?.id).toBe('Q290226');
    expect(kb.get('Q1')).toBeUndefined();
    expect([...kb].map((a) => a.id)).toEqual(['Q290226', 'Q235418', 'Q174743']);
  });

  it('round-trips through toJSON / loadJSON', () => {
    const kb = new KnowledgeBase(SAMPLE_ARTICLES);
    const back = KnowledgeBase.loadJSON(JSON.stringify(kb));
    expect(back.articles()).toEqual(kb.articles());
  });

  it('rejects foreign JSON with IndexFormatError', () => {
    expect(() => KnowledgeBase.loadJSON('{"hello":1}')).toThrow(IndexFormatError);
    expect(() => KnowledgeBase.loadJSON('not json')).toThrow(IndexFormatError);
    expect(() => KnowledgeBase.loadJS({ format: 'kbbot-kb', version: 1, articles: [{ title: 'no id' }] })).toThrow(
      IndexFormatError,
    );
    expect(() => KnowledgeBase.loadJS({ format: 'kbbot-kb', version: 99, articles: [] })).toThrow(/version/);
  });

  it('keeps every Article field', () => {
    const a = makeArticle({ id: 'Q1', files: [{ name: 'a.dll', version: '1.0' }], sections: { custom: 'x' } });
    expect(KnowledgeBase.loadJSON(JSON.stringify(new KnowledgeBase([a]))).get('Q1')).toEqual(a);
  });
});

describe('the index file', () => {
  let tmp: ReturnType<typeof tempDir>;
  let kbDir: string;
  let options: IndexOptions;
  let logs: string[];
  const indexPath = (): string => join(tmp.dir, 'data', INDEX_FILE_NAME);

  beforeEach(() => {
    tmp = tempDir();
    kbDir = join(tmp.dir, 'kb');
    copyDir(SEEDS_DIR, kbDir);
    writeFileSync(join(kbDir, 'README.md'), 'not an article\n');
    logs = [];
    options = {
      dataDir: join(tmp.dir, 'data'),
      parserVersion: 1000,
      ingest: { parse: fakeParse },
      log: (m) => logs.push(m),
    };
  });
  afterEach(() => tmp.cleanup());

  it('round-trips: ingest -> write -> load gives equal articles, failures and duplicates', async () => {
    const built = await openKb([kbDir], options);
    expect(built.loadedFrom).toBe('ingest');
    expect(built.writeError).toBeUndefined();
    const loaded = await openKb([kbDir], options);
    expect(loaded.loadedFrom).toBe('index');
    expect(loaded.kb.articles()).toEqual(built.kb.articles());
    expect(loaded.summary).toEqual(built.summary);
    expect(loaded.summary.failures).toEqual([
      { path: join(kbDir, 'README.md'), reason: 'not a KB article (no DOCUMENT: or Article: line)' },
    ]);
    expect(loaded.duplicates).toEqual(built.duplicates);
  });

  it('never reads its own data folder as KB when it sits inside the KB folder', async () => {
    const inside = { ...options, dataDir: join(kbDir, 'data') };
    const built = await openKb([kbDir], inside);
    writeFileSync(join(kbDir, 'data', 'kbbot.db'), 'SQLite format 3\u0000 the bot storage');
    const loaded = await openKb([kbDir], inside);
    expect(loaded.loadedFrom).toBe('index');
    expect(loaded.summary.failures.map((f) => f.path)).toEqual([join(kbDir, 'README.md')]);
    expect(loaded.kb.size).toBe(built.kb.size);
  });

  it('re-ingests when a file changes', async () => {
    await openKb([kbDir], options);
    const file = join(
      kbDir,
      readdirSync(kbDir).find((f) => f.startsWith('001'))!,
    );
    writeFileSync(
      file,
      readFileSync(file, 'latin1').replace('Cannot Apply Service Pack', 'Cannot Apply Any Service Pack'),
      'latin1',
    );
    const again = await openKb([kbDir], options);
    expect(again.loadedFrom).toBe('ingest');
    expect(again.kb.get('Q235418')?.title).toContain('Any Service Pack');
    expect(logs.some((l) => l.includes('out of date'))).toBe(true);
  });

  it('does not re-ingest when a file is touched but unchanged, and remembers the new stamp', async () => {
    await openKb([kbDir], options);
    const file = join(kbDir, readdirSync(kbDir)[0]!);
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const again = await openKb([kbDir], options);
    expect(again.loadedFrom).toBe('index');
    const stamp = readIndexHeader(indexPath()).header.sources.find(([p]) => p === file);
    expect(stamp?.[2]).toBe(statSync(file).mtimeMs);
  });

  it('re-ingests when a file is added or removed', async () => {
    await openKb([kbDir], options);
    copyFileSync(join(SEEDS_DIR, readdirSync(SEEDS_DIR)[0]!), join(kbDir, 'copy.txt'));
    expect((await openKb([kbDir], options)).loadedFrom).toBe('ingest');
    rmSync(join(kbDir, 'copy.txt'));
    expect((await openKb([kbDir], options)).loadedFrom).toBe('ingest');
    expect((await openKb([kbDir], options)).loadedFrom).toBe('index');
  });

  it('re-ingests when the parser version or the folders differ', async () => {
    await openKb([kbDir], options);
    expect((await openKb([kbDir], { ...options, parserVersion: 1001 })).loadedFrom).toBe('ingest');
    const other = join(tmp.dir, 'other');
    copyDir(SEEDS_DIR, other);
    expect((await openKb([kbDir, other], { ...options, parserVersion: 1001 })).loadedFrom).toBe('ingest');
  });

  it('re-ingests when a folder is renamed, given a link template or the headings change', async () => {
    await openKb([kbDir], options);
    expect((await openKb([kbDir], options)).loadedFrom).toBe('index');
    const named = { ...options, ingest: { ...options.ingest, folders: [{ dir: kbDir, name: 'runbooks' }] } };
    expect((await openKb([kbDir], named)).loadedFrom).toBe('ingest');
    expect((await openKb([kbDir], named)).loadedFrom).toBe('index');
    const linked = {
      ...options,
      ingest: {
        ...options.ingest,
        folders: [{ dir: kbDir, name: 'runbooks', urlTemplate: 'https://x.example/{path}' }],
      },
    };
    expect((await openKb([kbDir], linked)).loadedFrom).toBe('ingest');
    const headings = { ...linked, ingest: { ...linked.ingest, headings: { impact: ['Blast radius'] } } };
    expect((await openKb([kbDir], headings)).loadedFrom).toBe('ingest');
    expect((await openKb([kbDir], headings)).loadedFrom).toBe('index');
  });

  it.each([
    ['garbage', () => writeFileSync(indexPath(), Buffer.from([1, 2, 3, 0, 255]))],
    ['foreign JSON', () => writeFileSync(indexPath(), '{"format":"something-else"}\nrest')],
    ['empty', () => writeFileSync(indexPath(), '')],
    ['truncated', () => writeFileSync(indexPath(), readFileSync(indexPath()).subarray(0, -10))],
    [
      'corrupt body',
      () => {
        const buf = readFileSync(indexPath());
        buf.fill(0xff, buf.length - 200);
        writeFileSync(indexPath(), buf);
      },
    ],
  ])('re-ingests over a %s index file instead of crashing', async (_name, spoil) => {
    await openKb([kbDir], options);
    spoil();
    const again = await openKb([kbDir], options);
    expect(again.loadedFrom).toBe('ingest');
    expect(again.kb.size).toBe(5);
    expect((await openKb([kbDir], options)).loadedFrom).toBe('index');
  });

  it('throws IndexFormatError when reading a spoiled index directly', async () => {
    await openKb([kbDir], options);
    writeFileSync(indexPath(), readFileSync(indexPath()).subarray(0, -10));
    expect(() => readIndex(indexPath())).toThrow(IndexFormatError);
  });

  it('still answers when the index cannot be written', async () => {
    writeFileSync(join(tmp.dir, 'a-file'), '');
    const opened = await openKb([kbDir], { ...options, dataDir: join(tmp.dir, 'a-file', 'data') });
    expect(opened.kb.size).toBe(5);
    expect(opened.writeError).toMatch(/could not write the KB index/);
  });

  it('buildIndex writes to indexPath atomically (no temp file left)', async () => {
    const out = join(tmp.dir, 'out', 'my.index');
    const built = await buildIndex([kbDir], { ...options, indexPath: out });
    expect(built.indexPath).toBe(out);
    expect(readdirSync(join(tmp.dir, 'out'))).toEqual(['my.index']);
    expect(readIndex(out).kb.size).toBe(5);
  });
});

function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
