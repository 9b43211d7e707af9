/**
 * Health, readiness and metrics over HTTP, for a load balancer, an orchestrator and Prometheus:
 *
 * - `GET /healthz`: 200 `{"status":"ok"}` while the process serves HTTP at all (liveness).
 * - `GET /readyz`: 200 `{"status":"ready","checks":{...}}` when every check passes (the KB loaded and
 *   being answered from, the storage working per `AsyncResilientStorage.health()`, the chat connection
 *   up), else 503 `{"status":"not ready","failing":["storage"],"checks":{...}}` saying which failed
 *   and why. From the moment shutdown begins (the first SIGTERM/SIGINT) it is 503 with the
 *   `shutdown` check failing, so a load balancer stops sending before the bot stops taking requests.
 * - `GET /metrics`: the Prometheus text exposition of `Metrics`.
 *
 * The same handler is mounted on the Slack HTTP receiver's port (Bolt `customRoutes`), on the
 * Teams server's port, and on a server of its own on METRICS_PORT (`listenHealth`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

export const HEALTH_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** One readiness check's answer: `detail` says why it fails (or what it saw), never a secret. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  failing: string[];
  checks: Record<string, CheckResult>;
}

export class Health {
  private readonly checks = new Map<string, () => CheckResult>();
  private shuttingDown = false;

  constructor(private readonly metrics: Metrics) {}

  /** Adds (or replaces) a readiness check; a check that throws fails, with its message. */
  check(name: string, fn: () => CheckResult): this {
    this.checks.set(name, fn);
    return this;
  }

  /** Shutdown began: readiness fails from now on. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get stopping(): boolean {
    return this.shuttingDown;
  }

  readiness(): Readiness {
    const checks: Record<string, CheckResult> = {};
    if (this.shuttingDown) checks.shutdown = { ok: false, detail: 'shutting down' };
    for (const [name, fn] of this.checks) {
      try {
        checks[name] = fn();
      } catch (err) {
        checks[name] = { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    }
    const failing = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    return { ready: failing.length === 0, failing, checks };
  }

  /** Answers the request when it is one of HEALTH_PATHS (true), else leaves it (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!(Object.values(HEALTH_PATHS) as string[]).includes(path)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('GET only\n');
      return true;
    }
    req.resume();
    if (path === HEALTH_PATHS.health) send(res, 200, { status: 'ok' });
    else if (path === HEALTH_PATHS.ready) {
      const r = this.readiness();
      send(
        res,
        r.ready ? 200 : 503,
        r.ready ? { status: 'ready', checks: r.checks } : { status: 'not ready', failing: r.failing, checks: r.checks },
      );
    } else
      this.metrics.expose().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
    return true;
  }

  /** The routes for Bolt's HTTPReceiver `customRoutes`. */
  routes(): { path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void }[] {
    return Object.values(HEALTH_PATHS).map((path) => ({
      path,
      method: ['GET', 'HEAD'],
      handler: (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res),
    }));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

export interface HealthServer {
  /** The port listened on. */
  readonly port: number;
  close(): Promise<void>;
}

/** A server of its own for `health` on `port` (0: any free one); anything else is 404. */
export function listenHealth(health: Health, port: number, host = '0.0.0.0'): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (health.handle(req, res)) return;
    req.resume();
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
