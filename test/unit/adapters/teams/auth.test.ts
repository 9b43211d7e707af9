/**
 * Authentication of the Teams endpoint as an attacker meets it: forged tokens with a Microsoft
 * issuer get a 401 that tells them nothing, each costs one warn line (no token, no stack, nothing
 * on the console), and the Bot Framework's signing keys are fetched once however many forged
 * tokens arrive, together or one by one, and whether or not the fetch works. nock stands in for
 * the OpenID metadata and key endpoints (counting the requests they get); the tokens are built
 * with node:crypto.
 */
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { KEYS_DEFAULTS } from '../../../../src/adapters/teams/keys.js';
import { createTeamsServer, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import { Bot } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { seedKb, SEED_PASTE } from '../../../helpers/seed-kb.js';
import { keptLogger } from '../../../helpers/log.js';
import { channelClaims, connectorTokenEndpoint, jwkOf, jwt, personalMessage, post } from './fixtures.js';

const kb = seedKb();
const bot = new Bot(kb, { ranker: Ranker.build(kb) });
const APP_ID = 'kbbot-app-id';
const PASSWORD = 'the-app-password';
const ENTRA_ISSUER = 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0';

const channelKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const entraKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const anotherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Requests the stand-in endpoints got. */
const fetched = { channelMetadata: 0, channelKeys: 0, entraMetadata: 0, entraKeys: 0, connector: 0 };
/** What the channel's metadata endpoint answers (500: it is failing). */
let metadataStatus = 200;
/** Milliseconds the channel's metadata endpoint takes to answer. */
let metadataDelay = 0;

function keyEndpoints(): void {
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .delay(metadataDelay)
    .reply(() => {
      fetched.channelMetadata++;
      return metadataStatus === 200
        ? [200, { issuer: 'https://api.botframework.com', jwks_uri: 'https://login.botframework.com/v1/keys' }]
        : [metadataStatus, { error: 'upstream failure' }];
    })
    .get('/v1/keys')
    .reply(() => {
      fetched.channelKeys++;
      return [200, { keys: [jwkOf(channelKey.publicKey, 'channel-key', ['msteams', 'webchat'])] }];
    });
  nock('https://login.microsoftonline.com')
    .persist()
    .get('/common/v2.0/.well-known/openid-configuration')
    .reply(() => {
      fetched.entraMetadata++;
      return [200, { issuer: ENTRA_ISSUER, jwks_uri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys' }];
    })
    .get('/common/discovery/v2.0/keys')
    .reply(() => {
      fetched.entraKeys++;
      return [200, { keys: [jwkOf(entraKey.publicKey, 'entra-key')] }];
    });
  nock('https://smba.trafficmanager.net')
    .persist()
    .post(/.*/)
    .reply(() => (fetched.connector++, [201, { id: 'sent' }]));
}

let clock = Date.now();
const { logger, lines } = keptLogger('debug');
const servers: TeamsServer[] = [];
async function securedServer(keys: { timeoutMs?: number } = {}): Promise<TeamsServer> {
  const server = createTeamsServer({
    bot,
    appId: APP_ID,
    appPassword: PASSWORD,
    port: 0,
    host: '127.0.0.1',
    logger,
    keys: { now: () => clock, ...keys },
  });
  servers.push(server);
  await server.start();
  return server;
}

const consoleSpies: MockInstance[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(() => {
  for (const k of Object.keys(fetched) as (keyof typeof fetched)[]) fetched[k] = 0;
  metadataStatus = 200;
  metadataDelay = 0;
  clock = Date.now();
  lines.length = 0;
  keyEndpoints();
  for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const)
    consoleSpies.push(vi.spyOn(console, method).mockImplementation(() => undefined));
});
afterEach(async () => {
  for (const spy of consoleSpies.splice(0)) spy.mockRestore();
  await Promise.all(servers.splice(0).map((s) => s.stop(0)));
  nock.cleanAll();
});

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const now = (): number => Math.floor(Date.now() / 1000);

/** Forged requests with a Microsoft issuer (and two without a token at all). */
const FORGED: [string, Record<string, string>][] = [
  ['no token', {}],
  ['not a token', bearer('not.a.token')],
  ['alg none', bearer(jwt({ alg: 'none', kid: 'channel-key' }, channelClaims(APP_ID)))],
  ['HS256 with the app password', bearer(jwt({ alg: 'HS256', kid: 'channel-key' }, channelClaims(APP_ID), PASSWORD))],
  [
    'RS256 with another key, the channel key id',
    bearer(jwt({ alg: 'RS256', kid: 'channel-key' }, channelClaims(APP_ID), anotherKey.privateKey)),
  ],
  [
    'RS256 with another key, an unknown key id',
    bearer(jwt({ alg: 'RS256', kid: 'attacker-key' }, channelClaims(APP_ID), anotherKey.privateKey)),
  ],
  [
    'expired an hour ago (the channel key)',
    bearer(
      jwt(
        { alg: 'RS256', kid: 'channel-key' },
        channelClaims(APP_ID, { iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
        channelKey.privateKey,
      ),
    ),
  ],
  [
    'for another bot (the channel key)',
    bearer(jwt({ alg: 'RS256', kid: 'channel-key' }, channelClaims('another-app'), channelKey.privateKey)),
  ],
  [
    'Entra issuer, another key',
    bearer(
      jwt(
        { alg: 'RS256', kid: 'entra-key' },
        { ...channelClaims(APP_ID), iss: ENTRA_ISSUER, ver: '2.0', azp: APP_ID },
        anotherKey.privateKey,
      ),
    ),
  ],
];

describe('Teams authentication failures', () => {
  it('answer 401 with nothing internal, one warn line each (no token, no stack), nothing on the console', async () => {
    const server = await securedServer();
    for (const [name, headers] of FORGED) {
      const before = lines.length;
      const res = await post(server.url, personalMessage(SEED_PASTE), headers);
      expect({ name, status: res.status, body: res.body }).toEqual({ name, status: 401, body: 'unauthorized\n' });
      const logged = lines.slice(before).filter((l) => !l.startsWith('kbbot debug:'));
      expect(logged, name).toHaveLength(1);
      expect(logged[0], name).toMatch(/^kbbot warn: teams: refused a request from 127\.0\.0\.1 \(401\): \S/);
      const token = headers.authorization?.slice('Bearer '.length);
      for (const part of token?.split('.').filter((p) => p.length > 8) ?? []) expect(logged[0]).not.toContain(part);
    }
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
    expect(fetched.connector).toBe(0);
  });

  it('fetch the signing keys once for many forged tokens arriving together, with unknown key ids', async () => {
    const server = await securedServer();
    const forged = (i: number, iss: string): Record<string, string> =>
      bearer(jwt({ alg: 'RS256', kid: `attacker-${i}` }, { ...channelClaims(APP_ID), iss }, anotherKey.privateKey));
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        post(server.url, personalMessage('x'), forged(i, 'https://api.botframework.com')),
      ),
      ...Array.from({ length: 20 }, (_, i) => post(server.url, personalMessage('x'), forged(i, ENTRA_ISSUER))),
    ]);
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([401]));
    expect(fetched).toMatchObject({ channelMetadata: 1, channelKeys: 1, entraMetadata: 1, entraKeys: 1 });

    // Later on, one more unknown key id: the keys are read again, but only once per KEYS_DEFAULTS.minRefreshMs.
    clock += KEYS_DEFAULTS.minRefreshMs - 1000;
    expect((await post(server.url, personalMessage('x'), forged(99, 'https://api.botframework.com'))).status).toBe(401);
    expect(fetched.channelMetadata).toBe(1);
    clock += 1000;
    expect((await post(server.url, personalMessage('x'), forged(98, 'https://api.botframework.com'))).status).toBe(401);
    expect((await post(server.url, personalMessage('x'), forged(97, 'https://api.botframework.com'))).status).toBe(401);
    expect(fetched.channelMetadata).toBe(2);
  });

  it('while the keys cannot be read: a short 503 to try again later, and no fetch per request', async () => {
    metadataStatus = 500;
    const server = await securedServer();
    const token = bearer(jwt({ alg: 'RS256', kid: 'channel-key' }, channelClaims(APP_ID), anotherKey.privateKey));
    for (let i = 0; i < 10; i++) {
      const res = await post(server.url, personalMessage('x'), token);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.body).toBe('cannot check credentials now; try again later\n');
    }
    expect(fetched.channelMetadata).toBe(1);
    const warnings = lines.filter((l) => l.startsWith('kbbot warn:'));
    expect(warnings.filter((l) => /could not read the signing keys/.test(l))).toHaveLength(1);
    expect(warnings.filter((l) => /refused a request .*\(503\)/.test(l))).toHaveLength(10);
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();

    // The endpoint recovers: the next attempt (after minRefreshMs) reads the keys, and the forgery is a 401.
    metadataStatus = 200;
    clock += KEYS_DEFAULTS.minRefreshMs;
    expect((await post(server.url, personalMessage('x'), token)).status).toBe(401);
    expect(fetched.channelMetadata).toBe(2);
  });

  it('gives up on a metadata endpoint that does not answer (timeoutMs) instead of holding the request', async () => {
    metadataDelay = 20_000;
    nock.cleanAll();
    keyEndpoints();
    const server = await securedServer({ timeoutMs: 200 });
    const token = bearer(jwt({ alg: 'RS256', kid: 'channel-key' }, channelClaims(APP_ID), channelKey.privateKey));
    const res = await post(server.url, personalMessage('x'), token);
    expect(res.status).toBe(503);
    expect(lines.join('\n')).toMatch(/could not read the signing keys .*did not answer in 200 ms/);
  });

  it('lets a token the channel signed through, with the keys read once', async () => {
    connectorTokenEndpoint();
    const server = await securedServer();
    const token = bearer(jwt({ alg: 'RS256', kid: 'channel-key' }, channelClaims(APP_ID), channelKey.privateKey));
    for (let i = 0; i < 3; i++) expect((await post(server.url, personalMessage(SEED_PASTE), token)).status).toBe(200);
    expect(fetched.connector).toBe(3);
    // Ours once; botbuilder's own cache (checked after ours) at most once more.
    expect(fetched.channelKeys).toBeLessThanOrEqual(2);
    expect(lines.filter((l) => /refused/.test(l))).toEqual([]);
  });
});
