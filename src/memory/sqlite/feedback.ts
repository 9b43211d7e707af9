/** "That helped" / "not it" in SQLite: one row per click, matched later on the message's signature. */
import type Database from 'better-sqlite3';
import { parseSignature } from '../signature.js';
import type { FeedbackLog, FeedbackRecord } from '../types.js';
import type { Connection } from './connection.js';

interface FeedbackRow {
  at: number;
  user: string;
  conversation: string;
  thread: string;
  article_id: string;
  helpful: 0 | 1;
  query: string | null;
  signature: string;
}

type FeedbackParams = Omit<FeedbackRow, 'article_id'> & { articleId: string };

export class SqliteFeedbackLog implements FeedbackLog {
  private readonly insert: Database.Statement<FeedbackParams>;
  private readonly select: Database.Statement<[], FeedbackRow>;

  constructor(private readonly conn: Connection) {
    const { db } = conn;
    this.insert = db.prepare(
      `INSERT INTO feedback (at, user, conversation, thread, article_id, helpful, query, signature)
       VALUES (@at, @user, @conversation, @thread, @articleId, @helpful, @query, @signature)`,
    );
    this.select = db.prepare(
      'SELECT at, user, conversation, thread, article_id, helpful, query, signature FROM feedback ORDER BY at, id',
    );
  }

  add(feedback: FeedbackRecord): void {
    this.conn.use('feedback.add', () => {
      const { at, user, conversation, thread, articleId, helpful, query, signature } = feedback;
      this.insert.run({
        at,
        user,
        conversation,
        thread,
        articleId,
        helpful: helpful ? 1 : 0,
        query: query ?? null,
        signature: JSON.stringify(signature),
      });
    });
  }

  list(): FeedbackRecord[] {
    return this.conn.use('feedback.list', () =>
      this.select.all().map((r) => ({
        at: r.at,
        user: r.user,
        conversation: r.conversation,
        thread: r.thread,
        articleId: r.article_id,
        helpful: r.helpful === 1,
        query: r.query,
        signature: parseSignature(r.signature),
      })),
    );
  }
}
