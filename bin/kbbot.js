#!/usr/bin/env node
// Entry point of the `kbbot` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('kbbot: not built yet. Run `npm install` (or `npm run build`) in the kbbot checkout first.\n');
  process.exit(1);
}
await import(cli.href);
