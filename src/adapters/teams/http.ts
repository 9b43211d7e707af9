/**
 * node:http requests and responses in the shape botbuilder's `CloudAdapter.process` expects
 * (Express-like: a parsed `body`, and `status`/`header`/`send`/`end` on the response).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'botbuilder';

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

export function requestOf(req: IncomingMessage, body: Record<string, unknown>): Request {
  return { body, headers: req.headers, method: req.method };
}

export function responseOf(res: ServerResponse): Response {
  return {
    socket: res.socket,
    status(code: unknown) {
      if (typeof code === 'number') res.statusCode = code;
    },
    header(name: unknown, value: unknown) {
      res.setHeader(String(name), String(value));
    },
    send(body: unknown) {
      if (body === undefined || body === null) return;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        res.write(body);
      } else {
        if (!res.headersSent) res.setHeader('content-type', 'application/json; charset=utf-8');
        res.write(JSON.stringify(body));
      }
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}

/** A short plain-text answer. */
export function sendStatus(res: ServerResponse, status: number, text: string): void {
  if (res.writableEnded) return;
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${text}\n`);
}
