/** Loopback HTTP for the tests: POSTs that collect the answer, and servers on free ports. */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpAnswer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * POST `body` as it is with exactly these headers, and collect the status, the response text and
 * headers. Over node:http, not fetch: nock 15 drains a fetch body it lets through to 127.0.0.1
 * (nock/nock#2989).
 */
export function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a JSON body over loopback HTTP and collect the status and the response text. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return post(url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

/** Start `server` on `port` (0: any free one) of `host` (null: every interface); resolves with the port. */
export function listen(server: Server, port = 0, host: string | null = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => resolve((server.address() as AddressInfo).port);
    if (host === null) server.listen(port, listening);
    else server.listen(port, host, listening);
  });
}

/** A port nobody listens on (listened on, then closed). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
