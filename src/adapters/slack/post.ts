/**
 * Sending to Slack: messages in threads, ephemeral messages and App Home views, each through
 * `withRateLimit`.
 *
 * Rate limits: Bolt's WebClient (with the default `rejectRateLimitedCalls: false`) waits out a
 * 429's Retry-After and then throws a *retryable* error, so the call is only repeated when its
 * `retryConfig` allows retries; with `retries: 0` a 429 would lose the message. The app therefore
 * sets `rejectRateLimitedCalls: true` and this module does the waiting: on a rate-limited error it
 * sleeps Retry-After seconds and repeats the call (a 429 means nothing was posted, so a repeat
 * cannot double-post). Other errors are the WebClient's `retryConfig` business.
 */
import type { types, webApi } from '@slack/bolt';
import type { SlackMessage } from './blocks.js';

type WebClient = webApi.WebClient;

export const POST_DEFAULTS = {
  /** Rate-limited attempts repeated at most this often. */
  rateLimitRetries: 3,
  /** A Retry-After longer than this is not waited for (the error is thrown). */
  maxWaitSeconds: 60,
} as const;

interface RateLimited {
  code: string;
  retryAfter: number;
}

const isRateLimited = (err: unknown): err is RateLimited =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: unknown }).code === 'slack_webapi_rate_limited_error' &&
  typeof (err as { retryAfter?: unknown }).retryAfter === 'number';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `call()`, repeated after Retry-After while Slack answers 429. */
export async function withRateLimit<T>(
  call: () => Promise<T>,
  retries: number = POST_DEFAULTS.rateLimitRetries,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isRateLimited(err) || attempt >= retries || err.retryAfter > POST_DEFAULTS.maxWaitSeconds) throw err;
      await sleep(Math.max(0, err.retryAfter) * 1000);
    }
  }
}

// Block Kit built by renderSlack is plain objects; the Web API types want its own block types.
type Blocks = (types.KnownBlock | types.Block)[];

/** A message in a thread (or, with `broadcast`, a thread reply also sent to the channel). */
export async function postInThread(
  client: WebClient,
  channel: string,
  threadTs: string,
  message: SlackMessage,
  broadcast = false,
): Promise<void> {
  const blocks = message.blocks as unknown as Blocks;
  await withRateLimit(() =>
    broadcast
      ? client.chat.postMessage({
          channel,
          thread_ts: threadTs,
          reply_broadcast: true,
          text: message.text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
        })
      : client.chat.postMessage({
          channel,
          thread_ts: threadTs,
          text: message.text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
  );
}

/** A message in the channel itself (a shared answer that did not come from a thread). */
export async function postInChannel(client: WebClient, channel: string, message: SlackMessage): Promise<void> {
  await withRateLimit(() =>
    client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as unknown as Blocks,
      unfurl_links: false,
      unfurl_media: false,
    }),
  );
}

/** Only `user` sees it. */
export async function postEphemeral(
  client: WebClient,
  channel: string,
  user: string,
  message: SlackMessage,
  threadTs?: string,
): Promise<void> {
  await withRateLimit(() =>
    client.chat.postEphemeral({
      channel,
      user,
      text: message.text,
      blocks: message.blocks as unknown as Blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    }),
  );
}

/** The App Home tab of `user`. */
export async function publishHome(client: WebClient, user: string, blocks: Record<string, unknown>[]): Promise<void> {
  await withRateLimit(() =>
    client.views.publish({ user_id: user, view: { type: 'home', blocks: blocks as unknown as Blocks } }),
  );
}
