/**
 * Who may post activities to the bot: every request is authenticated here before a turn runs, and
 * every failure becomes a short refusal (401, or 503 when the keys cannot be read) with one log
 * line, never botbuilder's 500 with its internals, nor a stack trace on stderr.
 *
 * Two steps:
 * 1. The gate (`checkToken`): the bearer token must be an RS256/384/512 JWT from a Microsoft
 *    issuer, signed by a key the Bot Framework publishes (keys.ts, refreshed at most once per
 *    `minRefreshMs`), not expired, with a key endorsed for the activity's channel. It only ever
 *    refuses, and it refuses what botbuilder would refuse, without botbuilder's per-request
 *    metadata fetches and console output.
 * 2. botbuilder's own validation (`BotFrameworkAuthentication.authenticateRequest`: issuer,
 *    audience = our app id, service URL, ...), which remains the authority; its errors are
 *    turned into refusals too.
 */
import { createVerify, type KeyObject } from 'node:crypto';
import type { Activity, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { KeysUnavailableError, type SigningKeys } from './keys.js';

export type AuthResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** The issuer of the tokens the channels (Teams) send. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** Issuers of Entra ID tokens (the Bot Framework Emulator, skills); their keys are Entra's. */
const ENTRA_ISSUERS = ['https://sts.windows.net/', 'https://login.microsoftonline.com/'];
/** What botbuilder allows (AuthenticationConstants.AllowedSigningAlgorithms), as node:crypto names them. */
const ALGORITHMS: Record<string, string> = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' };
/** botbuilder's clock tolerance for `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 5 * 60;
/** No token the Bot Framework sends comes near this. */
const MAX_TOKEN_CHARS = 16 * 1024;

/** A request that is not let in: 401 (not authenticated) or 503 (cannot tell now). */
export class AuthRefusal extends Error {
  readonly code = 'teams_auth_refused';
  constructor(
    readonly status: 401 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface TokenKeys {
  /** Keys of tokens from the channels. */
  channel: SigningKeys;
  /** Keys of Entra ID tokens. */
  entra: SigningKeys;
}

const refuse = (reason: string): AuthRefusal => new AuthRefusal(401, reason);

/** Step 1: throws an AuthRefusal unless the Authorization header carries a token worth botbuilder's check. */
export async function checkToken(
  authorization: string | undefined,
  activity: Partial<Activity>,
  keys: TokenKeys,
  now: number = Date.now(),
): Promise<void> {
  if (!authorization) throw refuse('no Authorization header');
  if (authorization.length > MAX_TOKEN_CHARS + 7) throw refuse('token too long');
  const parts = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]*)$/.exec(authorization);
  if (!parts) throw refuse('not a bearer JWT');
  const [, head = '', body = '', signature = ''] = parts;
  const header = jsonOf(head);
  const claims = jsonOf(body);
  if (!header || !claims) throw refuse('token not readable');
  const algorithm = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
  if (!algorithm) throw refuse(`token algorithm ${JSON.stringify(header.alg ?? null).slice(0, 20)} not allowed`);
  if (typeof header.kid !== 'string') throw refuse('token names no key');
  const issuer = claims.iss;
  const source =
    issuer === CHANNEL_ISSUER
      ? keys.channel
      : typeof issuer === 'string' && ENTRA_ISSUERS.some((prefix) => issuer.startsWith(prefix))
        ? keys.entra
        : undefined;
  if (!source) throw refuse('token from an unexpected issuer');
  let key;
  try {
    key = await source.get(header.kid);
  } catch (err) {
    if (err instanceof KeysUnavailableError) throw new AuthRefusal(503, err.message);
    throw err;
  }
  if (!key) throw refuse('token signed with an unknown key');
  if (!verifies(algorithm, `${head}.${body}`, key.key, signature)) throw refuse('token signature does not verify');
  const seconds = now / 1000;
  if (typeof claims.exp === 'number' && seconds > claims.exp + CLOCK_TOLERANCE_S) throw refuse('token expired');
  if (typeof claims.nbf === 'number' && seconds < claims.nbf - CLOCK_TOLERANCE_S) throw refuse('token not valid yet');
  if (key.endorsements.length > 0 && !key.endorsements.includes(activity.channelId ?? ''))
    throw refuse(`signing key not endorsed for channel ${JSON.stringify(activity.channelId ?? '').slice(0, 40)}`);
}

/** Step 2's errors as refusals: botbuilder's AuthenticationError (401) and JWT errors are 401, failures to check 503. */
export function refusalOf(err: unknown): AuthRefusal {
  if (err instanceof AuthRefusal) return err;
  const e = err as { name?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const jwtError = e?.name === 'JsonWebTokenError' || e?.name === 'TokenExpiredError' || e?.name === 'NotBeforeError';
  if (jwtError || e?.statusCode === 401 || e?.statusCode === 403) return refuse(message);
  return new AuthRefusal(503, `could not check the token: ${message}`);
}

/** Text from a request (a claim, an error quoting one) made safe for one log line. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function verifies(algorithm: string, signed: string, key: KeyObject, signature: string): boolean {
  try {
    return createVerify(algorithm).update(signed).verify(key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

function jsonOf(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
