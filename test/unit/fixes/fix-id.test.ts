/** Fix ids as people type them ("fix-12", "fix 12"), kept apart from the KB's Q-numbers. */
import { describe, expect, it } from 'vitest';
import { findFixIds, findKbIds, normaliseFixId, normaliseKbId } from '../../../src/kb/kb-id.js';

describe('fix ids', () => {
  it.each([
    ['fix-12', 'fix-12'],
    ['FIX-12', 'fix-12'],
    [' fix 12 ', 'fix-12'],
    ['fix #7', 'fix-7'],
    ['fix-007', 'fix-7'],
    ['fix', null],
    ['fix-', null],
    ['fix-12a', null],
    ['Q290226', null],
  ])('normaliseFixId(%j) → %j', (text, id) => {
    expect(normaliseFixId(text)).toBe(id);
  });

  it('finds fix-n mentions in text, each once, and nothing in "fix 12 servers"', () => {
    expect(findFixIds('fix-12 helped, so did FIX-3 and fix-12 again')).toEqual(['fix-12', 'fix-3']);
    expect(findFixIds('we need to fix 12 servers')).toEqual([]);
  });

  it('leaves the KB ids alone', () => {
    expect(findKbIds('fix-12 and Q290226')).toEqual(['Q290226']);
    expect(normaliseKbId('fix-12')).toBeNull();
    expect(normaliseKbId('fix 290226')).toBeNull();
  });
});
