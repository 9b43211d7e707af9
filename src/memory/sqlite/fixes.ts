/**
 * Team fixes in SQLite (issue #24): one row per saved message, its id `fix-<seq>` set in the
 * insert's transaction. Every write commits before the call returns, so a "Saved as a team fix"
 * confirmation never refers to something a crash can lose. The arrays are kept as JSON.
 */
import type Database from 'better-sqlite3';
import type { FixOffered, FixRecord, FixStore, FixVia, NewFix } from '../types.js';
import type { Connection } from './connection.js';

/** The prefix of a fix's id; the number after it is the row's sequence number. */
export const FIX_ID_PREFIX = 'fix-';

interface FixRow {
  id: string;
  saved_at: number;
  author: string;
  author_name: string | null;
  saved_by: string | null;
  conversation: string;
  thread: string;
  message_id: string | null;
  permalink: string | null;
  title: string;
  text: string;
  errors: string;
  codes: string;
  offered: string;
  via: FixVia;
}

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
    return this.conn.use('fixes.add', () => fromRow(this.save.immediate(fix)));
  }

  get(id: string): FixRecord | undefined {
    return this.conn.use('fixes.get', () => {
      const row = this.selectId.get(id);
      return row ? fromRow(row) : undefined;
    });
  }

  list(options: { since?: number } = {}): FixRecord[] {
    return this.conn.use('fixes.list', () =>
      this.selectSince.all(options.since ?? Number.MIN_SAFE_INTEGER).map(fromRow),
    );
  }

  delete(id: string): boolean {
    return this.conn.use('fixes.delete', () => this.remove.run(id).changes > 0);
  }

  byMessage(conversation: string, messageId: string): FixRecord | undefined {
    return this.conn.use('fixes.byMessage', () => {
      const row = this.selectMessage.get(conversation, messageId);
      return row ? fromRow(row) : undefined;
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
    offered: JSON.stringify(fix.offered.map(({ articleId, verdict }) => ({ articleId, verdict }))),
    via: fix.via,
  };
}

function fromRow(r: FixRow): FixRecord {
  return {
    id: r.id,
    title: r.title,
    text: r.text,
    author: r.author,
    authorName: r.author_name,
    savedBy: r.saved_by,
    savedAt: r.saved_at,
    conversation: r.conversation,
    thread: r.thread,
    messageId: r.message_id,
    permalink: r.permalink,
    errors: strings(r.errors),
    codes: strings(r.codes),
    offered: offered(r.offered),
    via: r.via,
  };
}

/** A JSON array of strings; anything else (a damaged cell) reads as empty rather than failing the whole list. */
function strings(json: string): string[] {
  const value = parseJson(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function offered(json: string): FixOffered[] {
  const value = parseJson(json);
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v !== 'object' || v === null) return [];
    const { articleId, verdict } = v as Record<string, unknown>;
    if (typeof articleId !== 'string') return [];
    return [{ articleId, verdict: verdict === 'helped' || verdict === 'not_it' ? verdict : null }];
  });
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
