/**
 * What the bot remembers of a thread (the message it matched, the ranked candidates, which one it
 * is showing and which were turned down), in memory with a size cap: for tests, and for
 * STORE_MESSAGES=false, where a thread's message must not reach the disk. The durable store is
 * the SQLite one (store/sqlite).
 */

import type { ThreadState, ThreadStore } from '../memory/types.js';

export type { ThreadState, ThreadStore };

/** Threads kept by MemoryThreadStore before the least recently used is forgotten. */
export const MEMORY_THREADS = 10_000;

export class MemoryThreadStore implements ThreadStore {
  private readonly threads = new Map<string, ThreadState>();

  constructor(private readonly capacity = MEMORY_THREADS) {}

  get(key: string): ThreadState | undefined {
    const state = this.threads.get(key);
    if (state) {
      this.threads.delete(key);
      this.threads.set(key, state);
    }
    return state;
  }

  set(key: string, state: ThreadState): void {
    this.threads.delete(key);
    this.threads.set(key, state);
    while (this.threads.size > this.capacity) this.threads.delete(this.threads.keys().next().value as string);
  }
}
