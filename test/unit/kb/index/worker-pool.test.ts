// The worker pool only runs from compiled JS, so this test imports the build in dist/ (made by
// `npm test`'s pretest step) and checks it gives exactly what in-process parsing gives.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import type * as IngestModule from '../../../../src/kb/index/ingest.js';
import { ingest as ingestInProcess } from '../../../../src/kb/index/ingest.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { parseArticle as fakeParse } from '../../../fixtures/fake-parser.mjs';
import { FAKE_PARSER_URL, REPO, SEEDS_DIR, tempDir } from '../../../helpers/paths.js';

const DIST_INGEST = join(REPO, 'dist', 'src', 'kb', 'index', 'ingest.js');

describe('ingest on worker threads (compiled build)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('gives the same articles, failures and stamps as in-process parsing', async () => {
    // Enough files to go past the in-process threshold, in small batches so both workers get several.
    const seeds = readdirSync(SEEDS_DIR).map((f) => readFileSync(join(SEEDS_DIR, f)));
    for (let copy = 0; copy < 45; copy++)
      seeds.forEach((bytes, i) => writeFileSync(join(tmp.dir, `${copy}-${i}.txt`), bytes));
    for (let i = 0; i < 25; i++) writeFileSync(join(tmp.dir, `empty-${i}`), '');
    const { ingest } = (await import(DIST_INGEST)) as typeof IngestModule;
    const progress: number[] = [];
    const pooled = await ingest([tmp.dir], {
      parserModule: FAKE_PARSER_URL,
      workers: 2,
      batchSize: 7,
      onProgress: (d) => progress.push(d),
    });
    const local = await ingestInProcess([tmp.dir], { parse: fakeParse });

    expect(pooled.summary.files).toBe(250);
    // The workers send each article's text deflated (the main thread holds the meta rows and those
    // buffers, not the articles); every field reads back the same.
    const plain = (articles: unknown[]): unknown => JSON.parse(JSON.stringify(articles));
    expect(pooled.kb.articles().every((a) => a.constructor.name === 'StoredArticle')).toBe(true);
    expect(plain(pooled.kb.articles())).toEqual(plain(local.kb.articles()));
    expect(pooled.summary.failures).toEqual(local.summary.failures);
    expect(pooled.summary.failures).toHaveLength(25);
    expect(pooled.duplicates).toEqual(local.duplicates);
    expect(pooled.duplicates).toHaveLength(220);
    expect(pooled.sources).toEqual(local.sources);
    expect(progress.at(-1)).toBe(250);
    // The search index the workers built over what they parsed (duplicates dropped) is the
    // sequential build's, byte for byte once saved.
    expect(pooled.ranker).toBeDefined();
    expect(local.ranker).toBeUndefined();
    const saved = (r: { toJSON(): unknown }): Buffer => v8.serialize(r.toJSON());
    expect(saved(pooled.ranker as { toJSON(): unknown }).equals(saved(Ranker.build(local.kb)))).toBe(true);
  });

  it('reports a parser module that cannot be loaded as an error, not a hang', async () => {
    const { ingest } = (await import(DIST_INGEST)) as typeof IngestModule;
    for (let i = 0; i < 300; i++) writeFileSync(join(tmp.dir, `x${i}`), 'x');
    await expect(ingest([tmp.dir], { parserModule: 'file:///no/such/parser.mjs', workers: 2 })).rejects.toThrow(
      /ingest worker failed/,
    );
  });
});
