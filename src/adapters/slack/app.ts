/**
 * The Slack adapter's entry: `createSlackApp` builds a real Bolt `App` around the bot.
 *
 * - Transport: HTTP (one endpoint, `/slack/events`, for events, the command and interactivity;
 *   Bolt verifies the signatures with the signing secret, requests.ts adds what Bolt does not
 *   check) unless `appToken` is given, then Socket Mode (no signing secret needed).
 * - Start-up (start.ts): HTTP listens first (a port in use fails at once), then the bot token is
 *   confirmed with `auth.test`, retried with back-off for up to `startTimeoutMs`; until then the
 *   endpoint answers 503, so Slack retries what it sends meanwhile. Every failure is a
 *   SlackStartError: a code and one line. The App gets an `authorize` that answers from that
 *   confirmation, so Bolt makes no `auth.test` call of its own.
 * - Web API: `apiUrl` becomes `clientOptions.slackApiUrl`; rate limits are waited out by post.ts
 *   (`rejectRateLimitedCalls: true`), up to `maxRateLimitWaitMs` per reply; everything else is the
 *   client's `retryConfig`.
 * - De-duplication and acks (deliveries.ts): a delivery is claimed before Bolt sees it (so before
 *   any ack), marked done once its reply is posted and released when that failed. Events are
 *   acknowledged by Bolt before the bot works (`processBeforeResponse: false`); commands and
 *   buttons store what they change (feedback, listening) first, then `ack()`, then answer.
 * - Health: `connected` says whether Slack can reach the bot (HTTP: start-up confirmed the token
 *   and shutdown has not begun; Socket Mode: that and the socket connected) for `/readyz`, which
 *   main mounts with `/healthz` and `/metrics` through `extraRoutes` (Bolt `customRoutes`).
 *   `clientOptions.fetch` (main's metered fetch) serves every Web API call, Socket Mode's
 *   `apps.connections.open` included.
 * - Shutdown: `stop(graceMs)` stops taking requests (the HTTP server stops accepting, Socket Mode
 *   disconnects), gives replies in flight up to `graceMs`, then drops the rest, each logged with
 *   its id and its claim released.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver, type webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommand } from './command.js';
import type { Handled, SlackBot, SlackContext } from './context.js';
import { currentDelivery, Deliveries } from './deliveries.js';
import type { DeliveredEvents } from './delivered-events.js';
import { registerEvents } from './events.js';
import type { KbStatus } from './home.js';
import { registerInteractions } from './interactions.js';
import type { ListeningStore } from './listening.js';
import { MessageThreads } from './message-threads.js';
import { POST_DEFAULTS } from './post.js';
import { registerReactions } from './reactions.js';
import { guardRequests } from './requests.js';
import {
  describeApiError,
  listenError,
  SlackStartError,
  START_DEFAULTS,
  TOKEN_REJECTED,
  unreachable,
  verifyBotToken,
  type BotIdentity,
} from './start.js';
import { settledWithin } from '../grace.js';

export { SlackStartError, type SlackStartCode } from './start.js';

export const SLACK_ENDPOINT = '/slack/events';

export const SLACK_DEFAULTS = {
  /** The Web API Slack's own. */
  apiUrl: 'https://slack.com/api/',
  /** `stop()` without a grace: how long replies in flight may take to finish. */
  shutdownGraceMs: 10_000,
} as const;

export interface SlackAppOptions {
  bot: SlackBot;
  botToken: string;
  /** HTTP only: verifies Slack's requests (Socket Mode needs none). */
  signingSecret?: string;
  /** Socket Mode when set (xapp-…); HTTP otherwise. */
  appToken?: string;
  /** The Web API base URL (default `SLACK_DEFAULTS.apiUrl`). */
  apiUrl?: string;
  /** HTTP only: the port to listen on (0: any free port). */
  port: number;
  /** HTTP only: the interface to listen on (default: all). */
  host?: string;
  /** Where the bot listens and peeks (read on every message, so a choice made on another replica holds). */
  listening: ListeningStore;
  /** The delivered set each delivery is claimed in before it is acked (deliveries.ts); shared by replicas on Postgres. */
  dedupe: DeliveredEvents;
  logger: Logger;
  /** Passed to Bolt's WebClient (e.g. `retryConfig`); `apiUrl` wins over `slackApiUrl` here. */
  clientOptions?: webApi.WebClientOptions;
  /** What the App Home tab says about the KB. */
  kbStatus?: () => KbStatus;
  /** Told how each delivery ended. */
  onHandled?: (handled: Handled) => void;
  /** HTTP only: more routes on the same port (the Teams endpoint, so both share one port; /healthz, /readyz, /metrics). */
  extraRoutes?: { path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void }[];
  /** How long start-up may take to confirm the bot token (and connect, in Socket Mode); default `START_DEFAULTS.timeoutMs`. */
  startTimeoutMs?: number;
  /** How long one reply may wait out rate limits in all; default `POST_DEFAULTS.maxWaitMs`. */
  maxRateLimitWaitMs?: number;
}

export interface SlackApp {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** The Bolt receiver (HTTPReceiver or SocketModeReceiver). */
  readonly receiver: HTTPReceiver | SocketModeReceiver;
  /** Taking deliveries from Slack: started (token confirmed), not stopping, and in Socket Mode connected. */
  readonly connected: boolean;
  /**
   * Listen (HTTP) or connect (Socket Mode) once the bot token is confirmed. Resolves with the port
   * listened on (HTTP); rejects with a SlackStartError, having released the port.
   */
  start(): Promise<{ port?: number }>;
  /**
   * Stop taking requests, let replies in flight (a pending rate-limit wait included) finish for up
   * to `graceMs` (default `SLACK_DEFAULTS.shutdownGraceMs`), then drop the rest: each is logged
   * at warn with its id and its delivery claim released.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A Receiver (Bolt's extension point for transports) around Bolt's own, so every delivery goes
 * through `deliveries` (claimed first) on its way to the App. HTTPReceiver and SocketModeReceiver
 * use nothing of the app they are given but `processEvent`.
 */
function claimingReceiver(inner: HTTPReceiver | SocketModeReceiver, deliveries: Deliveries): Receiver {
  return {
    init(app: App) {
      const processEvent: App['processEvent'] = (event) => deliveries.process(event, (e) => app.processEvent(e));
      inner.init({ processEvent } as unknown as App);
    },
    start: () => Promise.reject(new Error('start the Slack adapter with SlackApp.start()')),
    stop: () => inner.stop(),
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  /** Start-up under way: the Socket Mode client's failures are start()'s one line, not a line each. */
  let starting = false;
  const logger = boltLogger(options.logger);
  const socket = options.appToken !== undefined && options.appToken !== '';
  if (!socket && !options.signingSecret)
    throw new SlackStartError(
      'slack_signing_secret_missing',
      'Slack over HTTP needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  const apiUrl = options.apiUrl ?? SLACK_DEFAULTS.apiUrl;
  const clientOptions: webApi.WebClientOptions = {
    ...options.clientOptions,
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
  };
  /** Start-up confirmed the token and shutdown has not begun: the HTTP endpoint takes requests. */
  let ready = false;
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: options.appToken as string,
        logger: boltLogger(options.logger, { quiet: () => starting }),
        // Socket Mode's own client (apps.connections.open) talks to the same Web API, through the same fetch.
        installerOptions: {
          clientOptions: {
            ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
            ...(options.clientOptions?.fetch ? { fetch: options.clientOptions.fetch } : {}),
          },
        },
      })
    : new HTTPReceiver({
        signingSecret: options.signingSecret as string,
        endpoints: SLACK_ENDPOINT,
        processBeforeResponse: false,
        logger,
        port: options.port,
        customRoutes: options.extraRoutes ?? [],
      });
  /** Socket Mode: the socket is connected (it reconnects by itself after a drop). */
  let socketUp = false;
  if (receiver instanceof SocketModeReceiver) {
    receiver.client.on('connected', () => (socketUp = true));
    for (const state of ['disconnected', 'reconnecting', 'disconnecting'])
      receiver.client.on(state, () => (socketUp = false));
  }
  if (receiver instanceof HTTPReceiver)
    receiver.requestListener = guardRequests(receiver.requestListener, {
      endpoint: SLACK_ENDPOINT,
      ready: () => ready,
      log: options.logger,
    });

  const ctx: SlackContext = {
    bot: options.bot,
    listening: options.listening,
    log: options.logger,
    threads: new MessageThreads(),
    report: (handled) => {
      const delivery = currentDelivery();
      if (delivery) delivery.handled = handled;
      options.logger.debug(
        `slack: ${handled.kind} ${handled.what}: ${handled.outcome}${handled.error ? ` (${handled.error})` : ''}`,
        {
          platform: 'slack',
          ...(delivery?.key ? { eventId: delivery.key } : {}),
          kind: handled.kind,
          what: handled.what,
          outcome: handled.outcome,
        },
      );
      try {
        options.onHandled?.(handled);
      } catch {
        // a failing listener must not break the adapter
      }
    },
  };
  const deliveries = new Deliveries({
    dedupe: options.dedupe,
    log: options.logger,
    report: ctx.report,
    maxWaitMs: options.maxRateLimitWaitMs ?? POST_DEFAULTS.maxWaitMs,
  });

  let identity: BotIdentity | undefined;
  const app = new App({
    receiver: claimingReceiver(receiver, deliveries),
    // The token as start() confirmed it: Bolt calls no auth.test of its own (its start-up call
    // was made once, and a failure of it crashed the process).
    authorize: async () => {
      if (!identity) throw new Error('the bot token is not confirmed yet');
      return { botToken: options.botToken, ...identity };
    },
    logger,
    clientOptions,
    // events.ts tells the bot's own messages (bot id, user id, app id) itself and reports them
    // ignored; Bolt's filter would drop them unreported, and knows no app id.
    ignoreSelf: false,
  });
  registerEvents(app, ctx, options.kbStatus ?? (() => ({ articles: 0 })));
  registerCommand(app, ctx);
  registerInteractions(app, ctx);
  registerReactions(app, ctx);
  app.error(async (err) => {
    options.logger.warn(`slack: ${err.message}`);
  });

  let running = false;
  let server: Server | undefined;
  const timeoutMs = options.startTimeoutMs ?? START_DEFAULTS.timeoutMs;
  const confirmToken = (deadline: number): Promise<BotIdentity> =>
    verifyBotToken({ token: options.botToken, clientOptions, deadline, timeoutMs, apiUrl, log: options.logger });

  async function connectSocket(socketReceiver: SocketModeReceiver, deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(unreachable('Socket Mode did not connect to Slack', timeoutMs, 'no connection')),
        Math.max(0, deadline - Date.now()),
      );
    });
    starting = true;
    try {
      await Promise.race([socketReceiver.start(), late]);
    } catch (err) {
      await socketReceiver.stop().catch(() => undefined);
      if (err instanceof SlackStartError) throw err;
      const platform = (err as { data?: { error?: unknown } }).data?.error;
      if (typeof platform === 'string' && TOKEN_REJECTED.has(platform))
        throw new SlackStartError(
          'slack_auth_invalid',
          `Slack rejected the app-level token (SLACK_APP_TOKEN): ${platform}; check the token in the app's Basic Information page`,
        );
      throw new SlackStartError(
        'slack_unreachable',
        `Socket Mode could not connect to Slack: ${describeApiError(err)}`,
      );
    } finally {
      starting = false;
      clearTimeout(timer);
    }
  }

  return {
    app,
    mode: socket ? 'socket' : 'http',
    receiver,
    get connected() {
      return running && ready && (!socket || socketUp);
    },
    async start() {
      const deadline = Date.now() + timeoutMs;
      if (receiver instanceof SocketModeReceiver) {
        identity = await confirmToken(deadline);
        ready = true;
        await connectSocket(receiver, deadline);
        running = true;
        return {};
      }
      try {
        server = await receiver.start({ port: options.port, ...(options.host ? { host: options.host } : {}) });
      } catch (err) {
        throw listenError(err, options.port, options.host);
      }
      running = true;
      try {
        identity = await confirmToken(deadline);
      } catch (err) {
        running = false;
        await receiver.stop().catch(() => undefined);
        throw err;
      }
      ready = true;
      const address = server.address() as AddressInfo | string | null;
      return { port: typeof address === 'object' && address ? address.port : options.port };
    },
    async stop(graceMs = SLACK_DEFAULTS.shutdownGraceMs) {
      if (!running) return;
      running = false;
      ready = false;
      const endsAt = Date.now() + graceMs;
      const closing = receiver
        .stop()
        .catch((err: unknown) => options.logger.debug(`slack: stopping the receiver: ${describeApiError(err)}`));
      await deliveries.drain(graceMs);
      // A connection still open when the grace is over (a client that never finishes its request,
      // or a request to a shared route) does not hold shutdown up.
      await settledWithin([closing], endsAt - Date.now());
      server?.closeAllConnections();
      await closing;
    },
  };
}
