/**
 * What the bot remembers of a thread: the message it matched, the ranked candidates, which one it
 * is showing and which were turned down. In memory with a size cap for now; the storage issue
 * gives it a durable implementation behind the same interface.
 */

export interface ThreadState {
  /** The message the candidates were ranked for, as sent (chat markup and all). */
  query: string;
  /** Article ids, best first. */
  candidates: string[];
  /** Index in `candidates` of the article shown last. */
  shown: number;
  /** Ids the user said were not it. */
  rejected: string[];
  updatedAt: number;
}

export interface ThreadStore {
  get(key: string): ThreadState | undefined;
  set(key: string, state: ThreadState): void;
}

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
