/**
 * Child-process entry of a KB reload (see KbReloader and KB_RELOAD_DEFAULTS.buildInChild): the
 * reloader forks this module, it says it is ready, is sent the KB folders and the index options,
 * runs `buildIndex` (ingest, search index, index file) and answers once, then exits. Building in
 * another process keeps the build's memory (a 1.2 GB peak on the 57,000-article archive) out of the
 * serving process; the reloader then only loads the index file the child wrote. Runs only from the
 * compiled JS (dist).
 */
import { buildIndex, type IndexOptions } from './open-kb.js';

/** reloader -> child, once: what to build. The index options carry no functions (they cross a pipe). */
export interface BuildRequest {
  dirs: string[];
  index: IndexOptions;
}

/** child -> reloader: first 'ready' (the modules are loaded: the child has started), then the outcome. */
export type BuildMessage =
  | { kind: 'ready' }
  /** `maxRssKb`: the child's own peak resident memory, for sizing a container. */
  | { kind: 'done'; ok: true; maxRssKb: number }
  /** `name` lets the reloader tell a KB folder that is gone (KbDirError) from a failed build. */
  | { kind: 'done'; ok: false; name: string; message: string };

/** Exit code of a child whose parent went away mid-build (nobody is left to use the index). */
export const ORPHANED_EXIT_CODE = 3;

const send = (message: BuildMessage): Promise<void> =>
  new Promise((resolve) => {
    // An error here means the parent is gone: the 'disconnect' handler below ends the process.
    process.send?.(message, undefined, {}, () => resolve());
  });

if (process.send) {
  // The parent died or stopped the reload: stop building rather than ingest for nobody. (This
  // runs at the next turn of the event loop, so within a second or so of a synchronous step.)
  process.once('disconnect', () => process.exit(ORPHANED_EXIT_CODE));
  process.once('message', (request: BuildRequest) => {
    buildIndex(request.dirs, request.index)
      .then(
        () => send({ kind: 'done', ok: true, maxRssKb: process.resourceUsage().maxRSS }),
        (err: unknown) => {
          const e = err as Error | undefined;
          return send({ kind: 'done', ok: false, name: e?.name ?? 'Error', message: String(e?.message ?? err) });
        },
      )
      // Exit at once, so the memory of the KB just built is given back before the parent loads the index.
      .finally(() => process.exit(0));
  });
  void send({ kind: 'ready' });
}
