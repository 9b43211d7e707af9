/**
 * Slack as the bot meets it, for the in-process tests (test/unit/adapters) and the ones that run
 * `node dist/src/main.js` (test/e2e): requests signed like Slack's, sent over node:http; the
 * payloads of events, slash commands and button clicks; and the bodies the Web API is sent.
 */
import { createHmac } from 'node:crypto';
import { post, type HttpAnswer } from './http.js';

export const SECRET = 'test-signing-secret';
/** Where nock stands in for Slack's Web API (`${SLACK}/api/`) and for response_urls (`${SLACK}/respond/`). */
export const SLACK = 'https://slack.test';
export const API_URL = `${SLACK}/api/`;

export type Body = Record<string, unknown>;

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

export function sign(body: string, ts: number, secret = SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  secret?: string;
  /** The request's timestamp in seconds (default: now). */
  ts?: number;
  headers?: Record<string, string>;
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

/** Slack's retry headers for its `n`-th retry. */
export const retryHeaders = (n: number | string, reason = 'http_timeout'): Record<string, string> => ({
  'x-slack-retry-num': String(n),
  'x-slack-retry-reason': reason,
});

export const sendJson = (url: string, payload: Body, options: SendOptions = {}): Promise<HttpAnswer> => {
  const body = JSON.stringify(payload);
  return post(url, body, signedHeaders(body, 'application/json', options));
};

export const sendForm = (
  url: string,
  form: Record<string, string>,
  options: SendOptions & { contentType?: string } = {},
): Promise<HttpAnswer> => {
  const body = new URLSearchParams(form).toString();
  return post(url, body, signedHeaders(body, options.contentType ?? 'application/x-www-form-urlencoded', options));
};

export const sendInteraction = (url: string, payload: Body, options: SendOptions = {}): Promise<HttpAnswer> =>
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

/** An event delivery: `text` said to the bot with an @mention. */
export const mention = (text: string, channel = 'C1', ts = nextTs(), eventId?: string): Body =>
  envelope({ type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel }, eventId);

/** An event delivery: `text` posted by U2 in a channel (where the bot may be listening). */
export const channelMessage = (text: string, channel: string, ts = nextTs()): Body =>
  envelope({ type: 'message', channel_type: 'channel', user: 'U2', text, ts, channel });

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

/** Where a clicked button is: under a public answer (in a thread with `threadTs`) or an ephemeral one. */
export interface ButtonPlace {
  channel: string;
  threadTs?: string;
  /** The answer's ts (default 1800000000.000001). */
  messageTs?: string;
  ephemeral?: boolean;
}

/** A click on a button of an answer. */
export function button(actionId: string, value: string, where: ButtonPlace): Body {
  const n = nextId();
  const messageTs = where.messageTs ?? '1800000000.000001';
  const thread = where.threadTs ? { thread_ts: where.threadTs } : {};
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: 'U1', name: 'ann' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trig${n}`,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: where.channel,
      is_ephemeral: where.ephemeral === true,
      ...thread,
    },
    channel: { id: where.channel, name: 'general' },
    response_url: `${SLACK}/respond/act${n}`,
    ...(where.ephemeral
      ? {}
      : { message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', ts: messageTs, ...thread, text: 'answer' } }),
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

/** An event delivery: `text` posted by `user` in `channel`, in thread `thread` when given (a reply), else a root message. */
export const threadMessage = (
  text: string,
  where: { channel: string; thread?: string; user?: string; ts?: string },
): Body =>
  envelope({
    type: 'message',
    channel_type: where.channel.startsWith('D') ? 'im' : 'channel',
    user: where.user ?? 'U2',
    text,
    ts: where.ts ?? nextTs(),
    channel: where.channel,
    ...(where.thread ? { thread_ts: where.thread } : {}),
  });

/** An event delivery: `user` added the `name` reaction to message `ts` (written by `itemUser`) of `channel`. */
export const reactionAdded = (
  name: string,
  where: { channel: string; ts: string; user?: string; itemUser?: string },
): Body => {
  const eventTs = nextTs();
  return envelope({
    type: 'reaction_added',
    user: where.user ?? 'U1',
    reaction: name,
    item_user: where.itemUser ?? 'U2',
    item: { type: 'message', channel: where.channel, ts: where.ts },
    event_ts: eventTs,
    ts: eventTs,
  });
};

/** A message shortcut (`callback_id`) used by U1 on `message` of `channel`. */
export function messageShortcut(callbackId: string, message: Body & { ts: string }, channel = 'C1'): Body {
  const n = nextId();
  return {
    type: 'message_action',
    callback_id: callbackId,
    trigger_id: `trig${n}`,
    response_url: `${SLACK}/respond/short${n}`,
    token: 'legacy',
    action_ts: `1700000000.${n}`,
    team: { id: 'T1', domain: 'test' },
    channel: { id: channel, name: 'general' },
    user: { id: 'U1', name: 'ann' },
    message: { type: 'message', ...message },
    message_ts: message.ts,
  };
}
