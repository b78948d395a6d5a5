/**
 * No secret ever leaks. Each auth mode's signer runs with its log at debug into a capture; a battery of
 * good requests, auth attacks, hostile bodies, rate limits, CORS preflights and failures is sent; then
 * every response body, every response header and every log line is scanned for the S3 secret key, the
 * static tokens, the JWT secret and every Authorization header value sent: zero hits. Auth failures all
 * look the same, so that none tells an attacker what was wrong.
 */
import { SignJWT, base64url } from 'jose';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import t, { type Test } from 'tap';
import type { PostSigner } from '../src/policy/sign.js';
import { ALICE_TOKEN, BOB_TOKEN, TEST_CREDENTIALS, testConfig } from './support/config.js';
import { startJwks } from './support/jwks.js';
import { captureLog } from './support/log.js';
import { serverFor } from './support/server.js';

const HS_SECRET = 'hs256-secret-for-leak-tests-0123456789-abcdef';
const cat = { name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } };

interface Harvest {
  /** Everything the signer said: bodies, header values and log lines. */
  texts: string[];
  /** Every Authorization header value we sent. */
  authorizations: Set<string>;
}

function newHarvest(): Harvest {
  return { texts: [], authorizations: new Set() };
}

async function call(app: FastifyInstance, harvest: Harvest, options: InjectOptions) {
  const authorization = (options.headers as Record<string, string> | undefined)?.authorization;
  if (authorization) harvest.authorizations.add(authorization);
  const response = await app.inject(options);
  harvest.texts.push(response.body);
  for (const [name, value] of Object.entries(response.headers)) harvest.texts.push(`${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  return response;
}

/** Every 16-character window of a secret (so that a truncated or sliced copy is caught too), or the whole of a short one. */
function needles(secret: string): string[] {
  if (secret.length <= 16) return [secret];
  return Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));
}

function scan(t: Test, what: string, texts: string[], secrets: Iterable<string>): void {
  let hits = 0;
  let checked = 0;
  const haystack = texts.join('\n');
  for (const secret of secrets) {
    const bearer = /^Bearer\s+(.+)$/i.exec(secret)?.[1];
    for (const value of bearer ? [secret, bearer] : [secret]) {
      if (value.length < 8) continue;
      checked += 1;
      for (const needle of needles(value)) {
        if (haystack.includes(needle)) {
          hits += 1;
          t.fail(`${what}: a secret appears (${JSON.stringify(needle.slice(0, 6))}...)`);
          break;
        }
      }
    }
  }
  t.equal(hits, 0, `${what}: ${checked} secrets scanned in ${texts.length} texts, zero hits`);
}

/** Generated hostile requests, to walk the error paths with credentials attached. */
async function hostileRound(app: FastifyInstance, harvest: Harvest, authorization: string): Promise<void> {
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record({ profile: fc.constantFrom('avatars', 'docs', 'nope', '../x'), files: fc.array(fc.record({ name: fc.string(), type: fc.string(), size: fc.integer() }), { maxLength: 3 }) }),
  );
  await fc.assert(
    fc.asyncProperty(body, fc.constantFrom('/v1/sign', '/v1/form'), async (value, url) => {
      const response = await call(app, harvest, { method: 'POST', url, headers: { authorization, 'content-type': 'application/json' }, payload: JSON.stringify(value) ?? 'null' });
      return response.statusCode < 500;
    }),
    { numRuns: 300 },
  );
}

const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'Missing or invalid credentials.' } };

t.test('tokens mode: no secret in any body, header or debug log line; auth failures all look alike', async (t) => {
  const log = captureLog('debug');
  const harvest = newHarvest();
  const { app } = await serverFor(t, testConfig({ rateLimit: { max: 40, timeWindow: '1 minute' }, cors: { origins: ['https://www.example.com'], credentials: true } }), { logger: log.logger });
  const alice = `Bearer ${ALICE_TOKEN}`;
  const bob = `Bearer ${BOB_TOKEN}`;
  t.equal((await call(app, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: alice }, payload: { profile: 'avatars', files: [cat] } })).statusCode, 200);
  t.equal((await call(app, harvest, { method: 'POST', url: '/v1/form', headers: { authorization: alice, cookie: `session=${ALICE_TOKEN}` }, payload: { profile: 'reports' } })).statusCode, 200);
  const forbidden = await call(app, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: bob }, payload: { profile: 'docs', files: [cat] } });
  t.equal(forbidden.statusCode, 403, 'a token for profile A used on profile B');
  t.notMatch(forbidden.body, /avatars/, 'the 403 does not tell which profiles the token may use');
  const attacks: Record<string, string | undefined> = {
    missing: undefined,
    empty: '',
    garbage: 'Bearer not-a-token-at-all-0123456789',
    'a near miss': `Bearer ${ALICE_TOKEN.slice(0, -1)}x`,
    'a prefix': `Bearer ${ALICE_TOKEN.slice(0, 12)}`,
    'a longer one': `Bearer ${ALICE_TOKEN}0`,
    'wrong scheme': `Basic ${Buffer.from(`alice:${ALICE_TOKEN}`).toString('base64')}`,
    'two tokens': `Bearer ${ALICE_TOKEN} ${BOB_TOKEN}`,
    'no scheme': ALICE_TOKEN,
  };
  for (const [what, authorization] of Object.entries(attacks)) {
    const response = await call(app, harvest, { method: 'POST', url: '/v1/sign', headers: authorization === undefined ? {} : { authorization }, payload: { profile: 'avatars', files: [cat] } });
    t.equal(response.statusCode, 401, what);
    t.same(response.json(), UNAUTHORIZED, `${what}: the same answer as every other failure`);
  }
  await hostileRound(app, harvest, alice);
  for (const origin of ['https://www.example.com', 'https://evil.test', 'null']) {
    const preflight = await call(app, harvest, {
      method: 'OPTIONS',
      url: '/v1/sign',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    if (origin === 'https://www.example.com') t.equal(preflight.headers['access-control-allow-credentials'], 'true');
    else t.notOk(preflight.headers['access-control-allow-origin'], `${origin} gets no Access-Control-Allow-Origin`);
  }
  let limited = 0;
  for (let i = 0; i < 50; i += 1) {
    const response = await call(app, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: bob }, payload: { profile: 'avatars', files: [cat] } });
    if (response.statusCode === 429) limited += 1;
  }
  t.ok(limited > 0, 'the rate limit was reached too');
  await call(app, harvest, { method: 'GET', url: '/metrics' });
  await call(app, harvest, { method: 'GET', url: '/readyz' });
  await call(app, harvest, { method: 'GET', url: '/v1/profiles' });
  t.ok(log.lines.length > 100, `${log.lines.length} log lines captured at debug`);
  t.equal(app.log.level, 'debug', 'the signer logged at debug');
  const secrets = [TEST_CREDENTIALS.secretAccessKey, ALICE_TOKEN, BOB_TOKEN, ...harvest.authorizations];
  scan(t, 'responses', harvest.texts, secrets);
  scan(t, 'log', log.lines, secrets);
});

t.test('jwt modes (HS secret and JWKS): no token, secret or key in any body, header or debug log line', async (t) => {
  const jwks = await startJwks();
  t.teardown(() => jwks.close());
  const now = Math.floor(Date.now() / 1000);
  const hsKey = new TextEncoder().encode(HS_SECRET);
  const hs = (claims: Record<string, unknown>, alg = 'HS256') =>
    new SignJWT({ iss: 'https://issuer.test', aud: 's3-upload', sub: 'alice', exp: now + 300, ...claims }).setProtectedHeader({ alg }).setIssuedAt().sign(hsKey);
  const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ sub: 'alice', aud: 's3-upload', iss: 'https://issuer.test', exp: now + 300 }))}.`;

  const log = captureLog('debug');
  const harvest = newHarvest();
  const hsApp = (await serverFor(t, testConfig({ auth: { mode: 'jwt', secret: HS_SECRET, issuer: 'https://issuer.test', audience: 's3-upload', clockTolerance: 0 } }), { logger: log.logger })).app;
  const good = `Bearer ${await hs({ profiles: ['avatars'] })}`;
  t.equal((await call(hsApp, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: good }, payload: { profile: 'avatars', files: [cat] } })).statusCode, 200);
  const forbidden = await call(hsApp, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: good }, payload: { profile: 'docs', files: [cat] } });
  t.equal(forbidden.statusCode, 403, 'a token for profile A used on profile B');
  const hsAttacks: Record<string, string> = {
    expired: await hs({ exp: now - 60 }),
    'not yet valid': await hs({ nbf: now + 600 }),
    'wrong audience': await hs({ aud: 'other' }),
    'wrong issuer': await hs({ iss: 'https://evil.test' }),
    'alg none': none,
    garbage: 'eyJhbGciOiJIUzI1NiJ9.garbage.garbage',
    'another secret': await new SignJWT({ iss: 'https://issuer.test', aud: 's3-upload', sub: 'alice', exp: now + 300 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-different-secret-of-enough-length-0123')),
  };
  for (const [what, token] of Object.entries(hsAttacks)) {
    const response = await call(hsApp, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${token}` }, payload: { profile: 'avatars', files: [cat] } });
    t.equal(response.statusCode, 401, `HS: ${what}`);
    t.same(response.json(), UNAUTHORIZED, `HS: ${what}: the same answer as every other failure`);
  }
  await hostileRound(hsApp, harvest, good);

  const rsApp = (await serverFor(t, testConfig({ auth: { mode: 'jwt', jwksUrl: jwks.url, audience: 's3-upload', clockTolerance: 0 } }), { logger: log.logger })).app;
  const rsGood = `Bearer ${await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { expiresIn: '5m' })}`;
  t.equal((await call(rsApp, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: rsGood }, payload: { profile: 'avatars', files: [cat] } })).statusCode, 200);
  const confused = await new SignJWT({ sub: 'mallory', aud: 's3-upload', exp: now + 300 })
    .setProtectedHeader({ alg: 'HS256', kid: jwks.kid })
    .sign(new TextEncoder().encode(JSON.stringify(jwks.publicJwk)));
  const rsAttacks: Record<string, string> = {
    'HS/RS confusion': confused,
    'unknown kid': await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { kid: 'not-in-the-jwks', expiresIn: '5m' }),
    expired: await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { expiresIn: -10 }),
    'not yet valid': await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { expiresIn: '10m', notBefore: '5m' }),
    'wrong audience': await jwks.sign({ sub: 'carol', aud: 'other' }, { expiresIn: '5m' }),
    'an HS token': await hs({}),
  };
  for (const [what, token] of Object.entries(rsAttacks)) {
    const response = await call(rsApp, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${token}` }, payload: { profile: 'avatars', files: [cat] } });
    t.equal(response.statusCode, 401, `JWKS: ${what}`);
    t.same(response.json(), UNAUTHORIZED, `JWKS: ${what}: the same answer as every other failure`);
  }
  const secrets = [TEST_CREDENTIALS.secretAccessKey, HS_SECRET, JSON.stringify(jwks.publicJwk.n), ...harvest.authorizations];
  t.ok(log.lines.length > 50, `${log.lines.length} log lines captured at debug`);
  scan(t, 'responses', harvest.texts, secrets.slice(0, 2).concat([...harvest.authorizations]));
  scan(t, 'log', log.lines, secrets);
});

t.test('failures keep secrets too: a signer that throws, and credentials that do not resolve', async (t) => {
  const log = captureLog('debug');
  const harvest = newHarvest();
  const failing: PostSigner = {
    sign: async () => {
      throw new Error('the signing backend failed');
    },
    checkCredentials: async () => {
      throw new Error('no credentials');
    },
  };
  const { app } = await serverFor(t, testConfig(), { logger: log.logger, postSigner: failing });
  const authorization = `Bearer ${ALICE_TOKEN}`;
  const response = await call(app, harvest, { method: 'POST', url: '/v1/sign', headers: { authorization }, payload: { profile: 'avatars', files: [cat] } });
  t.equal(response.statusCode, 500);
  t.same(response.json(), { error: { code: 'internal', message: 'Something went wrong on our side.' } }, 'no detail of the failure');
  t.equal((await call(app, harvest, { method: 'GET', url: '/readyz' })).statusCode, 503);
  t.match(log.text(), /request failed/);
  const secrets = [TEST_CREDENTIALS.secretAccessKey, ALICE_TOKEN, BOB_TOKEN, ...harvest.authorizations];
  scan(t, 'responses', harvest.texts, secrets);
  scan(t, 'log', log.lines, secrets);
});
