/** The `kbbot` command as a user runs it (bin/kbbot.js), in a child process: exit code, stdout and stderr. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { CLI, REPO } from './paths.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `kbbot ...args` from the repository with DATA_DIR=`dataDir` and no KB_DIR from the environment. */
export function runKbbot(args: string[], dataDir: string, options: SpawnSyncOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, KB_DIR: '' },
    ...options,
  });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}
