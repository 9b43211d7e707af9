/**
 * Composition root of `npm start`: environment (.env) -> config -> storage (Postgres at
 * DATABASE_URL, shared by replicas, else DATA_DIR/kbbot.db; wrapped so the bot keeps answering when
 * the storage fails: memory/async-resilient.ts) -> KB (via the
 * index, re-read when the folders change) -> bot -> the Slack adapter when Slack is configured
 * (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET, or with SLACK_APP_TOKEN for Socket Mode), the Teams
 * adapter when Teams is (MicrosoftAppId, or TEAMS_ENABLED), the console adapter otherwise. Logs go
 * to stderr (pino: JSON lines or pretty, LOG_FORMAT; the version first, at info); stdout carries
 * only the bot's answers. `npx kbbot start` runs the same (cli/index.ts imports `startBot`).
 *
 * Observability (src/observability): `/healthz`, `/readyz` and `/metrics` on the Slack HTTP port,
 * on the Teams port, and on METRICS_PORT when set (the only place in console and Socket Mode),
 * listening from the start so an orchestrator sees "not ready" while the KB loads. Readiness
 * checks the KB (loaded, with articles), the storage (AsyncResilientStorage.health()) and the chat
 * connection, and fails from the first signal on.
 *
 * Start-up: delivery claims left by a bot that died are freed first (their re-deliveries are then
 * answered). Any start-up failure is one line on stderr, `kbbot: <message>`, and exit code 2 (the
 * stack only with LOG_LEVEL=debug).
 *
 * Shutdown, on SIGTERM or SIGINT: readiness fails at once; "shutting down (grace N ms)" at info;
 * each adapter stops taking requests and lets the replies under way finish within SHUTDOWN_GRACE_MS (those it has to drop
 * are logged, and their deliveries freed for the service's re-delivery); then the KB reloader
 * stops, the storage closes, "stopped" at info, exit code 0 (1 if stopping failed, or overran the
 * grace by STOP_OVERRUN_MS). A second signal while stopping exits at once with code 1. The
 * METRICS_PORT server closes last, so it answers /readyz with 503 throughout.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { runConsole } from './adapters/console/console.js';
import { createSlackApp } from './adapters/slack/app.js';
import type { Deliveries } from './adapters/delivered.js';
import { currentDelivery } from './adapters/slack/deliveries.js';
import { importListeningFile, StoredListeningStore } from './adapters/slack/listening.js';
import { createTeamsServer, TEAMS_PATH } from './adapters/teams/server.js';
import { Bot, type BotEvent } from './bot/bot.js';
import { FeedbackLearning } from './bot/learning.js';
import { FixIndex } from './fixes/index.js';
import { MemoryThreadStore } from './bot/threads.js';
import { ConfigError, loadConfig, secretsOf, withoutSecrets, type Config } from './config.js';
import { KbReloader } from './kb/index/reload.js';
import type { OpenedKb } from './kb/index/open-kb.js';
import { KbDirError } from './kb/index/walk.js';
import { createLogger, type Logger } from './log.js';
import { asyncFromSync, type AsyncDeliveredActivities, type AsyncStorage } from './memory/async-types.js';
import { AsyncResilientStorage, STORAGE_PROBE_DEFAULTS } from './memory/async-resilient.js';
import { redactUrl } from './memory/postgres/errors.js';
import { openPostgresStorage } from './memory/postgres/open.js';
import { StorageError } from './memory/sqlite/errors.js';
import { openStorage } from './memory/sqlite/open.js';
import { BotMeter } from './observability/bot.js';
import { meteredFetch, teamsRetryObserver } from './observability/chat-api.js';
import { kbCheck, storageCheck } from './observability/checks.js';
import { Health, listenHealth, type HealthServer } from './observability/health.js';
import { Metrics } from './observability/metrics.js';
import { countingStorageErrors } from './observability/storage.js';
import { packageVersion } from './package-info.js';

/**
 * Start-up should end, failing in one line if it must, within 10 s of the process starting: the
 * Slack token check gets what is left of this many ms when Slack starts (Node, the modules and the
 * KB take a few seconds first)...
 */
const START_BUDGET_MS = 8_500;
/** ...but at least this many, so a slow start (a big KB ingested first) still lets Slack answer. */
const MIN_SLACK_START_MS = 4_000;

/**
 * How long a Postgres call waits for a connection before failing (the pg default in the CLI is 5 s):
 * a Slack event is claimed before it is acknowledged, and Slack wants the ack within 3 s, so an
 * unreachable database must fail the claim well within that; the event is then answered and
 * de-duplicated from memory (memory/async-resilient.ts) rather than retried by Slack.
 */
const BOT_PG_CONNECT_TIMEOUT_MS = 1_500;

/** Stopping may overrun SHUTDOWN_GRACE_MS by this much (closing servers, the storage) before the process exits anyway, with 1. */
const STOP_OVERRUN_MS = 5_000;

/**
 * What stops on a signal, in order: the adapters (in parallel), the KB reloader, the storage, and
 * last the METRICS_PORT server (`last`).
 */
const stoppers: {
  adapters: ((graceMs: number) => Promise<unknown>)[];
  then: (() => Promise<void> | void)[];
  last: (() => Promise<void> | void)[];
} = {
  adapters: [],
  then: [],
  last: [],
};

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const log = createLogger(config.logLevel, process.stderr, {
    format: config.logFormat,
    secrets: secretsOf(config),
    hideMessageText: !config.storeMessages,
  });
  const version = packageVersion();
  const mode = config.slack
    ? config.slack.appToken
      ? 'slack-socket'
      : 'slack-http'
    : config.teams
      ? 'teams'
      : 'console';
  log.info(`kbbot ${version} starting (${mode}${config.slack && config.teams ? ' + teams' : ''})`, {
    version,
    node: process.version,
    mode,
    ...(config.teams ? { teams: true } : {}),
  });
  const metrics = new Metrics({ version });
  const health = new Health(metrics);
  onSignals(log, config.shutdownGraceMs, health);
  /** Set as each part comes up: what readiness checks. */
  const up: { reloader?: KbReloader; chat?: () => boolean } = {};
  health.check('kb', () => kbCheck(up.reloader));
  if (config.slack || config.teams)
    health.check('chat', () =>
      up.chat?.() ? { ok: true } : { ok: false, detail: 'not connected to the chat service' },
    );
  if (config.metricsPort !== undefined) await startHealthServer(health, config.metricsPort, log);
  // What the bot remembers: threads, feedback, settings, delivered ids, team fixes and the log, in
  // Postgres (DATABASE_URL: shared by every replica) or SQLite (DATA_DIR/kbbot.db). Answering does
  // not wait on the storage: while it fails, the wrapper de-duplicates in memory and says so once a minute.
  const chosen = await openBotStorage(config);
  const storage = new AsyncResilientStorage(
    countingStorageErrors(chosen.storage, (e) => metrics.storageErrors.inc({ code: e.code })),
    { log },
  );
  const probing = setInterval(() => void storage.probe(), STORAGE_PROBE_DEFAULTS.everyMs).unref();
  stoppers.then.push(() => {
    clearInterval(probing);
    return storage.close();
  });
  health.check('storage', () => storageCheck(storage.health()));
  // SQLite: one bot serves a DATA_DIR, so every claim on record now is a reply a dead process never
  // posted. Postgres: only claims whose lease ran out (another replica may be answering the rest).
  const freed = await storage.delivered.releaseStaleClaims();
  if (freed) log.info(`freed ${freed} delivery claim(s) left by a bot that stopped before replying`);
  await importOldListening(storage, config, log);

  /** The bot, once made: the reloader hands it each new KB. */
  const live: { bot?: Bot } = {};
  let refreshedAt = new Date();
  const reloader = new KbReloader(config.kbDirs, {
    index: {
      dataDir: config.dataDir,
      ingest: { folders: config.kbFolders, headings: config.kbHeadings },
      log: (m) => log.info(m),
    },
    logger: log,
    onSwap: (o) => {
      live.bot?.useKb(o.kb, o.ranker);
      live.bot?.warmUp();
      refreshedAt = new Date();
      metrics.kbLoaded(o.kb.size, refreshedAt);
      log.info(`KB re-read: now ${o.kb.size} articles from ${o.summary.files} files`, {
        articles: o.kb.size,
        files: o.summary.files,
      });
    },
  });
  up.reloader = reloader;
  stoppers.then.unshift(() => reloader.stop());
  const kb = await reloader.open();
  refreshedAt = new Date();
  metrics.kbLoaded(kb.kb.size, refreshedAt);
  describeKb(kb, config, log);

  const meter = new BotMeter(metrics, log);
  const learning = new FeedbackLearning(storage.feedback);
  // Team fixes (issue #24): explicit saves, so kept in the storage even with STORE_MESSAGES off;
  // searchable as soon as they are saved, and reloaded when another process (another replica,
  // `kbbot fixes delete`) changes them: the bot reads the data version once per message.
  const fixIndex = new FixIndex({ store: storage.fixes });
  const bot = new Bot(kb.kb, {
    ranker: kb.ranker,
    // With STORE_MESSAGES off a thread's message stays in memory: follow-ups then do not survive a restart.
    threads: config.storeMessages ? storage.threads : new MemoryThreadStore(),
    learning,
    interactions: storage.interactions,
    dataVersion: () => storage.dataVersion(),
    storeMessages: config.storeMessages,
    urlTemplate: config.kbUrl,
    onEvent: (e) => {
      logEvent(log)(e);
      meter.noteEvent(e);
    },
    fixes: { store: storage.fixes, index: fixIndex },
  });
  live.bot = bot;
  // The feedback and fixes on record, read before the first message is answered.
  await bot.refresh();
  bot.warmUp();
  if (config.kbWatch) await reloader.start();
  log.info(
    `storage: ${chosen.where} (${learning.size} feedback record(s), ${fixIndex.size} team fix(es); message text ${config.storeMessages ? 'kept' : 'not kept'})`,
  );

  const teams = config.teams
    ? createTeamsServer({
        bot: meter.wrap(bot, 'teams'),
        ...config.teams,
        logger: log,
        dedupe: prefixed(storage.delivered, 'teams:'),
        retry: { onCall: teamsRetryObserver(metrics) },
        routes: (req, res) => health.handle(req, res),
      })
    : undefined;
  if (teams) stoppers.adapters.push((graceMs) => teams.stop(graceMs));
  // Slack over HTTP and an authenticated Teams bot share Slack's port; an unauthenticated Teams
  // endpoint (the Emulator) keeps its own, loopback-only server.
  const shared = Boolean(teams && config.slack && !config.slack.appToken && config.teams?.appId);
  if (teams && !shared) {
    const url = await startTeams(teams, config);
    log.info(`Teams: listening on ${url}${TEAMS_PATH} (also /healthz, /readyz, /metrics)`, { url });
  }
  if (!config.slack) {
    if (teams) {
      up.chat = () => teams.listening;
      return;
    }
    await runConsole(meter.wrap(bot, 'console'), { input: process.stdin, output: process.stdout });
    await stopAll(0);
    return;
  }
  const { slack } = config;
  const app = createSlackApp({
    bot: meter.wrap(bot, 'slack', () => {
      const key = currentDelivery()?.key;
      return key ? { eventId: key } : {};
    }),
    botToken: slack.botToken,
    ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
    appToken: slack.appToken,
    apiUrl: slack.apiUrl,
    port: slack.port,
    listening: new StoredListeningStore(storage.settings, slack.listenChannels),
    dedupe: prefixed(storage.delivered, 'slack:'),
    logger: log,
    clientOptions: { fetch: meteredFetch(metrics) },
    kbStatus: () => ({ articles: reloader.current?.kb.size ?? 0, refreshedAt }),
    extraRoutes: [
      ...health.routes(),
      ...(shared && teams ? [{ path: TEAMS_PATH, method: ['POST'], handler: teams.handle }] : []),
    ],
    startTimeoutMs: Math.max(MIN_SLACK_START_MS, Math.floor((START_BUDGET_MS - process.uptime() * 1000) / 1000) * 1000),
  });
  stoppers.adapters.push((graceMs) => app.stop(graceMs));
  up.chat = () => app.connected && (!teams || shared || teams.listening);
  const { port } = await app.start();
  log.info(
    app.mode === 'socket'
      ? 'Slack: connected in Socket Mode'
      : `Slack: listening on port ${port} (POST /slack/events${shared ? `, Teams POST ${TEAMS_PATH}` : ''}; GET /healthz, /readyz, /metrics)`,
    { mode: app.mode, ...(port !== undefined ? { port } : {}) },
  );
}

/** /healthz, /readyz and /metrics on METRICS_PORT, closed last when stopping; a port in use is a one-line start-up error. */
async function startHealthServer(health: Health, port: number, log: Logger): Promise<void> {
  let server: HealthServer;
  try {
    server = await listenHealth(health, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StartError(
      code === 'EADDRINUSE'
        ? `cannot listen on METRICS_PORT ${port}: another program uses it`
        : `cannot listen on METRICS_PORT ${port}: ${oneLine(err)}`,
    );
  }
  stoppers.last.push(() => server.close());
  log.info(`health and metrics on port ${server.port} (GET /healthz, /readyz, /metrics)`, { port: server.port });
}

/** Teams' own server; a port in use is a one-line start-up error, not a stack trace. */
async function startTeams(teams: { start(): Promise<string> }, config: Config): Promise<string> {
  try {
    return await teams.start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartError(
        `Teams cannot listen on port ${config.teams?.port}: another program uses it (set TEAMS_PORT)`,
      );
    throw err;
  }
}

/** A start-up failure of main's own, already one clear line. */
class StartError extends Error {
  readonly code = 'start_failed';
}

/** Stop everything in order (adapters with `graceMs`, then the reloader, then the storage). */
async function stopAll(graceMs: number): Promise<void> {
  const adapters = stoppers.adapters.splice(0);
  await Promise.all(adapters.map((stop) => stop(graceMs)));
  for (const stop of stoppers.then.splice(0)) await stop();
  for (const stop of stoppers.last.splice(0)) await stop();
}

/** SIGTERM / SIGINT: a graceful stop within the grace, then exit 0; a second signal exits at once with 1. */
function onSignals(log: Logger, graceMs: number, health: Health): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn(`${signal} again while stopping: exiting now`, { signal });
      process.exit(1);
    }
    stopping = true;
    // Before anything stops: a load balancer polling /readyz stops sending first.
    health.beginShutdown();
    log.info(`shutting down (grace ${graceMs} ms)`, { signal, graceMs });
    // The adapters bound their own waits by the grace; this only guards against one that never returns.
    setTimeout(() => {
      log.error(`still stopping ${STOP_OVERRUN_MS} ms after the grace: exiting now`);
      process.exit(1);
    }, graceMs + STOP_OVERRUN_MS).unref();
    stopAll(graceMs).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error(`stopping failed: ${oneLine(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function describeKb(opened: OpenedKb, config: Config, log: Logger): void {
  if (opened.writeError) log.warn(opened.writeError);
  const { summary } = opened;
  log.info(
    `KB ready in ${opened.seconds} s: ${opened.kb.size} articles from ${summary.files} files (${opened.loadedFrom})`,
  );
  if (summary.failures.length)
    log.warn(
      `${summary.failures.length} file(s) in the KB folders are not articles; run \`npx kbbot ingest\` on them to see why`,
    );
  if (opened.kb.size === 0) log.warn(`the KB in ${config.kbDirs.join(', ')} has no articles`);
}

/**
 * The storage the bot keeps its memory in: the Postgres database at DATABASE_URL (opened and
 * migrated; every replica shares it, and nothing the bot remembers goes to a local file), else the
 * SQLite one in DATA_DIR. A database that cannot be reached or refuses kbbot stops the start-up with
 * one line naming it without its password (an orchestrator restarts the bot; the database is not
 * optional once chosen, since replicas answering from their own memory would answer retries twice).
 */
async function openBotStorage(config: Config): Promise<{ storage: AsyncStorage; where: string }> {
  const url = config.databaseUrl;
  if (url === undefined) return { storage: asyncFromSync(openStorage(config.dataDir)), where: config.dataDir };
  const where = `Postgres at ${redactUrl(url)}`;
  try {
    return { storage: await openPostgresStorage(url, { connectTimeoutMs: BOT_PG_CONNECT_TIMEOUT_MS }), where };
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    // openPostgresStorage names the database without its password; the server's own words are scrubbed too.
    throw new StartError(withoutSecrets(err.message, config));
  }
}

/** Listening choices of kbbot 0.1 (DATA_DIR/listening.json) move into the storage once. */
async function importOldListening(storage: AsyncStorage, config: Config, log: Logger): Promise<void> {
  try {
    const imported = await importListeningFile(storage.settings, config.dataDir);
    if (imported) log.info(`imported ${imported} listening choice(s) from listening.json`);
  } catch (err) {
    log.warn(`listening.json not imported: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * What happened, in the log at info level (never the message text). Each message's own line
 * (outcome, intent, latency, event id) is BotMeter's.
 */
function logEvent(log: Logger): (e: BotEvent) => void {
  return (e) => {
    if (e.type === 'feedback')
      log.info(`feedback: ${e.articleId} ${e.helpful ? 'helped' : 'not it'} (conversation ${e.message.conversation})`, {
        articleId: e.articleId,
        helpful: e.helpful,
        conversation: e.message.conversation,
      });
    else if (e.type === 'fix_saved')
      log.info(`team fix saved: ${e.fixId} by ${e.savedBy} via ${e.via} (conversation ${e.conversation})`, {
        fixId: e.fixId,
        via: e.via,
        conversation: e.conversation,
      });
    else if (e.type === 'fix_removed')
      log.info(`team fix removed: ${e.fixId} by ${e.by} (conversation ${e.conversation})`, {
        fixId: e.fixId,
        conversation: e.conversation,
      });
  };
}

/** Slack's and Teams' delivery ids in one store, apart. */
function prefixed(delivered: AsyncDeliveredActivities, prefix: string): Deliveries {
  return {
    claim: (key) => delivered.claim(prefix + key),
    done: (key) => delivered.done(prefix + key),
    release: (key) => delivered.release(prefix + key),
  };
}

/** An error as one line (a multi-line message is joined). */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ').trim() || (err instanceof Error ? err.name : 'unknown error');
}

/**
 * A start-up failure: one line and exit code 2. A string-coded error (ConfigError, KbDirError,
 * StorageError, SlackStartError, ...) says what is wrong in its message; anything else is
 * unexpected, named as such, with its stack only at LOG_LEVEL=debug.
 */
function failedToStart(err: unknown): void {
  const coded =
    err instanceof ConfigError ||
    err instanceof KbDirError ||
    err instanceof StorageError ||
    typeof (err as { code?: unknown } | null)?.code === 'string';
  process.stderr.write(`kbbot: ${coded ? '' : 'unexpected error at start-up: '}${oneLine(err)}\n`);
  if (!coded && err instanceof Error && err.stack && /^debug$/i.test(process.env.LOG_LEVEL?.trim() ?? ''))
    process.stderr.write(`${err.stack}\n`);
  // Whatever started (a listening port, the KB watcher) must not keep a failed bot alive.
  process.exit(2);
}

/** Runs the bot (`npm start`, `npx kbbot start`); a start-up failure is one line and exit code 2. */
export function startBot(): void {
  main().catch(failedToStart);
}

/** Run as a program (`node dist/src/main.js`), not imported by the CLI. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) startBot();
