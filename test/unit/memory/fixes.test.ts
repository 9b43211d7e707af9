// Team fixes in the durable storage (issue #24, design section 3.1): saved exactly as written, one
// per source message, on disk when `add` returns (even if the process is killed right after),
// kept across an upgrade from a version-2 database, refused rather than faked while the disk is
// full, and gone with their author on `forgetUser`.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AsyncResilientStorage } from '../../../src/memory/async-resilient.js';
import { asyncFromSync } from '../../../src/memory/async-types.js';
import { StorageError } from '../../../src/memory/sqlite/errors.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, userVersion } from '../../../src/memory/sqlite/migrations.js';
import { STORAGE_FILE, openStorage } from '../../../src/memory/sqlite/open.js';
import type { FeedbackRecord, Interaction, NewFix, Storage } from '../../../src/memory/types.js';
import { REPO, tempDir } from '../../helpers/paths.js';
import { fillableStorage } from './disk-full.js';

const tmp = tempDir('kbbot-fixes-');
afterAll(tmp.cleanup);

let dirs = 0;
/** A fresh DATA_DIR (not created yet: openStorage creates it). */
function dataDir(): string {
  return join(tmp.dir, `data-${++dirs}`);
}

/** Open, use, close; returns what `use` returned. */
function withStorage<T>(dir: string, use: (s: Storage) => T): T {
  const storage = openStorage(dir);
  try {
    return use(storage);
  } finally {
    storage.close();
  }
}

/** The fix, as the bot would save it from Ana's message. */
function fix(overrides: Partial<NewFix> = {}): NewFix {
  return {
    title: "KMS service won't start after SP3",
    text: 'Fixed it by restarting the KM service and re-running update.exe\n\n```powershell\nRestart-Service kms\n```',
    author: 'U123',
    authorName: 'Ana López',
    savedBy: 'U456',
    savedAt: 1_733_390_000_000,
    conversation: 'C123',
    thread: '1733389000.000100',
    messageId: '1733390000.123456',
    permalink: 'https://acme.slack.com/archives/C123/p1733390000123456',
    errors: ['Error 0x8007000D: The data is invalid.\nService KMS failed to start.'],
    codes: ['0x8007000d'],
    offered: [{ articleId: 'Q193567', verdict: 'not_it' }],
    via: 'mention',
    ...overrides,
  };
}

describe('team fixes', () => {
  it('are saved exactly as written and read back by id, by message and in the list, oldest first', () => {
    withStorage(dataDir(), (s) => {
      const first = s.fixes.add(fix());
      expect(first).toEqual({ id: 'fix-1', ...fix() });
      const second = s.fixes.add(
        fix({ messageId: null, permalink: null, authorName: null, savedAt: 1_733_300_000_000, via: 'text' }),
      );
      expect(second.id).toBe('fix-2');
      expect(s.fixes.get('fix-1')).toEqual(first);
      expect(s.fixes.get('fix-3')).toBeUndefined();
      expect(s.fixes.byMessage('C123', '1733390000.123456')).toEqual(first);
      expect(s.fixes.byMessage('C999', '1733390000.123456')).toBeUndefined();
      expect(s.fixes.list().map((f) => f.id)).toEqual(['fix-2', 'fix-1']); // by savedAt
      expect(s.fixes.list({ since: 1_733_390_000_000 }).map((f) => f.id)).toEqual(['fix-1']);
    });
  });

  it('saving the same message again returns the fix already saved, unchanged', () => {
    withStorage(dataDir(), (s) => {
      const saved = s.fixes.add(fix());
      expect(s.fixes.add(fix({ title: 'another title', savedBy: 'U789', via: 'reaction' }))).toEqual(saved);
      // The same message id in another conversation is another message; no message id never de-duplicates.
      expect(s.fixes.add(fix({ conversation: 'C2' })).id).toBe('fix-2');
      expect(s.fixes.add(fix({ messageId: null })).id).toBe('fix-3');
      expect(s.fixes.add(fix({ messageId: null })).id).toBe('fix-4');
      expect(s.fixes.list()).toHaveLength(4);
    });
  });

  it('delete removes one fix; its id is never given to another', () => {
    const dir = dataDir();
    withStorage(dir, (s) => {
      s.fixes.add(fix({ messageId: 'm1' }));
      s.fixes.add(fix({ messageId: 'm2' }));
      expect(s.fixes.delete('fix-2')).toBe(true);
      expect(s.fixes.delete('fix-2')).toBe(false);
      expect(s.fixes.get('fix-2')).toBeUndefined();
      expect(s.fixes.byMessage('C123', 'm2')).toBeUndefined();
    });
    withStorage(dir, (s) => {
      expect(s.fixes.add(fix({ messageId: 'm2' })).id).toBe('fix-3'); // undo then re-save: a new id
      expect(s.fixes.list().map((f) => f.id)).toEqual(['fix-1', 'fix-3']);
    });
  });

  it('are on disk when add returns: a process killed right after saving loses nothing', () => {
    const dir = dataDir();
    const open = pathToFileURL(join(REPO, 'dist', 'src', 'memory', 'sqlite', 'open.js')).href;
    const script = `
      const { openStorage } = await import(${JSON.stringify(open)});
      const storage = openStorage(${JSON.stringify(dir)});
      const saved = storage.fixes.add(${JSON.stringify(fix())});
      process.stdout.write(JSON.stringify(saved), () => process.kill(process.pid, 'SIGKILL'));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.signal).toBe('SIGKILL'); // never closed the storage
    const acknowledged = JSON.parse(run.stdout) as { id: string };
    expect(acknowledged).toEqual({ id: 'fix-1', ...fix() });
    withStorage(dir, (s) => {
      expect(s.fixes.get('fix-1')).toEqual(acknowledged);
      expect(s.fixes.add(fix({ messageId: 'm-next' })).id).toBe('fix-2');
    });
  });

  it('a version-2 database with rows reaches version 3 intact, its interactions without a fix', () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, STORAGE_FILE));
    migrate(db, MIGRATIONS.slice(0, 2));
    expect(userVersion(db)).toBe(2);
    db.prepare(
      `INSERT INTO interactions (at, user, conversation, thread, intent, outcome, article_id, confidence, text, signature)
       VALUES (1000, 'U1', 'C1', 'T1', 'error_paste', 'answered', 'Q193567', 0.9, NULL, '[]')`,
    ).run();
    db.prepare(
      `INSERT INTO feedback (at, user, conversation, thread, article_id, helpful, query, signature)
       VALUES (2000, 'U1', 'C1', 'T1', 'Q193567', 1, NULL, '[]')`,
    ).run();
    db.close();

    withStorage(dir, (s) => {
      const [row] = s.interactions.list();
      expect(row).toMatchObject({ user: 'U1', articleId: 'Q193567', outcome: 'answered' });
      expect(row?.fixId ?? null).toBeNull();
      expect(s.feedback.list()).toMatchObject([{ articleId: 'Q193567', helpful: true }]);
      expect(s.fixes.list()).toEqual([]);
      expect(s.fixes.add(fix()).id).toBe('fix-1');
    });
    const after = new Database(join(dir, STORAGE_FILE), { readonly: true });
    try {
      expect(userVersion(after)).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
      expect(after.prepare('SELECT fix_id FROM interactions').pluck().all()).toEqual([null]);
    } finally {
      after.close();
    }
  });

  it('the log keeps the fix an answer led with', () => {
    const dir = dataDir();
    const row = (over: Partial<Interaction>): Interaction => ({
      at: 1000,
      user: 'U1',
      conversation: 'C2',
      thread: 'T2',
      intent: 'error_paste',
      outcome: 'answered',
      articleId: 'fix-1',
      confidence: 0.8,
      text: null,
      signature: [],
      ...over,
    });
    withStorage(dir, (s) => {
      s.interactions.record(row({ fixId: 'fix-1' }));
      s.interactions.record(row({ at: 2000, articleId: 'Q1' }));
    });
    withStorage(dir, (s) => {
      expect(s.interactions.list().map((i) => i.fixId ?? null)).toEqual(['fix-1', null]);
    });
  });
});

describe('forgetUser and team fixes', () => {
  it('deletes the fixes the user wrote, keeps the ones they only saved without their id, and their feedback on fixes goes too', () => {
    const dir = dataDir();
    const vote = (user: string, articleId: string): FeedbackRecord => ({
      at: 1,
      user,
      conversation: 'C1',
      thread: 'T1',
      articleId,
      helpful: true,
      query: null,
      signature: [],
    });
    withStorage(dir, (s) => {
      s.fixes.add(fix({ messageId: 'm1', author: 'U1', savedBy: 'U1' })); // wrote and saved
      s.fixes.add(fix({ messageId: 'm2', author: 'U1', savedBy: 'U2' })); // wrote
      s.fixes.add(fix({ messageId: 'm3', author: 'U2', savedBy: 'U1' })); // only saved
      s.fixes.add(fix({ messageId: 'm4', author: 'U3', savedBy: 'U3' })); // not theirs
      s.feedback.add(vote('U1', 'fix-4'));
      s.feedback.add(vote('U3', 'fix-4'));
      const forgotten = s.forgetUser('U1');
      expect(forgotten).toMatchObject({ fixes: 2, fixesUnsaved: 1, feedback: 1 });
      expect(s.forgetUser('U1')).toMatchObject({ fixes: 0, fixesUnsaved: 0, feedback: 0 });
      expect(s.fixes.list().map((f) => [f.id, f.author, f.savedBy])).toEqual([
        ['fix-3', 'U2', null],
        ['fix-4', 'U3', 'U3'],
      ]);
      expect(s.fixes.byMessage('C123', 'm1')).toBeUndefined();
      expect(s.feedback.list().map((f) => f.user)).toEqual(['U3']);
    });
    // No trace of U1 left in the fixes table.
    const db = new Database(join(dir, STORAGE_FILE), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM fixes WHERE author = 'U1' OR saved_by = 'U1'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('forgetUser and thread state', () => {
  it('removes threads whose state names them (their fix report, a credit they gave), not only the threads they started', () => {
    withStorage(dataDir(), (s) => {
      const base = { query: 'Error 0x1', candidates: ['Q1'], shown: 0, rejected: [], updatedAt: Date.now() };
      s.threads.set('C1\u0000T1', { ...base, user: 'U_ANA', lastFix: { messageId: '1.2', user: 'U_BOB' } });
      s.threads.set('C1\u0000T2', {
        ...base,
        user: 'U_ANA',
        pendingCredits: [{ messageId: '1.3', user: 'U_BOB', helpful: true, at: 1 }],
      });
      s.threads.set('C1\u0000T3', { ...base, user: 'U_ANA', lastFix: { messageId: '1.4', user: 'U_BOBBY' } });
      expect(s.forgetUser('U_BOB')).toMatchObject({ threads: 2 });
      expect(s.threads.get('C1\u0000T1')).toBeUndefined();
      expect(s.threads.get('C1\u0000T2')).toBeUndefined();
      expect(s.threads.get('C1\u0000T3')?.lastFix?.user).toBe('U_BOBBY');
    });
  });
});

describe('team fixes with the disk full (AsyncResilientStorage)', () => {
  function setup() {
    const dir = join(tmp.dir, `full-${++dirs}`);
    mkdirSync(dir);
    const disk = fillableStorage(dir);
    const lines: string[] = [];
    const log = {
      warn: (m: string) => void lines.push(`warn: ${m}`),
      info: (m: string) => void lines.push(`info: ${m}`),
    };
    return { dir, disk, lines, storage: new AsyncResilientStorage(asyncFromSync(disk.storage), { log }) };
  }

  it('refuses to save or delete a fix with a StorageError naming the reason, and keeps nothing in memory', async () => {
    const { disk, lines, storage } = setup();
    const kept = await storage.fixes.add(fix({ messageId: 'm-before' }));
    disk.setFull(true);
    await expect(storage.fixes.add(fix())).rejects.toThrow(StorageError);
    await expect(storage.fixes.add(fix())).rejects.toThrow(/database or disk is full/);
    await expect(storage.fixes.delete(kept.id)).rejects.toThrow(StorageError);
    // Reads still answer: the fix saved before is there, the refused one is not.
    expect(await storage.fixes.list()).toEqual([kept]);
    expect(await storage.fixes.byMessage('C123', '1733390000.123456')).toBeUndefined();
    expect(storage.health()).toMatchObject({ status: 'degraded', code: 'storage_unwritable' });
    expect(lines.filter((l) => l.includes('cannot write team fixes'))).toHaveLength(1); // once, not per attempt

    disk.setFull(false);
    const saved = await storage.fixes.add(fix());
    expect(saved.id).toBe('fix-2');
    expect(storage.health()).toEqual({ status: 'ok' });
    expect((await storage.fixes.list()).map((f) => f.id)).toEqual(['fix-1', 'fix-2']);
  });

  it('reads fail soft when the storage cannot be read: no fix, an empty list', async () => {
    const { disk, storage } = setup();
    await storage.fixes.add(fix());
    disk.storage.close(); // every call now fails with storage_closed
    expect(await storage.fixes.get('fix-1')).toBeUndefined();
    expect(await storage.fixes.list()).toEqual([]);
    expect(await storage.fixes.byMessage('C123', '1733390000.123456')).toBeUndefined();
    await expect(storage.fixes.add(fix({ messageId: 'm2' }))).rejects.toThrow(/closed/);
  });
});
