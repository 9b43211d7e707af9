/**
 * How `ask`, `rank` and `eval` get a KB: `--kb DIR` (repeatable) or the configured KB_DIR, loaded
 * from its index file when fresh. A KB other than the configured one gets its own index file
 * (`kb-index-<hash>.bin` in DATA_DIR), so trying the corpus does not evict the bot's index.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Matcher } from '../bot/match.js';
import { loadConfig } from '../config.js';
import { INDEX_FILE_NAME, openKb, type OpenedKb } from '../kb/index/open-kb.js';
import { normaliseDirs } from '../kb/index/walk.js';
import { parseFolderSpec } from '../kb/index/folders.js';

export interface KbOptions {
  kb?: string[];
  index?: string;
  quiet?: boolean;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function openMatcher(options: KbOptions): Promise<{ matcher: Matcher; opened: OpenedKb }> {
  const config = loadConfig();
  // `--kb name=path` names a folder as KB_DIR does; a folder also in KB_DIR keeps its link template.
  const folders = options.kb?.length
    ? options.kb.map(parseFolderSpec).map((f) => ({
        ...config.kbFolders.find((c) => c.dir === resolve(f.dir) && (!f.name || c.name === f.name)),
        ...f,
      }))
    : config.kbFolders;
  const dirs = folders.map((f) => f.dir);
  let indexPath = options.index;
  if (!indexPath) {
    const own = normaliseDirs(dirs).join('\n') === normaliseDirs(config.kbDirs).join('\n');
    const name = own
      ? INDEX_FILE_NAME
      : `kb-index-${createHash('sha1').update(normaliseDirs(dirs).join('\n')).digest('hex').slice(0, 8)}.bin`;
    indexPath = join(config.dataDir, name);
  }
  const log = options.quiet ? undefined : (m: string): void => void process.stderr.write(`kbbot: ${m}\n`);
  const opened = await openKb(dirs, { indexPath, log, ingest: { folders, headings: config.kbHeadings } });
  if (opened.writeError) process.stderr.write(`kbbot: ${opened.writeError}\n`);
  const matcher = new Matcher(opened.kb, opened.ranker);
  matcher.warmUp();
  return { matcher, opened };
}
