/**
 * Composition root of `npm start`: environment (.env) -> config -> KB (via the index) -> bot ->
 * the Slack adapter when Slack is configured (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET), the Teams
 * adapter when Teams is (MicrosoftAppId, or TEAMS_ENABLED=true), the console adapter otherwise. Logs go to stderr; stdout carries only the bot's answers.
 */
import dotenv from 'dotenv';
import { runConsole } from './adapters/console.js';
import { createSlackApp } from './adapters/slack/app.js';
import { createTeamsServer, TEAMS_PATH } from './adapters/teams/server.js';
import { MemoryDeliveredEvents } from './adapters/slack/delivered-events.js';
import { FileListeningStore } from './adapters/slack/listening.js';
import { Bot, type BotEvent } from './bot/bot.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { openKb } from './kb/store.js';
import { KbDirError } from './kb/walk.js';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const opened = await openKb(config.kbDirs, { dataDir: config.dataDir, log: (m) => log.info(m) });
  if (opened.writeError) log.warn(opened.writeError);
  const { summary } = opened;
  log.info(`KB ready in ${opened.seconds} s: ${opened.kb.size} articles from ${summary.files} files (${opened.loadedFrom})`);
  if (summary.failures.length) log.warn(`${summary.failures.length} file(s) in the KB folders are not articles; run \`npx kbbot ingest\` on them to see why`);
  if (opened.kb.size === 0) log.warn(`the KB in ${config.kbDirs.join(', ')} has no articles`);
  // Until durable storage lands (issue #7), what was answered and the feedback given are logged.
  const onEvent = (e: BotEvent): void => {
    if (e.type === 'feedback') log.info(`feedback: ${e.articleId} ${e.helpful ? 'helped' : 'not it'} (conversation ${e.message.conversation})`);
    else if (e.type === 'answered') log.info(`answered with ${e.articleId} at ${e.confidence.toFixed(2)} (conversation ${e.message.conversation})`);
    else if (e.type === 'unanswered') log.info(`no match (conversation ${e.message.conversation})`);
  };
  const bot = new Bot(opened.kb, { ranker: opened.ranker, urlTemplate: config.kbUrl, onEvent });
  bot.warmUp();
  const teams = config.teams ? createTeamsServer({ bot, ...config.teams, logger: log }) : undefined;
  // Slack over HTTP and an authenticated Teams bot share Slack's port; an unauthenticated Teams
  // endpoint (the Emulator) keeps its own, loopback-only server.
  const shared = Boolean(teams && config.slack && !config.slack.appToken && config.teams?.appId);
  if (teams && !shared) log.info(`Teams: listening on ${await teams.start()}${TEAMS_PATH}`);
  if (!config.slack) {
    if (!teams) {
      await runConsole(bot, { input: process.stdin, output: process.stdout });
      return;
    }
    const stopTeams = (): void => void teams.stop().then(() => process.exit(0), () => process.exit(1));
    process.once('SIGINT', stopTeams);
    process.once('SIGTERM', stopTeams);
    return;
  }
  const { slack } = config;
  const loadedAt = new Date();
  const app = createSlackApp({
    bot,
    botToken: slack.botToken,
    signingSecret: slack.signingSecret,
    appToken: slack.appToken,
    apiUrl: slack.apiUrl,
    port: slack.port,
    listening: await FileListeningStore.open(config.dataDir, slack.listenChannels),
    dedupe: new MemoryDeliveredEvents(),
    logger: log,
    kbStatus: () => ({ articles: opened.kb.size, refreshedAt: loadedAt }),
    extraRoutes: shared && teams ? [{ path: TEAMS_PATH, method: ['POST'], handler: teams.handle }] : [],
  });
  const { port } = await app.start();
  log.info(app.mode === 'socket' ? 'Slack: connected in Socket Mode' : `Slack: listening on port ${port} (POST /slack/events${shared ? `, Teams POST ${TEAMS_PATH}` : ''})`);
  const stop = (): void => {
    Promise.all([app.stop(), teams?.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof KbDirError) {
    process.stderr.write(`kbbot: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`kbbot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});
