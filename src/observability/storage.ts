/**
 * Storage errors counted where they happen: a storage whose every call (threads, delivered ids,
 * settings, the log, feedback, fixes, forgetUser, dataVersion) tells `onError` of a StorageError it
 * rejects with, before passing it on unchanged. main.ts puts it under the
 * AsyncResilientStorage, which then handles the error (memory/async-resilient.ts), so every failed
 * call is counted once, retries of the catch-up included.
 */
import { StorageError } from '../memory/sqlite/errors.js';
import type { AsyncStorage } from '../memory/async-types.js';

const STORES = ['threads', 'delivered', 'settings', 'interactions', 'feedback', 'fixes'] as const;

export function countingStorageErrors(inner: AsyncStorage, onError: (error: StorageError) => void): AsyncStorage {
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
      const result = fn.apply(self, args);
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        seen(error);
        throw error;
      });
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
