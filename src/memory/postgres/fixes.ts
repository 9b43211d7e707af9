/**
 * Team fixes in Postgres (issue #24), shared by every replica: a fix saved by one is listed by all
 * at once. The id `fix-<seq>` comes from an identity column in the insert itself, so two replicas
 * saving at once get distinct ids (a failed or refused insert may leave a number unused; ids are
 * never reused). Saving a message already saved gives the fix on record, also when two replicas
 * save it at the same moment: the unique index on (conversation, message_id) lets one insert win.
 */
import type { AsyncFixStore } from '../async-types.js';
import type { FixOffered, FixRecord, FixVia, NewFix } from '../types.js';
import type { PgConnection } from './connection.js';
import { storedText } from './values.js';

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

const COLUMNS =
  'id, saved_at, author, author_name, saved_by, conversation, thread, message_id, permalink, title, text, errors, codes, offered, via';

export class PgFixStore implements AsyncFixStore {
  constructor(private readonly conn: PgConnection) {}

  async add(fix: NewFix): Promise<FixRecord> {
    return this.conn.use('fixes.add', async (db) => {
      const conversation = storedText(fix.conversation);
      const messageId = storedText(fix.messageId ?? null);
      const byMessage = async (): Promise<FixRow | undefined> =>
        messageId === null
          ? undefined
          : (
              await db.query<FixRow>(`SELECT ${COLUMNS} FROM fixes WHERE conversation = $1 AND message_id = $2`, [
                conversation,
                messageId,
              ])
            ).rows[0];
      // Looked up first, so saving a message again does not use up a sequence number.
      for (let attempt = 0; attempt < 3; attempt++) {
        const existing = await byMessage();
        if (existing) return fromRow(existing);
        const { rows } = await db.query<FixRow>(
          `INSERT INTO fixes (saved_at, author, author_name, saved_by, conversation, thread, message_id, permalink,
                              title, text, errors, codes, offered, via)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (conversation, message_id) WHERE message_id IS NOT NULL DO NOTHING
           RETURNING ${COLUMNS}`,
          [
            fix.savedAt,
            storedText(fix.author),
            storedText(fix.authorName ?? null),
            storedText(fix.savedBy ?? null),
            conversation,
            storedText(fix.thread),
            messageId,
            storedText(fix.permalink ?? null),
            storedText(fix.title),
            storedText(fix.text),
            JSON.stringify(fix.errors),
            JSON.stringify(fix.codes),
            JSON.stringify(fix.offered.map(({ articleId, verdict }) => ({ articleId, verdict }))),
            fix.via,
          ],
        );
        if (rows[0]) return fromRow(rows[0]);
        // Another process saved this message meanwhile: its fix is the one (read on the next turn).
      }
      throw new Error(`fixes.add: message ${fix.messageId} in ${fix.conversation} kept being saved and deleted`);
    });
  }

  async get(id: string): Promise<FixRecord | undefined> {
    return this.conn.use('fixes.get', async (db) => {
      const { rows } = await db.query<FixRow>(`SELECT ${COLUMNS} FROM fixes WHERE id = $1`, [storedText(id)]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    });
  }

  async list(options: { since?: number } = {}): Promise<FixRecord[]> {
    return this.conn.use('fixes.list', async (db) => {
      const { rows } = await db.query<FixRow>(
        `SELECT ${COLUMNS} FROM fixes WHERE saved_at >= $1 ORDER BY saved_at, seq`,
        [options.since ?? Number.MIN_SAFE_INTEGER],
      );
      return rows.map(fromRow);
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.conn.use('fixes.delete', async (db) => {
      const { rowCount } = await db.query('DELETE FROM fixes WHERE id = $1', [storedText(id)]);
      return (rowCount ?? 0) > 0;
    });
  }

  async byMessage(conversation: string, messageId: string): Promise<FixRecord | undefined> {
    return this.conn.use('fixes.byMessage', async (db) => {
      const { rows } = await db.query<FixRow>(
        `SELECT ${COLUMNS} FROM fixes WHERE conversation = $1 AND message_id = $2`,
        [storedText(conversation), storedText(messageId)],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    });
  }
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
