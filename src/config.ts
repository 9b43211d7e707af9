/**
 * Configuration, read once from the environment and validated.
 *
 * | variable  | default                      | meaning                                              |
 * |-----------|------------------------------|------------------------------------------------------|
 * | KB_DIR    | <package>/kb/articles        | folder(s) of KB articles, several joined with ':'    |
 * | DATA_DIR  | ./data (from the cwd)        | where the index file is kept                         |
 * | LOG_LEVEL | warn                         | error, warn, info or debug (logs go to stderr)       |
 * | KB_URL    | https://support.microsoft.com/kb/{number} | link of an article; {number} 290226, {id} Q290226 |
 */
import { delimiter, join, resolve } from 'node:path';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';
import { packageRoot } from './package-info.js';

export interface Config {
  /** Absolute KB folders. */
  kbDirs: string[];
  /** Absolute folder of the index file. */
  dataDir: string;
  logLevel: LogLevel;
  /** Link template of an article: {number} is 290226, {id} Q290226. */
  kbUrl: string;
}

export const CONFIG_DEFAULTS = {
  /** Relative to the package, not the cwd: the bundled seed articles. */
  kbDir: 'kb/articles',
  /** Relative to the cwd. */
  dataDir: './data',
  logLevel: 'warn' as LogLevel,
  kbUrl: 'https://support.microsoft.com/kb/{number}',
} as const;

/** A bad environment variable; `message` says which and what is accepted. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const kbDir = env.KB_DIR?.trim();
  const kbDirs = kbDir
    ? kbDir.split(delimiter).filter((d) => d.trim() !== '').map((d) => resolve(d.trim()))
    : [join(packageRoot(), CONFIG_DEFAULTS.kbDir)];
  if (kbDirs.length === 0) throw new ConfigError(`KB_DIR=${JSON.stringify(env.KB_DIR)} names no folder`);

  const dataDir = resolve(env.DATA_DIR?.trim() || CONFIG_DEFAULTS.dataDir);

  const level = (env.LOG_LEVEL?.trim() || CONFIG_DEFAULTS.logLevel).toLowerCase();
  if (!isLogLevel(level)) throw new ConfigError(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)} is not one of ${LOG_LEVELS.join(', ')}`);

  const kbUrl = env.KB_URL?.trim() || CONFIG_DEFAULTS.kbUrl;
  if (!/^https?:\/\/\S+$/.test(kbUrl) || !/\{(number|id)\}/.test(kbUrl)) throw new ConfigError(`KB_URL=${JSON.stringify(env.KB_URL)} must be an http(s) URL containing {number} or {id}`);

  return { kbDirs, dataDir, logLevel: level, kbUrl };
}
