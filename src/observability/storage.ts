/**
 * Storage errors counted where they happen: a storage (sync or async) whose every call (threads,
 * delivered ids, settings, the log, feedback, fixes, forgetUser, dataVersion) tells `onError` of a
 * StorageError, thrown or rejected, before passing it on unchanged. main.ts puts it under the
 * AsyncResilientStorage, which then handles the error (memory/async-resilient.ts), so every failed
 * call is counted once, retries of the catch-up included.
 */
import { StorageError } from '../memory/sqlite/errors.js';
import type { AsyncStorage } from '../memory/async-types.js';
import type { Storage } from '../memory/types.js';

const STORES = ['threads', 'delivered', 'settings', 'interactions', 'feedback', 'fixes'] as const;

export function countingStorageErrors<S extends Storage | AsyncStorage>(
  inner: S,
  onError: (error: StorageError) => void,
): S {
  const seen = (error: unknown): void => {
    if (error instanceof StorageError) {
      try {
        onError(error);
      } catch {
        // counting must not change what the caller sees
      }
    }
  };
  const wrap = <F extends (...args: never[]) => unknown>(fn: F, self: object): F =>
    ((...args: Parameters<F>) => {
      try {
        const result = fn.apply(self, args);
        if (result instanceof Promise)
          return result.catch((error: unknown) => {
            seen(error);
            throw error;
          });
        return result;
      } catch (error) {
        seen(error);
        throw error;
      }
    }) as F;
  const methods = (store: object): object =>
    new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? wrap(value as (...args: never[]) => unknown, target) : value;
      },
    });
  const stores = Object.fromEntries(STORES.map((name) => [name, methods(inner[name])]));
  return new Proxy(inner, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in stores) return stores[prop];
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? wrap(value as (...args: never[]) => unknown, target) : value;
    },
  });
}
