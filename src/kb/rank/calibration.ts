/**
 * How right the first answer is at each confidence: for thresholds 0.05-0.95, the share of
 * messages at or above it (answered) and the share of those whose first hit is right (precision).
 * The bot's thresholds are read off this curve.
 */
import { firstRight, type QueryOutcome } from './evaluate.js';

export interface CalibrationRow {
  threshold: number;
  answered: number;
  precision: number;
}

export function calibration(outcomes: QueryOutcome[], step = 0.05): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  for (let t = step; t < 1 - 1e-9; t += step) {
    const above = outcomes.filter((o) => o.confidence >= t - 1e-9);
    const right = above.filter((o) => firstRight(o) === 1).length;
    rows.push({
      threshold: Math.round(t * 100) / 100,
      answered: outcomes.length ? Math.round((above.length / outcomes.length) * 1000) / 1000 : 0,
      precision: above.length ? Math.round((right / above.length) * 1000) / 1000 : 1,
    });
  }
  return rows;
}
