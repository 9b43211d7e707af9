/**
 * What the Teams adapter tests share: Bot Framework activities as Teams sends them, a POST over
 * node:http (fetch's body does not survive nock's pass-through to 127.0.0.1), a logger that keeps
 * its lines, and JWTs built with node:crypto.
 */
import { request } from 'node:http';
import { createHmac, sign, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../../../src/log.js';

export type Json = Record<string, unknown>;

export const SERVICE = 'https://smba.trafficmanager.net';
export const SERVICE_URL = `${SERVICE}/teams/`;
export const BOT = { id: '28:kbbot-app-id', name: 'kbbot' };
export const USER = { id: '29:user-ann', name: 'Ann', aadObjectId: 'aad-ann' };

let seq = 0;

export function personalMessage(text: string, extra: Json = {}): Json {
  return {
    type: 'message',
    id: `dm-${++seq}`,
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: USER,
    recipient: BOT,
    conversation: { id: 'a:personal-chat-ann', conversationType: 'personal', tenantId: 'tenant-1' },
    text,
    ...extra,
  };
}

/** A card button press in the personal chat (Action.Submit with `kbAction`). */
export function press(action: string, articleId: string): Json {
  return { ...personalMessage(''), text: undefined, replyToId: 'card-1', value: { kbAction: action, id: articleId } };
}

export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/messages`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** A logger whose lines ("kbbot warn: ...") are kept in `lines`. */
export function keptLogger(level: LogLevel = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A JWT: RS256 with a private key, HS256 with a secret, or unsigned (`alg: none`). */
export function jwt(header: Json, claims: Json, key?: KeyObject | string): string {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  if (key === undefined) return `${unsigned}.`;
  const signature =
    typeof key === 'string'
      ? createHmac('sha256', key).update(unsigned).digest()
      : sign('RSA-SHA256', Buffer.from(unsigned), key);
  return `${unsigned}.${signature.toString('base64url')}`;
}

/** Claims of a token the Bot Framework channel would send to app `appId`, valid for ten minutes. */
export function channelClaims(appId: string, extra: Json = {}): Json {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://api.botframework.com',
    aud: appId,
    serviceurl: SERVICE_URL,
    iat: now,
    nbf: now - 10,
    exp: now + 600,
    ...extra,
  };
}

/** A JSON Web Key set entry for an RSA public key (the channel's keys are endorsed for channels). */
export function jwkOf(publicKey: KeyObject, kid: string, endorsements?: string[]): Json {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, ...(endorsements ? { endorsements } : {}) };
}

/** A promise with its resolve, for holding a call until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
