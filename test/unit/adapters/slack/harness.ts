/**
 * What the Slack reliability tests share: nock standing in for Slack's Web API
 * (`https://slack.test/api/`) and for response_urls, with per-method behaviour a test can change;
 * requests signed like Slack's sent over node:http (not fetch: nock 15 drains a fetch body it lets
 * through, nock/nock#2989); payload builders; and a log that keeps its lines.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import nock from 'nock';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { createLogger, type Logger } from '../../../../src/log.js';

export const SECRET = 'test-signing-secret';
export const SLACK = 'https://slack.test';
export const API_URL = `${SLACK}/api/`;

export type Body = Record<string, unknown>;
export type Reply = readonly [number, Body, Record<string, string>?];
/** What a method answers on its n-th attempt (1-based); undefined: the default ok. */
export type Behaviour = (body: Body, attempt: number) => Reply | undefined | Promise<Reply | undefined>;

/** A JSON or form body; JSON-encoded form fields (blocks) parsed. */
export function parseBody(raw: string): Body {
  try {
    return JSON.parse(raw) as Body;
  } catch {
    const out: Body = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      try {
        out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      } catch {
        out[k] = v;
      }
    }
    return out;
  }
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

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const answer = (method: string) => async (req: Request) => {
      const attempt = (this.attempts[method] = (this.attempts[method] ?? 0) + 1);
      const body = parseBody(await req.text());
      const special = await this.behave[method]?.(body, attempt);
      if (special) return special;
      this.calls.push({ method, body });
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

/** A logger at `level` whose lines are kept. */
export function captureLog(level: 'error' | 'warn' | 'info' | 'debug' = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

export function sign(body: string, ts: number, secret = SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

export interface Answer {
  status: number;
  body: string;
}

export interface SendOptions {
  secret?: string;
  /** The request's timestamp in seconds (default: now). */
  ts?: number;
  headers?: Record<string, string>;
}

/** A POST with exactly these headers. */
export function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The headers Slack sends with `body`, signed. */
export function signedHeaders(body: string, contentType: string, options: SendOptions = {}): Record<string, string> {
  const ts = options.ts ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sign(body, ts, options.secret),
    ...options.headers,
  };
}

export const sendJson = (url: string, payload: Body, options: SendOptions = {}): Promise<Answer> => {
  const body = JSON.stringify(payload);
  return post(url, body, signedHeaders(body, 'application/json', options));
};

export const sendForm = (
  url: string,
  form: Record<string, string>,
  options: SendOptions & { contentType?: string } = {},
): Promise<Answer> => {
  const body = new URLSearchParams(form).toString();
  return post(url, body, signedHeaders(body, options.contentType ?? 'application/x-www-form-urlencoded', options));
};

export const sendInteraction = (url: string, payload: Body, options: SendOptions = {}): Promise<Answer> =>
  sendForm(url, { payload: JSON.stringify(payload) }, options);

let counter = 0;
export const nextId = (): number => ++counter;
export const nextTs = (): string => `1700001${String(nextId()).padStart(3, '0')}.000100`;

export function envelope(event: Body, eventId = `Ev${nextId()}`): Body {
  return {
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700000000,
    event: { event_ts: event.ts, ...event },
  };
}

export const mention = (text: string, channel = 'C1', ts = nextTs()): Body =>
  envelope({ type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel });

export function command(text: string, channel = 'C1'): Record<string, string> {
  const n = nextId();
  return {
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'test',
    channel_id: channel,
    channel_name: 'general',
    user_id: 'U1',
    user_name: 'ann',
    command: '/kb',
    text,
    response_url: `${SLACK}/respond/cmd${n}`,
    trigger_id: `trig${n}`,
    api_app_id: 'A1',
  };
}

/** A click on a button under a public answer in a thread. */
export function button(actionId: string, value: string, channel: string, threadTs: string): Body {
  const n = nextId();
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: 'U1', name: 'ann' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trig${n}`,
    container: { type: 'message', message_ts: '1800000000.000001', channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'general' },
    response_url: `${SLACK}/respond/act${n}`,
    message: {
      type: 'message',
      user: 'UBOT',
      bot_id: 'BBOT',
      ts: '1800000000.000001',
      thread_ts: threadTs,
      text: 'answer',
    },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        value,
        action_ts: `1700000000.${n}`,
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  };
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server holding a port (for "port in use"). */
export async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Resolves when `condition()` holds; rejects after a generous bound (a guard against a hang, not a measurement). */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const stop = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
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
