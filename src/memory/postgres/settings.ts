/** Per-conversation settings in Postgres, with who set each (for forgetUser) and when; every replica reads the same. */
import type { AsyncSettingsStore } from '../async-types.js';
import type { PgConnection } from './connection.js';
import { storedText } from './values.js';

export class PgSettingsStore implements AsyncSettingsStore {
  constructor(private readonly conn: PgConnection) {}

  async get(conversation: string, name: string): Promise<string | undefined> {
    return this.conn.use('settings.get', async (db) => {
      const { rows } = await db.query<{ value: string }>(
        'SELECT value FROM settings WHERE conversation = $1 AND name = $2',
        [storedText(conversation), storedText(name)],
      );
      return rows[0]?.value;
    });
  }

  async set(conversation: string, name: string, value: string | undefined, user?: string): Promise<void> {
    await this.conn.use('settings.set', (db) =>
      value === undefined
        ? db.query('DELETE FROM settings WHERE conversation = $1 AND name = $2', [
            storedText(conversation),
            storedText(name),
          ])
        : db.query(
            `INSERT INTO settings (conversation, name, value, user_id, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (conversation, name)
             DO UPDATE SET value = excluded.value, user_id = excluded.user_id, updated_at = excluded.updated_at`,
            [storedText(conversation), storedText(name), storedText(value), storedText(user ?? null), this.conn.now()],
          ),
    );
  }

  async all(name: string): Promise<Map<string, string>> {
    return this.conn.use('settings.all', async (db) => {
      const { rows } = await db.query<{ conversation: string; value: string }>(
        'SELECT conversation, value FROM settings WHERE name = $1 ORDER BY conversation',
        [storedText(name)],
      );
      return new Map(rows.map((r) => [r.conversation, r.value]));
    });
  }
}
