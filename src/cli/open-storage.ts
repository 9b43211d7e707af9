/**
 * The storage `kbbot report`, `forget` and `fixes` read, as an AsyncStorage (src/memory/async-types.ts)
 * so one code path serves both kinds:
 *
 * - `--data DIR`: the SQLite storage in DIR (kbbot.db), whatever DATABASE_URL says.
 * - else DATABASE_URL (the environment or .env, validated by loadConfig): the Postgres database
 *   there, opened (and migrated) with openPostgresStorage.
 * - else DATA_DIR (default ./data): the SQLite storage there.
 *
 * SQLite is only opened when kbbot.db exists (nothing is created). A database that cannot be
 * reached or refuses kbbot is a PostgresUnavailable: one line naming it without its password, exit 2.
 * The caller closes the storage (a Postgres pool left open keeps the process alive).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, withoutSecrets } from '../config.js';
import { asyncFromSync, type AsyncStorage } from '../memory/async-types.js';
import { redactUrl } from '../memory/postgres/errors.js';
import { openPostgresStorage } from '../memory/postgres/open.js';
import { StorageError } from '../memory/sqlite/errors.js';
import { openStorage, STORAGE_FILE } from '../memory/sqlite/open.js';

/** What `--data` says about DATABASE_URL, for the commands' --help. */
export const DATA_OPTION_HELP =
  'the data folder holding kbbot.db (default: DATABASE_URL when set, else DATA_DIR, ./data; --data wins over DATABASE_URL)';

/** The connections a CLI command opens at most: it runs one statement at a time. */
const CLI_POOL_SIZE = 2;

export interface CliStorage {
  /** The storage; undefined for a SQLite data folder without kbbot.db (nothing was created). */
  storage: AsyncStorage | undefined;
  /** Where it is, for messages: the kbbot.db path, or the database URL without its password. */
  where: string;
  /** The data folder (`--data`, else DATA_DIR): the KB index file, for article titles. */
  dataDir: string;
  /** True when `storage` is the Postgres database at DATABASE_URL. */
  postgres: boolean;
}

/** The Postgres database at DATABASE_URL cannot be opened (unreachable, login or database refused, too new). */
export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
}

/** Open the storage the options name (see the module comment). Rejects with PostgresUnavailable or a StorageError. */
export async function openCliStorage(dataOption: string | undefined): Promise<CliStorage> {
  if (dataOption !== undefined && dataOption.trim() !== '') return openSqlite(resolve(dataOption));
  const config = loadConfig();
  const url = config.databaseUrl;
  if (url === undefined) return openSqlite(config.dataDir);
  const where = redactUrl(url);
  try {
    const storage = await openPostgresStorage(url, { poolSize: CLI_POOL_SIZE });
    return { storage, where, dataDir: config.dataDir, postgres: true };
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    // openPostgresStorage names the database without its password; the server's own words are scrubbed too.
    throw new PostgresUnavailable(withoutSecrets(err.message, config), { cause: err });
  }
}

function openSqlite(dataDir: string): CliStorage {
  const where = join(dataDir, STORAGE_FILE);
  const storage = existsSync(where) ? asyncFromSync(openStorage(dataDir)) : undefined;
  return { storage, where, dataDir, postgres: false };
}

/**
 * Print a storage failure as one line and return its exit code: 2 for a database that cannot be
 * opened (PostgresUnavailable), 1 for any other StorageError; rethrow anything else.
 */
export function storageFailure(err: unknown): number {
  if (err instanceof PostgresUnavailable) {
    process.stderr.write(`kbbot: ${err.message}\n`);
    return 2;
  }
  if (!(err instanceof StorageError)) throw err;
  process.stderr.write(`kbbot: ${err.message}\n`);
  return 1;
}
