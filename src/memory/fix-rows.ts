/**
 * A team fix as a table row, the same in SQLite and Postgres: the columns, and the row read back as a
 * FixRecord. The arrays are kept as JSON text; a damaged cell reads as empty rather than failing a list.
 */
import type { FixOffered, FixRecord, FixVia } from './types.js';

/** A row of the `fixes` table as the drivers return it. */
export interface FixRow {
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

/** The offered articles as stored: id and verdict only. */
export function offeredJson(offered: readonly FixOffered[]): string {
  return JSON.stringify(offered.map(({ articleId, verdict }) => ({ articleId, verdict })));
}

export function fixFromRow(r: FixRow): FixRecord {
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
