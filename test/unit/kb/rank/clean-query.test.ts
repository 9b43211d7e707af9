/** A message made ready for ranking (src/kb/rank/clean-query.ts): log prefixes off in linear time, codes bounded. */
import { describe, expect, it } from 'vitest';
import { cleanQuery, stripLogPrefix } from '../../../../src/kb/rank/clean-query.js';
import { RANKER_DEFAULTS } from '../../../../src/kb/rank/options.js';
import { cpuMs } from '../../../helpers/cpu-time.js';

describe('cleanQuery', () => {
  it('strips host names after a timestamp', () => {
    expect(stripLogPrefix('2026-11-17 16:56:14 EXSRV38 The service did not start')).toBe('The service did not start');
    expect(stripLogPrefix('2026-11-17 16:56:14 mail-01: disk full')).toBe('disk full');
    expect(stripLogPrefix('2026-11-17 16:56:14 mailserver disk full')).toBe('mailserver disk full');
  });

  // A guard against super-linear work, not a measurement: two `*` on either side of the host name's
  // digit took turns at a long name (quadratic: 20,000 characters took half a second).
  it('reads a long name after a timestamp in linear time', () => {
    for (const name of ['a0'.repeat(10_000), 'A0'.repeat(10_000), 'a-'.repeat(10_000)]) {
      expect(cpuMs(() => stripLogPrefix(`2026-11-17 16:56:14 ${name}`))).toBeLessThan(50);
    }
  });

  it(`keeps the first ${RANKER_DEFAULTS.maxCodes} distinct codes`, () => {
    const codes = Array.from({ length: 100 }, (_, i) => `0x${(0xc0020000 + i).toString(16)}`);
    expect(cleanQuery(codes.join(' ')).codes).toEqual(codes.slice(0, RANKER_DEFAULTS.maxCodes));
    expect(cleanQuery('ID no: 0xc0020002 and 0xc0020002 again, error 1018').codes).toEqual(['0xc0020002', '1018']);
  });
});
