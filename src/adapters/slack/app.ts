/**
 * The Slack adapter's entry: `createSlackApp` builds a real Bolt `App` around the bot.
 *
 * - Transport: HTTP (one endpoint, `/slack/events`, for events, the command and interactivity;
 *   Bolt verifies the signatures with the signing secret) unless `appToken` is given, then Socket
 *   Mode.
 * - Web API: `apiUrl` becomes `clientOptions.slackApiUrl`; rate limits are waited out by
 *   post.ts (`rejectRateLimitedCalls: true`), everything else is the client's `retryConfig`.
 * - Acks: `processBeforeResponse: false`, so events are acknowledged before the bot works;
 *   commands, shortcuts and buttons call `ack()` first thing.
 * - De-duplication: a global middleware drops every delivery whose `event_id` was seen (Slack's
 *   retries repeat it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommand } from './command.js';
import type { Handled, SlackBot, SlackContext } from './context.js';
import type { DeliveredEvents } from './delivered-events.js';
import { registerEvents } from './events.js';
import type { KbStatus } from './home.js';
import { registerInteractions } from './interactions.js';
import type { ListeningStore } from './listening.js';

export const SLACK_ENDPOINT = '/slack/events';

export interface SlackAppOptions {
  bot: SlackBot;
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set (xapp-…); HTTP otherwise. */
  appToken?: string;
  /** The Web API base URL (default Slack's, https://slack.com/api/). */
  apiUrl?: string;
  /** HTTP only: the port to listen on (0: any free port). */
  port: number;
  /** HTTP only: the interface to listen on (default: all). */
  host?: string;
  listening: ListeningStore;
  dedupe: DeliveredEvents;
  logger: Logger;
  /** Passed to Bolt's WebClient (e.g. `retryConfig`); `apiUrl` wins over `slackApiUrl` here. */
  clientOptions?: webApi.WebClientOptions;
  /** What the App Home tab says about the KB. */
  kbStatus?: () => KbStatus;
  /** Told how each delivery ended. */
  onHandled?: (handled: Handled) => void;
  /** HTTP only: more routes on the same port (the Teams endpoint, so both share one port). */
  extraRoutes?: { path: string; method: string[]; handler: (req: IncomingMessage, res: ServerResponse) => void }[];
}

export interface SlackApp {
  readonly app: App;
  readonly mode: 'http' | 'socket';
  /** The Bolt receiver (HTTPReceiver or SocketModeReceiver). */
  readonly receiver: HTTPReceiver | SocketModeReceiver;
  /** HTTP: resolves with the port listened on. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const clientOptions: webApi.WebClientOptions = {
    ...options.clientOptions,
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
  };
  const socket = options.appToken !== undefined && options.appToken !== '';
  const receiver = socket
    ? new SocketModeReceiver({ appToken: options.appToken as string, logger })
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        endpoints: SLACK_ENDPOINT,
        processBeforeResponse: false,
        logger,
        port: options.port,
        customRoutes: options.extraRoutes ?? [],
      });
  const app = new App({ token: options.botToken, receiver, logger, clientOptions, processBeforeResponse: false });

  const ctx: SlackContext = {
    bot: options.bot,
    listening: options.listening,
    log: options.logger,
    report: (handled) => {
      options.logger.debug(
        `slack: ${handled.kind} ${handled.what}: ${handled.outcome}${handled.error ? ` (${handled.error})` : ''}`,
      );
      try {
        options.onHandled?.(handled);
      } catch {
        // a failing listener must not break the adapter
      }
    },
  };

  app.use(async ({ body, next }) => {
    const id = (body as { event_id?: unknown }).event_id;
    if (typeof id === 'string' && !options.dedupe.first(id)) {
      const type = (body as { event?: { type?: unknown } }).event?.type;
      ctx.report({ kind: 'event', what: typeof type === 'string' ? type : 'event', outcome: 'duplicate' });
      return;
    }
    await next();
  });
  registerEvents(app, ctx, options.kbStatus ?? (() => ({ articles: 0 })));
  registerCommand(app, ctx);
  registerInteractions(app, ctx);
  app.error(async (err) => {
    options.logger.warn(`slack: ${err.message}`);
  });

  let running = false;
  return {
    app,
    mode: socket ? 'socket' : 'http',
    receiver,
    async start() {
      if (socket) {
        await app.start();
        running = true;
        return {};
      }
      const server = (await app.start({ port: options.port, ...(options.host ? { host: options.host } : {}) })) as {
        address(): AddressInfo | string | null;
      };
      running = true;
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : options.port };
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.stop();
    },
  };
}
