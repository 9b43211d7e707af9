/**
 * The Teams endpoint: a node:http server taking Bot Framework activities on `POST /api/messages`
 * and handing them to botbuilder's CloudAdapter (which authenticates the request and sends the
 * replies through the Bot Connector at the activity's `serviceUrl`).
 *
 * Credentials (`MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppType`,
 * `MicrosoftAppTenantId`) go to `ConfigurationBotFrameworkAuthentication`. Without an app id the
 * endpoint is unauthenticated (for the Bot Framework Emulator and tests): it then binds to
 * 127.0.0.1 whatever `host` says, and logs so. A repeated delivery of a message (same
 * conversation and activity id) is answered once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Logger } from '../../log.js';
import { MemoryDeliveredActivities, type DeliveredActivities } from './delivered.js';
import { KbTeamsHandler, type TeamsBot } from './handler.js';
import { HttpError, readJson, requestOf, responseOf, sendStatus } from './http.js';
import type { RetryOptions } from './retry.js';

export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface TeamsServerOptions {
  bot: TeamsBot;
  appId?: string;
  appPassword?: string;
  appType?: TeamsAppType;
  tenantId?: string;
  /** 0 picks a free port (see `url` after `start`). */
  port: number;
  /** Ignored (127.0.0.1) without an app id. */
  host?: string;
  logger: Logger;
  dedupe?: DeliveredActivities;
  retry?: RetryOptions;
  maxBodyBytes?: number;
}

export interface TeamsServer {
  /** The request handler of `POST /api/messages`, to mount on another server (Slack's port). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Resolves with `url` once listening. */
  start(): Promise<string>;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
  /** `http://host:port` (the real port once started). */
  readonly url: string;
}

export const TEAMS_PATH = '/api/messages';
const LOOPBACK = '127.0.0.1';

export function createAdapter(
  o: Pick<TeamsServerOptions, 'appId' | 'appPassword' | 'appType' | 'tenantId' | 'logger'>,
): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: o.appId ?? '',
    MicrosoftAppPassword: o.appPassword ?? '',
    MicrosoftAppType: o.appType ?? (o.tenantId ? 'SingleTenant' : 'MultiTenant'),
    MicrosoftAppTenantId: o.tenantId ?? '',
  });
  return new CloudAdapter(auth);
}

export function createTeamsServer(options: TeamsServerOptions): TeamsServer {
  const log = options.logger;
  const authenticated = Boolean(options.appId?.trim());
  const host = authenticated ? (options.host ?? '0.0.0.0') : LOOPBACK;
  const adapter = createAdapter(options);
  const handler = new KbTeamsHandler(options.bot, log, options.retry);
  const delivered = options.dedupe ?? new MemoryDeliveredActivities();

  const logic = async (context: TurnContext): Promise<void> => {
    const a = context.activity;
    const key = a.type === 'message' && a.id ? `${a.conversation?.id ?? ''}\u0000${a.id}` : undefined;
    if (key && !delivered.first(key)) {
      log.debug(`teams: activity ${a.id} delivered again; already answered`);
      return;
    }
    try {
      await handler.run(context);
    } catch (err) {
      if (key) delivered.forget(key); // let the service's re-delivery try again
      log.error(`teams: ${a.type} activity ${a.id ?? ''} failed: ${(err as Error).message}`);
      throw err;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== TEAMS_PATH) return sendStatus(res, 404, 'not found');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendStatus(res, 405, 'POST only');
    }
    readJson(req, options.maxBodyBytes)
      .then((body) => {
        const type = (body as { type?: unknown } | null)?.type;
        if (typeof type !== 'string' || type === '') throw new HttpError(400, 'not a Bot Framework activity (no type)');
        return adapter.process(requestOf(req, body), responseOf(res), logic);
      })
      .catch((err: unknown) => {
        if (err instanceof HttpError) return sendStatus(res, err.status, err.message);
        log.error(`teams: ${(err as Error).message}`);
        sendStatus(res, 500, 'internal error');
      });
  };
  const server: Server = createServer(handle);

  let url = `http://${host}:${options.port}`;
  return {
    handle,
    get url() {
      return url;
    },
    start: () =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
          if (!authenticated)
            log.warn(
              `teams: no MicrosoftAppId: the endpoint is UNAUTHENTICATED (Bot Framework Emulator / tests) and listens on ${LOOPBACK} only`,
            );
          log.info(`teams: listening on ${url}${TEAMS_PATH}`);
          resolve(url);
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
