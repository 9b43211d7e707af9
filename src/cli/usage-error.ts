/** A mistake in how kbbot was called (missing folder, bad option): one line on stderr, exit 2. */
export class UsageError extends Error {
  readonly code = 'cli_usage';
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** Parse a non-negative integer option value, or throw UsageError naming the option. */
export function parseCount(option: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()))
      throw new UsageError(`${option} must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
    return Number(value);
  };
}
