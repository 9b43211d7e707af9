/**
 * Threads in SQLite: the state as JSON, keyed by thread, with who asked (for forgetUser) and when
 * it was last written. Threads not written for `ttlMs` are gone: pruned at open, and not returned
 * meanwhile. A thread's recent person messages (`ThreadState.recent`) are never written: people's
 * words reach the disk only as an explicit save (a team fix), never as thread bookkeeping.
 */
import type Database from 'better-sqlite3';
import type { PendingCredit, ThreadFixRef, ThreadState, ThreadStore } from '../types.js';
import type { Connection } from './connection.js';

export class SqliteThreadStore implements ThreadStore {
  private readonly select: Database.Statement<[string, number], { state: string }>;
  private readonly upsert: Database.Statement<[string, string, string | null, number]>;
  private readonly prune: Database.Statement<[number]>;

  constructor(
    private readonly conn: Connection,
    private readonly ttlMs: number,
  ) {
    const { db } = conn;
    this.select = db.prepare('SELECT state FROM threads WHERE key = ? AND updated_at > ?');
    this.upsert = db.prepare(
      `INSERT INTO threads (key, state, user, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state, user = excluded.user, updated_at = excluded.updated_at`,
    );
    this.prune = db.prepare('DELETE FROM threads WHERE updated_at <= ?');
  }

  get(key: string): ThreadState | undefined {
    return this.conn.use('threads.get', () => {
      const row = this.select.get(key, this.conn.now() - this.ttlMs);
      return row ? parseThreadState(row.state) : undefined;
    });
  }

  set(key: string, state: ThreadState): void {
    this.conn.use('threads.set', () => {
      this.upsert.run(key, serialiseThreadState(state), state.user ?? null, this.conn.now());
    });
  }

  /** Remove the threads past their ttl; returns how many. */
  pruneExpired(): number {
    return this.conn.use('threads.prune', () => this.prune.run(this.conn.now() - this.ttlMs).changes);
  }
}

/** A state as stored: everything but `recent` (person messages stay in memory, see the module comment). */
export function serialiseThreadState(state: ThreadState): string {
  const { recent, ...kept } = state;
  void recent;
  return JSON.stringify(kept);
}

/** A stored state read back; anything that is not one (a damaged row) reads as no thread. */
export function parseThreadState(json: string): ThreadState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<Record<keyof ThreadState, unknown>>;
  const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
  if (typeof s.query !== 'string' || !strings(s.candidates) || !strings(s.rejected)) return undefined;
  if (typeof s.shown !== 'number' || typeof s.updatedAt !== 'number') return undefined;
  const state: ThreadState = {
    query: s.query,
    candidates: s.candidates,
    shown: s.shown,
    rejected: s.rejected,
    updatedAt: s.updatedAt,
  };
  if (typeof s.user === 'string') state.user = s.user;
  // Incident-thread fields (issue #24): each kept when well formed, else left out (the thread still reads).
  if (typeof s.answerId === 'string') state.answerId = s.answerId;
  if (typeof s.led === 'string') state.led = s.led;
  if (s.lastSpeaker === 'bot' || s.lastSpeaker === 'person') state.lastSpeaker = s.lastSpeaker;
  if (typeof s.lastMessageId === 'string') state.lastMessageId = s.lastMessageId;
  if (isFixRef(s.lastFix)) state.lastFix = s.lastFix;
  if (Array.isArray(s.fixes) && s.fixes.every(isFixRef)) state.fixes = s.fixes;
  if (strings(s.errors)) state.errors = s.errors;
  if (Array.isArray(s.pendingCredits) && s.pendingCredits.every(isCredit)) state.pendingCredits = s.pendingCredits;
  return state;
}

function isFixRef(v: unknown): v is ThreadFixRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.messageId === 'string' && typeof r.user === 'string' && (r.id === undefined || typeof r.id === 'string')
  );
}

function isCredit(v: unknown): v is PendingCredit {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.messageId === 'string' &&
    typeof r.user === 'string' &&
    typeof r.helpful === 'boolean' &&
    typeof r.at === 'number'
  );
}
