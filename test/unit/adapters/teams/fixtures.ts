/**
 * What the Teams adapter tests share: Bot Framework activities as Teams sends them, a POST over
 * node:http (fetch's body does not survive nock's pass-through to 127.0.0.1), nock standing in for
 * the Bot Connector and for Entra's token endpoint, and JWTs built with node:crypto.
 */
import { createHmac, sign, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { expect } from 'vitest';
import { postJson, type HttpAnswer } from '../../../helpers/http.js';

export type Json = Record<string, unknown>;

export const SERVICE = 'https://smba.trafficmanager.net';
export const SERVICE_URL = `${SERVICE}/teams/`;
export const BOT = { id: '28:kbbot-app-id', name: 'kbbot' };
export const USER = { id: '29:user-ann', name: 'Ann', aadObjectId: 'aad-ann' };

let seq = 0;

let channelSeq = 0;
/** A message in Teams channel `channel` that @mentions the bot: `text` after the mention, `extra` over the rest. */
export function channelMention(channel: string, text: string, extra: Json = {}): Json {
  const id = `17000000000${String(++channelSeq).padStart(2, '0')}`;
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: USER,
    recipient: BOT,
    conversation: {
      id: `${channel};messageid=${id}`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: 'tenant-1',
    },
    text: `<at>kbbot</at> ${text}`,
    entities: [{ type: 'mention', text: '<at>kbbot</at>', mentioned: BOT }],
    channelData: { teamsChannelId: channel, tenant: { id: 'tenant-1' } },
    ...extra,
  };
}

/**
 * A message in Teams channel `channel` with id `id`: a root post, or a reply in the reply chain of
 * `root`; it @mentions the bot unless `mention` is false; from USER unless `from` says.
 */
export function threadMessage(
  channel: string,
  id: string,
  text: string,
  options: { root?: string; from?: Json; mention?: boolean; extra?: Json } = {},
): Json {
  const mention = options.mention ?? true;
  return channelMention(channel, text, {
    id,
    conversation: {
      id: `${channel};messageid=${options.root ?? id}`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: 'tenant-1',
    },
    ...(options.root ? { replyToId: options.root } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(mention ? {} : { text, entities: [] }),
    ...options.extra,
  });
}

/** Teams message ids as Teams gives them: milliseconds since the epoch, increasing (one clock for messages and replies). */
export function teamsIds(start = 1_700_000_000_000): () => string {
  let at = start;
  return () => String((at += 1000));
}

/** A message of a Teams channel as a message action's `messagePayload` carries it (HTML body). */
export interface PayloadMessage {
  id: string;
  /** The root of its reply chain; absent for a root message. */
  replyToId?: string;
  html: string;
  from?: { id: string; displayName: string } | null;
  linkToMessage?: string;
  extra?: Json;
}

/**
 * The `composeExtension/submitAction` invoke Teams sends when `from` picks a message action
 * (`commandId`) on `message` in `conversationId` (a channel's reply chain `…;messageid=<root>`, or a
 * chat), with the form's `data`.
 */
export function submitAction(
  conversationId: string,
  message: PayloadMessage,
  options: { commandId?: string; data?: Json; from?: Json; conversationType?: string } = {},
): Json {
  const author = message.from === undefined ? { id: USER.aadObjectId, displayName: USER.name } : message.from;
  return {
    type: 'invoke',
    name: 'composeExtension/submitAction',
    id: `f:${++seq}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: options.from ?? USER,
    recipient: BOT,
    conversation: {
      id: conversationId,
      conversationType: options.conversationType ?? 'channel',
      isGroup: (options.conversationType ?? 'channel') !== 'personal',
      tenantId: 'tenant-1',
    },
    channelData: { tenant: { id: 'tenant-1' } },
    value: {
      commandId: options.commandId ?? 'saveFix',
      commandContext: 'message',
      context: { theme: 'default' },
      data: options.data ?? {},
      messagePayload: {
        id: message.id,
        ...(message.replyToId ? { replyToId: message.replyToId } : {}),
        messageType: 'message',
        createdDateTime: new Date().toISOString(),
        importance: 'normal',
        locale: 'en-us',
        ...(message.linkToMessage ? { linkToMessage: message.linkToMessage } : {}),
        from: author
          ? { user: { id: author.id, displayName: author.displayName, userIdentityType: 'aadUser' } }
          : { application: { id: 'app-1', displayName: 'Alerts', applicationIdentityType: 'bot' } },
        body: { contentType: 'html', content: message.html },
        attachments: [],
        mentions: [],
        reactions: [],
        ...message.extra,
      },
    },
  };
}

/** The Adaptive Card a sent activity carries, as a string (for looking for article ids and texts). */
export function cardOf(call: ConnectorCall | undefined): string {
  const attachments = (call?.body.attachments ?? []) as { contentType: string; content: unknown }[];
  expect(attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return JSON.stringify(attachments[0]?.content);
}

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

/** POST an activity to the Teams endpoint at `url`. */
export const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> =>
  postJson(`${url}/api/messages`, body, headers);

/** A call the Bot Connector got; `path` decoded, after /teams/v3/conversations/. */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Json;
  authorization: string | null;
}

/**
 * The Bot Connector at SERVICE, in nock: every POST/PUT under /teams/v3/conversations is recorded
 * and answered with an id, unless a test makes it fail (`failNext`) or holds it (`holdNextCall`).
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Answers the next calls get instead of success (429 throttling, 403 forbidden, …). */
  failNext: { status: number; headers?: Record<string, string> }[] = [];
  /** Calls to hold: each waits for its promise, then is answered with the status it gives (201: posted). */
  private readonly holds: { status: Promise<number>; arrived: () => void }[] = [];
  private nextId = 0;
  /** Where the ids of posted activities come from (e.g. `teamsIds()`, shared with the test's messages); "sent-1", … when unset. */
  newId: (() => string) | undefined = undefined;
  /** The id each recorded call was answered with, in order. */
  readonly ids: string[] = [];

  install(): void {
    const answer = async (req: Request): Promise<[number, Json, Record<string, string>?]> => {
      const fail = this.failNext.shift();
      if (fail)
        return [fail.status, { error: { code: 'Failed', message: `status ${fail.status}` } }, fail.headers ?? {}];
      const hold = this.holds.shift();
      if (hold) {
        hold.arrived();
        const status = await hold.status;
        if (status >= 300) return [status, { error: { code: 'Failed', message: `status ${status}` } }];
      }
      const path = decodeURIComponent(new URL(req.url).pathname.replace('/teams/v3/conversations/', ''));
      this.calls.push({
        method: req.method,
        path,
        body: (await req.json()) as Json,
        authorization: req.headers.get('authorization'),
      });
      const id = this.newId ? this.newId() : `sent-${++this.nextId}`;
      this.ids.push(id);
      return [req.method === 'PUT' ? 200 : 201, { id }];
    };
    nock(SERVICE)
      .persist()
      .post(/^\/teams\/v3\/conversations\//)
      .reply(answer)
      .put(/^\/teams\/v3\/conversations\//)
      .reply(answer);
  }

  /** Forget the calls, failures and holds. */
  reset(): void {
    this.calls.length = 0;
    this.ids.length = 0;
    this.failNext = [];
    this.holds.length = 0;
  }

  /** Hold the next call; `arrived` resolves when it comes, `answer(status)` lets it go. */
  holdNextCall(): { arrived: Promise<void>; answer: (status: number) => void } {
    const came = gate();
    const status = gate<number>();
    this.holds.push({ status: status.promise, arrived: () => came.open() });
    return { arrived: came.promise, answer: status.open };
  }
}

/** Entra's OpenID metadata and token endpoint for botframework.com, handing out `connector-token`. */
export function connectorTokenEndpoint(): nock.Scope {
  return nock('https://login.microsoftonline.com')
    .persist()
    .get(/\/botframework\.com\/v2\.0\/\.well-known\/openid-configuration/)
    .reply(200, {
      issuer: 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
      authorization_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/authorize',
      token_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token',
      end_session_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/logout',
      jwks_uri: 'https://login.microsoftonline.com/botframework.com/discovery/v2.0/keys',
    })
    .post(/^\/botframework\.com\/oauth2\/v2\.0\/token/)
    .reply(200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: 'connector-token' });
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
