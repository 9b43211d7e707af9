/**
 * De-duplication of deliveries in memory (claim / done / release, see DeliveredActivities), each
 * id forgotten after `ttlMs`: the adapters' default (../adapters/delivered.ts wraps it as async `Deliveries`), tests,
 * and the fallback of the resilient storage while the disk cannot be written.
 */
import type { StoredDeliveredActivities } from './types.js';

export const DELIVERED_DEFAULTS = {
  /** Re-deliveries come within seconds to minutes (Slack: about five); an hour is ample. */
  ttlMs: 60 * 60 * 1000,
  /** Ids kept at most; the oldest are forgotten first. */
  max: 50_000,
} as const;

type State = 'claimed' | 'done';

export class MemoryDeliveredActivities implements StoredDeliveredActivities {
  /** key -> expiry and state; a Map keeps insertion order, so the oldest come first. */
  private readonly seen = new Map<string, { until: number; state: State }>();

  constructor(private readonly options: { ttlMs?: number; max?: number; now?: () => number } = {}) {}

  claim(key: string): boolean {
    const now = this.now();
    this.expire(now);
    const held = this.seen.get(key);
    if (held !== undefined && held.until > now) return false;
    this.put(key, 'claimed', now);
    return true;
  }

  done(key: string): void {
    const now = this.now();
    this.expire(now);
    this.put(key, 'done', now);
  }

  release(key: string): void {
    if (this.seen.get(key)?.state === 'claimed') this.seen.delete(key);
  }

  /** Free every claim; returns how many (in memory nothing outlives the process, so 0 at start). */
  releaseStaleClaims(): number {
    let freed = 0;
    for (const [key, entry] of this.seen) {
      if (entry.state !== 'claimed') continue;
      this.seen.delete(key);
      freed++;
    }
    return freed;
  }

  get size(): number {
    return this.seen.size;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** (Re)insert at the end, so the Map stays ordered by expiry. */
  private put(key: string, state: State, now: number): void {
    this.seen.delete(key);
    this.seen.set(key, { until: now + (this.options.ttlMs ?? DELIVERED_DEFAULTS.ttlMs), state });
    const max = this.options.max ?? DELIVERED_DEFAULTS.max;
    while (this.seen.size > max) {
      const oldest = this.seen.keys().next();
      if (oldest.done) break;
      this.seen.delete(oldest.value);
    }
  }

  private expire(now: number): void {
    for (const [key, entry] of this.seen) {
      if (entry.until > now) break; // later entries expire later (same ttl, inserted in order)
      this.seen.delete(key);
    }
  }
}
