/**
 * Calls to the Bot Connector, repeated when it says "slow down" (429) or "unavailable" (503).
 *
 * botframework-connector's HTTP pipeline (@azure/core-rest-pipeline's default retry policy)
 * already repeats a 429 or 503 that carries a Retry-After header, waiting as told, and repeats
 * 5xx answers with exponential back-off (up to 3 times). What reaches us is a 429 without
 * Retry-After (which that policy does not retry) or a 429/503 that outlasted its retries: this
 * wrapper repeats those a few more times with exponential back-off and jitter (or the
 * Retry-After, when the error carries one). A 429/503 means the activity was not posted, so a
 * repeat cannot double-post.
 */

export interface RetryOptions {
  /** Repeats after the first attempt. */
  retries?: number;
  /** First back-off; doubled per attempt. */
  baseMs?: number;
  /** No single wait longer than this. */
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of each repeat. */
  onRetry?: (attempt: number, status: number, waitMs: number) => void;
  /**
   * Told of each attempt once it ended (metrics): its number (1 the first, more a repeat), the HTTP
   * status of its failure if it had one, and whether it failed.
   */
  onCall?: (attempt: number, status: number | undefined, failed: boolean) => void;
}

export const RETRY_DEFAULTS = { retries: 3, baseMs: 500, maxMs: 10_000 } as const;

const RETRYABLE = new Set([429, 503]);

/** The HTTP status of a connector error (a RestError has `statusCode`), if any. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const s of [e.statusCode, e.status, e.response?.status]) if (typeof s === 'number') return s;
  return undefined;
}

/** Retry-After of a connector error, in ms, if it carries one. */
function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response
    ?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? RETRY_DEFAULTS.retries;
  const base = options.baseMs ?? RETRY_DEFAULTS.baseMs;
  const max = options.maxMs ?? RETRY_DEFAULTS.maxMs;
  for (let attempt = 1; ; attempt++) {
    let result: T;
    try {
      result = await call();
    } catch (err) {
      const status = statusOf(err);
      options.onCall?.(attempt, status, true);
      if (status === undefined || !RETRYABLE.has(status) || attempt > retries) throw err;
      const backoff = base * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
      const wait = Math.min(max, retryAfterMs(err) ?? backoff);
      options.onRetry?.(attempt, status, wait);
      await (options.sleep ?? realSleep)(wait);
      continue;
    }
    options.onCall?.(attempt, undefined, false);
    return result;
  }
}
