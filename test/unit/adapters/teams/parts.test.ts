/**
 * Parts of the Teams adapter on their own: the connector retry wrapper and the de-dup set
 * (the end-to-end behaviour is in server.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { memoryDeliveries } from '../../../../src/adapters/teams/delivered.js';
import { withRetry } from '../../../../src/adapters/teams/retry.js';

describe('withRetry', () => {
  it('repeats 429 and 503 with growing waits, and gives up after the retries', async () => {
    const waits: number[] = [];
    const err = (statusCode: number) => Object.assign(new Error(`status ${statusCode}`), { statusCode });
    let n = 0;
    const ok = await withRetry(async () => (++n < 3 ? Promise.reject(err(n === 1 ? 429 : 503)) : 'sent'), {
      baseMs: 100,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(ok).toBe('sent');
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Infinity);
    await expect(
      withRetry(() => Promise.reject(err(429)), { retries: 2, sleep: async () => undefined }),
    ).rejects.toThrow('status 429');
    await expect(withRetry(() => Promise.reject(err(400)), { sleep: vi.fn() })).rejects.toThrow('status 400');
  });

  it('remembers deliveries for the ttl only', async () => {
    let now = 0;
    const seen = memoryDeliveries({ ttlMs: 1000, now: () => now });
    expect(await seen.claim('a')).toBe(true);
    expect(await seen.claim('a')).toBe(false);
    await seen.done('a');
    expect(await seen.claim('a')).toBe(false);
    now = 1001;
    expect(await seen.claim('a')).toBe(true);
  });

  it('holds a delivery while it is answered, frees it when the attempt fails, keeps it once answered', async () => {
    let now = 0;
    const seen = memoryDeliveries({ ttlMs: 1000, now: () => now });
    expect(await seen.claim('a')).toBe(true);
    expect(await seen.claim('a')).toBe(false); // a re-delivery while the first is being answered
    await seen.release('a'); // the reply failed
    expect(await seen.claim('a')).toBe(true); // the re-delivery is answered
    now = 900;
    await seen.done('a'); // posted: remembered for the ttl from now
    await seen.release('a'); // a late release does not undo an answer
    now = 1500;
    expect(await seen.claim('a')).toBe(false);
    expect(await seen.claim('b')).toBe(true);
    now = 1901;
    expect(await seen.claim('a')).toBe(true);
  });
});
