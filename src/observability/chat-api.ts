/**
 * Chat API calls counted where they leave the process:
 *
 * - Slack: `meteredFetch` is the `fetch` every WebClient of the Slack adapter uses (Bolt's, the
 *   start-up `auth.test`, Socket Mode's `apps.connections.open`). Each request counts as a call of
 *   its Web API method, ok or an error: `http_429`, `http_5xx` (any other status `http_<status>`),
 *   Slack's own error code (`{"ok":false,"error":"channel_not_found"}`) or `network`. A request
 *   sent again after a 429, a 5xx or a network failure (the same method and body: the client's own
 *   retries and the adapter's rate-limit waits alike) counts as a retry.
 * - Teams: `teamsRetryObserver` is the `onCall` of the Bot Connector calls' `withRetry`
 *   (adapters/teams/retry.ts): every attempt a call, every attempt after the first a retry.
 */
import { createHash } from 'node:crypto';
import type { Metrics } from './metrics.js';

export const CHAT_API_DEFAULTS = {
  /** Failed requests remembered (to recognise their retry) at most... */
  maxRemembered: 1_000,
  /** ...and for this long. */
  rememberMs: 10 * 60_000,
} as const;

/** The Web API method of a request URL: `https://slack.com/api/chat.postMessage` -> `chat.postMessage`. */
export function slackMethodOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return /^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(last) ? last : 'other';
}

/** `base` (default the global fetch, looked up at each call) counting each Slack Web API request in `metrics`. */
export function meteredFetch(metrics: Metrics, base?: typeof fetch, now: () => number = Date.now): typeof fetch {
  /** Fingerprints of failed requests -> when they failed. */
  const failed = new Map<string, number>();
  const remember = (fp: string | undefined): void => {
    if (fp === undefined) return;
    failed.delete(fp);
    failed.set(fp, now());
    for (const [key, at] of failed) {
      if (failed.size <= CHAT_API_DEFAULTS.maxRemembered && now() - at < CHAT_API_DEFAULTS.rememberMs) break;
      failed.delete(key);
    }
  };
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = slackMethodOf(url);
    const fp =
      typeof init?.body === 'string'
        ? createHash('sha1').update(url).update('\0').update(init.body).digest('hex')
        : undefined;
    if (fp !== undefined && failed.has(fp)) {
      const at = failed.get(fp) as number;
      failed.delete(fp);
      if (now() - at < CHAT_API_DEFAULTS.rememberMs) metrics.apiRetry('slack', method);
    }
    let response: Response;
    try {
      response = await (base ?? globalThis.fetch)(input, init);
    } catch (err) {
      metrics.apiCall('slack', method, 'network');
      remember(fp);
      throw err;
    }
    let error: string | undefined;
    if (response.status === 429) error = 'http_429';
    else if (response.status >= 500) error = 'http_5xx';
    else if (response.status !== 200) error = `http_${response.status}`;
    else {
      try {
        const body = (await response.clone().json()) as { ok?: unknown; error?: unknown };
        if (body?.ok === false) error = typeof body.error === 'string' ? body.error.slice(0, 60) : 'not_ok';
      } catch {
        // not JSON: the client reports it; the call itself went through
      }
    }
    metrics.apiCall('slack', method, error);
    if (response.status === 429 || response.status >= 500) remember(fp);
    return response;
  };
}

/** The `onCall` of adapters/teams/retry.ts for the Bot Connector's calls. */
export function teamsRetryObserver(
  metrics: Metrics,
): (attempt: number, status: number | undefined, error: boolean) => void {
  return (attempt, status, error) => {
    const reason = !error
      ? undefined
      : status === undefined
        ? 'network'
        : status === 429
          ? 'http_429'
          : status >= 500
            ? 'http_5xx'
            : `http_${status}`;
    metrics.apiCall('teams', 'connector', reason);
    if (attempt > 1) metrics.apiRetry('teams', 'connector');
  };
}
