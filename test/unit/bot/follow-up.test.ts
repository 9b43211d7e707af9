/** Follow-ups in a thread (src/bot/follow-up.ts): read from short messages only, at once from long ones. */
import { describe, expect, it } from 'vitest';
import { readFollowUp } from '../../../src/bot/follow-up.js';
import { cpuMs } from '../../helpers/cpu-time.js';

describe('readFollowUp', () => {
  it('takes off the full stops and exclamation marks a follow-up ends with', () => {
    expect(readFollowUp('just the steps!!!')).toEqual({ kind: 'steps' });
    expect(readFollowUp(`show me the full article${'.'.repeat(150)}`)).toEqual({ kind: 'full' });
  });

  // A guard against super-linear work, not a measurement: `/[.!]+$/` ran on the whole message before
  // its length was looked at, and a run of 20,000 full stops not ending it took about a second.
  it('answers at once for a long message, whatever it ends with', () => {
    for (const text of [`${'.'.repeat(20_000)}x`, `${'!'.repeat(20_000)} x`, `why${' '.repeat(20_000)}?x`]) {
      expect(cpuMs(() => readFollowUp(text))).toBeLessThan(100);
      expect(readFollowUp(text)).toBeUndefined();
    }
  });
});
