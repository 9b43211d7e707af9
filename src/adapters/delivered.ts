/**
 * De-duplication of deliveries, shared by the adapters: Slack retries an event it thinks was not
 * acknowledged (same `event_id`), the Bot Framework re-posts an activity (same activity id); an
 * adapter answers only the first delivery of each id. This one is in memory, each id forgotten
 * after `ttlMs` (tests); the bot's storage keeps them durably (store/sqlite).
 */

import type { DeliveredActivities } from '../memory/types.js';

export type { DeliveredActivities };

export const DELIVERED_DEFAULTS = {
  /** Re-deliveries come within seconds to minutes (Slack: about five); an hour is ample. */
  ttlMs: 60 * 60 * 1000,
  /** Ids kept at most; the oldest are forgotten first. */
  max: 50_000,
} as const;

export class MemoryDeliveredActivities implements DeliveredActivities {
  /** key -> expiry; a Map keeps insertion order, so the oldest come first. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: { ttlMs?: number; max?: number; now?: () => number } = {}) {}

  first(key: string): boolean {
    const now = (this.options.now ?? Date.now)();
    this.expire(now);
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.delete(key);
    this.seen.set(key, now + (this.options.ttlMs ?? DELIVERED_DEFAULTS.ttlMs));
    const max = this.options.max ?? DELIVERED_DEFAULTS.max;
    while (this.seen.size > max) {
      const oldest = this.seen.keys().next();
      if (oldest.done) break;
      this.seen.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  forget(key: string): void {
    this.seen.delete(key);
  }

  private expire(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now) break; // later entries expire later (same ttl, inserted in order)
      this.seen.delete(key);
    }
  }
}
