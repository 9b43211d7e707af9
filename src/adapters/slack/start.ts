/**
 * Start-up of the Slack adapter: confirming the bot token with `auth.test` (which also tells the
 * bot its own user and bot ids), and the one-line errors every start-up failure becomes.
 *
 * `auth.test` is retried with back-off on what can pass (a 429, `internal_error` and other
 * platform hiccups, HTTP 5xx, a network error or timeout) until `START_DEFAULTS.timeoutMs` is
 * spent; a token Slack rejects (`invalid_auth`, `account_inactive`, ...) fails at once. Bolt's own
 * start-up `auth.test` is not used: it runs once, in the App's constructor, and its rejection
 * crashed the process (an unhandled rejection) while every event waited on it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { boltLogger } from './bolt-logger.js';
import { describeError } from './context.js';

export type SlackStartCode =
  /** HTTP: another program listens on the port. */
  | 'slack_port_in_use'
  /** HTTP: the port could not be listened on for another reason (a privileged port, a bad host). */
  | 'slack_listen_failed'
  /** Slack rejected the bot token or the app-level token. */
  | 'slack_auth_invalid'
  /** Slack's Web API (or Socket Mode's connection) did not answer within the start-up time. */
  | 'slack_unreachable'
  /** HTTP without a signing secret. */
  | 'slack_signing_secret_missing';

/** Why the Slack adapter could not start: one line, no secrets, no stack (main prints it and exits 2). */
export class SlackStartError extends Error {
  constructor(
    readonly code: SlackStartCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlackStartError';
  }
}

export const START_DEFAULTS = {
  /**
   * Confirming the bot token (and, in Socket Mode, connecting) may take this long, retries
   * included; then start-up fails with `slack_unreachable`, so `npm start` exits within 10 s.
   */
  timeoutMs: 8_000,
  /** The first pause between `auth.test` attempts; doubled after each, up to `maxBackoffMs`. */
  backoffMs: 250,
  maxBackoffMs: 2_000,
} as const;

/** Platform errors that mean the token is wrong: retrying cannot help. */
export const TOKEN_REJECTED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'no_permission',
  'team_access_not_granted',
  'ekm_access_denied',
  'user_removed_from_team',
  'team_disabled',
]);

/** Who the bot is in the workspace. */
export interface BotIdentity {
  botUserId?: string;
  botId?: string;
}

export interface VerifyOptions {
  token: string;
  /** Passed to the WebClient (the API URL, a fetch); its retries are replaced by this module's. */
  clientOptions: webApi.WebClientOptions;
  /** Start-up's deadline, ms since the epoch. */
  deadline: number;
  /** The time start-up was given (for the error message). */
  timeoutMs: number;
  /** The Web API base URL, for the error message. */
  apiUrl: string;
  /** Each failed attempt is logged at info (the client's own lines at debug): the error says the last. */
  log: Logger;
}

interface CodedError {
  code?: unknown;
  data?: { error?: unknown };
  retryAfter?: unknown;
  original?: { cause?: { code?: unknown } };
}

/** A short description of a Web API failure for the log, with the network error's code when there is one. */
export function describeApiError(err: unknown): string {
  const cause = (err as CodedError | undefined)?.original?.cause?.code;
  return typeof cause === 'string' ? `${describeError(err)} (${cause})` : describeError(err);
}

/** Call `auth.test` until it answers ok (the identity), Slack rejects the token, or the deadline passes. */
export async function verifyBotToken(options: VerifyOptions): Promise<BotIdentity> {
  let backoff: number = START_DEFAULTS.backoffMs;
  let last = 'no answer';
  for (;;) {
    const left = options.deadline - Date.now();
    if (left <= 0) break;
    const client = new webApi.WebClient(options.token, {
      ...options.clientOptions,
      logger: boltLogger(options.log, { quiet: true }),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: left,
    });
    let wait = backoff;
    try {
      const result = await client.auth.test();
      return { botUserId: result.user_id, botId: result.bot_id };
    } catch (err) {
      const e = err as CodedError;
      const platform = typeof e.data?.error === 'string' ? e.data.error : undefined;
      if (e.code === 'slack_webapi_platform_error' && platform && TOKEN_REJECTED.has(platform))
        throw new SlackStartError(
          'slack_auth_invalid',
          `Slack rejected the bot token (SLACK_BOT_TOKEN): ${platform}; check the token in the app's OAuth & Permissions page`,
        );
      if (e.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') {
        wait = Math.max(e.retryAfter * 1000, backoff);
        last = `rate limited (Retry-After ${e.retryAfter} s)`;
      } else {
        last = describeApiError(err);
        backoff = Math.min(backoff * 2, START_DEFAULTS.maxBackoffMs);
      }
    }
    if (Date.now() + wait >= options.deadline) break;
    options.log.info(`slack: auth.test failed (${last}); retrying in ${wait} ms`);
    await sleep(wait);
  }
  throw unreachable(`Slack's Web API (${options.apiUrl}) did not confirm the bot token`, options.timeoutMs, last);
}

/** `slack_unreachable`: `what` did not happen within `timeoutMs`, the last failure being `last`. */
export function unreachable(what: string, timeoutMs: number, last: string): SlackStartError {
  return new SlackStartError('slack_unreachable', `${what} within ${timeoutMs / 1000} s (last: ${last})`);
}

/** The one-line error for a server that could not listen. */
export function listenError(err: unknown, port: number, host: string | undefined): SlackStartError {
  const code = (err as { code?: unknown }).code;
  const where = `${host ?? 'all interfaces'} port ${port}`;
  if (code === 'EADDRINUSE')
    return new SlackStartError(
      'slack_port_in_use',
      `cannot listen on ${where} (PORT): another program (another kbbot?) is using it`,
    );
  return new SlackStartError('slack_listen_failed', `cannot listen on ${where} (PORT): ${describeError(err)}`);
}
