// `kbbot report`, `kbbot forget` and `kbbot fixes` against Postgres (issue #26): with DATABASE_URL set
// (in the environment or .env) and no --data, the built CLI reads and changes the Postgres database,
// printing what it prints for the same data in SQLite; --data still wins; a database it cannot reach
// is one line without the password and exit 2; a DATABASE_URL that is not a postgres:// URL is a
// configuration error. The Postgres part is skipped with "Postgres tests skipped: <why>" where no
// server can start.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncFromSync, type AsyncStorage } from '../../src/memory/async-types.js';
import { openPostgresStorage } from '../../src/memory/postgres/open.js';
import { openStorage, STORAGE_FILE } from '../../src/memory/sqlite/open.js';
import type { FixRecord } from '../../src/memory/types.js';
import type { Report } from '../../src/report/report.js';
import { runKbbot, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';
import { testPostgres } from '../helpers/postgres.js';
import { ask, DAY, feedbackOn, KMS, MAILBOX, newTeamFix, OUTLOOK } from '../helpers/report-fixtures.js';

const postgres = await testPostgres();

/** Each test runs the CLI several times; a busy machine takes seconds per run. */
const CLI_TEST_MS = 120_000;

/** A password that must never be printed. */
const PASSWORD = 'hunter2-s3cret';

const tmp = tempDir('kbbot-pg-cli-');
afterAll(tmp.cleanup);

/** `kbbot ...args` with DATABASE_URL=`url` (unset: none) and DATA_DIR a folder without data. */
function kbbot(args: string[], url: string | undefined, options: { cwd?: string; input?: string } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(tmp.dir, 'no-data'), KB_DIR: '' };
  delete env.DATABASE_URL;
  if (url !== undefined) env.DATABASE_URL = url;
  return runKbbot(args, join(tmp.dir, 'no-data'), { env, ...options });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * The same few days of the bot's log in `storage`: U1 asked about the mailbox store and had the KMS
 * error answered (and said it helped), U2 asked about Outlook; U2 wrote a team fix that U1 saved.
 */
async function fill(storage: AsyncStorage, now: number): Promise<void> {
  try {
    await storage.interactions.record(
      ask({ at: now - 2 * DAY, user: 'U1', thread: 'a', words: MAILBOX, text: 'how do I move the mailbox store' }),
    );
    await storage.interactions.record(
      ask({ at: now - DAY, user: 'U2', thread: 'b', words: OUTLOOK, text: 'outlook will not open the folders' }),
    );
    const kms = ask({
      at: now - 3_600_000,
      user: 'U1',
      thread: 'c',
      intent: 'error_paste',
      outcome: 'answered',
      articleId: 'Q290226',
      words: KMS,
      text: 'ID no: 0xc0020002',
    });
    await storage.interactions.record(kms);
    await storage.feedback.add(feedbackOn(kms, true));
    await storage.fixes.add(newTeamFix({ author: 'U2', authorName: 'Ana Lopez', savedBy: 'U1', savedAt: now - DAY }));
  } finally {
    await storage.close();
  }
}

/** `out` with the storage's place (a kbbot.db path or a database URL) written as <where>. */
const placeless = (out: string, where: string): string => out.split(where).join('<where>');

describe.skipIf(postgres.skip !== undefined)(
  'kbbot report, forget and fixes on Postgres',
  { timeout: CLI_TEST_MS },
  () => {
    let url = '';
    /** The same data in SQLite, to compare with. */
    const sqliteDir = join(tmp.dir, 'sqlite');

    beforeAll(async () => {
      if (postgres.skip !== undefined) return;
      url = (await postgres.database()).url;
      const now = Date.now();
      await fill(await openPostgresStorage(url, { poolSize: 2 }), now);
      await fill(asyncFromSync(openStorage(sqliteDir)), now);
    }, CLI_TEST_MS);

    it('report --json and fixes list show what is in the database, exactly as for the same data in SQLite', () => {
      const pg = kbbot(['report', '--json'], url);
      expect(pg.stderr).toBe('');
      expect(pg.code).toBe(0);
      const report = JSON.parse(pg.stdout) as Report;
      expect(report.totals).toMatchObject({ messages: 3, answered: 1, users: 2, feedback: { helped: 1, notIt: 0 } });
      expect(report.fixes.new.map((f) => [f.id, f.author])).toEqual([['fix-1', 'U2']]);
      const sqlite = JSON.parse(kbbot(['report', '--json', '--data', sqliteDir], undefined).stdout) as Report;
      // The same report but for the moment it was made.
      expect({ ...report, period: { ...report.period, to: sqlite.period.to } }).toEqual(sqlite);

      const list = kbbot(['fixes', 'list'], url);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^1 team fix in postgres:\/\/postgres@127\.0\.0\.1:\d+\/kbbot_test_\w+:$/m);
      expect(list.stdout).toMatch(/^ {2}fix-1 +\d{4}-\d\d-\d\d +Ana Lopez +KMS service won't start after SP3$/m);
      const sqliteList = kbbot(['fixes', 'list', '--data', sqliteDir], undefined).stdout;
      expect(placeless(list.stdout, url)).toBe(placeless(sqliteList, join(sqliteDir, STORAGE_FILE)));
      const shown = kbbot(['fixes', 'show', 'fix-1', '--json'], url);
      expect((JSON.parse(shown.stdout) as FixRecord).text).toMatch(/restarting the KM service/);
    });

    it('forget --user deletes that user from the database, and the next report does not show them', () => {
      const r = kbbot(['forget', '--user', 'U2', '--json'], url);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        user: 'U2',
        threads: 0,
        interactions: 1,
        feedback: 0,
        settings: 0,
        fixes: 1,
        fixesUnsaved: 0,
      });
      expect(r.stdout).toBe(kbbot(['forget', '--user', 'U2', '--json', '--data', sqliteDir], undefined).stdout);

      const after = kbbot(['report', '--json'], url);
      const report = JSON.parse(after.stdout) as Report;
      expect(report.totals).toMatchObject({ messages: 2, users: 1 });
      expect(report.fixes.new).toEqual([]);
      expect(after.stdout).not.toMatch(/U2|outlook/);
      expect(kbbot(['fixes', 'list', '--json'], url).stdout).toBe('');
      expect(kbbot(['forget', '--user', 'U2'], url).stdout).toMatch(/^Nothing kept about user U2 in postgres:\/\//);
    });

    it('reads DATABASE_URL from .env in the working folder, as the bot does', () => {
      const cwd = join(tmp.dir, 'with-env');
      mkdirSync(cwd);
      writeFileSync(join(cwd, '.env'), `DATABASE_URL=${url}\n`);
      const r = kbbot(['report', '--json'], undefined, { cwd });
      expect(r.stderr).toBe('');
      expect((JSON.parse(r.stdout) as Report).totals.messages).toBe(2);
    });
  },
);

describe('DATABASE_URL for kbbot report, forget and fixes', { timeout: CLI_TEST_MS }, () => {
  it('a database that cannot be reached is one line naming it without the password, exit 2; --data wins over it', async () => {
    const port = await closedPort();
    const url = `postgres://kbbot:${PASSWORD}@127.0.0.1:${port}/kbbot`;
    for (const args of [['report'], ['forget', '--user', 'U1'], ['fixes', 'list']]) {
      const r = kbbot(args, url);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^kbbot: .*postgres://kbbot:\\*\\*\\*@127\\.0\\.0\\.1:${port}/kbbot.*\\n$`));
      expect(r.stderr).not.toContain(PASSWORD);
    }
    const local = kbbot(['forget', '--user', 'U1', '--data', join(tmp.dir, 'local')], url);
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/^Nothing kept about user U1 in .*kbbot\.db\.$/m);
  });

  it('a DATABASE_URL that is not a postgres:// URL is a configuration error that does not show it', () => {
    for (const url of [`mysql://kbbot:${PASSWORD}@127.0.0.1/kbbot`, `kbbot:${PASSWORD} at db.example`]) {
      const r = kbbot(['report'], url);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^kbbot: DATABASE_URL .*postgres:\/\/.*\n$/);
      expect(r.stderr).not.toContain(PASSWORD);
    }
  });

  it('the bot itself with a database it cannot reach: one line naming it without the password, exit 2', async () => {
    const port = await closedPort();
    const r = kbbot(['start'], `postgres://kbbot:${PASSWORD}@127.0.0.1:${port}/kbbot`, {
      input: 'ID no: 0xc0020002\n',
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^kbbot: .*postgres://kbbot:\\*\\*\\*@127\\.0\\.0\\.1:${port}/kbbot.*\\n$`));
    expect(r.stderr).not.toContain(PASSWORD);
  });
});

describe.skipIf(postgres.skip !== undefined)('the bot on Postgres', { timeout: CLI_TEST_MS }, () => {
  it('answers a paste, keeps what it remembers in the database and nothing in DATA_DIR/kbbot.db', async () => {
    if (postgres.skip !== undefined) return;
    const { url } = await postgres.database();
    const dataDir = join(tmp.dir, 'bot-data');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, KB_DIR: '', STORE_MESSAGES: 'true' };
    env.DATABASE_URL = url;
    const r = runKbbot(['start'], tmp.dir, { env, input: 'ID no: 0xc0020002\n' });
    expect(r.stderr).not.toMatch(/^kbbot: /m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Q290226/);
    // Nothing the bot remembers went to a local SQLite file (DATA_DIR keeps only the KB index cache)...
    expect(existsSync(join(dataDir, STORAGE_FILE))).toBe(false);
    // ...it is in Postgres, where the report finds it.
    const report = JSON.parse(kbbot(['report', '--json'], url).stdout) as Report;
    expect(report.totals).toMatchObject({ messages: 1, answered: 1 });
  });
});
