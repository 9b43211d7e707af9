/** The bundled KB (the five seed articles) read with the real parser, and an error it answers. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KnowledgeBase } from '../../src/kb/knowledge-base.js';
import { parseArticle } from '../../src/kb/parse/index.js';
import { SEEDS_DIR } from './paths.js';

/** Q290226 quotes this error word for word. */
export const SEED_PASTE = 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002';

export function seedKb(): KnowledgeBase {
  return new KnowledgeBase(
    readdirSync(SEEDS_DIR).map((f) => parseArticle(readFileSync(join(SEEDS_DIR, f)), join(SEEDS_DIR, f))),
  );
}
