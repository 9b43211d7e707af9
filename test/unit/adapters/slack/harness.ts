/**
 * What the in-process Slack tests share, beside test/helpers/slack.ts (signed requests and
 * payloads): nock standing in for Slack's Web API (`https://slack.test/api/`) and for
 * response_urls, with per-method behaviour a test can change; the options of an app on loopback,
 * the bot on a storage and starting the app; the adapter's outcome reports; and a stand-in for
 * Socket Mode.
 *
 * For incident threads (issue #24) the fake Web API also keeps the channels' messages, the ones a
 * test says people wrote (`said`) and the ones the bot posted, and reads them back like Slack:
 * `conversations.replies` (a thread from its root, or with `inclusive` and `limit` 1 the message
 * asked for, paged with `cursor`), `chat.getPermalink` (`https://test.slack.com/archives/C/p…`),
 * and `reactions.add` (kept per message in `reactions`).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import nock from 'nock';
import type { SlackApp, SlackAppOptions } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { FixIndex } from '../../../../src/fixes/index.js';
import type { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import type { Ranker } from '../../../../src/kb/rank/ranker.js';
import type { AsyncStorage } from '../../../../src/memory/async-types.js';
import { listen } from '../../../helpers/http.js';
import { API_URL, parseBody, SECRET, SLACK, type Body } from '../../../helpers/slack.js';

export type Reply = readonly [number, Body, Record<string, string>?];
/** What a method answers on its n-th attempt (1-based); undefined: the default ok. */
export type Behaviour = (body: Body, attempt: number) => Reply | undefined | Promise<Reply | undefined>;

/** What every app of these tests has: HTTP on a free loopback port, the Web API in nock, no retry of a failed call. */
export const LOOPBACK_APP = {
  botToken: 'xoxb-test',
  signingSecret: SECRET,
  apiUrl: API_URL,
  port: 0,
  host: '127.0.0.1',
  clientOptions: { retryConfig: { retries: 0 } },
} satisfies Partial<SlackAppOptions>;

/**
 * The bot on `storage`: its threads, feedback (learned from) and interaction log there; with
 * `fixes`, the team fixes too (saved in `storage.fixes`, searched through a FixIndex the bot
 * refreshes when the data version says another process changed the store), as `npm start` wires them.
 */
export function storedBot(
  kb: KnowledgeBase,
  ranker: Ranker,
  storage: AsyncStorage,
  options: { fixes?: boolean } = {},
): Bot {
  return new Bot(kb, {
    ranker,
    threads: storage.threads,
    learning: new FeedbackLearning(storage.feedback),
    interactions: storage.interactions,
    dataVersion: () => storage.dataVersion(),
    ...(options.fixes ? { fixes: { store: storage.fixes, index: new FixIndex({ store: storage.fixes }) } } : {}),
  });
}

/** Start `app` on its loopback port; resolves with the URL Slack sends events to. */
export async function startApp(app: SlackApp): Promise<string> {
  const { port } = await app.start();
  return `http://127.0.0.1:${port}/slack/events`;
}

/** A message of a channel as the fake Web API keeps it (what `conversations.replies` gives back). */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  [field: string]: unknown;
}

/** The link the fake `chat.getPermalink` gives message `ts` of `channel`. */
export const permalinkFor = (channel: string, ts: string): string =>
  `https://test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

export const rateLimited = (retryAfter: number): Reply => [
  429,
  { ok: false, error: 'ratelimited' },
  { 'Retry-After': String(retryAfter) },
];

/** Slack's Web API and response_urls, in nock. */
export class FakeSlack {
  /** Calls answered ok, in order. */
  readonly calls: { method: string; body: Body }[] = [];
  /** Every attempt per method (429s and errors included). */
  readonly attempts: Record<string, number> = {};
  /** Per method ('auth.test', 'chat.postMessage', 'response_url' ...): what to answer instead of ok. */
  readonly behave: Record<string, Behaviour> = {};
  /** Called after each call answered ok. */
  onCall: (() => void) | undefined;
  /** The channels' messages: what people said (`said`) and what the bot posted, in order. */
  readonly messages: FakeMessage[] = [];
  /**
   * The ts of each message the bot posts; default `1800000000.<n>`, after any test message. A test
   * that needs messages and answers in their real order (what replies to what) gives the clock its
   * messages use.
   */
  postTs: (() => string) | undefined;
  /** Reactions added with `reactions.add`: `${channel} ${ts}` → names. */
  readonly reactions = new Map<string, string[]>();

  /** A person's message, as `conversations.replies` will read it back. */
  said(message: FakeMessage): void {
    this.messages.push(message);
  }

  /** Slack's `conversations.replies`: the thread of `ts` from its root (or only `ts`, `inclusive` and `limit` 1). */
  private replies(body: Body): Body {
    const channel = String(body.channel);
    const ts = String(body.ts);
    const here = this.messages.filter((m) => m.channel === channel);
    const asked = here.find((m) => m.ts === ts);
    if (!asked) return { ok: false, error: 'thread_not_found' };
    const root = asked.thread_ts ?? asked.ts;
    const thread = here
      .filter((m) => m.ts === root || m.thread_ts === root)
      .map((m) => ({ ...m, ...(m.ts === root && here.some((r) => r.thread_ts === root) ? { thread_ts: root } : {}) }))
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    const limit = Number(body.limit ?? 1000);
    // Asked about a reply with limit 1: Slack gives the parent first, which tells the thread.
    const start = Number(body.cursor ?? 0);
    const page = thread.slice(start, start + limit);
    const more = start + limit < thread.length;
    return {
      ok: true,
      messages: page,
      has_more: more,
      ...(more ? { response_metadata: { next_cursor: String(start + limit) } } : {}),
    };
  }

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const answer = (method: string) => async (req: Request) => {
      const attempt = (this.attempts[method] = (this.attempts[method] ?? 0) + 1);
      const body = parseBody(await req.text());
      const special = await this.behave[method]?.(body, attempt);
      if (special) return special;
      this.calls.push({ method, body });
      this.onCall?.();
      if (method === 'auth.test') return [200, { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }] as const;
      if (method === 'conversations.replies') return [200, this.replies(body)] as const;
      if (method === 'chat.getPermalink')
        return [
          200,
          { ok: true, channel: body.channel, permalink: permalinkFor(String(body.channel), String(body.message_ts)) },
        ] as const;
      if (method === 'reactions.add') {
        const key = `${String(body.channel)} ${String(body.timestamp)}`;
        this.reactions.set(key, [...(this.reactions.get(key) ?? []), String(body.name)]);
        return [200, { ok: true }] as const;
      }
      const ts =
        method === 'chat.postMessage' && this.postTs
          ? this.postTs()
          : `1800000000.${String(this.calls.length).padStart(6, '0')}`;
      if (method === 'chat.postMessage')
        this.messages.push({
          channel: String(body.channel),
          ts,
          ...(body.thread_ts ? { thread_ts: String(body.thread_ts) } : {}),
          user: 'UBOT',
          bot_id: 'BBOT',
          text: String(body.text ?? ''),
        });
      return [200, { ok: true, ts, channel: 'C1' }] as const;
    };
    const scope = nock(SLACK).persist();
    for (const method of [
      'auth.test',
      'apps.connections.open',
      'chat.postMessage',
      'chat.postEphemeral',
      'views.publish',
      'conversations.replies',
      'chat.getPermalink',
      'reactions.add',
    ])
      scope.post(`/api/${method}`).reply(answer(method));
    scope.post(/^\/respond\//).reply(answer('response_url'));
  }

  uninstall(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }

  reset(): void {
    this.messages.length = 0;
    this.reactions.clear();
    this.calls.length = 0;
    for (const k of Object.keys(this.attempts)) delete this.attempts[k];
    for (const k of Object.keys(this.behave)) delete this.behave[k];
  }

  posted(method = 'chat.postMessage'): Body[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.body);
  }
}

/** The adapter's outcome reports, and a way to wait for the next matching one. */
export class Outcomes {
  readonly handled: Handled[] = [];
  private waiters: { match: (h: Handled) => boolean; resolve: (h: Handled) => void }[] = [];

  readonly onHandled = (h: Handled): void => {
    this.handled.push(h);
    const hit = this.waiters.find((w) => w.match(h));
    if (hit) {
      this.waiters = this.waiters.filter((w) => w !== hit);
      hit.resolve(h);
    }
  };

  next(match: (h: Handled) => boolean = () => true, timeoutMs = 10_000): Promise<Handled> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`nothing handled in time; so far: ${JSON.stringify(this.handled)}`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (h) => (clearTimeout(timer), resolve(h)) });
    });
  }

  clear(): void {
    this.handled.length = 0;
  }
}

/** A server holding a port (for "port in use"). */
export async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end());
  return { server, port: await listen(server) };
}

/**
 * A loopback stand-in for Slack's Socket Mode WebSocket server: it finishes the handshake, says
 * hello, sends envelopes (`send`) and keeps what the client sends back (acks). Enough of RFC 6455
 * for short JSON text frames; pings are answered.
 */
export async function fakeSocketMode(): Promise<{
  url: string;
  received: Body[];
  connected: () => boolean;
  send: (envelope: Body) => void;
  close: () => Promise<void>;
}> {
  const received: Body[] = [];
  const sockets = new Set<Socket>();
  const frame = (opcode: number, payload: Buffer): Buffer => {
    const head =
      payload.length < 126
        ? Buffer.from([0x80 | opcode, payload.length])
        : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
    return Buffer.concat([head, payload]);
  };
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const accept = createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = (buffer[0] as number) & 0x0f;
        let length = (buffer[1] as number) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        const masked = ((buffer[1] as number) & 0x80) !== 0;
        const mask = masked ? buffer.subarray(offset, offset + 4) : undefined;
        offset += masked ? 4 : 0;
        if (buffer.length < offset + length) return;
        const payload = Buffer.from(buffer.subarray(offset, offset + length));
        if (mask)
          for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
        buffer = buffer.subarray(offset + length);
        if (opcode === 1) received.push(JSON.parse(payload.toString('utf8')) as Body);
        else if (opcode === 9) socket.write(frame(10, payload));
        else if (opcode === 8) {
          socket.end(frame(8, Buffer.alloc(0)));
          return;
        }
      }
    });
    socket.write(frame(1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
  });
  const port = await listen(server);
  return {
    url: `ws://127.0.0.1:${port}/link`,
    received,
    connected: () => sockets.size > 0,
    send: (envelope) => {
      for (const socket of sockets) socket.write(frame(1, Buffer.from(JSON.stringify(envelope))));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
