/** The log of messages answered (or not), in Postgres: one row per message from every replica, read by the report. */
import type { AsyncInteractionLog } from '../async-types.js';
import { parseSignature } from '../signature.js';
import type { Interaction, Outcome } from '../types.js';
import type { PgConnection } from './connection.js';
import { storedText } from './values.js';

interface InteractionRow {
  at: number;
  user_id: string;
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

export class PgInteractionLog implements AsyncInteractionLog {
  constructor(private readonly conn: PgConnection) {}

  async record(interaction: Interaction): Promise<void> {
    const { at, user, conversation, thread, intent, outcome, articleId, confidence, text, signature, fixId } =
      interaction;
    await this.conn.use('interactions.record', (db) =>
      db.query(
        `INSERT INTO interactions (at, user_id, conversation, thread, intent, outcome, article_id, confidence, text, signature, fix_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          at,
          storedText(user),
          storedText(conversation),
          storedText(thread),
          storedText(intent),
          outcome,
          storedText(articleId ?? null),
          Number.isFinite(confidence) ? confidence : 0,
          storedText(text ?? null),
          JSON.stringify(signature),
          storedText(fixId ?? null),
        ],
      ),
    );
  }

  async list(options: { since?: number } = {}): Promise<Interaction[]> {
    return this.conn.use('interactions.list', async (db) => {
      const { rows } = await db.query<InteractionRow>(
        `SELECT at, user_id, conversation, thread, intent, outcome, article_id, confidence, text, signature, fix_id
         FROM interactions WHERE at >= $1 ORDER BY at, id`,
        [options.since ?? Number.MIN_SAFE_INTEGER],
      );
      return rows.map((r) => ({
        at: r.at,
        user: r.user_id,
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
      }));
    });
  }
}
