/** The labelled thread messages of test/fixtures/thread-messages.jsonl (docs/design-team-fixes.md, section 4). */
import { readFileSync } from 'node:fs';

export interface ThreadMessageRow {
  text: string;
  /** What the message follows in its thread. */
  after: 'answer' | 'person_fix' | 'person_other' | 'nothing';
  voice: string;
  fixReport: boolean;
  feedback: 'positive' | 'negative' | 'none';
  /** What the feedback credits. */
  target: 'answer' | 'fix' | 'none';
  /** A reaction rather than a text reply. */
  reaction?: boolean;
  /** 'dev' rows are asserted and tuned on; 'held' rows are only measured. */
  split: 'dev' | 'held';
}

export const THREAD_MESSAGES: ThreadMessageRow[] = readFileSync(
  new URL('../fixtures/thread-messages.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as ThreadMessageRow);
