// SIGTERM while a Teams reply is under way (issue #22), as an operator meets it: `node
// dist/src/main.js` with Teams enabled (unauthenticated, loopback) and a loopback stand-in for the
// Bot Connector that can hold a reply. A reply that finishes within SHUTDOWN_GRACE_MS is posted
// before the bot exits; one that does not is logged (activity id, not the text) and its delivery
// freed, so the service's re-delivery to the restarted bot (same DATA_DIR) is answered, once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SEEDS_DIR, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';

const MAIN = join(REPO, 'dist', 'src', 'main.js');
const tmp = tempDir('kbbot-teams-sigterm-');

/** What the connector stand-in was sent, and the replies it holds. */
const posted: { path: string; body: Record<string, unknown> }[] = [];
let holdNext: ((res: ServerResponse) => void) | undefined;
const connector = createServer((req: IncomingMessage, res: ServerResponse) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (text += c));
  req.on('end', () => {
    const hold = holdNext;
    holdNext = undefined;
    const answer = (): void => {
      posted.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${posted.length}` }));
    };
    if (hold) hold(Object.assign(res, { answer }));
    else answer();
  });
});
let serviceUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  connector.closeAllConnections();
  await new Promise((resolve) => connector.close(resolve));
  tmp.cleanup();
});

interface Bot {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nobody listens on (listened on, then closed). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Start the bot on `dataDir` and wait until Teams listens (killed after a generous bound). */
async function startBot(dataDir: string, graceMs: number): Promise<Bot> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmp.dir,
    env: {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      KB_DIR: SEEDS_DIR,
      KB_WATCH: 'false',
      LOG_LEVEL: 'info',
      TEAMS_ENABLED: 'true',
      TEAMS_PORT: String(port),
      SHUTDOWN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    void exited.then(() => reject(new Error(`the bot exited before listening:\n${stderr}`)));
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(stderr)?.[1];
      if (url) resolve({ child, url, stderr: () => stderr, exited });
    });
  });
}

let seq = 0;
function activity(): Record<string, unknown> {
  return {
    type: 'message',
    id: `sigterm-${++seq}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user-ann', aadObjectId: 'aad-ann' },
    recipient: { id: '28:kbbot' },
    conversation: { id: 'a:personal-chat-ann', conversationType: 'personal' },
    text: SEED_PASTE,
  };
}

function post(url: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0)); // the connection was cut
    req.end(JSON.stringify(body));
  });
}

/** Hold the next connector call: resolves with its `answer` once it arrives. */
function holdNextCall(): Promise<() => void> {
  return new Promise(
    (resolve) => (holdNext = (res) => resolve((res as ServerResponse & { answer: () => void }).answer)),
  );
}

/** Wait for `check` to hold (a generous bound, so a bot that never gets there fails instead of hanging). */
const until = async (check: () => boolean, what: string): Promise<void> => {
  for (const end = Date.now() + 15_000; !check();) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('Teams under SIGTERM', () => {
  it('posts a reply under way within the grace period before exiting', async () => {
    posted.length = 0;
    const bot = await startBot(join(tmp.dir, 'data-finish'), 20_000);
    const held = holdNextCall();
    const answered = post(bot.url, activity());
    const answer = await held;
    bot.child.kill('SIGTERM');
    await until(() => /shutting down/.test(bot.stderr()), '"shutting down" on stderr');
    answer();
    expect(await answered).toBe(200);
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.body)).toContain('Q290226');
    expect(bot.stderr()).not.toMatch(/dropped/);
  });

  it('drops a reply slower than the grace period, and the restarted bot answers its re-delivery once', async () => {
    posted.length = 0;
    const dataDir = join(tmp.dir, 'data-drop');
    const first = await startBot(dataDir, 200);
    const message = activity();
    const held = holdNextCall();
    const cut = post(first.url, message);
    await held; // never answered: the reply is still under way when the grace period ends
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await cut).not.toBe(200);
    expect(first.stderr()).toContain(`dropped the reply to activity ${message.id as string}`);
    expect(first.stderr()).not.toContain('0xc0020002');
    expect(posted).toEqual([]);

    const second = await startBot(dataDir, 200);
    try {
      expect(await post(second.url, message)).toBe(200);
      expect(posted).toHaveLength(1);
      expect(JSON.stringify(posted[0]?.body)).toContain('Q290226');
      expect(await post(second.url, message)).toBe(200); // and once only
      expect(posted).toHaveLength(1);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    }
  });
});
