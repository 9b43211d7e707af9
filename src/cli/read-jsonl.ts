/** Read a JSON Lines file of objects; a bad line is a UsageError naming the file and line. */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage-error.js';

export function readJsonl(path: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const rows: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new UsageError(`${path}:${i + 1}: not JSON`);
    }
    if (!row || typeof row !== 'object' || Array.isArray(row))
      throw new UsageError(`${path}:${i + 1}: not a JSON object`);
    rows.push(row as Record<string, unknown>);
  });
  return rows;
}

/** The message text of a query line: "query", else "text". */
export function queryText(row: Record<string, unknown>, where: string): string {
  const q = row.query ?? row.text;
  if (typeof q !== 'string') throw new UsageError(`${where}: no "query" (or "text") string`);
  return q;
}
