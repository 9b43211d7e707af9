/**
 * Sending to Slack: messages in threads, ephemeral messages and App Home views, each through
 * `withRateLimit`.
 *
 * Rate limits: the app sets `rejectRateLimitedCalls: true`, so a 429 comes back at once as a
 * rate-limited error, and this module waits out its Retry-After and repeats the call (a 429 means
 * nothing was posted, so a repeat cannot double-post), for as long as the limit allows in all
 * (`POST_DEFAULTS.maxWaitMs`, however many 429s that takes); then the reply is given up with a
 * coded error, which the adapter logs with the delivery's id. The WebClient's own mechanism
 * (`rejectRateLimitedCalls: false`) was not used: it repeats a rate-limited call only as often as
 * its `retryConfig` allows retries, which it shares with network errors and 5xx answers (a repeat
 * after those can double-post, so kbbot's tests run with `retries: 0`, where a single 429 loses
 * the reply), it has no limit on the time spent waiting, and its wait cannot be cut short at
 * shutdown. Everything but 429s stays the WebClient's `retryConfig` business.
 *
 * Each wait is bounded by the delivery being answered (./deliveries.ts): its limit, and its
 * shutdown signal, which ends a pending wait when `stop(graceMs)`'s grace is over.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { types, webApi } from '@slack/bolt';
import type { SlackMessage } from './blocks.js';
import { currentDelivery, SlackDeliveryError } from './deliveries.js';

type WebClient = webApi.WebClient;

export const POST_DEFAULTS = {
  /**
   * A reply waits out Slack's rate limits (the Retry-After of each 429, however many) for at most
   * this long in all; one that would wait longer is dropped and logged with its delivery's id.
   */
  maxWaitMs: 60_000,
  /** A Retry-After of 0 is waited as this long, so a burst of 429s is not answered with a burst of calls. */
  minWaitMs: 250,
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

export interface RateLimitOptions {
  /** The most time spent waiting in all (default: the delivery's limit, else `POST_DEFAULTS.maxWaitMs`). */
  maxWaitMs?: number;
  /** Ends a pending wait (default: the delivery's shutdown signal). */
  signal?: AbortSignal;
}

/**
 * `call()`, repeated after each Retry-After while Slack answers 429, until `maxWaitMs` would be
 * exceeded (then a `slack_rate_limited` SlackDeliveryError) or `signal` aborts the wait (then
 * `slack_shutdown`). Other errors pass through at once.
 */
export async function withRateLimit<T>(call: () => Promise<T>, options: RateLimitOptions = {}): Promise<T> {
  const delivery = currentDelivery();
  const maxWaitMs = options.maxWaitMs ?? delivery?.maxWaitMs ?? POST_DEFAULTS.maxWaitMs;
  const signal = options.signal ?? delivery?.signal;
  const started = Date.now();
  for (;;) {
    if (signal?.aborted) throw new SlackDeliveryError('slack_shutdown', 'the bot is shutting down');
    try {
      return await call();
    } catch (err) {
      if (!isRateLimited(err)) throw err;
      const wait = Math.max(err.retryAfter * 1000, POST_DEFAULTS.minWaitMs);
      const waited = Date.now() - started;
      if (waited + wait > maxWaitMs)
        throw new SlackDeliveryError(
          'slack_rate_limited',
          `Slack rate-limited it for longer than ${seconds(maxWaitMs)} (waited ${seconds(waited)}, Retry-After ${err.retryAfter} s)`,
        );
      try {
        await sleep(wait, undefined, signal ? { signal } : {});
      } catch {
        throw new SlackDeliveryError('slack_shutdown', 'the bot shut down while it waited out a rate limit');
      }
    }
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

// Block Kit built by renderSlack is plain objects; the Web API types want its own block types.
type Blocks = (types.KnownBlock | types.Block)[];

/** A message in a thread (or, with `broadcast`, a thread reply also sent to the channel); resolves with the posted message's ts. */
export async function postInThread(
  client: WebClient,
  channel: string,
  threadTs: string,
  message: SlackMessage,
  broadcast = false,
): Promise<string | undefined> {
  const blocks = message.blocks as unknown as Blocks;
  const posted = await withRateLimit(() =>
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
  return typeof posted.ts === 'string' ? posted.ts : undefined;
}

/**
 * The `name` reaction (`white_check_mark`) on message `ts`; true when it is there (added now, or
 * already). False when Slack refused it (no `reactions:write` scope, the message gone, too many
 * reactions ...): the caller says it in words instead. Rate limits are waited out like posts.
 */
export async function addReaction(client: WebClient, channel: string, ts: string, name: string): Promise<boolean> {
  try {
    await withRateLimit(() => client.reactions.add({ channel, timestamp: ts, name }));
    return true;
  } catch (err) {
    if ((err as { data?: { error?: unknown } }).data?.error === 'already_reacted') return true;
    if (err instanceof SlackDeliveryError) throw err;
    return false;
  }
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
