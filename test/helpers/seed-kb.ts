/** The bundled KB (the five seed articles) read with the real parser, and an error it answers; with test runbooks beside it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KnowledgeBase } from '../../src/kb/knowledge-base.js';
import { parseArticle } from '../../src/kb/parse/index.js';
import { REPO, SEEDS_DIR } from './paths.js';

/** Q290226 quotes this error word for word. */
export const SEED_PASTE = 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002';

export function seedKb(): KnowledgeBase {
  return new KnowledgeBase(
    readdirSync(SEEDS_DIR).map((f) => parseArticle(readFileSync(join(SEEDS_DIR, f)), join(SEEDS_DIR, f))),
  );
}

/** Three alert runbooks (etcdNoLeader, etcdHighFsyncDurations, KubePodCrashLooping), a KB folder named "runbooks". */
export const RUNBOOKS_DIR = join(REPO, 'test/fixtures/alerts');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The seeds and the test runbooks (source "runbooks", ids relative to RUNBOOKS_DIR), read with the real parser. */
export function seedAndRunbookKb(): KnowledgeBase {
  const runbooks = filesUnder(RUNBOOKS_DIR).map((path) =>
    parseArticle(readFileSync(path), path, { root: RUNBOOKS_DIR, source: 'runbooks' }),
  );
  return new KnowledgeBase([...seedKb().articles(), ...runbooks]);
}
