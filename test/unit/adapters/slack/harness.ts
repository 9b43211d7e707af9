/**
 * What the in-process Slack tests share, beside test/helpers/slack.ts (signed requests and
 * payloads): nock standing in for Slack's Web API (`https://slack.test/api/`) and for
 * response_urls, with per-method behaviour a test can change; the options of an app on loopback,
 * the bot on a storage and starting the app; the adapter's outcome reports; and a stand-in for
 * Socket Mode.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import nock from 'nock';
import type { SlackApp, SlackAppOptions } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import type { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import type { Ranker } from '../../../../src/kb/rank/ranker.js';
import type { Storage } from '../../../../src/memory/types.js';
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

/** The bot on `storage`: its threads, feedback (learned from) and interaction log there. */
export function storedBot(kb: KnowledgeBase, ranker: Ranker, storage: Storage): Bot {
  return new Bot(kb, {
    ranker,
    threads: storage.threads,
    learning: new FeedbackLearning(storage.feedback),
    interactions: storage.interactions,
  });
}

/** Start `app` on its loopback port; resolves with the URL Slack sends events to. */
export async function startApp(app: SlackApp): Promise<string> {
  const { port } = await app.start();
  return `http://127.0.0.1:${port}/slack/events`;
}

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
      return [
        200,
        { ok: true, ts: `1800000000.${String(this.calls.length).padStart(6, '0')}`, channel: 'C1' },
      ] as const;
    };
    const scope = nock(SLACK).persist();
    for (const method of [
      'auth.test',
      'apps.connections.open',
      'chat.postMessage',
      'chat.postEphemeral',
      'views.publish',
    ])
      scope.post(`/api/${method}`).reply(answer(method));
    scope.post(/^\/respond\//).reply(answer('response_url'));
  }

  uninstall(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }

  reset(): void {
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
