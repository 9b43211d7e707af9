/**
 * Composition root of `npm start`: environment (.env) -> config -> storage (DATA_DIR/kbbot.db) ->
 * KB (via the index, re-read when the folders change) -> bot -> the Slack adapter when Slack is
 * configured (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET), the Teams adapter when Teams is
 * (MicrosoftAppId, or TEAMS_ENABLED=true), the console adapter otherwise. Logs go to stderr;
 * stdout carries only the bot's answers.
 */
import dotenv from 'dotenv';
import { runConsole } from './adapters/console/console.js';
import { createSlackApp } from './adapters/slack/app.js';
import { importListeningFile, StoredListeningStore } from './adapters/slack/listening.js';
import { createTeamsServer, TEAMS_PATH } from './adapters/teams/server.js';
import { Bot, type BotEvent } from './bot/bot.js';
import { FeedbackLearning } from './bot/learning.js';
import { MemoryThreadStore } from './bot/threads.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { KbReloader } from './kb/index/reload.js';
import type { OpenedKb } from './kb/index/open-kb.js';
import { KbDirError } from './kb/index/walk.js';
import { createLogger, type Logger } from './log.js';
import { StorageError } from './memory/sqlite/errors.js';
import { openStorage } from './memory/sqlite/open.js';
import type { DeliveredActivities, Storage } from './memory/types.js';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  // What the bot remembers: threads, feedback, settings, delivered ids and the log.
  const storage = openStorage(config.dataDir);
  importOldListening(storage, config, log);

  /** The bot, once made: the reloader hands it each new KB. */
  const live: { bot?: Bot } = {};
  let refreshedAt = new Date();
  const reloader = new KbReloader(config.kbDirs, {
    index: { dataDir: config.dataDir, log: (m) => log.info(m) },
    logger: log,
    onSwap: (o) => {
      live.bot?.useKb(o.kb, o.ranker);
      live.bot?.warmUp();
      refreshedAt = new Date();
      log.info(`KB re-read: now ${o.kb.size} articles from ${o.summary.files} files`);
    },
  });
  const opened = await reloader.open();
  describeKb(opened, config, log);

  const learning = new FeedbackLearning(storage.feedback, {}, () => storage.dataVersion());
  const bot = new Bot(opened.kb, {
    ranker: opened.ranker,
    // With STORE_MESSAGES off a thread's message stays in memory: follow-ups then do not survive a restart.
    threads: config.storeMessages ? storage.threads : new MemoryThreadStore(),
    learning,
    interactions: storage.interactions,
    storeMessages: config.storeMessages,
    urlTemplate: config.kbUrl,
    onEvent: logEvent(log),
  });
  live.bot = bot;
  bot.warmUp();
  if (config.kbWatch) await reloader.start();
  log.info(
    `storage: ${config.dataDir} (${learning.size} feedback record(s); message text ${config.storeMessages ? 'kept' : 'not kept'})`,
  );

  const shutdown = async (): Promise<void> => {
    await reloader.stop();
    storage.close();
  };
  const exitOn = (stops: () => Promise<unknown>): void => {
    const stop = (): void =>
      void stops()
        .then(shutdown)
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };

  const teams = config.teams
    ? createTeamsServer({ bot, ...config.teams, logger: log, dedupe: prefixed(storage.delivered, 'teams:') })
    : undefined;
  // Slack over HTTP and an authenticated Teams bot share Slack's port; an unauthenticated Teams
  // endpoint (the Emulator) keeps its own, loopback-only server.
  const shared = Boolean(teams && config.slack && !config.slack.appToken && config.teams?.appId);
  if (teams && !shared) log.info(`Teams: listening on ${await teams.start()}${TEAMS_PATH}`);
  if (!config.slack) {
    if (teams) return exitOn(() => teams.stop());
    await runConsole(bot, { input: process.stdin, output: process.stdout });
    await shutdown();
    return;
  }
  const { slack } = config;
  const app = createSlackApp({
    bot,
    botToken: slack.botToken,
    signingSecret: slack.signingSecret,
    appToken: slack.appToken,
    apiUrl: slack.apiUrl,
    port: slack.port,
    listening: new StoredListeningStore(storage.settings, slack.listenChannels),
    dedupe: prefixed(storage.delivered, 'slack:'),
    logger: log,
    kbStatus: () => ({ articles: reloader.current?.kb.size ?? 0, refreshedAt }),
    extraRoutes: shared && teams ? [{ path: TEAMS_PATH, method: ['POST'], handler: teams.handle }] : [],
  });
  const { port } = await app.start();
  log.info(
    app.mode === 'socket'
      ? 'Slack: connected in Socket Mode'
      : `Slack: listening on port ${port} (POST /slack/events${shared ? `, Teams POST ${TEAMS_PATH}` : ''})`,
  );
  exitOn(() => Promise.all([app.stop(), teams?.stop()]));
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

/** Listening choices of kbbot 0.1 (DATA_DIR/listening.json) move into the storage once. */
function importOldListening(storage: Storage, config: Config, log: Logger): void {
  try {
    const imported = importListeningFile(storage.settings, config.dataDir);
    if (imported) log.info(`imported ${imported} listening choice(s) from listening.json`);
  } catch (err) {
    log.warn(`listening.json not imported: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** What happened, in the log at info level (never the message text). */
function logEvent(log: Logger): (e: BotEvent) => void {
  return (e) => {
    if (e.type === 'feedback')
      log.info(`feedback: ${e.articleId} ${e.helpful ? 'helped' : 'not it'} (conversation ${e.message.conversation})`);
    else if (e.type === 'answered')
      log.info(`answered with ${e.articleId} at ${e.confidence.toFixed(2)} (conversation ${e.message.conversation})`);
    else if (e.type === 'unanswered') log.info(`no match (conversation ${e.message.conversation})`);
  };
}

/** Slack's and Teams' delivery ids in one store, apart. */
function prefixed(delivered: DeliveredActivities, prefix: string): DeliveredActivities {
  return { first: (key) => delivered.first(prefix + key), forget: (key) => delivered.forget(prefix + key) };
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof KbDirError || err instanceof StorageError) {
    process.stderr.write(`kbbot: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`kbbot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});
