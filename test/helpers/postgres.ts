/**
 * A real PostgreSQL server for the tests, thrown away afterwards: a cluster made with `initdb` in a
 * temp folder and started with `pg_ctl` on a free loopback port (the PostgreSQL 15 server binaries
 * in /usr/lib/postgresql/15/bin, or KBBOT_TEST_PG_BIN). Postgres refuses to run as root, so as root
 * it runs as the `postgres` user (`runuser`). Each suite gets a fresh database of its own
 * (`database()`), dropped at the end.
 *
 * Where the server comes from, first found:
 * 1. KBBOT_TEST_POSTGRES_URL: a server someone runs (a CI service); nothing is started.
 * 2. The cluster of ./postgres-global-setup.ts, one for the whole run, when vitest's config lists it.
 * 3. A cluster of the test file's own, started at its first `await testPostgres()` (~1 s) and
 *    stopped in its afterAll.
 * A cluster is stopped and removed even when tests fail; one left behind by a killed run (its owner
 * process gone) is stopped and removed by the next start. Without the binaries, `runuser` or the
 * `postgres` user, `testPostgres()` says why and the suites skip: "Postgres tests skipped: <why>".
 * The databases are dropped at the end of the file only on a server someone runs; a throwaway
 * cluster is removed with them.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by postgres-global-setup.ts: the run's server, or why there is none. */
    kbbotPostgres: { url: string } | { skip: string };
  }
}

/** The server binaries. */
export const PG_BIN = process.env.KBBOT_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** A server to use instead of starting one (postgres://user@host:port/db with the right to create databases). */
export const POSTGRES_URL_ENV = 'KBBOT_TEST_POSTGRES_URL';
const CLUSTER_PREFIX = 'kbbot-pg-';
const RUNNING_AS_ROOT = process.getuid?.() === 0;

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication on loopback). */
  url: string;
  /** The temp folder: data/, the socket, log. */
  dir: string;
  /** Stop the server at once and remove its folder; idempotent. */
  stop(): void;
}

/** Why no cluster can be started here, or undefined when one can. */
export function postgresUnavailable(): string | undefined {
  for (const bin of ['initdb', 'pg_ctl', 'postgres'])
    if (!existsSync(join(PG_BIN, bin))) return `no PostgreSQL server binaries in ${PG_BIN} (${bin} is missing)`;
  if (!RUNNING_AS_ROOT) return undefined;
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && !existsSync('/usr/bin/runuser'))
    return 'running as root (Postgres refuses root) and there is no runuser to start it as the postgres user';
  if (postgresUser() === undefined)
    return 'running as root (Postgres refuses root) and there is no postgres user to start it as';
  return undefined;
}

/** Make and start a cluster (synchronously, about a second). Throws with the server's log when it cannot start. */
export function startCluster(): PostgresCluster {
  reapOrphans();
  const dir = mkdtempSync(join(tmpdir(), CLUSTER_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const user = postgresUser();
  if (RUNNING_AS_ROOT && user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    if (existsSync(join(data, 'postmaster.pid'))) pgCtl(dir, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop); // a worker that ends without its afterAll still stops its server
  try {
    run(dir, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // A random free-looking port; another process may take it first, so a failed start tries another.
    for (let attempt = 1; ; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 40_000);
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
      const started = pgCtl(dir, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', options, 'start']);
      if (started.status === 0) return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop };
      if (attempt === 3) throw new Error(`pg_ctl start failed: ${started.stderr}\n${readLog(dir)}`);
    }
  } catch (error) {
    stop();
    throw error;
  }
}

export interface TestDatabase {
  /** The fresh database's URL. */
  url: string;
  /** Drop it (closing any connection left open). */
  drop(): Promise<void>;
}

export type TestPostgres =
  | {
      skip?: undefined;
      /** The server's maintenance database (postgres). */
      serverUrl: string;
      /** A fresh, empty database on the server (dropped in afterAll on a server someone runs). */
      database(): Promise<TestDatabase>;
    }
  | { skip: string };

let own: Promise<PostgresCluster | { skip: string }> | undefined;

/**
 * The server for this test file (see the module comment): call at the top level of the file,
 * `const postgres = await testPostgres()`, then `describe.skipIf(postgres.skip)`. Logs
 * "Postgres tests skipped: <why>" once when there is none.
 */
export async function testPostgres(): Promise<TestPostgres> {
  const server = await serverForFile();
  if ('skip' in server) {
    console.warn(`Postgres tests skipped: ${server.skip}`);
    return { skip: server.skip };
  }
  // On a throwaway cluster the databases go with it: dropping each (a checkpoint apiece) would only cost time.
  const made: TestDatabase[] = [];
  if (server.external) afterAll(async () => Promise.all(made.map((db) => db.drop())), 60_000);
  return {
    serverUrl: server.url,
    database: async () => {
      const db = await createDatabase(server.url);
      made.push(db);
      return db;
    },
  };
}

async function serverForFile(): Promise<{ url: string; external?: boolean } | { skip: string }> {
  const given = process.env[POSTGRES_URL_ENV];
  if (given) return { url: given, external: true };
  const provided = inject('kbbotPostgres');
  if (provided) return provided;
  own ??= (async () => {
    const reason = postgresUnavailable();
    if (reason) return { skip: reason };
    try {
      const cluster = startCluster();
      afterAll(() => cluster.stop());
      return cluster;
    } catch (error) {
      return { skip: `the test cluster did not start: ${(error as Error).message}` };
    }
  })();
  return own;
}

/** CREATE DATABASE with a random name on the server at `serverUrl`. */
export async function createDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `kbbot_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Stop and remove the clusters of earlier runs whose owner process is gone (a killed run). */
function reapOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CLUSTER_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // being made right now, or not ours
    }
    if (!Number.isInteger(owner) || alive(owner)) continue;
    if (existsSync(join(dir, 'data', 'postmaster.pid')))
      pgCtl(dir, ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let postgresUserCache: { uid: number; gid: number } | null | undefined;

function postgresUser(): { uid: number; gid: number } | undefined {
  if (postgresUserCache === undefined) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    postgresUserCache =
      uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : null;
  }
  return postgresUserCache ?? undefined;
}

/** Run a server binary (as the postgres user when we are root); throws with its output when it fails. */
function run(cwd: string, bin: string, args: string[]): void {
  const result = spawnAs(cwd, bin, args);
  if (result.status !== 0) throw new Error(`${bin} failed (${result.status}): ${result.stderr || result.stdout}`);
}

function pgCtl(cwd: string, args: string[]): { status: number | null; stderr: string } {
  return spawnAs(cwd, 'pg_ctl', args);
}

function spawnAs(cwd: string, bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const [command, argv] = RUNNING_AS_ROOT
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
    : [join(PG_BIN, bin), args];
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}
