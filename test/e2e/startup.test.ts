// Start-up failures as an operator meets them (issue #22): `node dist/src/main.js` (built by the
// global setup) in a child process, in Slack HTTP mode against a loopback stand-in for Slack's Web
// API. Whatever goes wrong (the port is taken, Slack cannot be reached, the token is refused,
// DATA_DIR cannot be made), the bot says so in one line on stderr and exits with code 2 within
// 10 s: no stack trace, no hang, no secret.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnBot, type Exit as ProcessExit } from '../helpers/bot-process.js';
import { freePort, listen } from '../helpers/http.js';
import { tempDir } from '../helpers/paths.js';

const BOT_TOKEN = 'xoxb-startup-secret-token';
const SIGNING_SECRET = 'startup-signing-secret';
/** How long a start-up failure may take (the bound). */
const WITHIN_MS = 10_000;

const tmp = tempDir('kbbot-startup-');
afterAll(tmp.cleanup);

interface Exit extends ProcessExit {
  stderr: string;
  stdout: string;
  ms: number;
}

let dirs = 0;

/** Run the bot with `env` (and a fresh DATA_DIR) until it exits; killed after a generous bound. */
async function runBot(env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  const bot = spawnBot(
    tmp.dir,
    { DATA_DIR: join(tmp.dir, `data-${++dirs}`), LOG_LEVEL: 'warn', ...env },
    WITHIN_MS + 10_000,
  );
  const exit = await bot.exited;
  return { ...exit, stderr: bot.stderr(), stdout: bot.stdout(), ms: Date.now() - started };
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A stand-in for Slack's Web API whose auth.test answers `auth`. */
async function fakeSlackApi(auth: Record<string, unknown>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url?.startsWith('/api/auth.test') ? auth : { ok: true }));
  });
  const port = await listen(server, 0, null);
  return { url: `http://127.0.0.1:${port}/api/`, server };
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
    const port = await listen(taken, 0, null);
    try {
      expectOneLineFailure(await runBot(slackEnv(api.url, port)), new RegExp(`port ${port}`));
    } finally {
      await close(taken);
      await close(api.server);
    }
  });

  it('an unreachable Slack API: one line saying so, exit 2 within 10 s instead of retrying forever', async () => {
    const exit = await runBot(slackEnv(`http://127.0.0.1:${await freePort()}/api/`, await freePort()));
    expectOneLineFailure(exit, /slack|reach|connect/i);
  });

  it('a bot token Slack refuses (invalid_auth): one line, exit 2, the token not shown', async () => {
    const api = await fakeSlackApi({ ok: false, error: 'invalid_auth' });
    try {
      expectOneLineFailure(await runBot(slackEnv(api.url, await freePort())), /invalid_auth|token/i);
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
