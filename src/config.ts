/**
 * Configuration, read once from the environment and validated.
 *
 * | variable  | default                      | meaning                                              |
 * |-----------|------------------------------|------------------------------------------------------|
 * | KB_DIR    | <package>/seeds              | folder(s) of KB articles, several joined with ':'; each may be named: runbooks=/srv/runbooks |
 * | KB_URL_<NAME> | (none)                   | link of a folder's documents without their own: {path} (relative path), {stem} |
 * | KB_HEADINGS | (none)                     | headings added to the sections: impact=Blast radius\|Business impact;resolution=Runbook |
 * | DATA_DIR  | ./data (from the cwd)        | the index file and the bot's storage (kbbot.db)      |
 * | LOG_LEVEL | warn (info with NODE_ENV=production) | error, warn, info or debug (logs go to stderr) |
 * | LOG_FORMAT | json when NODE_ENV=production or stderr is not a terminal, else pretty | json lines or pino-pretty |
 * | METRICS_PORT | (none)                     | a port of its own for /healthz, /readyz, /metrics (console, Socket Mode; also HTTP modes) |
 * | KB_URL    | https://support.microsoft.com/kb/{number} | link of an article; {number} 290226, {id} Q290226 |
 * | STORE_MESSAGES | true                    | keep message text (log, feedback, threads) on disk   |
 * | KB_WATCH  | true                         | re-read the KB folders when they change              |
 * | SHUTDOWN_GRACE_MS | 10000                | on SIGTERM/SIGINT, how long replies under way may finish |
 * | DATABASE_URL | (none: SQLite in DATA_DIR) | postgres://user:password@host:5432/db: where the bot (and `kbbot report`, `forget`, `fixes`) keeps its memory, shared by replicas; a secret |
 *
 * Booleans (STORE_MESSAGES, KB_WATCH, TEAMS_ENABLED) all take true/false, yes/no, on/off or 1/0,
 * in any case; anything else is refused, naming the variable.
 *
 * Slack (runs when SLACK_BOT_TOKEN is set with SLACK_SIGNING_SECRET for HTTP, or with
 * SLACK_APP_TOKEN (xapp-…) for Socket Mode, which needs no signing secret; see `SlackConfig`):
 * PORT (3000, HTTP), SLACK_API_URL (https://slack.com/api/), LISTEN_CHANNELS (channel ids, comma-separated).
 *
 * Teams (runs when MicrosoftAppId is set, or TEAMS_ENABLED is true without one: unauthenticated, for
 * the Bot Framework Emulator, bound to 127.0.0.1): MicrosoftAppId, MicrosoftAppPassword,
 * MicrosoftAppType (MultiTenant | SingleTenant | UserAssignedMSI), MicrosoftAppTenantId,
 * TEAMS_PORT (default PORT when Slack does not listen on it, else 3978), TEAMS_HOST (0.0.0.0).
 * With Slack over HTTP and an app id, Teams shares Slack's PORT instead (see main.ts).
 * Error messages name a bad secret, never show it.
 */
import { delimiter, join, resolve } from 'node:path';
import { FolderSpecError, nameOf, parseFolderSpec, parseHeadings, urlVariableOf } from './kb/index/folders.js';
import type { HeadingVocabulary, KbFolder } from './kb/parse/context.js';
import { isLogFormat, isLogLevel, LOG_FORMATS, LOG_LEVELS, REDACTED, type LogFormat, type LogLevel } from './log.js';
import { packageRoot } from './package-info.js';

export interface Config {
  /** Absolute KB folders. */
  kbDirs: string[];
  /** The same folders with their names (shown with each answer) and link templates. */
  kbFolders: KbFolder[];
  /** Headings added to the default section vocabulary (KB_HEADINGS). */
  kbHeadings: HeadingVocabulary;
  /** Absolute folder of the index file. */
  dataDir: string;
  logLevel: LogLevel;
  /** JSON lines (a log collector) or pino-pretty (a person at a terminal). */
  logFormat: LogFormat;
  /**
   * A port of its own for /healthz, /readyz and /metrics (main.ts): the only place they are served
   * in console and Socket Mode; in Slack HTTP and Teams they are on the chat port too.
   */
  metricsPort?: number;
  /** Link template of an article: {number} is 290226, {id} Q290226. */
  kbUrl: string;
  /** Keep message text on disk (the log, feedback, threads); off: only signatures and ids. */
  storeMessages: boolean;
  /** Re-read the KB folders when they change, and answer from the new KB. */
  kbWatch: boolean;
  /**
   * On SIGTERM/SIGINT: how long replies under way (a rate-limit wait included) may take to finish
   * before they are dropped (logged, and their deliveries freed for the service's re-delivery).
   */
  shutdownGraceMs: number;
  /**
   * DATABASE_URL (postgres:// or postgresql://): the Postgres storage the bot keeps its memory in,
   * shared by replicas, and which `kbbot report`, `forget` and `fixes` read when no `--data` is
   * given. Unset (the default): SQLite in `dataDir`. A secret: its password is never logged or shown.
   */
  databaseUrl?: string;
  /** Present when Slack is configured. */
  slack?: SlackConfig;
  /** Present when Teams is configured (MicrosoftAppId, or TEAMS_ENABLED=true for the Emulator). */
  teams?: TeamsConfig;
}

export interface SlackConfig {
  botToken: string;
  /** HTTP mode: verifies Slack's requests. Socket Mode does not use it, so it may be absent there. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** HTTP mode: the port of /slack/events. */
  port: number;
  /** The Web API base URL; unset: Slack's. */
  apiUrl?: string;
  /** Channels listened in unless turned off with `/kb listen off`. */
  listenChannels: string[];
}

export const CONFIG_DEFAULTS = {
  /** Relative to the package, not the cwd: the bundled seed articles. */
  kbDir: 'seeds',
  /** Relative to the cwd. */
  dataDir: './data',
  /** A person at a terminal sees warnings and errors only... */
  logLevel: 'warn' as LogLevel,
  /** ...a service (NODE_ENV=production) also logs start-up (with its version), shutdown and each answer. */
  productionLogLevel: 'info' as LogLevel,
  kbUrl: 'https://support.microsoft.com/kb/{number}',
  storeMessages: true,
  kbWatch: true,
  /** Long enough for a reply waiting out one Slack rate limit (Retry-After is usually a few seconds). */
  shutdownGraceMs: 10_000,
  port: 3000,
  /** Teams' own port (the Bot Framework's usual one). */
  teamsPort: 3978,
} as const;

/** A bad environment variable; `message` says which and what is accepted. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  override name = 'ConfigError';
}

/**
 * `stderrIsTerminal` decides LOG_FORMAT's default: pretty for a person at a terminal, JSON lines
 * otherwise (a service manager, a container, a pipe) and always with NODE_ENV=production.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  stderrIsTerminal: boolean = process.stderr.isTTY === true,
): Config {
  const kbFolders = readKbFolders(env);
  const kbDirs = kbFolders.map((f) => f.dir);
  let kbHeadings: HeadingVocabulary = {};
  try {
    kbHeadings = parseHeadings(env.KB_HEADINGS ?? '');
  } catch (err) {
    throw new ConfigError(`KB_HEADINGS: ${(err as Error).message}`);
  }

  const dataDir = resolve(env.DATA_DIR?.trim() || CONFIG_DEFAULTS.dataDir);

  const production = env.NODE_ENV?.trim() === 'production';
  const level = (
    env.LOG_LEVEL?.trim() || (production ? CONFIG_DEFAULTS.productionLogLevel : CONFIG_DEFAULTS.logLevel)
  ).toLowerCase();
  if (!isLogLevel(level))
    throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (env.LOG_FORMAT?.trim() || (production || !stderrIsTerminal ? 'json' : 'pretty')).toLowerCase();
  if (!isLogFormat(logFormat))
    throw new ConfigError(`LOG_FORMAT=${JSON.stringify(env.LOG_FORMAT)} is not one of ${LOG_FORMATS.join(', ')}`);
  const metricsPort = readPort(env, 'METRICS_PORT');

  const kbUrl = env.KB_URL?.trim() || CONFIG_DEFAULTS.kbUrl;
  if (!/^https?:\/\/\S+$/.test(kbUrl) || !/\{(number|id)\}/.test(kbUrl))
    throw new ConfigError(`KB_URL=${JSON.stringify(env.KB_URL)} must be an http(s) URL containing {number} or {id}`);

  const storeMessages = readBoolean(env, 'STORE_MESSAGES', CONFIG_DEFAULTS.storeMessages);
  const kbWatch = readBoolean(env, 'KB_WATCH', CONFIG_DEFAULTS.kbWatch);

  const graceText = env.SHUTDOWN_GRACE_MS?.trim() || String(CONFIG_DEFAULTS.shutdownGraceMs);
  if (!/^\d+$/.test(graceText) || !Number.isSafeInteger(Number(graceText)))
    throw new ConfigError(
      `SHUTDOWN_GRACE_MS=${JSON.stringify(env.SHUTDOWN_GRACE_MS)} must be a whole number of milliseconds (0 or more)`,
    );
  const shutdownGraceMs = Number(graceText);

  const databaseUrl = readDatabaseUrl(env);
  const slack = loadSlackConfig(env);
  const teams = loadTeamsConfig(env, slack);
  if (metricsPort !== undefined) {
    const taken =
      slack && !slack.appToken && slack.port === metricsPort
        ? 'PORT (Slack)'
        : teams?.port === metricsPort
          ? 'the Teams port'
          : undefined;
    if (taken)
      throw new ConfigError(
        `METRICS_PORT=${metricsPort} is also ${taken}; leave METRICS_PORT unset (health and metrics are served there already) or pick another port`,
      );
  }
  return {
    kbDirs,
    kbFolders,
    kbHeadings,
    dataDir,
    logLevel: level,
    logFormat,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    kbUrl,
    storeMessages,
    kbWatch,
    shutdownGraceMs,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
  };
}

/**
 * The configuration's secret values (tokens, signing secret, app password, DATABASE_URL and its
 * password as written and decoded): never written to a log.
 */
export function secretsOf(config: Pick<Config, 'slack' | 'teams' | 'databaseUrl'>): string[] {
  return [
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.teams?.appPassword,
    config.databaseUrl,
    ...databasePasswords(config.databaseUrl),
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}

/**
 * `text` (a message to print, such as a database's refusal) with every secret value of `config`
 * replaced by `[REDACTED]`, longest first, whatever its length: a message shown once, where a
 * short password cannot blank out common words of a stream of log lines.
 */
export function withoutSecrets(text: string, config: Pick<Config, 'slack' | 'teams' | 'databaseUrl'>): string {
  let out = text;
  for (const secret of secretsOf(config).sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out;
}

/** The password of a DATABASE_URL, as written (percent-encoded) and as sent to the server. */
function databasePasswords(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const { password } = new URL(url);
    if (password === '') return [];
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // not valid percent-encoding: the server gets it as written
    }
    return [password, decoded];
  } catch {
    return [];
  }
}

/** DATABASE_URL: a postgres:// or postgresql:// URL, or undefined when unset or empty. The value is never shown. */
function readDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.DATABASE_URL?.trim() ?? '';
  if (text === '') return undefined;
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    throw new ConfigError(
      'DATABASE_URL is not a URL: write it postgres://user:password@host:5432/database (the value is not shown)',
    );
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:')
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// or postgresql:// URL, not ${protocol}// (the rest of the value is not shown)`,
    );
  return text;
}

/** KB_DIR's folders ("name=path" or "path", joined with ':'), each with its KB_URL_<NAME> template. */
function readKbFolders(env: NodeJS.ProcessEnv): KbFolder[] {
  const kbDir = env.KB_DIR?.trim();
  let folders: KbFolder[];
  try {
    folders = kbDir
      ? kbDir
          .split(delimiter)
          .filter((d) => d.trim() !== '')
          .map(parseFolderSpec)
          .map((f) => ({ ...f, dir: resolve(f.dir) }))
      : [{ dir: join(packageRoot(), CONFIG_DEFAULTS.kbDir) }];
  } catch (err) {
    if (err instanceof FolderSpecError) throw new ConfigError(`KB_DIR: ${err.message}`);
    throw err;
  }
  if (folders.length === 0) throw new ConfigError(`KB_DIR=${JSON.stringify(env.KB_DIR)} names no folder`);
  const names = new Set<string>();
  for (const f of folders) {
    const name = nameOf(f);
    if (f.name && names.has(name)) throw new ConfigError(`KB_DIR names two folders "${name}"`);
    names.add(name);
    const variable = urlVariableOf(name);
    const template = env[variable]?.trim();
    if (!template) continue;
    if (!/^https?:\/\/\S+$/.test(template) || !/\{(path|stem)\}/.test(template))
      throw new ConfigError(
        `${variable}=${JSON.stringify(template)} must be an http(s) URL containing {path} or {stem}`,
      );
    f.urlTemplate = template;
  }
  return folders;
}

/** A port number variable (1-65535), or undefined when unset or empty. */
function readPort(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim() ?? '';
  if (text === '') return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new ConfigError(`${name}=${JSON.stringify(env[name])} is not a port number (1-65535)`);
  return port;
}

/** The one reading of a boolean variable: true/false, yes/no, on/off, 1/0 (any case); unset or empty: the default. */
function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase() ?? '';
  if (raw === '') return fallback;
  if (['true', 'yes', 'on', '1'].includes(raw)) return true;
  if (['false', 'no', 'off', '0'].includes(raw)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(env[name])} must be true or false (also yes/no, on/off, 1/0)`);
}

/** Teams settings (names as botbuilder spells them). */
export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  port: number;
  host: string;
}

/** The Teams settings, or undefined when neither MicrosoftAppId is set nor TEAMS_ENABLED is true. Secrets never appear in errors. */
function loadTeamsConfig(env: NodeJS.ProcessEnv, slack: SlackConfig | undefined): TeamsConfig | undefined {
  const appId = env.MicrosoftAppId?.trim() || undefined;
  const appPassword = env.MicrosoftAppPassword?.trim() || undefined;
  const tenantId = env.MicrosoftAppTenantId?.trim() || undefined;
  const enabled = readBoolean(env, 'TEAMS_ENABLED', false);
  if (!appId && !enabled) {
    if (appPassword) throw new ConfigError('MicrosoftAppPassword is set but MicrosoftAppId is not');
    return undefined;
  }
  // TEAMS_PORT, else PORT when Slack does not hold it (alone, or Slack in Socket Mode), else 3978.
  const slackHoldsPort = slack !== undefined && slack.appToken === undefined;
  const portText = env.TEAMS_PORT?.trim() || (!slackHoldsPort && env.PORT?.trim()) || String(CONFIG_DEFAULTS.teamsPort);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new ConfigError(`TEAMS_PORT=${JSON.stringify(env.TEAMS_PORT)} is not a port number (1-65535)`);
  const appType = env.MicrosoftAppType?.trim() || (tenantId ? 'SingleTenant' : 'MultiTenant');
  if (appType !== 'MultiTenant' && appType !== 'SingleTenant' && appType !== 'UserAssignedMSI')
    throw new ConfigError(
      `MicrosoftAppType=${JSON.stringify(env.MicrosoftAppType)} is not MultiTenant, SingleTenant or UserAssignedMSI`,
    );
  if (appType === 'SingleTenant' && !tenantId)
    throw new ConfigError('MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId');
  if (appId && appType !== 'UserAssignedMSI' && !appPassword)
    throw new ConfigError('MicrosoftAppId is set but MicrosoftAppPassword is not; the value is not shown');
  return {
    ...(appId ? { appId } : {}),
    ...(appPassword ? { appPassword } : {}),
    appType,
    ...(tenantId ? { tenantId } : {}),
    port,
    host: env.TEAMS_HOST?.trim() || '0.0.0.0',
  };
}

/** The Slack settings, or undefined when Slack is not configured. Secrets never appear in errors. */
function loadSlackConfig(env: NodeJS.ProcessEnv): SlackConfig | undefined {
  const botToken = env.SLACK_BOT_TOKEN?.trim() || undefined;
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;

  const portText = env.PORT?.trim() || String(CONFIG_DEFAULTS.port);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new ConfigError(`PORT=${JSON.stringify(env.PORT)} is not a port number (1-65535)`);

  const apiUrl = env.SLACK_API_URL?.trim() || undefined;
  if (apiUrl !== undefined && !/^https?:\/\/\S+$/.test(apiUrl))
    throw new ConfigError(`SLACK_API_URL=${JSON.stringify(env.SLACK_API_URL)} must be an http(s) URL`);

  const listenChannels = (env.LISTEN_CHANNELS ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const badChannel = listenChannels.find((c) => !/^[CG][A-Z0-9]{2,}$/.test(c));
  if (badChannel !== undefined)
    throw new ConfigError(
      `LISTEN_CHANNELS: ${JSON.stringify(badChannel)} is not a channel id (like C0123ABCD); separate ids with commas`,
    );

  if (!botToken) {
    if (signingSecret)
      throw new ConfigError('SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not; Slack needs both');
    if (appToken) throw new ConfigError('SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not; Socket Mode needs both');
    return undefined;
  }
  // Socket Mode (SLACK_APP_TOKEN) does not verify signatures: only HTTP needs the signing secret.
  if (!signingSecret && !appToken)
    throw new ConfigError(
      'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is',
    );
  if (!botToken.startsWith('xoxb-'))
    throw new ConfigError('SLACK_BOT_TOKEN must be a bot token (xoxb-…); the value is not shown');
  if (appToken !== undefined && !appToken.startsWith('xapp-'))
    throw new ConfigError('SLACK_APP_TOKEN must be an app-level token (xapp-…); the value is not shown');
  return {
    botToken,
    ...(signingSecret ? { signingSecret } : {}),
    ...(appToken ? { appToken } : {}),
    port,
    ...(apiUrl ? { apiUrl } : {}),
    listenChannels,
  };
}
