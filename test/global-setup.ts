/**
 * Vitest global setup: compile src/ to dist/ once before any test runs, so tests that run the
 * `kbbot` command, a worker thread or a child process (which need JavaScript) test the current
 * source, whether under `npm test` or one file alone. The build is incremental (a few seconds when
 * nothing changed); compiled files whose source is gone are removed, so a stale module cannot pass
 * for a moved or deleted one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { REPO } from './helpers/paths.js';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json')], { cwd: REPO, stdio: 'pipe' });
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? String(err);
    throw new Error(`the build failed, so no test can run the current source:\n${out}`);
  }
  removeStale(join(REPO, 'dist', 'src'));
}

/** Delete compiled files under `dir` whose TypeScript source no longer exists in src/. */
function removeStale(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const source = relative(join(REPO, 'dist'), file).replace(/\.(js|d\.ts)(\.map)?$/, '.ts');
    if (source !== relative(join(REPO, 'dist'), file) && !existsSync(join(REPO, source))) rmSync(file);
  }
}
