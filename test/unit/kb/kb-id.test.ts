/** KB ids as people write them (src/kb/kb-id.ts), found in time linear in the text. */
import { describe, expect, it } from 'vitest';
import { findKbIds, normaliseKbId, withoutKbIds } from '../../../src/kb/kb-id.js';
import { cpuMs } from '../../helpers/cpu-time.js';

describe('KB ids', () => {
  it('reads every way people write them', () => {
    expect(findKbIds('see Q290226, KB 174743, kb: 235418, KB #193567 and q 196171')).toEqual([
      'Q290226',
      'Q174743',
      'Q235418',
      'Q193567',
      'Q196171',
    ]);
    expect(normaliseKbId('  KB : # 290226 ')).toBe('Q290226');
    expect(normaliseKbId('290226')).toBe('Q290226');
    expect(normaliseKbId('Q2902266666')).toBeNull();
    expect(withoutKbIds('show Q290226 steps')).toBe('show   steps');
  });

  // A guard against super-linear work, not a measurement: "Q" and 1,200 spaces took 1 s (three
  // `\s*` shared the run: cubic), so one chat message could stall the bot; now well under a millisecond.
  it('finds nothing in "Q" or "KB" and a long run of blanks, at once', () => {
    for (const text of [`Q${' '.repeat(1200)}x`, `KB${'\t'.repeat(1200)}:x`, `${' '.repeat(1200)}x`]) {
      expect(
        cpuMs(() => findKbIds(text)),
        JSON.stringify(text.slice(0, 3)),
      ).toBeLessThan(100);
      expect(cpuMs(() => normaliseKbId(text))).toBeLessThan(100);
      expect(findKbIds(text)).toEqual([]);
    }
    expect(findKbIds(`Q${' '.repeat(1200)}290226`)).toEqual(['Q290226']);
  });
});
