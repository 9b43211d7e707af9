// SIGTERM while a Teams reply is under way (issue #22), as an operator meets it: `node
// dist/src/main.js` with Teams enabled (unauthenticated, loopback) and a loopback stand-in for the
// Bot Connector that can hold a reply. A reply that finishes within SHUTDOWN_GRACE_MS is posted
// before the bot exits; one that does not is logged (activity id, not the text) and its delivery
// freed, so the service's re-delivery to the restarted bot (same DATA_DIR) is answered, once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBot, whenReady, type BotProcess } from '../helpers/bot-process.js';
import { freePort, listen, postJson } from '../helpers/http.js';
import { SEEDS_DIR, tempDir } from '../helpers/paths.js';
import { SEED_PASTE } from '../helpers/seed-kb.js';
import { until } from '../helpers/wait.js';

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
  serviceUrl = `http://127.0.0.1:${await listen(connector)}/`;
});
afterAll(async () => {
  connector.closeAllConnections();
  await new Promise((resolve) => connector.close(resolve));
  tmp.cleanup();
});

/** Start the bot on `dataDir` and wait until Teams listens (killed after a generous bound). */
async function startBot(dataDir: string, graceMs: number): Promise<BotProcess & { url: string }> {
  const port = await freePort();
  const bot = spawnBot(tmp.dir, {
    DATA_DIR: dataDir,
    KB_DIR: SEEDS_DIR,
    LOG_LEVEL: 'info',
    TEAMS_ENABLED: 'true',
    TEAMS_PORT: String(port),
    SHUTDOWN_GRACE_MS: String(graceMs),
  });
  const url = await whenReady(
    bot,
    (stderr) => /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(stderr)?.[1],
  );
  return { ...bot, url };
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

/** POST an activity; resolves with the status, 0 when the connection was cut. */
const post = (url: string, body: unknown): Promise<number> =>
  postJson(`${url}/api/messages`, body).then(
    (res) => res.status,
    () => 0,
  );

/** Hold the next connector call: resolves with its `answer` once it arrives. */
function holdNextCall(): Promise<() => void> {
  return new Promise(
    (resolve) => (holdNext = (res) => resolve((res as ServerResponse & { answer: () => void }).answer)),
  );
}

describe('Teams under SIGTERM', () => {
  it('posts a reply under way within the grace period before exiting', async () => {
    posted.length = 0;
    const bot = await startBot(join(tmp.dir, 'data-finish'), 20_000);
    const held = holdNextCall();
    const answered = post(bot.url, activity());
    const answer = await held;
    bot.child.kill('SIGTERM');
    await until(() => /shutting down/.test(bot.stderr()), '"shutting down" on stderr', 15_000);
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
