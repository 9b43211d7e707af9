/**
 * What the HTTP endpoint checks before Bolt's HTTPReceiver reads a request, by wrapping the
 * receiver's public `requestListener` (Bolt's own hook; its verification stays on):
 *
 * - Not ready (start-up has not confirmed the bot token yet, or shutdown began): 503, so Slack
 *   retries the delivery later instead of it being acked and never answered.
 * - The request's timestamp more than `REQUEST_DEFAULTS.maxSkewSeconds` away from now, in the past
 *   or in the future: 401. Bolt only refuses old ones, so a request signed with a timestamp an hour
 *   ahead could be replayed for an hour; Slack's reference checks the absolute difference.
 * - The content type's parameters (`application/x-www-form-urlencoded; charset=utf-8`) are
 *   dropped before Bolt compares the type, which it does exactly (a slash command with a charset got
 *   400). The signature covers the body only, so this changes nothing it verifies.
 *
 * Other paths (the Teams endpoint sharing the port) pass through untouched.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../../log.js';

export const REQUEST_DEFAULTS = {
  /** A request timestamped further than this from now (either way) is refused; Slack's reference uses 5 minutes. */
  maxSkewSeconds: 300,
  /** What a 503 tells Slack to wait before retrying. */
  retryAfterSeconds: 5,
} as const;

export interface GuardOptions {
  /** The path of the Slack endpoint. */
  endpoint: string;
  /** False while starting or stopping: requests to the endpoint are refused with 503. */
  ready: () => boolean;
  log: Logger;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The media type without parameters, lower-case. */
export const mediaType = (contentType: string): string => (contentType.split(';')[0] ?? '').trim().toLowerCase();

/** `inner`, with the checks above in front of it for POSTs to `options.endpoint`. */
export function guardRequests(inner: RequestListener, options: GuardOptions): RequestListener {
  const now = options.now ?? Date.now;
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== options.endpoint || req.method?.toUpperCase() !== 'POST') return inner(req, res);
    if (!options.ready()) {
      req.resume(); // read and discard the body, so the client sees the answer, not a reset
      res.writeHead(503, { 'retry-after': String(REQUEST_DEFAULTS.retryAfterSeconds), connection: 'close' });
      res.end();
      return;
    }
    const stamp = Number(header(req, 'x-slack-request-timestamp'));
    // A missing or malformed timestamp is Bolt's to refuse (it does, 401).
    if (Number.isFinite(stamp)) {
      const skew = Math.round(stamp - now() / 1000);
      if (Math.abs(skew) > REQUEST_DEFAULTS.maxSkewSeconds) {
        options.log.warn(
          `slack: refused a request timestamped ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} this server's clock (more than ${REQUEST_DEFAULTS.maxSkewSeconds} s)`,
        );
        req.resume();
        res.writeHead(401);
        res.end();
        return;
      }
    }
    const type = header(req, 'content-type');
    if (type !== undefined) {
      const bare = mediaType(type);
      if (bare === 'application/x-www-form-urlencoded' || bare === 'application/json')
        req.headers['content-type'] = bare;
    }
    return inner(req, res);
  };
}
