/**
 * CPU time of a call, for guards against unbounded work (not measurements): CPU time, unlike wall
 * time, does not grow when other processes share the box.
 */

/** CPU milliseconds of `run()`, the best of `tries` runs (a garbage collection in one does not count). */
export function cpuMs(run: () => unknown, tries = 2): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}
