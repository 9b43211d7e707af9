/**
 * A loopback HTTP proxy in front of bot replicas, as the deploy's nginx is (deploy/, compose.yaml):
 * each request goes to the next backend in turn.
 *
 * A test that needs a delivery on a given replica (a Slack retry on the other one than the first
 * delivery) names it with the `x-test-backend: <index>` header, which the proxy removes before
 * forwarding (Slack's signature covers the body and the timestamp header only). Every answer a
 * backend gave carries the same header with that backend's index, so a test knows where a request
 * sent in turn went. A backend that cannot be reached answers 502, without the header.
 */
import { createServer, request } from 'node:http';
import { listen } from './http.js';

/**
 * On a request: send it to backend number <value> (0-based) instead of the next in turn. On an
 * answer: the backend that gave it.
 */
export const BACKEND_HEADER = 'x-test-backend';

export interface RoundRobinProxy {
  /** The proxy's base URL, http://127.0.0.1:<port>. */
  url: string;
  close(): Promise<void>;
}

/** Start the proxy on a free loopback port in front of `backends` (ports on 127.0.0.1). */
export async function startRoundRobinProxy(backends: number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const named = req.headers[BACKEND_HEADER];
      let index: number;
      if (typeof named === 'string') index = Number(named);
      else {
        index = next;
        next = (next + 1) % backends.length;
      }
      const headers = { ...req.headers };
      delete headers[BACKEND_HEADER];
      const upstream = request(
        { host: '127.0.0.1', port: backends[index], method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, [BACKEND_HEADER]: String(index) });
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
