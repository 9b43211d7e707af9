/** The log of messages answered (or not), in SQLite: one row per message, read by the report. */
import type Database from 'better-sqlite3';
import { parseSignature } from '../signature.js';
import type { Interaction, InteractionLog, Outcome } from '../types.js';
import type { Connection } from './connection.js';

interface InteractionRow {
  at: number;
  user: string;
  conversation: string;
  thread: string;
  intent: string;
  outcome: Outcome;
  article_id: string | null;
  confidence: number;
  text: string | null;
  signature: string;
  fix_id: string | null;
}

type InteractionParams = Omit<InteractionRow, 'article_id' | 'fix_id'> & {
  articleId: string | null;
  fixId: string | null;
};

export class SqliteInteractionLog implements InteractionLog {
  private readonly insert: Database.Statement<InteractionParams>;
  private readonly select: Database.Statement<[number], InteractionRow>;

  constructor(private readonly conn: Connection) {
    const { db } = conn;
    this.insert = db.prepare(
      `INSERT INTO interactions (at, user, conversation, thread, intent, outcome, article_id, confidence, text, signature, fix_id)
       VALUES (@at, @user, @conversation, @thread, @intent, @outcome, @articleId, @confidence, @text, @signature, @fixId)`,
    );
    this.select = db.prepare(
      `SELECT at, user, conversation, thread, intent, outcome, article_id, confidence, text, signature, fix_id
       FROM interactions WHERE at >= ? ORDER BY at, id`,
    );
  }

  record(interaction: Interaction): void {
    this.conn.use('interactions.record', () => {
      const { at, user, conversation, thread, intent, outcome, articleId, confidence, text, signature, fixId } =
        interaction;
      this.insert.run({
        at,
        user,
        conversation,
        thread,
        intent,
        outcome,
        articleId: articleId ?? null,
        confidence: Number.isFinite(confidence) ? confidence : 0,
        text: text ?? null,
        signature: JSON.stringify(signature),
        fixId: fixId ?? null,
      });
    });
  }

  list(options: { since?: number } = {}): Interaction[] {
    return this.conn.use('interactions.list', () =>
      this.select.all(options.since ?? Number.MIN_SAFE_INTEGER).map((r) => ({
        at: r.at,
        user: r.user,
        conversation: r.conversation,
        thread: r.thread,
        intent: r.intent,
        outcome: r.outcome,
        articleId: r.article_id,
        confidence: r.confidence,
        text: r.text,
        signature: parseSignature(r.signature),
        // Only when the answer led with a fix: rows without one read back as they were written.
        ...(r.fix_id !== null && { fixId: r.fix_id }),
      })),
    );
  }
}
