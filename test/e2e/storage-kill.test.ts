// Durability under a kill: a child process writes to the storage in a loop and acknowledges each
// round after the calls returned; it is SIGKILLed mid-loop, and every acknowledged round must be in
// the reopened database, which must pass SQLite's integrity check. Uses the built code in dist/.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { STORAGE_FILE, openStorage } from '../../src/memory/sqlite/open.js';
import { REPO, tempDir } from '../helpers/paths.js';

const WRITER = join(REPO, 'test', 'fixtures', 'storage-writer.mjs');
/** Acknowledged rounds to wait for before the kill. */
const ACKS_BEFORE_KILL = 300;

const tmp = tempDir('kbbot-storage-kill-');
afterAll(tmp.cleanup);

interface Run {
  acked: number[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Start the writer, SIGKILL it once `acks` rounds are acknowledged, and collect every ack it printed. */
function runAndKill(dataDir: string, acks: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.push(Number(match[1]));
      }
      if (!killed && acked.length >= acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    // 'close' comes after stdout has ended: acks printed just before the kill are counted too.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ acked, signal, code, stderr });
    });
  });
}

describe('storage under SIGKILL', () => {
  it('keeps every acknowledged write, and the file stays intact', async () => {
    const dataDir = join(tmp.dir, 'data');
    const run = await runAndKill(dataDir, ACKS_BEFORE_KILL);
    expect(run.signal, `the writer ended by itself; its stderr:\n${run.stderr}`).toBe('SIGKILL');
    expect(run.acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    expect(run.acked).toEqual(run.acked.map((_, i) => i + 1));
    const last = run.acked.length;

    const storage = openStorage(dataDir);
    try {
      const feedbackRounds = storage.feedback.list().map((f) => Number(f.articleId.slice(1)));
      const settingRounds = [...storage.settings.all('round').values()].map(Number).sort((a, b) => a - b);
      for (const rounds of [feedbackRounds, settingRounds]) {
        // Every acknowledged round, plus at most the one in flight at the kill.
        expect(rounds.slice(0, last)).toEqual(run.acked);
        expect(rounds.length).toBeLessThanOrEqual(last + 1);
        expect(rounds).toEqual(rounds.map((_, i) => i + 1));
      }
      expect(storage.settings.get(`C${last}`, 'round')).toBe(String(last));
    } finally {
      storage.close();
    }

    const db = new Database(join(dataDir, STORAGE_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
