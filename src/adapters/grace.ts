/** Waiting for work under way at shutdown, shared by the adapters. */

/**
 * Resolves once every promise has settled, or after `ms` (0 when negative), whichever comes first;
 * the timer is cleared either way, so it never holds the process open.
 */
export async function settledWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.allSettled(promises),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
