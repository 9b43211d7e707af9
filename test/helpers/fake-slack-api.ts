/**
 * A loopback stand-in for Slack's Web API that several bot processes share, for the tests that run
 * `node dist/src/main.js` as replicas. Each replica is given its own SLACK_API_URL on the one server
 * (`url('a')` is http://127.0.0.1:<port>/a/api/), so every call is recorded with the replica that
 * made it. It answers what the bot calls: auth.test, chat.postMessage (a fresh ts each),
 * chat.postEphemeral, reactions.add, conversations.replies (from the posts it recorded),
 * chat.getPermalink, views.publish, and the response_urls of button clicks (`respondUrl()`).
 *
 * `hold(replica, method)` makes the server keep that replica's later calls of `method` open and never
 * answer them: as if the connection dropped before Slack processed them. A held call is listed in
 * `held`, not in `calls`: it was never posted.
 */
import { createServer, type ServerResponse } from 'node:http';
import { listen } from './http.js';
import { parseBody, type Body } from './slack.js';

/** The bot user the fake workspace says the token belongs to (auth.test). */
export const BOT_USER = 'UBOT';

export interface ApiCall {
  /** The replica's name in its SLACK_API_URL, or 'respond' for a response_url. */
  replica: string;
  /** The Web API method (chat.postMessage), or the response_url's last path segment. */
  method: string;
  body: Body;
  /** For chat.postMessage: the ts the fake Slack gave the posted message. */
  ts?: string;
  /** Date.now() when the call arrived. */
  at: number;
}

export interface FakeSlackApi {
  /** The SLACK_API_URL of the replica named `replica` (letters and digits). */
  url(replica: string): string;
  /** A response_url on this server, named `name`, for a click's payload. */
  respondUrl(name: string): string;
  /** Every call answered, in arrival order. */
  readonly calls: readonly ApiCall[];
  /** The calls held and never answered. */
  readonly held: readonly ApiCall[];
  /** The chat.postMessage calls answered (posted), in arrival order. */
  posts(): ApiCall[];
  /** From now on, keep `replica`'s calls of `method` open and unanswered. */
  hold(replica: string, method: string): void;
  close(): Promise<void>;
}

/** Start the fake Web API on a free loopback port. */
export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: ApiCall[] = [];
  const held: ApiCall[] = [];
  const holds = new Set<string>();
  // Posted message ts -> its thread: what conversations.replies answers a reaction's lookup with.
  const threadOf = new Map<string, string>();
  let seq = 0;

  const answer = (res: ServerResponse, body: Body): void => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const at = Date.now();
      const path = (req.url ?? '').split('?')[0] ?? '';
      const respond = /^\/respond\/([^/]+)$/.exec(path);
      if (respond) {
        calls.push({ replica: 'respond', method: respond[1] ?? '', body: parseBody(raw), at });
        answer(res, { ok: true });
        return;
      }
      const api = /^\/([A-Za-z0-9]+)\/api\/([A-Za-z.]+)$/.exec(path);
      if (!api) {
        res.statusCode = 404;
        answer(res, { ok: false, error: 'unknown_method' });
        return;
      }
      const [, replica = '', method = ''] = api;
      const body = parseBody(raw);
      const call: ApiCall = { replica, method, body, at };
      if (holds.has(`${replica} ${method}`)) {
        held.push(call); // never answered: the socket stays open until the caller goes away
        return;
      }
      const channel = typeof body.channel === 'string' ? body.channel : 'C1';
      switch (method) {
        case 'auth.test':
          calls.push(call);
          answer(res, { ok: true, user_id: BOT_USER, bot_id: 'BBOT', team_id: 'T1', user: 'kbbot' });
          return;
        case 'chat.postMessage': {
          // Distinct, increasing ts, in Slack's "seconds.micro" form.
          call.ts = `1900000000.${String(++seq).padStart(6, '0')}`;
          calls.push(call);
          threadOf.set(call.ts, typeof body.thread_ts === 'string' ? body.thread_ts : call.ts);
          answer(res, { ok: true, channel, ts: call.ts, message: { ts: call.ts, text: body.text } });
          return;
        }
        case 'chat.postEphemeral':
          calls.push(call);
          answer(res, { ok: true, message_ts: `1900000000.${String(++seq).padStart(6, '0')}` });
          return;
        case 'conversations.replies': {
          calls.push(call);
          const ts = String(body.ts ?? '');
          answer(res, { ok: true, messages: [{ ts, thread_ts: threadOf.get(ts) ?? ts }], has_more: false });
          return;
        }
        case 'chat.getPermalink':
          calls.push(call);
          answer(res, {
            ok: true,
            channel,
            permalink: `https://test.slack.com/archives/${channel}/p${String(body.message_ts ?? '').replace('.', '')}`,
          });
          return;
        default: // reactions.add, views.publish, ...: accepted
          calls.push(call);
          answer(res, { ok: true });
      }
    });
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (replica) => `${base}/${replica}/api/`,
    respondUrl: (name) => `${base}/respond/${name}`,
    calls,
    held,
    posts: () => calls.filter((c) => c.method === 'chat.postMessage'),
    hold: (replica, method) => holds.add(`${replica} ${method}`),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
