// The readiness checks main registers: the KB (loaded, with articles, still ready while re-read
// since the old KB answers meanwhile) and the storage (AsyncResilientStorage.health()).
import { describe, expect, it } from 'vitest';
import { kbCheck, storageCheck } from '../../../src/observability/checks.js';

describe('readiness checks', () => {
  it('KB: not ready before one is loaded or with no articles; ready while a reload runs over a loaded one', () => {
    expect(kbCheck(undefined)).toEqual({ ok: false, detail: 'the KB is not loaded yet' });
    expect(kbCheck({ reloading: true })).toEqual({ ok: false, detail: 'the KB is not loaded yet' });
    expect(kbCheck({ current: { kb: { size: 0 } }, reloading: false })).toEqual({
      ok: false,
      detail: 'the KB has no articles',
    });
    expect(kbCheck({ current: { kb: { size: 5 } }, reloading: false })).toEqual({ ok: true, detail: '5 articles' });
    expect(kbCheck({ current: { kb: { size: 5 } }, reloading: true })).toEqual({
      ok: true,
      detail: '5 articles (re-reading, still answering)',
    });
  });

  it('storage: ready when ok; degraded says the code, the failures and since when', () => {
    expect(storageCheck({ status: 'ok' })).toEqual({ ok: true });
    expect(
      storageCheck({
        status: 'degraded',
        code: 'storage_unwritable',
        lastError: 'disk full',
        failures: 3,
        since: Date.UTC(2026, 10, 22, 9, 30),
      }),
    ).toEqual({ ok: false, detail: 'storage_unwritable: 3 failed call(s) since 2026-11-22T09:30:00.000Z' });
  });
});
