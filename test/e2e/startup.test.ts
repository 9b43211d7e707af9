// Start-up failures as an operator meets them (issue #22): `node dist/src/main.js` (built by the
// global setup) in a child process, in Slack HTTP mode against a loopback stand-in for Slack's Web
// API. Whatever goes wrong (the port is taken, Slack cannot be reached, the token is refused,
// DATA_DIR cannot be made), the bot says so in one line on stderr and exits with code 2 within
// 10 s: no stack trace, no hang, no secret.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/paths.js';

const MAIN = join(REPO, 'dist', 'src', 'main.js');
const BOT_TOKEN = 'xoxb-startup-secret-token';
const SIGNING_SECRET = 'startup-signing-secret';
/** How long a start-up failure may take (the bound). */
const WITHIN_MS = 10_000;

const tmp = tempDir('kbbot-startup-');
afterAll(tmp.cleanup);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  ms: number;
}

let dirs = 0;

/** Run the bot with `env` (and a fresh DATA_DIR) until it exits; killed after a generous bound. */
function runBot(env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: tmp.dir, // no .env here
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: join(tmp.dir, `data-${++dirs}`),
        KB_WATCH: 'false',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), WITHIN_MS + 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout, ms: Date.now() - started });
    });
  });
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A stand-in for Slack's Web API whose auth.test answers `auth`. */
async function fakeSlackApi(auth: Record<string, unknown>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url?.startsWith('/api/auth.test') ? auth : { ok: true }));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/api/`, server };
}

/** A port nobody listens on (listened on, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

const AUTH_OK = { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' };

/** The exit the issue asks for: code 2, in time, one line starting "kbbot: ", no stack, no secret. */
function expectOneLineFailure(exit: Exit, says: RegExp): void {
  const lines = exit.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(exit.signal, `still running after ${WITHIN_MS + 10_000} ms; stderr so far:\n${exit.stderr}`).toBeNull();
  expect(lines, exit.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kbbot: /);
  expect(lines[0]).toMatch(says);
  expect(exit.stderr).not.toMatch(/\n\s+at /);
  expect(exit.stderr).not.toContain(BOT_TOKEN);
  expect(exit.stderr).not.toContain(SIGNING_SECRET);
  expect(exit.code).toBe(2);
  expect(exit.ms).toBeLessThan(WITHIN_MS);
}

const slackEnv = (apiUrl: string, port: number): Record<string, string> => ({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: apiUrl,
  PORT: String(port),
});

describe('start-up failures', () => {
  it('a port in use: one line naming the port, exit 2', async () => {
    const api = await fakeSlackApi(AUTH_OK);
    const taken = createServer();
    const port = await listen(taken);
    try {
      expectOneLineFailure(await runBot(slackEnv(api.url, port)), new RegExp(`port ${port}`));
    } finally {
      await close(taken);
      await close(api.server);
    }
  });

  it('an unreachable Slack API: one line saying so, exit 2 within 10 s instead of retrying forever', async () => {
    const exit = await runBot(slackEnv(`http://127.0.0.1:${await closedPort()}/api/`, await closedPort()));
    expectOneLineFailure(exit, /slack|reach|connect/i);
  });

  it('a bot token Slack refuses (invalid_auth): one line, exit 2, the token not shown', async () => {
    const api = await fakeSlackApi({ ok: false, error: 'invalid_auth' });
    try {
      expectOneLineFailure(await runBot(slackEnv(api.url, await closedPort())), /invalid_auth|token/i);
    } finally {
      await close(api.server);
    }
  });

  it.runIf(process.platform === 'linux')(
    'DATA_DIR under /proc: one line, exit 2, at once (no 100% CPU spin)',
    async () => {
      expectOneLineFailure(await runBot({ DATA_DIR: '/proc/kbbot' }), /DATA_DIR \/proc\/kbbot/);
    },
  );

  it('a bad boolean: one line naming the variable, exit 2', async () => {
    expectOneLineFailure(await runBot({ TEAMS_ENABLED: 'sometimes' }), /TEAMS_ENABLED="sometimes"/);
  });
});
