/** The readiness checks main.ts registers (health.ts runs them): the KB and the storage. */
import type { StorageHealth } from '../memory/outage.js';
import type { CheckResult } from './health.js';

/** What the KB check reads of the KB reloader. */
export interface KbState {
  /** The KB answered from, once one is loaded. */
  readonly current?: { kb: { size: number } } | undefined;
  /** Re-reading the folders (the current KB still answers meanwhile). */
  readonly reloading: boolean;
}

/**
 * Ready when a KB with articles is being answered from, re-read or not (the reloader keeps
 * answering from the old one); not before one is loaded, nor with an empty one.
 */
export function kbCheck(state: KbState | undefined): CheckResult {
  const kb = state?.current?.kb;
  if (!kb) return { ok: false, detail: 'the KB is not loaded yet' };
  if (kb.size === 0) return { ok: false, detail: 'the KB has no articles' };
  return { ok: true, detail: `${kb.size} articles${state?.reloading ? ' (re-reading, still answering)' : ''}` };
}

/** Ready while the storage works (`AsyncResilientStorage.health()`); degraded names the error code and how long. */
export function storageCheck(health: StorageHealth): CheckResult {
  if (health.status === 'ok') return { ok: true };
  return {
    ok: false,
    detail: `${health.code}: ${health.failures} failed call(s) since ${new Date(health.since).toISOString()}`,
  };
}
