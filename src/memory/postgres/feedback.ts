/** "That helped" / "not it" in Postgres: one row per click from any replica, matched later on the message's signature. */
import type { AsyncFeedbackLog } from '../async-types.js';
import { parseSignature } from '../signature.js';
import type { FeedbackRecord } from '../types.js';
import type { PgConnection } from './connection.js';
import { storedText } from './values.js';

interface FeedbackRow {
  at: number;
  user_id: string;
  conversation: string;
  thread: string;
  article_id: string;
  helpful: boolean;
  query: string | null;
  signature: string;
}

export class PgFeedbackLog implements AsyncFeedbackLog {
  constructor(private readonly conn: PgConnection) {}

  async add(feedback: FeedbackRecord): Promise<void> {
    const { at, user, conversation, thread, articleId, helpful, query, signature } = feedback;
    await this.conn.use('feedback.add', (db) =>
      db.query(
        `INSERT INTO feedback (at, user_id, conversation, thread, article_id, helpful, query, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          at,
          storedText(user),
          storedText(conversation),
          storedText(thread),
          storedText(articleId),
          helpful,
          storedText(query ?? null),
          JSON.stringify(signature),
        ],
      ),
    );
  }

  async list(): Promise<FeedbackRecord[]> {
    return this.conn.use('feedback.list', async (db) => {
      const { rows } = await db.query<FeedbackRow>(
        'SELECT at, user_id, conversation, thread, article_id, helpful, query, signature FROM feedback ORDER BY at, id',
      );
      return rows.map((r) => ({
        at: r.at,
        user: r.user_id,
        conversation: r.conversation,
        thread: r.thread,
        articleId: r.article_id,
        helpful: r.helpful,
        query: r.query,
        signature: parseSignature(r.signature),
      }));
    });
  }
}
