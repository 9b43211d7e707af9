/** A one-line progress bar for a TTY: `[#####.....] 12,345/56,989  21%  2,345 files/s  ETA 19s`. */
import type { Writable } from 'node:stream';

export const PROGRESS_DEFAULTS = {
  width: 24,
  /** Redraw at most this often. */
  intervalMs: 100,
} as const;

export interface ProgressBar {
  update(done: number, total: number): void;
  /** Erase the bar, leaving the cursor at the start of an empty line. */
  clear(): void;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function renderProgress(
  done: number,
  total: number,
  elapsedSeconds: number,
  width: number = PROGRESS_DEFAULTS.width,
): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const remaining = rate > 0 ? (total - done) / rate : Infinity;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${fmt(done)}/${fmt(total)}  ${Math.floor(fraction * 100)}%  ${fmt(rate)} files/s  ETA ${eta(remaining)}`;
}

/** A bar drawn on `stream` (meant for stderr on a TTY). */
export function createProgressBar(stream: Writable): ProgressBar {
  const started = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (done < total && now - last < PROGRESS_DEFAULTS.intervalMs) return;
      last = now;
      drawn = true;
      stream.write(`\r${renderProgress(done, total, (now - started) / 1000)}\x1b[K`);
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
