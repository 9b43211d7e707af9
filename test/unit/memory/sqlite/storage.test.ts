// The durable storage (src/memory/sqlite): each store as its users see it, across close and reopen,
// and the file's life: WAL, migrations in place, a second process's writes, damaged or unwritable
// files, a schema newer than the code, close.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../../../src/memory/sqlite/errors.js';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  migrate,
  userVersion,
  type Migration,
} from '../../../../src/memory/sqlite/migrations.js';
import {
  STORAGE_DEFAULTS,
  STORAGE_FILE,
  openStorage,
  type StorageOptions,
} from '../../../../src/memory/sqlite/open.js';
import type { FeedbackRecord, Interaction, Storage, ThreadState } from '../../../../src/memory/types.js';
import { REPO, tempDir } from '../../../helpers/paths.js';

const tmp = tempDir('kbbot-storage-');
afterAll(tmp.cleanup);

let dirs = 0;
/** A fresh DATA_DIR (not created yet: openStorage creates it). */
function dataDir(): string {
  return join(tmp.dir, `data-${++dirs}`);
}

/** Open, use, close; returns what `use` returned. */
function withStorage<T>(dir: string, use: (s: Storage) => T, options?: StorageOptions): T {
  const storage = openStorage(dir, options);
  try {
    return use(storage);
  } finally {
    storage.close();
  }
}

/** A clock the test moves. */
function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function thread(overrides: Partial<ThreadState> = {}): ThreadState {
  return {
    query: 'ID no: 0xc0020002',
    candidates: ['Q290226', 'Q196171'],
    shown: 0,
    rejected: [],
    updatedAt: 1_700_000_000_000,
    user: 'U1',
    ...overrides,
  };
}

function interaction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    at: 1_700_000_000_000,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    intent: 'error_paste',
    outcome: 'answered',
    articleId: 'Q290226',
    confidence: 0.99,
    text: 'ID no: 0xc0020002',
    signature: [
      [12345, 1.5],
      [4294967295, 0.25],
    ],
    ...overrides,
  };
}

function feedback(overrides: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    at: 1_700_000_000_000,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    articleId: 'Q290226',
    helpful: true,
    query: 'ID no: 0xc0020002',
    signature: [[42, 1]],
    ...overrides,
  };
}

function expectStorageError(run: () => unknown, code: string, mentions: string): StorageError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StorageError);
  const error = caught as StorageError;
  expect(error.code).toBe(code);
  expect(error.message).toContain(mentions);
  return error;
}

describe('the database file', () => {
  it('is DATA_DIR/kbbot.db, in a folder created when missing, in WAL mode with synchronous FULL', () => {
    const dir = join(dataDir(), 'nested', 'deeper');
    withStorage(dir, () => undefined);
    const file = join(dir, STORAGE_FILE);
    expect(existsSync(file)).toBe(true);
    const db = new Database(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(userVersion(db)).toBe(SCHEMA_VERSION);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('has the documented defaults', () => {
    expect(STORAGE_DEFAULTS).toMatchObject({
      deliveredTtlMs: 3_600_000,
      threadTtlMs: 90 * 86_400_000,
      busyTimeoutMs: 5000,
    });
    expect(Math.abs(STORAGE_DEFAULTS.now() - Date.now())).toBeLessThan(1000);
  });

  it("is in memory for ':memory:', and nothing is written to disk", () => {
    const storage = openStorage(':memory:');
    storage.settings.set('C1', 'listen', 'on');
    expect(storage.settings.get('C1', 'listen')).toBe('on');
    storage.close();
    expect(existsSync(':memory:')).toBe(false);
  });
});

describe('threads', () => {
  it('gives undefined for an unknown key, the state as set, and the last state written', () => {
    withStorage(':memory:', (s) => {
      expect(s.threads.get('nope')).toBeUndefined();
      s.threads.set('T1', thread());
      expect(s.threads.get('T1')).toEqual(thread());
      s.threads.set('T1', thread({ shown: 1, rejected: ['Q290226'] }));
      expect(s.threads.get('T1')).toEqual(thread({ shown: 1, rejected: ['Q290226'] }));
      const anonymous = thread();
      delete anonymous.user;
      s.threads.set('T2', anonymous);
      expect(s.threads.get('T2')).toEqual(anonymous);
    });
  });

  it('survive close and reopen', () => {
    const dir = dataDir();
    withStorage(dir, (s) => s.threads.set('T1', thread({ shown: 1 })));
    expect(withStorage(dir, (s) => s.threads.get('T1'))).toEqual(thread({ shown: 1 }));
  });

  it('are forgotten after threadTtlMs without a write', () => {
    const dir = dataDir();
    const c = clock();
    const options = { now: c.now, threadTtlMs: 1000 };
    withStorage(
      dir,
      (s) => {
        s.threads.set('old', thread());
        c.advance(600);
        s.threads.set('recent', thread());
        c.advance(600);
        expect(s.threads.get('old')).toBeUndefined();
        expect(s.threads.get('recent')).toEqual(thread());
      },
      options,
    );
    c.advance(600);
    expect(withStorage(dir, (s) => [s.threads.get('old'), s.threads.get('recent')], options)).toEqual([
      undefined,
      undefined,
    ]);
    const db = new Database(join(dir, STORAGE_FILE));
    expect(db.prepare('SELECT count(*) FROM threads').pluck().get()).toBe(0);
    db.close();
  });
});

describe('delivered ids', () => {
  it('are claimed once; a claim or an answer holds off repeats until released or expired', () => {
    const c = clock();
    withStorage(
      ':memory:',
      (s) => {
        expect(s.delivered.claim('Ev1')).toBe(true);
        expect(s.delivered.claim('Ev1')).toBe(false); // being answered
        s.delivered.done('Ev1');
        expect(s.delivered.claim('Ev1')).toBe(false); // answered
        s.delivered.release('Ev1'); // too late: it was answered
        expect(s.delivered.claim('Ev1')).toBe(false);
        expect(s.delivered.claim('Ev2')).toBe(true);
        s.delivered.release('Ev2'); // the reply failed: the re-delivery is answered
        expect(s.delivered.claim('Ev2')).toBe(true);
        c.advance(59_999);
        expect(s.delivered.claim('Ev1')).toBe(false);
        c.advance(1);
        expect(s.delivered.claim('Ev1')).toBe(true);
        expect(s.delivered.claim('Ev1')).toBe(false);
        s.delivered.release('never seen');
        s.delivered.done('never claimed'); // storage was down at claim time: remembered all the same
        expect(s.delivered.claim('never claimed')).toBe(false);
      },
      { now: c.now, deliveredTtlMs: 60_000 },
    );
  });

  it('are answered for the ttl from when the reply was posted, not from the claim', () => {
    const c = clock();
    withStorage(
      ':memory:',
      (s) => {
        expect(s.delivered.claim('Ev1')).toBe(true);
        c.advance(50_000); // a slow reply (rate-limited)
        s.delivered.done('Ev1');
        c.advance(50_000);
        expect(s.delivered.claim('Ev1')).toBe(false);
      },
      { now: c.now, deliveredTtlMs: 60_000 },
    );
  });

  it('keep a claim across close and reopen, until releaseStaleClaims frees it (a bot that died mid-reply)', () => {
    const dir = dataDir();
    const c = clock();
    const options = { now: c.now, deliveredTtlMs: 60_000 };
    withStorage(
      dir,
      (s) => {
        expect(s.delivered.claim('Ev-answered')).toBe(true);
        s.delivered.done('Ev-answered');
        expect(s.delivered.claim('Ev-cut')).toBe(true); // the process dies before posting
      },
      options,
    );
    withStorage(
      dir,
      (s) => {
        expect(s.delivered.claim('Ev-cut')).toBe(false); // the claim survived
        expect(s.delivered.releaseStaleClaims()).toBe(1);
        expect(s.delivered.claim('Ev-cut')).toBe(true); // Slack's retry is answered
        expect(s.delivered.claim('Ev-answered')).toBe(false); // the answered one stays answered
        expect(s.delivered.releaseStaleClaims()).toBe(1);
        expect(s.delivered.releaseStaleClaims()).toBe(0);
      },
      options,
    );
  });

  it('from a version 1 database are kept as answered after the upgrade', () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, STORAGE_FILE));
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare('INSERT INTO delivered (key, expires_at) VALUES (?, ?)').run('slack:Ev1', Date.now() + 60_000);
    db.close();
    withStorage(dir, (s) => {
      expect(s.delivered.releaseStaleClaims()).toBe(0);
      expect(s.delivered.claim('slack:Ev1')).toBe(false);
    });
  });

  it('are remembered across a restart, and expired ones pruned at open and while running', () => {
    const dir = dataDir();
    const c = clock();
    const options = { now: c.now, deliveredTtlMs: 60_000, deliveredPruneEvery: 10 };
    withStorage(
      dir,
      (s) => {
        expect(s.delivered.claim('Ev1')).toBe(true);
        s.delivered.done('Ev1');
      },
      options,
    );
    withStorage(dir, (s) => expect(s.delivered.claim('Ev1')).toBe(false), options);
    c.advance(60_000);
    withStorage(dir, () => undefined, options);
    const count = (): unknown => {
      const db = new Database(join(dir, STORAGE_FILE));
      try {
        return db.prepare('SELECT count(*) FROM delivered').pluck().get();
      } finally {
        db.close();
      }
    };
    expect(count()).toBe(0);
    withStorage(
      dir,
      (s) => {
        for (let i = 0; i < 5; i++) s.delivered.claim(`old${i}`);
        c.advance(60_000);
        for (let i = 0; i < 5; i++) s.delivered.claim(`new${i}`); // the 10th call prunes the old ones
        expect(count()).toBe(5);
      },
      options,
    );
  });
});

describe('settings', () => {
  it('are set, read, listed per name, cleared with undefined, and survive reopen', () => {
    const dir = dataDir();
    withStorage(dir, (s) => {
      expect(s.settings.get('C1', 'listen')).toBeUndefined();
      s.settings.set('C1', 'listen', 'off', 'U1');
      s.settings.set('C2', 'listen', 'on');
      s.settings.set('C2', 'listen', 'off', 'U2');
      s.settings.set('C3', 'listen', 'on');
      s.settings.set('C3', 'listen', undefined);
      s.settings.set('C1', 'other', 'x');
      s.settings.set('C9', 'absent', undefined);
    });
    withStorage(dir, (s) => {
      expect(s.settings.get('C1', 'listen')).toBe('off');
      expect(s.settings.get('C3', 'listen')).toBeUndefined();
      expect(s.settings.all('listen')).toEqual(
        new Map([
          ['C1', 'off'],
          ['C2', 'off'],
        ]),
      );
      expect(s.settings.all('other')).toEqual(new Map([['C1', 'x']]));
      expect(s.settings.all('unknown')).toEqual(new Map());
    });
  });
});

describe('interactions', () => {
  it('are listed oldest first, from `since` on, as recorded, and survive reopen', () => {
    const dir = dataDir();
    const later = interaction({ at: 3000, outcome: 'suggested', confidence: 0.5, intent: 'question' });
    const first = interaction({ at: 1000 });
    const unanswered = interaction({
      at: 2000,
      outcome: 'unanswered',
      articleId: null,
      confidence: 0,
      text: null,
      signature: [],
    });
    withStorage(dir, (s) => {
      s.interactions.record(later);
      s.interactions.record(first);
      s.interactions.record(unanswered);
    });
    withStorage(dir, (s) => {
      expect(s.interactions.list()).toEqual([first, unanswered, later]);
      expect(s.interactions.list({ since: 2000 })).toEqual([unanswered, later]);
      expect(s.interactions.list({ since: 3001 })).toEqual([]);
    });
  });

  it('read a damaged signature as an empty one', () => {
    const dir = dataDir();
    withStorage(dir, (s) => s.interactions.record(interaction()));
    const db = new Database(join(dir, STORAGE_FILE));
    db.prepare("UPDATE interactions SET signature = 'not json'").run();
    db.close();
    expect(withStorage(dir, (s) => s.interactions.list()[0]?.signature)).toEqual([]);
  });
});

describe('feedback', () => {
  it('is listed oldest first, as added, and survives reopen', () => {
    const dir = dataDir();
    const helped = feedback({ at: 2000 });
    const notIt = feedback({ at: 1000, helpful: false, query: null, articleId: 'Q196171', user: 'U2' });
    withStorage(dir, (s) => {
      s.feedback.add(helped);
      s.feedback.add(notIt);
    });
    expect(withStorage(dir, (s) => s.feedback.list())).toEqual([notIt, helped]);
  });
});

describe('forgetUser', () => {
  it("removes that user's interactions, feedback and threads, and only theirs; channel settings stay, without their id", () => {
    const dir = dataDir();
    withStorage(dir, (s) => {
      for (const user of ['U1', 'U2']) {
        s.interactions.record(interaction({ user }));
        s.interactions.record(interaction({ user, at: 2000 }));
        s.feedback.add(feedback({ user }));
        s.threads.set(`T-${user}`, thread({ user }));
        s.settings.set(`C-${user}`, 'listen', 'off', user);
      }
      s.settings.set('C-none', 'listen', 'on');
      expect(s.forgetUser('U1')).toEqual({
        interactions: 2,
        feedback: 1,
        threads: 1,
        settings: 1,
        fixes: 0,
        fixesUnsaved: 0,
      });
      expect(s.forgetUser('U1')).toEqual({
        interactions: 0,
        feedback: 0,
        threads: 0,
        settings: 0,
        fixes: 0,
        fixesUnsaved: 0,
      });
    });
    withStorage(dir, (s) => {
      expect(s.interactions.list().map((i) => i.user)).toEqual(['U2', 'U2']);
      expect(s.feedback.list().map((f) => f.user)).toEqual(['U2']);
      expect(s.threads.get('T-U1')).toBeUndefined();
      expect(s.threads.get('T-U2')).toEqual(thread({ user: 'U2' }));
      expect([...s.settings.all('listen').keys()].sort()).toEqual(['C-U1', 'C-U2', 'C-none']);
      expect(s.settings.get('C-U1', 'listen')).toBe('off');
    });
  });
});

describe('dataVersion', () => {
  it("changes when another connection commits, not on this one's own writes", () => {
    const dir = dataDir();
    const a = openStorage(dir);
    const b = openStorage(dir);
    try {
      const before = a.dataVersion();
      a.settings.set('C1', 'listen', 'off');
      expect(a.dataVersion()).toBe(before);
      expect(b.settings.get('C1', 'listen')).toBe('off');
      b.forgetUser('U1');
      b.settings.set('C1', 'listen', 'on');
      const after = a.dataVersion();
      expect(after).not.toBe(before);
      expect(a.settings.get('C1', 'listen')).toBe('on');
      expect(a.dataVersion()).toBe(after);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('failures', () => {
  it('a file that is not a SQLite database is storage_corrupt, naming the file', () => {
    const dir = dataDir();
    withStorage(dir, () => undefined);
    const file = join(dir, STORAGE_FILE);
    writeFileSync(file, 'This is not a database, just some text that happens to sit here.\n'.repeat(200));
    expectStorageError(() => openStorage(dir), 'storage_corrupt', file);
  });

  it('a DATA_DIR that cannot be created is storage_unwritable, naming it', () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'x');
    expectStorageError(() => openStorage(join(file, 'data')), 'storage_unwritable', join(file, 'data'));
    expectStorageError(() => openStorage(file), 'storage_unwritable', file);
  });

  // Node's recursive mkdir spins forever at 100% CPU on /proc (procfs answers ENOENT, Node then
  // "creates" the parent, which exists, and tries again). A child process bounds the test: run in
  // this one, a regression would freeze the test worker instead of failing.
  it.runIf(existsSync('/proc/self'))('a DATA_DIR under /proc fails at once as storage_unwritable, in one line', () => {
    const open = pathToFileURL(join(REPO, 'dist', 'src', 'memory', 'sqlite', 'open.js')).href;
    const script = `
      const { openStorage } = await import(${JSON.stringify(open)});
      try { openStorage('/proc/kbbot/data'); console.log('opened'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.signal, 'openStorage did not return within 10 s').toBeNull();
    const error = JSON.parse(run.stdout) as { name: string; code: string; message: string };
    expect(error).toMatchObject({ name: 'StorageError', code: 'storage_unwritable' });
    expect(error.message).toContain('Cannot create DATA_DIR /proc/kbbot/data');
    expect(error.message).not.toContain('\n');
  });

  it('a database file that is a folder is storage_unwritable', () => {
    const dir = dataDir();
    withStorage(join(dir, STORAGE_FILE), () => undefined); // makes DATA_DIR/kbbot.db a folder
    expectStorageError(() => openStorage(dir), 'storage_unwritable', join(dir, STORAGE_FILE));
  });

  it('a write lock held by another process past busyTimeoutMs is storage_busy, and the call can be retried', () => {
    const dir = dataDir();
    const storage = openStorage(dir, { busyTimeoutMs: 50 });
    const other = new Database(join(dir, STORAGE_FILE));
    try {
      other.exec('BEGIN IMMEDIATE');
      expectStorageError(() => storage.settings.set('C1', 'listen', 'off'), 'storage_busy', join(dir, STORAGE_FILE));
      expect(storage.settings.get('C1', 'listen')).toBeUndefined(); // reads go on meanwhile (WAL)
      other.exec('COMMIT');
      storage.settings.set('C1', 'listen', 'off');
      expect(storage.settings.get('C1', 'listen')).toBe('off');
    } finally {
      other.close();
      storage.close();
    }
  });

  it('a database newer than the code is storage_too_new, and left as it was', () => {
    const dir = dataDir();
    withStorage(dir, (s) => s.settings.set('C1', 'listen', 'off'));
    const file = join(dir, STORAGE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const error = expectStorageError(() => openStorage(dir), 'storage_too_new', file);
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    const again = new Database(file);
    expect(userVersion(again)).toBe(SCHEMA_VERSION + 1);
    expect(again.prepare('SELECT value FROM settings').pluck().get()).toBe('off');
    again.close();
  });
});

describe('migrations', () => {
  const next: Migration = {
    version: MIGRATIONS.length + 1,
    description: 'test: a language per setting',
    up(db) {
      db.exec("ALTER TABLE settings ADD COLUMN language TEXT NOT NULL DEFAULT 'en'");
    },
  };

  it('bring a new database to the latest version, and do nothing the second time', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('upgrade an existing database in place, keeping its rows', () => {
    const dir = dataDir();
    withStorage(dir, (s) => {
      s.settings.set('C1', 'listen', 'off', 'U1');
      s.feedback.add(feedback());
    });
    const db = new Database(join(dir, STORAGE_FILE));
    expect(migrate(db, [...MIGRATIONS, next])).toEqual([next.version]);
    expect(userVersion(db)).toBe(next.version);
    expect(db.prepare('SELECT conversation, value, user, language FROM settings').all()).toEqual([
      { conversation: 'C1', value: 'off', user: 'U1', language: 'en' },
    ]);
    expect(db.prepare('SELECT count(*) FROM feedback').pluck().get()).toBe(1);
    db.close();
  });

  it('roll back a migration that fails, leaving the version and the schema as they were', () => {
    const db = new Database(':memory:');
    migrate(db);
    const broken: Migration = {
      version: SCHEMA_VERSION + 1,
      description: 'test: fails half way',
      up(d) {
        d.exec('CREATE TABLE half (x)');
        throw new Error('half way');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow('half way');
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuse a list whose versions are not 1, 2, 3, ...', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ ...next, version: 2 }])).toThrow(/versions must be 1, 2, 3/);
    db.close();
  });
});

describe('close', () => {
  it('is idempotent, and afterwards every method throws storage_closed', () => {
    const storage = openStorage(':memory:');
    storage.close();
    storage.close();
    const calls: (() => unknown)[] = [
      () => storage.threads.get('T1'),
      () => storage.threads.set('T1', thread()),
      () => storage.delivered.claim('Ev1'),
      () => storage.delivered.done('Ev1'),
      () => storage.delivered.release('Ev1'),
      () => storage.delivered.releaseStaleClaims(),
      () => storage.settings.get('C1', 'listen'),
      () => storage.settings.set('C1', 'listen', 'on'),
      () => storage.settings.all('listen'),
      () => storage.interactions.record(interaction()),
      () => storage.interactions.list(),
      () => storage.feedback.add(feedback()),
      () => storage.feedback.list(),
      () => storage.forgetUser('U1'),
      () => storage.dataVersion(),
    ];
    for (const call of calls) expectStorageError(call, 'storage_closed', 'closed');
  });
});
