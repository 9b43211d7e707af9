/** Per-conversation settings in SQLite, with who set each (for forgetUser) and when. */
import type Database from 'better-sqlite3';
import type { SettingsStore } from '../types.js';
import type { Connection } from './connection.js';

export class SqliteSettingsStore implements SettingsStore {
  private readonly select: Database.Statement<[string, string], { value: string }>;
  private readonly upsert: Database.Statement<[string, string, string, string | null, number]>;
  private readonly remove: Database.Statement<[string, string]>;
  private readonly selectAll: Database.Statement<[string], { conversation: string; value: string }>;

  constructor(private readonly conn: Connection) {
    const { db } = conn;
    this.select = db.prepare('SELECT value FROM settings WHERE conversation = ? AND name = ?');
    this.upsert = db.prepare(
      `INSERT INTO settings (conversation, name, value, user, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation, name) DO UPDATE SET value = excluded.value, user = excluded.user, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare('DELETE FROM settings WHERE conversation = ? AND name = ?');
    this.selectAll = db.prepare('SELECT conversation, value FROM settings WHERE name = ? ORDER BY conversation');
  }

  get(conversation: string, name: string): string | undefined {
    return this.conn.use('settings.get', () => this.select.get(conversation, name)?.value);
  }

  set(conversation: string, name: string, value: string | undefined, user?: string): void {
    this.conn.use('settings.set', () => {
      if (value === undefined) this.remove.run(conversation, name);
      else this.upsert.run(conversation, name, value, user ?? null, this.conn.now());
    });
  }

  all(name: string): Map<string, string> {
    return this.conn.use('settings.all', () => new Map(this.selectAll.all(name).map((r) => [r.conversation, r.value])));
  }
}
