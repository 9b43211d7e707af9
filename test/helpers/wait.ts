/**
 * Resolves when `condition()` holds, checked every few milliseconds; rejects after a generous bound
 * (a guard against a hang, not a measurement).
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const stop = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
