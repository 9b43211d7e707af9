/**
 * The keys the Bot Framework signs its tokens with, read from an OpenID metadata document
 * (`jwks_uri`), with a bounded refresh.
 *
 * botframework-connector keeps such a cache too (`OpenIdMetadata`, one per metadata URL), but it
 * fetches again on every request while no fetch has succeeded, once per concurrent request, with
 * no time limit, and (once loaded) whenever a token names a key id (`kid`) it does not know, up to
 * once an hour. So a forged token could make the bot call out per request. This cache fetches one
 * document at a time (concurrent requests wait for that fetch), at most once per `minRefreshMs`
 * whatever the tokens say and whether the fetch worked or not, each fetch bounded by `timeoutMs`;
 * keys are kept when a refresh fails. The token gate (auth.ts) checks tokens against it before
 * botbuilder sees them, so botbuilder's own cache is only consulted for tokens signed by a
 * published key.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Logger } from '../../log.js';

export const KEYS_DEFAULTS = {
  /** Keys are read again when older than this (botframework-connector's interval: a day). */
  maxAgeMs: 24 * 60 * 60 * 1000,
  /**
   * At most one fetch per this, whatever tokens arrive: a token naming an unknown key asks for one
   * (Microsoft publishes new keys well before signing with them), and so does every request while
   * the metadata cannot be read.
   */
  minRefreshMs: 5 * 60 * 1000,
  /** A fetch (the metadata document, then its keys) taking longer than this is abandoned. */
  timeoutMs: 10_000,
} as const;

/** Where the Bot Framework (public cloud) publishes its signing keys. */
export const OPENID_METADATA = {
  /** Keys of tokens from the channels (Teams): issuer `https://api.botframework.com`. */
  channel: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  /** Keys of tokens issued by Entra ID (the Bot Framework Emulator, skills). */
  emulator: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
} as const;

export interface SigningKey {
  kid: string;
  key: KeyObject;
  /** Channels the key may sign for (empty: any). */
  endorsements: string[];
}

/** No key could ever be read from the metadata: tokens cannot be checked (a 503, not the sender's fault). */
export class KeysUnavailableError extends Error {
  readonly code = 'teams_keys_unavailable';
}

export interface SigningKeysOptions {
  logger: Logger;
  maxAgeMs?: number;
  minRefreshMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export class SigningKeys {
  private keys = new Map<string, SigningKey>();
  private loadedAt: number | undefined;
  private attemptedAt: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    readonly url: string,
    private readonly options: SigningKeysOptions,
  ) {}

  /**
   * The key named `kid`, fetching the keys first when they are old or do not have it (at most once
   * per `minRefreshMs`); undefined when there is no such key. Throws KeysUnavailableError when no
   * keys could be read at all.
   */
  async get(kid: string): Promise<SigningKey | undefined> {
    const now = this.now();
    const stale = this.loadedAt === undefined || now - this.loadedAt >= this.maxAgeMs;
    if (stale || !this.keys.has(kid)) {
      const allowed = this.attemptedAt === undefined || now - this.attemptedAt >= this.minRefreshMs;
      if (!this.loading && allowed) this.loading = this.refresh(now);
      if (this.loading) await this.loading;
    }
    const key = this.keys.get(kid);
    if (key) return key;
    if (this.loadedAt === undefined) throw new KeysUnavailableError(`no signing keys could be read from ${this.url}`);
    return undefined;
  }

  private async refresh(now: number): Promise<void> {
    this.attemptedAt = now;
    try {
      const keys = await this.load();
      this.keys = keys;
      this.loadedAt = this.now();
      this.options.logger.debug(`teams: read ${keys.size} signing keys from ${this.url}`);
    } catch (err) {
      const next = Math.round(this.minRefreshMs / 1000);
      this.options.logger.warn(
        `teams: could not read the signing keys from ${this.url} (${(err as Error).message}); next attempt in ${next} s at the earliest`,
      );
    } finally {
      this.loading = undefined;
    }
  }

  /** The keys, or an error after `timeoutMs` (the fetches are aborted then, and not waited for). */
  private async load(): Promise<Map<string, SigningKey>> {
    const timeoutMs = this.options.timeoutMs ?? KEYS_DEFAULTS.timeoutMs;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new Error(`${this.url} did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.fetchKeys(abort.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchKeys(signal: AbortSignal): Promise<Map<string, SigningKey>> {
    const metadata = (await getJson(this.url, signal)) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the metadata has no jwks_uri');
    const jwks = (await getJson(metadata.jwks_uri, signal)) as { keys?: unknown };
    const keys = new Map<string, SigningKey>();
    for (const jwk of Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : []) {
      const key = signingKeyOf(jwk);
      if (key) keys.set(key.kid, key);
    }
    if (keys.size === 0) throw new Error(`no RSA keys at ${metadata.jwks_uri}`);
    return keys;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private get maxAgeMs(): number {
    return this.options.maxAgeMs ?? KEYS_DEFAULTS.maxAgeMs;
  }

  private get minRefreshMs(): number {
    return this.options.minRefreshMs ?? KEYS_DEFAULTS.minRefreshMs;
  }
}

async function getJson(url: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    throw new Error(`${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (typeof body !== 'object' || body === null) throw new Error(`${url} did not send a JSON object`);
  return body as Record<string, unknown>;
}

/** An RSA JSON Web Key as a SigningKey; undefined for other kinds of key. */
function signingKeyOf(jwk: unknown): SigningKey | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const { kid, kty, n, e, endorsements } = jwk as Record<string, unknown>;
  if (typeof kid !== 'string' || kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') return undefined;
  try {
    return {
      kid,
      key: createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }),
      endorsements: Array.isArray(endorsements) ? endorsements.filter((x): x is string => typeof x === 'string') : [],
    };
  } catch {
    return undefined;
  }
}
