/**
 * De-duplication of deliveries, shared by the adapters: Slack retries an event it thinks was not
 * acknowledged (same `event_id`), the Bot Framework re-posts an activity (same activity id); an
 * adapter answers only one delivery of each id: it `claim`s the id on receipt, marks it `done`
 * once the reply is posted, and `release`s it when the attempt failed or was cut short (see
 * AsyncDeliveredActivities). Every call returns a Promise, so the bot's storage can keep the ids in
 * a database shared by replicas (Postgres), where the claim is atomic: of several replicas
 * receiving the same delivery, exactly one answers it. The in-memory set (tests, and the adapters'
 * default) lives with the memory (../memory/delivered.ts).
 */
import type { AsyncDeliveredActivities } from '../memory/async-types.js';
import { MemoryDeliveredActivities } from '../memory/delivered.js';

export { DELIVERED_DEFAULTS } from '../memory/delivered.js';

/** What an adapter needs of the delivered set: claim, done and release, each a Promise. */
export type Deliveries = Pick<AsyncDeliveredActivities, 'claim' | 'done' | 'release'>;

/** Options of the in-memory set (DELIVERED_DEFAULTS when left out). */
export interface MemoryDeliveriesOptions {
  /** How long an id is remembered (DELIVERED_DEFAULTS.ttlMs). */
  ttlMs?: number;
  /** Ids kept at most, the oldest forgotten first (DELIVERED_DEFAULTS.max). */
  max?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * The delivered set in this process's memory, as Deliveries: the adapters' default when they are
 * given no storage (tests, the console). It is per process, so it de-duplicates only the
 * deliveries that reach this replica.
 */
export class MemoryDeliveries implements Deliveries {
  private readonly seen: MemoryDeliveredActivities;

  constructor(options: MemoryDeliveriesOptions = {}) {
    this.seen = new MemoryDeliveredActivities(options);
  }

  claim(key: string): Promise<boolean> {
    return Promise.resolve(this.seen.claim(key));
  }

  done(key: string): Promise<void> {
    this.seen.done(key);
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.seen.release(key);
    return Promise.resolve();
  }

  /** Ids remembered now (claimed or done). */
  get size(): number {
    return this.seen.size;
  }
}

/** The in-memory delivered set (see MemoryDeliveries). */
export function memoryDeliveries(options?: MemoryDeliveriesOptions): Deliveries {
  return new MemoryDeliveries(options);
}
