/**
 * The Teams endpoint: a node:http server taking Bot Framework activities on `POST /api/messages`,
 * authenticating them (auth.ts) and running their turns on botbuilder's CloudAdapter, which sends
 * the replies through the Bot Connector at the activity's `serviceUrl`.
 *
 * Credentials (`MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppType`,
 * `MicrosoftAppTenantId`) go to `ConfigurationBotFrameworkAuthentication`. Without an app id the
 * endpoint is unauthenticated (for the Bot Framework Emulator and tests): it then binds to
 * 127.0.0.1 whatever `host` says, and logs so. A request that fails authentication gets a 401
 * (a 503 while the Bot Framework's signing keys cannot be read) and one warn line.
 *
 * Each message activity is answered once and none is lost: it is claimed in the delivered set
 * when its turn starts, marked done once the reply is posted (or the bot stays silent), and
 * released when the turn fails or shutdown cuts it, so the service's re-delivery is answered. With
 * a store shared by replicas (Postgres) the claim is atomic there, so only one replica answers an
 * activity the service delivers twice. A claim that fails (the storage is down) is logged and the
 * activity answered anyway. A turn that fails tells the user so ("Sorry, something went wrong ...").
 *
 * `stop(graceMs)` stops taking requests (503 with Retry-After), lets the turns in flight finish
 * for up to `graceMs`, then drops the rest: each is logged at warn with its activity id, its
 * claim released and its request answered 503.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../../log.js';
import { checkToken, oneLine, refusalOf, type AuthResult, type TokenKeys } from './auth.js';
import { memoryDeliveries, type Deliveries } from './delivered.js';
import { KbTeamsHandler, type TeamsBot } from './handler.js';
import { activityOf, HttpError, readJson, sendJson, sendStatus } from './http.js';
import { OPENID_METADATA, SigningKeys, type SigningKeysOptions } from './keys.js';
import type { RetryOptions } from './retry.js';
import { settledWithin } from '../grace.js';

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
  /** The delivered set (claim, done, release); default: one in this process's memory. */
  dedupe?: Deliveries;
  retry?: RetryOptions;
  maxBodyBytes?: number;
  /** How the Bot Framework's signing keys are refreshed (keys.ts, KEYS_DEFAULTS). */
  keys?: Omit<SigningKeysOptions, 'logger'>;
  /**
   * Other paths on this server (main's /healthz, /readyz, /metrics): tried before the 404, also
   * while stopping; true when it answered the request.
   */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface TeamsServer {
  /** The request handler of `POST /api/messages`, to mount on another server (Slack's port). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Resolves with `url` once listening. */
  start(): Promise<string>;
  /**
   * Stops taking requests, lets the turns in flight finish for up to `graceMs` (default
   * SERVER_DEFAULTS.graceMs), drops the rest (logged, claims released), closes the connections.
   */
  stop(graceMs?: number): Promise<void>;
  /** `http://host:port` (the real port once started). */
  readonly url: string;
  /** Listening and not stopping: the Bot Framework can deliver activities (readiness). */
  readonly listening: boolean;
}

export const SERVER_DEFAULTS = {
  /** How long `stop()` lets turns in flight finish when not told (main passes SHUTDOWN_GRACE_MS, also 10 s). */
  graceMs: 10_000,
  /** Retry-After (seconds) of the 503 sent while stopping or while tokens cannot be checked. */
  retryAfterS: 30,
} as const;

export const TEAMS_TEXTS = {
  /** Said in the conversation when a turn fails. */
  turnFailed: 'Sorry, something went wrong answering that; please try again.',
} as const;

export const TEAMS_PATH = '/api/messages';
const LOOPBACK = '127.0.0.1';

/** A request being served: what `stop` waits for, drops and releases. */
interface Turn {
  /** The activity id, for logs ('' until the body is read). */
  id: string;
  /** The delivered-set key claimed for it and not yet done or released. */
  key?: string;
  /** Cut by `stop`: its claim was released and its request answered. */
  dropped: boolean;
  res: ServerResponse;
}

/** Where a turn's Turn is kept in its TurnContext. */
const TURN = Symbol('kbbot.teams.turn');

/** The CloudAdapter, running turns for requests authenticated beforehand (auth.ts). */
class TurnAdapter extends CloudAdapter {
  run(auth: AuthResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

export function createAuthentication(
  o: Pick<TeamsServerOptions, 'appId' | 'appPassword' | 'appType' | 'tenantId'>,
): ConfigurationBotFrameworkAuthentication {
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: o.appId ?? '',
    MicrosoftAppPassword: o.appPassword ?? '',
    MicrosoftAppType: o.appType ?? (o.tenantId ? 'SingleTenant' : 'MultiTenant'),
    MicrosoftAppTenantId: o.tenantId ?? '',
  });
}

export function createTeamsServer(options: TeamsServerOptions): TeamsServer {
  const log = options.logger;
  const authenticated = Boolean(options.appId?.trim());
  const host = authenticated ? (options.host ?? '0.0.0.0') : LOOPBACK;
  const authentication = createAuthentication(options);
  const adapter = new TurnAdapter(authentication);
  const keys: TokenKeys = {
    channel: new SigningKeys(OPENID_METADATA.channel, { ...options.keys, logger: log }),
    entra: new SigningKeys(OPENID_METADATA.emulator, { ...options.keys, logger: log }),
  };
  const handler = new KbTeamsHandler(options.bot, log, options.retry);
  const delivered = options.dedupe ?? memoryDeliveries();
  const inflight = new Map<Turn, Promise<void>>();
  /** Errors already logged (by onTurnError), so the request's own catch does not log them again. */
  const logged = new WeakSet<object>();
  let stopping: Promise<void> | undefined;

  /**
   * Mark a turn's delivery done or released (once); resolves when the store has it. A failing store
   * costs a log line, not the reply.
   */
  const settle = async (turn: Turn, how: 'done' | 'release'): Promise<void> => {
    const key = turn.key;
    if (key === undefined || turn.dropped) return;
    turn.key = undefined;
    try {
      await delivered[how](key);
    } catch (err) {
      log.warn(`teams: could not mark activity ${turn.id} ${how}: ${oneLine((err as Error).message)}`);
    }
  };

  adapter.onTurnError = async (context, error) => {
    const a = context.activity;
    const turn = context.turnState.get(TURN) as Turn | undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const what = `teams: ${oneLine(a.type ?? '')} activity ${oneLine(a.id ?? '')} failed: ${oneLine(reason)}`;
    if (typeof error === 'object' && error !== null) logged.add(error);
    if (a.type !== 'message' || turn?.dropped) {
      log.error(what);
      throw error; // an invoke gets a 500 (no message to post in its place)
    }
    try {
      await context.sendActivity(TEAMS_TEXTS.turnFailed);
    } catch (err) {
      log.error(`${what}; could not tell the user either: ${oneLine((err as Error).message)}`);
      throw error; // a 500, so the service may deliver it again (the claim is released)
    }
    log.error(`${what}; told the user`);
  };

  const logic = async (context: TurnContext, turn: Turn): Promise<void> => {
    context.turnState.set(TURN, turn);
    const a = context.activity;
    const key = a.type === 'message' && a.id ? `${a.conversation?.id ?? ''}\u0000${a.id}` : undefined;
    if (key) {
      let claimed = true;
      try {
        claimed = await delivered.claim(key);
        if (claimed) turn.key = key;
      } catch (err) {
        log.warn(
          `teams: could not claim activity ${turn.id} (${oneLine((err as Error).message)}); answering it anyway`,
        );
      }
      if (!claimed) {
        log.debug(`teams: activity ${turn.id} delivered again; answered or being answered already`);
        return;
      }
    }
    try {
      await handler.run(context);
    } catch (err) {
      await settle(turn, 'release'); // the service's re-delivery is answered
      throw err;
    }
    await settle(turn, 'done');
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, turn: Turn): Promise<void> => {
    try {
      const body = await readJson(req, options.maxBodyBytes);
      const type = (body as { type?: unknown }).type;
      if (typeof type !== 'string' || type === '') throw new HttpError(400, 'not a Bot Framework activity (no type)');
      const activity = activityOf(body);
      turn.id = oneLine(String(activity.id ?? ''), 100);
      const authorization = req.headers.authorization;
      let auth: AuthResult;
      try {
        if (authenticated) await checkToken(authorization, activity, keys);
        auth = await authentication.authenticateRequest(activity, authorization ?? '');
      } catch (err) {
        const refusal = refusalOf(err);
        const from = req.socket.remoteAddress ?? 'unknown';
        log.warn(`teams: refused a request from ${from} (${refusal.status}): ${oneLine(refusal.message)}`);
        if (refusal.status === 401) return sendStatus(res, 401, 'unauthorized');
        res.setHeader('retry-after', String(SERVER_DEFAULTS.retryAfterS));
        return sendStatus(res, 503, 'cannot check credentials now; try again later');
      }
      const invoke = await adapter.run(auth, activity, (context) => logic(context, turn));
      sendJson(res, invoke?.status ?? 200, invoke?.body);
    } catch (err) {
      if (err instanceof HttpError) return sendStatus(res, err.status, err.message);
      const reason = err instanceof Error ? err.message : String(err);
      if (!(typeof err === 'object' && err !== null && logged.has(err)))
        log.error(`teams: activity ${turn.id} failed: ${oneLine(reason)}`);
      sendStatus(res, 500, 'internal error');
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== TEAMS_PATH) return void (options.routes?.(req, res) || sendStatus(res, 404, 'not found'));
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendStatus(res, 405, 'POST only');
    }
    if (stopping) {
      res.setHeader('retry-after', String(SERVER_DEFAULTS.retryAfterS));
      res.setHeader('connection', 'close');
      return sendStatus(res, 503, 'shutting down');
    }
    const turn: Turn = { id: '', dropped: false, res };
    inflight.set(
      turn,
      serve(req, res, turn).finally(() => inflight.delete(turn)),
    );
  };

  /**
   * Give up on a turn still running at the end of the grace period: its claim is released first,
   * then its request answered 503, so the re-delivery that answer brings (to this replica or
   * another) finds the activity free.
   */
  const drop = async (turn: Turn): Promise<void> => {
    log.warn(`teams: shutting down: dropped the reply to activity ${turn.id || '(not read yet)'}`);
    const key = turn.key;
    turn.dropped = true;
    turn.key = undefined;
    if (key !== undefined) {
      try {
        await delivered.release(key);
      } catch (err) {
        log.warn(`teams: could not release activity ${turn.id}: ${oneLine((err as Error).message)}`);
      }
    }
    if (turn.res.headersSent) return;
    turn.res.setHeader('retry-after', String(SERVER_DEFAULTS.retryAfterS));
    sendStatus(turn.res, 503, 'shutting down');
  };

  const server: Server = createServer(handle);

  const shutdown = async (graceMs: number): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await settledWithin(inflight.values(), graceMs);
    // Awaited: the claims are released before the storage is closed after us.
    await Promise.all([...inflight.keys()].map(drop));
    server.closeAllConnections();
    await closed;
  };

  let url = `http://${host}:${options.port}`;
  return {
    handle,
    get url() {
      return url;
    },
    get listening() {
      return server.listening && !stopping;
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
    stop: (graceMs = SERVER_DEFAULTS.graceMs) => (stopping ??= shutdown(graceMs)),
  };
}
