/**
 * What the bot remembers of a thread (the message it matched, the ranked candidates, which one it
 * is showing and which were turned down), in memory with a size cap: for tests, and for
 * STORE_MESSAGES=false, where a thread's message must not reach the disk. The durable stores are
 * the storage's (SQLite, Postgres), reached through the same AsyncThreadStore interface.
 */

import type { AsyncThreadStore } from '../memory/async-types.js';
import type { ThreadState } from '../memory/types.js';

export type { AsyncThreadStore, ThreadState };

/** Threads kept by MemoryThreadStore before the least recently used is forgotten. */
export const MEMORY_THREADS = 10_000;

export class MemoryThreadStore implements AsyncThreadStore {
  private readonly threads = new Map<string, ThreadState>();

  constructor(private readonly capacity = MEMORY_THREADS) {}

  get(key: string): Promise<ThreadState | undefined> {
    const state = this.threads.get(key);
    if (state) {
      this.threads.delete(key);
      this.threads.set(key, state);
    }
    return Promise.resolve(state);
  }

  set(key: string, state: ThreadState): Promise<void> {
    this.threads.delete(key);
    this.threads.set(key, state);
    while (this.threads.size > this.capacity) this.threads.delete(this.threads.keys().next().value as string);
    return Promise.resolve();
  }
}
