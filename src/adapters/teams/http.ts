/**
 * The HTTP side of the Teams endpoint on node:http: the request body as an activity, and short
 * answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Activity } from 'botbuilder';

export const HTTP_DEFAULTS = {
  /** Teams activities are at most ~260 KB; anything much bigger is not one. */
  maxBodyBytes: 1024 * 1024,
} as const;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request's JSON body (an object), or an HttpError (400 not JSON, 413 too big). */
export async function readJson(
  req: IncomingMessage,
  maxBytes: number = HTTP_DEFAULTS.maxBodyBytes,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'request body is not a JSON object');
  return body as Record<string, unknown>;
}

/**
 * The activity in a request body, as botbuilder's CloudAdapter would hand it on
 * (`validateAndFixActivity`): its timestamps as Dates, the texts kept in `raw*`.
 */
export function activityOf(body: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...body };
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value !== 'string') continue;
    activity[raw] = value;
    activity[field] = new Date(value);
  }
  return activity as unknown as Activity;
}

/** An answer with an optional JSON body (an invoke response), unless the request was answered already. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.headersSent) return;
  res.statusCode = status;
  if (body === undefined || body === null) return void res.end();
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** A short plain-text answer. */
export function sendStatus(res: ServerResponse, status: number, text: string): void {
  if (res.writableEnded || res.headersSent) return;
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${text}\n`);
}
