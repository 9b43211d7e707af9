/**
 * Team fixes in Postgres (issue #24), shared by every replica: a fix saved by one is listed by all
 * at once. The id `fix-<seq>` comes from an identity column in the insert itself, so two replicas
 * saving at once get distinct ids (a failed or refused insert may leave a number unused; ids are
 * never reused). Saving a message already saved gives the fix on record, also when two replicas
 * save it at the same moment: the unique index on (conversation, message_id) lets one insert win.
 */
import type { AsyncFixStore } from '../async-types.js';
import type { FixRecord, NewFix } from '../types.js';
import type { PgConnection } from './connection.js';
import { storedText } from './values.js';
import { fixFromRow, offeredJson, type FixRow } from '../fix-rows.js';

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
        if (existing) return fixFromRow(existing);
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
            offeredJson(fix.offered),
            fix.via,
          ],
        );
        if (rows[0]) return fixFromRow(rows[0]);
        // Another process saved this message meanwhile: its fix is the one (read on the next turn).
      }
      throw new Error(`fixes.add: message ${fix.messageId} in ${fix.conversation} kept being saved and deleted`);
    });
  }

  async get(id: string): Promise<FixRecord | undefined> {
    return this.conn.use('fixes.get', async (db) => {
      const { rows } = await db.query<FixRow>(`SELECT ${COLUMNS} FROM fixes WHERE id = $1`, [storedText(id)]);
      return rows[0] ? fixFromRow(rows[0]) : undefined;
    });
  }

  async list(options: { since?: number } = {}): Promise<FixRecord[]> {
    return this.conn.use('fixes.list', async (db) => {
      const { rows } = await db.query<FixRow>(
        `SELECT ${COLUMNS} FROM fixes WHERE saved_at >= $1 ORDER BY saved_at, seq`,
        [options.since ?? Number.MIN_SAFE_INTEGER],
      );
      return rows.map(fixFromRow);
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
      return rows[0] ? fixFromRow(rows[0]) : undefined;
    });
  }
}
