/**
 * Team fixes in SQLite (issue #24): one row per saved message, its id `fix-<seq>` set in the
 * insert's transaction. Every write commits before the call returns, so a "Saved as a team fix"
 * confirmation never refers to something a crash can lose. The arrays are kept as JSON.
 */
import type Database from 'better-sqlite3';
import type { FixRecord, FixStore, NewFix } from '../types.js';
import type { Connection } from './connection.js';
import { fixFromRow, offeredJson, type FixRow } from '../fix-rows.js';

/** The prefix of a fix's id; the number after it is the row's sequence number. */
export const FIX_ID_PREFIX = 'fix-';

type FixParams = Omit<FixRow, 'id'> & { pending: string };

const COLUMNS =
  'id, saved_at, author, author_name, saved_by, conversation, thread, message_id, permalink, title, text, errors, codes, offered, via';

export class SqliteFixStore implements FixStore {
  private readonly insert: Database.Statement<FixParams>;
  private readonly name: Database.Statement<[number]>;
  private readonly selectId: Database.Statement<[string], FixRow>;
  private readonly selectSince: Database.Statement<[number], FixRow>;
  private readonly selectMessage: Database.Statement<[string, string], FixRow>;
  private readonly remove: Database.Statement<[string]>;
  private readonly save: Database.Transaction<(fix: NewFix) => FixRow>;

  constructor(private readonly conn: Connection) {
    const { db } = conn;
    // The row gets a placeholder id that cannot clash (ids are `fix-<n>`), renamed from its seq in the same transaction.
    this.insert = db.prepare(
      `INSERT INTO fixes (id, saved_at, author, author_name, saved_by, conversation, thread, message_id, permalink,
                          title, text, errors, codes, offered, via)
       VALUES (@pending, @saved_at, @author, @author_name, @saved_by, @conversation, @thread, @message_id, @permalink,
               @title, @text, @errors, @codes, @offered, @via)`,
    );
    this.name = db.prepare(`UPDATE fixes SET id = '${FIX_ID_PREFIX}' || seq WHERE seq = ?`);
    this.selectId = db.prepare(`SELECT ${COLUMNS} FROM fixes WHERE id = ?`);
    this.selectSince = db.prepare(`SELECT ${COLUMNS} FROM fixes WHERE saved_at >= ? ORDER BY saved_at, seq`);
    this.selectMessage = db.prepare(`SELECT ${COLUMNS} FROM fixes WHERE conversation = ? AND message_id = ?`);
    this.remove = db.prepare('DELETE FROM fixes WHERE id = ?');
    this.save = db.transaction((fix: NewFix): FixRow => {
      if (fix.messageId !== null) {
        const existing = this.selectMessage.get(fix.conversation, fix.messageId);
        if (existing) return existing;
      }
      const { lastInsertRowid } = this.insert.run({ pending: 'pending', ...toParams(fix) });
      this.name.run(Number(lastInsertRowid));
      return this.selectId.get(`${FIX_ID_PREFIX}${lastInsertRowid}`) as FixRow;
    });
  }

  add(fix: NewFix): FixRecord {
    // Immediate: the duplicate check and the insert hold the write lock together, so two processes cannot both insert.
    return this.conn.use('fixes.add', () => fixFromRow(this.save.immediate(fix)));
  }

  get(id: string): FixRecord | undefined {
    return this.conn.use('fixes.get', () => {
      const row = this.selectId.get(id);
      return row ? fixFromRow(row) : undefined;
    });
  }

  list(options: { since?: number } = {}): FixRecord[] {
    return this.conn.use('fixes.list', () =>
      this.selectSince.all(options.since ?? Number.MIN_SAFE_INTEGER).map(fixFromRow),
    );
  }

  delete(id: string): boolean {
    return this.conn.use('fixes.delete', () => this.remove.run(id).changes > 0);
  }

  byMessage(conversation: string, messageId: string): FixRecord | undefined {
    return this.conn.use('fixes.byMessage', () => {
      const row = this.selectMessage.get(conversation, messageId);
      return row ? fixFromRow(row) : undefined;
    });
  }
}

function toParams(fix: NewFix): Omit<FixParams, 'pending'> {
  return {
    saved_at: fix.savedAt,
    author: fix.author,
    author_name: fix.authorName ?? null,
    saved_by: fix.savedBy ?? null,
    conversation: fix.conversation,
    thread: fix.thread,
    message_id: fix.messageId ?? null,
    permalink: fix.permalink ?? null,
    title: fix.title,
    text: fix.text,
    errors: JSON.stringify(fix.errors),
    codes: JSON.stringify(fix.codes),
    offered: offeredJson(fix.offered),
    via: fix.via,
  };
}
