// The Postgres storage beyond the shared contract (../storage-contract.test.ts): migrations run
// once when replicas start together, refuse a newer schema and roll back a failing step; delivery
// claims are leases that a replica's restart does not steal; an unreachable, vanished or locked
// server gives a StorageError (never a crash) without the password, and the storage works again
// when the server is back. Skipped with "Postgres tests skipped: <why>" where no server can start.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UNAVAILABLE, redactUrl, toStorageError } from '../../../../src/memory/postgres/errors.js';
import {
  PG_MIGRATIONS,
  PG_SCHEMA_VERSION,
  migrate,
  schemaVersion,
  type PgMigration,
} from '../../../../src/memory/postgres/migrations.js';
import {
  PG_STORAGE_DEFAULTS,
  openPostgresStorage,
  type PgStorageOptions,
} from '../../../../src/memory/postgres/open.js';
import type { PgStorage } from '../../../../src/memory/postgres/storage.js';
import { StorageError } from '../../../../src/memory/sqlite/errors.js';
import { REPO } from '../../../helpers/paths.js';
import { testPostgres } from '../../../helpers/postgres.js';

const postgres = await testPostgres();

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<string> {
  if (postgres.skip !== undefined) throw new Error(postgres.skip);
  return (await postgres.database()).url;
}

async function open(url: string, options: PgStorageOptions = {}): Promise<PgStorage> {
  const s = await openPostgresStorage(url, { poolSize: 4, ...options });
  cleanups.push(() => s.close());
  return s;
}

function pool(url: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 2 });
  cleanups.push(() => p.end());
  return p;
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

/** A clock the test moves. */
function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe.skipIf(postgres.skip !== undefined)('the Postgres storage', () => {
  describe('migrations', () => {
    it('run once when four replicas start at once, each step recorded, and not again', async () => {
      const url = await database();
      const pools = [pool(url), pool(url), pool(url), pool(url)];
      const ran = await Promise.all(pools.map((p) => migrate(p, 'test')));
      expect(ran.flat().sort()).toEqual(PG_MIGRATIONS.map((m) => m.version));
      const p = pools[0] as pg.Pool;
      expect(await schemaVersion(p)).toBe(PG_SCHEMA_VERSION);
      const rows = await p.query<{ version: number }>('SELECT version FROM kbbot_migrations ORDER BY version');
      expect(rows.rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect(await migrate(p, 'test')).toEqual([]);
      const tables = await p.query<{ t: string }>(
        'SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
      );
      expect(tables.rows.map((r) => r.t)).toEqual([
        'delivered',
        'feedback',
        'fixes',
        'interactions',
        'kbbot_data_version',
        'kbbot_migrations',
        'settings',
        'threads',
      ]);
    });

    it('upgrade a database at an older version in place, keeping its rows', async () => {
      const url = await database();
      const p = pool(url);
      await migrate(p, 'test', PG_MIGRATIONS.slice(0, 2));
      await p.query(
        `INSERT INTO interactions (at, user_id, conversation, thread, intent, outcome, article_id, confidence, text, signature)
         VALUES (1000, 'U1', 'C1', 'T1', 'error_paste', 'answered', 'Q193567', 0.9, NULL, '[]')`,
      );
      await p.query("INSERT INTO delivered (key, expires_at) VALUES ('slack:Ev1', $1)", [Date.now() + 60_000]);
      const s = await open(url);
      expect(await s.interactions.list()).toMatchObject([{ user: 'U1', articleId: 'Q193567' }]);
      expect((await s.interactions.list())[0]?.fixId).toBeUndefined();
      expect(await s.delivered.claim('slack:Ev1')).toBe(false); // answered before the upgrade: stays answered
      expect((await s.fixes.add(fixOf('m1'))).id).toBe('fix-1');
    });

    it('refuse a database migrated by a newer kbbot with storage_too_new, and leave it as it was', async () => {
      const url = await database();
      const s = await open(url);
      await s.settings.set('C1', 'listen', 'off');
      const p = pool(url);
      await p.query("INSERT INTO kbbot_migrations (version, description) VALUES ($1, 'from the future')", [
        PG_SCHEMA_VERSION + 1,
      ]);
      const error = await rejection(openPostgresStorage(url));
      expect(error.code).toBe('storage_too_new');
      expect(error.message).toContain(`version ${PG_SCHEMA_VERSION + 1}`);
      expect((await p.query('SELECT value FROM settings')).rows).toEqual([{ value: 'off' }]);
    });

    it('roll back a migration that fails, leaving the version and the schema as they were', async () => {
      const url = await database();
      const p = pool(url);
      await migrate(p, 'test');
      const broken: PgMigration = {
        version: PG_SCHEMA_VERSION + 1,
        description: 'test: fails half way',
        sql: 'CREATE TABLE half (x INTEGER); SELECT 1 / 0;',
      };
      await expect(migrate(p, 'test', [...PG_MIGRATIONS, broken])).rejects.toThrow(/division by zero/);
      expect(await schemaVersion(p)).toBe(PG_SCHEMA_VERSION);
      expect((await p.query("SELECT to_regclass('half') AS t")).rows).toEqual([{ t: null }]);
      await expect(migrate(p, 'test', [{ ...broken, version: 2 }])).rejects.toThrow(/versions must be 1, 2, 3/);
    });
  });

  describe('delivery claims between replicas', () => {
    it("a replica's live claim is neither freed by another's start nor released by it, until its lease runs out", async () => {
      const url = await database();
      const c = clock();
      const options = { now: c.now, claimLeaseMs: 60_000 };
      const a = await open(url, options);
      const b = await open(url, options);
      expect(await a.delivered.claim('Ev1')).toBe(true); // a is answering (slowly)
      expect(await b.delivered.releaseStaleClaims()).toBe(0); // b starts: a's claim is live
      await b.delivered.release('Ev1'); // b's attempt at the retry fails: not b's claim to free
      expect(await b.delivered.claim('Ev1')).toBe(false);
      c.advance(60_000); // a died: its lease ran out
      expect(await b.delivered.claim('Ev1')).toBe(true); // the retry is answered by b
      await a.delivered.release('Ev1'); // a late release from a does not free b's claim
      expect(await a.delivered.claim('Ev1')).toBe(false);
      await b.delivered.done('Ev1');
      c.advance(PG_STORAGE_DEFAULTS.deliveredTtlMs - 1);
      expect(await a.delivered.claim('Ev1')).toBe(false); // answered: remembered for the ttl from done
    });

    it('a replica killed mid-reply (SIGKILL) frees its claim at once: the retry to another replica is answered', async () => {
      const url = await database();
      const b = await open(url);
      const openJs = pathToFileURL(join(REPO, 'dist', 'src', 'memory', 'postgres', 'open.js')).href;
      const script = `
        const { openPostgresStorage } = await import(${JSON.stringify(openJs)});
        const storage = await openPostgresStorage(${JSON.stringify(url)});
        const claimed = await storage.delivered.claim('slack:Ev-killed');
        process.stdout.write(String(claimed) + '\\n');
        setInterval(() => undefined, 1000); // answering, slowly, until killed`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(async () => void child.kill('SIGKILL'));
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString().trim()).toBe('true');
      expect(await b.delivered.claim('slack:Ev-killed')).toBe(false); // the other replica is answering it
      expect(await b.delivered.releaseStaleClaims()).toBe(0);
      child.kill('SIGKILL');
      await once(child, 'exit');
      // The server drops the dead connection's lock as soon as it sees the socket close (milliseconds on loopback).
      const deadline = Date.now() + 10_000;
      while (!(await b.delivered.claim('slack:Ev-killed'))) {
        if (Date.now() > deadline) throw new Error("the killed replica's claim was never freed");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await b.delivered.claim('slack:Ev-killed')).toBe(false); // now b's
    });

    it('answered keys past the ttl are pruned at open and every deliveredPruneEvery claims', async () => {
      const url = await database();
      const c = clock();
      const options = { now: c.now, deliveredTtlMs: 60_000, deliveredPruneEvery: 10 };
      const a = await open(url, options);
      for (let i = 0; i < 5; i++) await a.delivered.done(`old${i}`);
      const p = pool(url);
      const count = async (): Promise<number> =>
        Number((await p.query<{ n: string }>('SELECT count(*) AS n FROM delivered')).rows[0]?.n);
      c.advance(60_000);
      await open(url, options);
      expect(await count()).toBe(0);
      for (let i = 0; i < 5; i++) await a.delivered.done(`old${i}`);
      c.advance(60_000);
      for (let i = 0; i < 10; i++) await a.delivered.claim(`new${i}`); // the 10th call prunes the old ones
      expect(await count()).toBe(10);
    });
  });

  describe('dataVersion', () => {
    it('does not change with what every message writes (log rows, threads, deliveries), so caches are not re-read per message', async () => {
      const url = await database();
      const a = await open(url);
      const b = await open(url);
      const before = await a.dataVersion();
      await b.delivered.claim('Ev1');
      await b.delivered.done('Ev1');
      await b.threads.set('C1\u0000T1', {
        query: 'q',
        candidates: [],
        shown: 0,
        rejected: [],
        updatedAt: 1,
      });
      await b.interactions.record({
        at: 1,
        user: 'U1',
        conversation: 'C1',
        thread: 'T1',
        intent: 'question',
        outcome: 'unanswered',
        articleId: null,
        confidence: 0,
        text: 'with a NUL \u0000 byte',
        signature: [],
      });
      expect(await a.dataVersion()).toBe(before);
      expect((await a.interactions.list())[0]?.text).toBe('with a NUL \uFFFD byte');
    });
  });

  describe('failures', () => {
    it('a database that does not exist is a StorageError', async () => {
      if (postgres.skip !== undefined) return;
      const url = new URL(postgres.serverUrl);
      url.pathname = '/kbbot_no_such_database';
      const error = await rejection(openPostgresStorage(url.toString()));
      expect(error.code).toBe(UNAVAILABLE);
      expect(error.message).toContain('kbbot_no_such_database');
    });

    it('a server that goes away mid-run: calls reject with a StorageError, and work again once it is back', async () => {
      const url = new URL(await database());
      const proxy = await tcpProxy(Number(url.port));
      cleanups.push(() => proxy.close());
      url.port = String(proxy.port);
      const s = await open(url.toString(), { connectTimeoutMs: 1000 });
      await s.settings.set('C1', 'listen', 'off');
      await proxy.cut();
      expect((await rejection(s.settings.get('C1', 'listen'))).code).toBe(UNAVAILABLE);
      expect((await rejection(s.delivered.claim('Ev1'))).code).toBe(UNAVAILABLE);
      await proxy.restore();
      expect(await s.settings.get('C1', 'listen')).toBe('off');
      expect(await s.delivered.claim('Ev1')).toBe(true);
    });

    it('a row locked by another process past lockTimeoutMs is storage_busy, and the call can be retried', async () => {
      const url = await database();
      const s = await open(url, { lockTimeoutMs: 100 });
      await s.settings.set('C1', 'listen', 'off');
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      cleanups.push(() => other.end());
      await other.query('BEGIN');
      await other.query("SELECT * FROM settings WHERE conversation = 'C1' FOR UPDATE");
      expect((await rejection(s.settings.set('C1', 'listen', 'on'))).code).toBe('storage_busy');
      expect(await s.settings.get('C1', 'listen')).toBe('off'); // reads go on meanwhile
      await other.query('COMMIT');
      await s.settings.set('C1', 'listen', 'on');
      expect(await s.settings.get('C1', 'listen')).toBe('on');
    });
  });
});

describe('the Postgres storage without a server', () => {
  it('maps what Postgres and the network say onto the storage error codes; a bug stays as it is', () => {
    const pgError = (code: string): Error => Object.assign(new Error(`pg says ${code}`), { code });
    const cases: [unknown, string | undefined][] = [
      [pgError('ECONNREFUSED'), UNAVAILABLE],
      [pgError('57P01'), UNAVAILABLE], // the server is shutting down
      [pgError('28P01'), UNAVAILABLE], // password refused
      [pgError('53100'), 'storage_unwritable'], // disk full
      [pgError('25006'), 'storage_unwritable'], // a read-only standby
      [pgError('40P01'), 'storage_busy'], // deadlock
      [pgError('55P03'), 'storage_busy'], // lock timeout
      [pgError('XX001'), 'storage_corrupt'],
      [new Error('Connection terminated unexpectedly'), UNAVAILABLE],
      [pgError('42601'), undefined], // a syntax error: a bug
      [new TypeError('x is undefined'), undefined],
    ];
    for (const [error, code] of cases) {
      const mapped = toStorageError(error, 'postgres://db/kbbot');
      if (code === undefined) expect(mapped).toBe(error);
      else expect(mapped, String(error)).toMatchObject({ name: 'StorageError', code, cause: error });
    }
  });

  it('URLs in messages lose their password and parameters', () => {
    expect(redactUrl('postgres://kbbot:pw@db.example:5432/kbbot?sslmode=require&password=pw2')).toBe(
      'postgres://kbbot:***@db.example:5432/kbbot',
    );
    expect(redactUrl('not a url pw')).toBe('the configured DATABASE_URL');
  });
});

function fixOf(messageId: string) {
  return {
    title: 'Restart KMS',
    text: 'Restart-Service kms',
    author: 'U1',
    authorName: null,
    savedBy: 'U1',
    savedAt: 1,
    conversation: 'C1',
    thread: 'T1',
    messageId,
    permalink: null,
    errors: [],
    codes: [],
    offered: [],
    via: 'mention' as const,
  };
}

/** A loopback TCP proxy to `target` that can be cut (listener closed, connections dropped) and restored on the same port. */
async function tcpProxy(target: number): Promise<{
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const cut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise((resolve) => s.close(resolve));
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}
