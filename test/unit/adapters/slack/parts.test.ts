/**
 * The Slack adapter's parts on their own: Socket Mode (an envelope fed to the receiver's client,
 * never connected), the delivered-events set, the listening file, the rate-limit wait, the App
 * Home blocks and the manifest's agreement with what the adapter registers.
 */
import { SocketModeReceiver } from '@slack/bolt';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { MemoryDeliveredEvents } from '../../../../src/adapters/slack/delivered-events.js';
import { homeBlocks } from '../../../../src/adapters/slack/home.js';
import {
  importListeningFile,
  LISTENING_FILE,
  MemoryListeningStore,
  StoredListeningStore,
} from '../../../../src/adapters/slack/listening.js';
import { asyncFromSync } from '../../../../src/memory/async-types.js';
import { openStorage } from '../../../../src/memory/sqlite/open.js';
import { withRateLimit } from '../../../../src/adapters/slack/post.js';
import { Bot } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import { REPO, tempDir } from '../../../helpers/paths.js';
import { until } from '../../../helpers/wait.js';
import { fakeSocketMode } from './harness.js';
import { SEED_PASTE, seedKb } from '../../../helpers/seed-kb.js';

const SLACK = 'https://slack.test';
const PASTE = SEED_PASTE;

describe('Slack over Socket Mode', () => {
  const posts: Record<string, unknown>[] = [];
  let server: Awaited<ReturnType<typeof fakeSocketMode>>;
  beforeAll(async () => {
    server = await fakeSocketMode();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock(SLACK)
      .persist()
      .post('/api/auth.test')
      .reply(200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' })
      .post('/api/apps.connections.open')
      .reply(200, () => ({ ok: true, url: server.url }))
      .post('/api/chat.postMessage')
      .reply(async (req: Request) => {
        posts.push(Object.fromEntries(new URLSearchParams(await req.text())));
        return [200, { ok: true, ts: '1800000000.000001' }];
      });
  });
  afterAll(async () => {
    await server.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('connects without a signing secret, answers an event envelope in the thread, acks it, and dedupes its redelivery', async () => {
    const kb = seedKb();
    const handled: Handled[] = [];
    let settle: (() => void) | undefined;
    const socket = createSlackApp({
      bot: new Bot(kb, { ranker: Ranker.build(kb) }),
      botToken: 'xoxb-test',
      appToken: 'xapp-test',
      apiUrl: `${SLACK}/api/`,
      port: 0,
      listening: new MemoryListeningStore(),
      dedupe: new MemoryDeliveredEvents(),
      logger: createLogger('error'),
      clientOptions: { retryConfig: { retries: 0 } },
      onHandled: (h) => (handled.push(h), settle?.()),
    });
    expect(socket.mode).toBe('socket');
    expect(socket.receiver).toBeInstanceOf(SocketModeReceiver);
    await socket.start();
    const body = {
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: 'EvSocket1',
      event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${PASTE}`, ts: '1700000000.000200', channel: 'C1' },
    };
    const deliver = async (retry?: number): Promise<void> => {
      const done = new Promise<void>((resolve) => (settle = resolve));
      server.send({
        envelope_id: `env${retry ?? 0}`,
        type: 'events_api',
        payload: body,
        retry_attempt: retry ?? 0,
        retry_reason: retry ? 'timeout' : '',
        accepts_response_payload: false,
      });
      await done;
    };
    await deliver();
    await deliver(1);
    expect(handled.map((h) => h.outcome)).toEqual(['replied', 'duplicate']);
    await until(() => server.received.length === 2, 'both envelopes acked');
    expect(server.received.map((m) => m.envelope_id)).toEqual(['env0', 'env1']);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: 'C1', thread_ts: '1700000000.000200' });
    expect(String(posts[0]?.text)).toContain('Q290226');
    await socket.stop();
    await until(() => !server.connected(), 'the connection closed');
  });
});

describe('MemoryDeliveredEvents', () => {
  it('holds a claimed id until released, remembers a done one for its TTL, and keeps at most max ids', async () => {
    let now = 0;
    const seen = new MemoryDeliveredEvents({ ttlMs: 1000, max: 2, now: () => now });
    expect(await seen.claim('a')).toBe(true);
    expect(await seen.claim('a')).toBe(false);
    await seen.release('a');
    expect(await seen.claim('a')).toBe(true);
    await seen.done('a');
    await seen.release('a'); // a done id stays
    expect(await seen.claim('a')).toBe(false);
    now = 1001;
    expect(await seen.claim('a')).toBe(true);
    await seen.claim('b');
    await seen.claim('c');
    expect(seen.size).toBe(2);
    expect(await seen.claim('a')).toBe(true);
  });
});

describe('StoredListeningStore', () => {
  it('starts from LISTEN_CHANNELS, keeps choices in the storage and reads them back after a restart', async () => {
    const { dir, cleanup } = tempDir('kbbot-listen-');
    try {
      const storage = openStorage(dir);
      const store = new StoredListeningStore(asyncFromSync(storage).settings, ['C1', 'C2']);
      expect(await store.isListening('C1')).toBe(true);
      expect(await store.isListening('C3')).toBe(false);
      await Promise.all([store.set('C2', false, 'U1'), store.set('C3', true, 'U1')]);
      storage.close();
      const reopened = openStorage(dir);
      expect(await new StoredListeningStore(asyncFromSync(reopened).settings, ['C1', 'C2']).channels()).toEqual([
        'C1',
        'C3',
      ]);
      reopened.close();
    } finally {
      cleanup();
    }
  });

  it('shares the choices between processes on one storage: one turned on by either holds for both at once', async () => {
    const { dir, cleanup } = tempDir('kbbot-listen-');
    const [a, b] = [openStorage(dir), openStorage(dir)];
    try {
      const one = new StoredListeningStore(asyncFromSync(a).settings, ['C1']);
      const two = new StoredListeningStore(asyncFromSync(b).settings, ['C1']);
      expect(await two.isListening('C9')).toBe(false);
      await one.set('C9', true, 'U1');
      await one.setPeek('C9', true, 'U1');
      await one.set('C1', false, 'U1');
      expect(await two.isListening('C9')).toBe(true); // read on every message, no cache to go stale
      expect(await two.peeks('C9')).toBe(true);
      expect(await two.channels()).toEqual(['C9']);
    } finally {
      a.close();
      b.close();
      cleanup();
    }
  });

  it("imports an older kbbot's listening.json once, and says which file is broken", async () => {
    const { dir, cleanup } = tempDir('kbbot-listen-');
    try {
      const storage = openStorage(dir);
      const settings = asyncFromSync(storage).settings;
      storage.settings.set('C2', 'listening', 'on');
      writeFileSync(join(dir, LISTENING_FILE), JSON.stringify({ version: 1, channels: { C1: true, C2: false } }));
      expect(await importListeningFile(settings, dir)).toBe(1);
      const store = new StoredListeningStore(settings);
      expect(await store.isListening('C1')).toBe(true);
      expect(await store.isListening('C2')).toBe(true); // the choice made since wins
      expect(existsSync(join(dir, LISTENING_FILE))).toBe(false);
      expect(await importListeningFile(settings, dir)).toBe(0);
      writeFileSync(join(dir, LISTENING_FILE), '[1, 2');
      await expect(importListeningFile(settings, dir)).rejects.toThrow(LISTENING_FILE);
      storage.close();
    } finally {
      cleanup();
    }
  });
});

describe('withRateLimit', () => {
  const limited = (retryAfter: number): Error =>
    Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter });

  it('repeats a rate-limited call after Retry-After however often, and passes other errors through', async () => {
    let calls = 0;
    expect(await withRateLimit(async () => (++calls <= 4 ? Promise.reject(limited(0)) : 'ok'))).toBe('ok');
    expect(calls).toBe(5);
    const other = new Error('boom');
    await expect(withRateLimit(async () => Promise.reject(other))).rejects.toBe(other);
  });

  it('gives up (slack_rate_limited) when waiting would pass its limit, and (slack_shutdown) when its wait is aborted', async () => {
    let calls = 0;
    const always = async (): Promise<never> => (calls++, Promise.reject(limited(5)));
    await expect(withRateLimit(always, { maxWaitMs: 1000 })).rejects.toMatchObject({ code: 'slack_rate_limited' });
    expect(calls).toBe(1); // a 5 s wait does not fit in 1 s: given up at once, not after waiting
    const shutdown = new AbortController();
    const waiting = withRateLimit(always, { signal: shutdown.signal });
    shutdown.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'slack_shutdown' });
  });
});

describe('App Home and manifest', () => {
  it('says how to use the bot and what the KB holds', () => {
    const text = JSON.stringify(homeBlocks({ articles: 1234, refreshedAt: new Date('2026-05-06T07:08:09.123Z') }));
    expect(text).toContain('/kb listen on');
    expect(text).toContain('Find a fix');
    expect(text).toContain('Save as fix');
    expect(text).toContain('1,234 articles · last refreshed 2026-05-06 07:08:09 UTC');
  });

  it('declares exactly the command, shortcut, events and scopes the adapter uses', () => {
    const manifest = readFileSync(join(REPO, 'slack', 'manifest.yml'), 'utf8');
    const list = (key: string): string[] => {
      const block = new RegExp(`^(\\s*)${key}:\\n((?:\\1\\s+- .*\\n)+)`, 'm').exec(manifest)?.[2] ?? '';
      return block
        .split('\n')
        .map((l) =>
          l
            .replace(/#.*/, '')
            .replace(/^\s*-\s*/, '')
            .trim(),
        )
        .filter(Boolean);
    };
    expect(list('bot').sort()).toEqual([
      'app_mentions:read',
      'channels:history',
      'chat:write',
      'commands',
      'groups:history',
      'im:history',
      'reactions:read',
      'reactions:write',
    ]);
    expect(list('bot_events').sort()).toEqual([
      'app_home_opened',
      'app_mention',
      'message.channels',
      'message.groups',
      'message.im',
      'reaction_added',
      'reaction_removed',
    ]);
    expect(manifest).toMatch(/- command: \/kb\n/);
    expect(manifest).toMatch(/callback_id: find_fix\n/);
    expect(manifest).toMatch(/- name: Save as fix\n\s+type: message\n\s+callback_id: save_fix\n/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
  });
});
