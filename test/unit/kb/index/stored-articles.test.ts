// A KB served from its index file keeps its articles' text in the file and reads it when asked
// (issue #27). What the user gets must not change: every field of every article reads back as
// ingested, an answer still renders after the index file is replaced by a reload, and a text that
// the disk damaged is a clear error for that one answer, not a crash.
import { closeSync, cpSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexFormatError } from '../../../../src/kb/errors.js';
import { readIndex, readIndexHeader } from '../../../../src/kb/index/index-file.js';
import { ingest } from '../../../../src/kb/index/ingest.js';
import { buildIndex, openKb } from '../../../../src/kb/index/open-kb.js';
import { StoredArticle } from '../../../../src/kb/index/stored-articles.js';
import { SEED_IDS, SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

const tmp = tempDir('kbbot-stored-');
afterAll(tmp.cleanup);

describe('articles served from the index file', () => {
  it('read back every field exactly as ingested, and print as the parsed article', async () => {
    const indexPath = join(tmp.dir, 'same', 'kb-index.bin');
    const parsed = (await ingest([SEEDS_DIR], { workers: 0 })).kb;
    await buildIndex([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    const { kb } = readIndex(indexPath);
    expect(kb.size).toBe(SEED_IDS.length);
    for (const original of parsed) {
      const stored = kb.get(original.id);
      expect(stored).toBeInstanceOf(StoredArticle);
      const a = stored as StoredArticle;
      expect(a.toArticle()).toStrictEqual({ ...original });
      expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(original)));
      // Field by field, through the getters the bot reads.
      expect(a.sections).toEqual(original.sections);
      expect(a.errorMessages).toEqual(original.errorMessages);
      expect(a.steps).toEqual(original.steps);
      expect(a.title).toBe(original.title);
    }
  });

  it('are what the bot serves right after an ingest, not the ingested copies', async () => {
    const indexPath = join(tmp.dir, 'served', 'kb-index.bin');
    const opened = await openKb([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    expect(opened.loadedFrom).toBe('ingest');
    expect(opened.kb.articles().every((a) => a instanceof StoredArticle)).toBe(true);
    const top = opened.ranker.rank('ID no: 0xc0020002', 1).hits[0];
    expect(top?.article.id).toBe('Q290226');
    expect(top?.article.sections.resolution).toBeTruthy();
  });

  it('keep reading their own text after a reload writes a new index over the file', async () => {
    const indexPath = join(tmp.dir, 'replaced', 'kb-index.bin');
    const other = join(tmp.dir, 'other-kb');
    const one = readdirSync(SEEDS_DIR).find((n) => !readFileSync(join(SEEDS_DIR, n), 'latin1').includes('290226'));
    cpSync(join(SEEDS_DIR, one as string), join(other, one as string));
    await buildIndex([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    const { kb } = readIndex(indexPath);
    const before = JSON.stringify(kb.get('Q290226'));
    await buildIndex([other], { indexPath, ingest: { workers: 0 } }); // written beside, renamed over
    expect(readIndex(indexPath).kb.size).toBe(1);
    expect(JSON.stringify(kb.get('Q290226'))).toBe(before);
    expect(kb.get('Q290226')?.sections.resolution).toBeTruthy();
  });

  it('report a text damaged on disk after loading as a clear error for that article only', async () => {
    const indexPath = join(tmp.dir, 'damaged', 'kb-index.bin');
    await buildIndex([SEEDS_DIR], { indexPath, ingest: { workers: 0 } });
    const { kb } = readIndex(indexPath);
    const { header, bodyOffset } = readIndexHeader(indexPath);
    const [first, second] = kb.articles();
    // Overwrite the first article's text in place (same file, as a failing disk would).
    const fd = openSync(indexPath, 'r+');
    writeSync(fd, Buffer.alloc(16, 0xff), 0, 16, bodyOffset + header.sections.bodies.offset);
    closeSync(fd);
    expect(() => first?.sections).toThrow(IndexFormatError);
    expect(() => first?.sections).toThrow(/article's text cannot be read/);
    expect(first?.title).toBeTruthy(); // the meta fields are in memory
    expect(second?.sections).toBeTruthy();
    // And the next start sees the damage and rebuilds rather than serving it.
    expect(() => readIndex(indexPath)).toThrow(/damaged/);
    expect(readFileSync(indexPath).length).toBeGreaterThan(0);
  });
});
