/**
 * `node dist/src/main.js` (built by the global setup) in a child process, as an operator runs it:
 * with only the environment a test gives it, its stdout and stderr collected, killed after a
 * generous bound so that a hang fails the test rather than the run.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { REPO } from './paths.js';

const MAIN = join(REPO, 'dist', 'src', 'main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stderr: () => string;
  stdout: () => string;
  /** Resolves once the process has exited and its output has ended; rejects if it could not be started. */
  exited: Promise<Exit>;
}

/**
 * Start the bot in `cwd` (a folder with no .env) with PATH, KB_WATCH=false and `env`, nothing else
 * of this process's environment; SIGKILLed after `killAfterMs`.
 */
export function spawnBot(cwd: string, env: Record<string, string>, killAfterMs = 40_000): BotProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', KB_WATCH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  exited.catch(() => undefined); // a test that awaits `exited` still sees the rejection
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

/**
 * Resolves with what `ready` finds in the bot's stderr (its "listening" line, say) as soon as it
 * finds something; rejects if the bot exits first.
 */
export function whenReady<T>(bot: BotProcess, ready: (stderr: string) => T | undefined | false): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const found = ready(bot.stderr());
      if (found) resolve(found);
    };
    bot.child.stderr.on('data', check);
    check();
    void bot.exited.then(
      ({ code }) => reject(new Error(`the bot exited (${code}) before it was ready:\n${bot.stderr()}`)),
      reject,
    );
  });
}
