import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, base64url } from 'jose';
import t from 'tap';
import { bearerToken, createAuthenticator, mayUseProfile, tokenAuthenticator } from '../src/auth.js';
import { SignerError } from '../src/errors.js';
import { startJwks } from './support/jwks.js';

const withBearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const HS_SECRET = 'hs-secret-0123456789-0123456789-0123456789';

t.test('bearerToken reads only a well-formed Bearer header', async (t) => {
  t.equal(bearerToken(withBearer('abc')), 'abc');
  t.equal(bearerToken({ headers: { authorization: 'bearer   abc  ' } }), 'abc');
  t.equal(bearerToken({ headers: { authorization: 'Basic abc' } }), undefined);
  t.equal(bearerToken({ headers: { authorization: 'Bearer a b' } }), undefined);
  t.equal(bearerToken({ headers: { authorization: ['Bearer a'] } }), undefined);
  t.equal(bearerToken({ headers: {} }), undefined);
});

t.test('tokens: constant-time match to a subject and its profiles', async (t) => {
  const auth = tokenAuthenticator([
    { token: 'alice-token-0123456789', subject: 'alice', profiles: ['avatars'] },
    { token: 'bob-token-0123456789', subject: 'bob' },
  ]);
  t.same(await auth(withBearer('alice-token-0123456789')), { subject: 'alice', profiles: ['avatars'] });
  t.same(await auth(withBearer('bob-token-0123456789')), { subject: 'bob' });
  t.equal(await auth(withBearer('alice-token-012345678')), null, 'a prefix is not a match');
  t.equal(await auth(withBearer('garbage')), null);
  t.equal(await auth({ headers: {} }), null);
});

t.test('none: everyone is anonymous', async (t) => {
  t.same(await createAuthenticator({ mode: 'none' })({ headers: {} }), { subject: 'anonymous' });
});

t.test('mayUseProfile', async (t) => {
  t.ok(mayUseProfile({ subject: 'a' }, 'x'));
  t.ok(mayUseProfile({ subject: 'a', profiles: ['x'] }, 'x'));
  t.notOk(mayUseProfile({ subject: 'a', profiles: ['y'] }, 'x'));
});

t.test('jwt with an HS256 secret', async (t) => {
  const key = new TextEncoder().encode(HS_SECRET);
  const auth = createAuthenticator({ mode: 'jwt', secret: HS_SECRET, issuer: 'https://issuer.test', audience: 's3-upload', profilesClaim: 'profiles', clockTolerance: 0 });
  const token = (claims: Record<string, unknown>, alg = 'HS256') =>
    new SignJWT({ iss: 'https://issuer.test', aud: 's3-upload', sub: 'alice', exp: Math.floor(Date.now() / 1000) + 300, ...claims })
      .setProtectedHeader({ alg })
      .setIssuedAt()
      .sign(key);
  t.same(await auth(withBearer(await token({ profiles: ['avatars', 'docs'] }))), { subject: 'alice', profiles: ['avatars', 'docs'] });
  t.same(await auth(withBearer(await token({ profiles: 'avatars docs' }))), { subject: 'alice', profiles: ['avatars', 'docs'] });
  t.same(await auth(withBearer(await token({ profiles: 7 }))), { subject: 'alice', profiles: [] }, 'a malformed claim grants nothing');
  t.same(await auth(withBearer(await token({}))), { subject: 'alice' }, 'no claim: every profile');
  t.equal(await auth(withBearer(await token({ aud: 'other' }))), null, 'wrong audience');
  t.equal(await auth(withBearer(await token({ iss: 'https://evil.test' }))), null, 'wrong issuer');
  t.equal(await auth(withBearer(await token({ sub: undefined }))), null, 'no subject');
  t.equal(await auth(withBearer(await token({ exp: Math.floor(Date.now() / 1000) - 60 }))), null, 'expired');
  t.equal(await auth(withBearer(await token({ nbf: Math.floor(Date.now() / 1000) + 600 }))), null, 'not yet valid');
  t.same(await auth(withBearer(await token({}, 'HS512'))), { subject: 'alice' }, 'HS512 is an HMAC algorithm too');
  const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ sub: 'alice', aud: 's3-upload', iss: 'https://issuer.test' }))}.`;
  t.equal(await auth(withBearer(none)), null, 'alg: none');
  t.equal(await auth(withBearer('not.a.jwt')), null, 'garbage');
  t.equal(await auth({ headers: {} }), null, 'missing');
});

t.test('jwt with a JWKS: asymmetric keys only, known key IDs only', async (t) => {
  const jwks = await startJwks();
  t.teardown(() => jwks.close());
  const auth = createAuthenticator({ mode: 'jwt', jwksUrl: jwks.url, audience: 's3-upload', profilesClaim: 'uploads', clockTolerance: 0 });
  const good = await jwks.sign({ sub: 'carol', aud: 's3-upload', uploads: ['avatars'] }, { expiresIn: '5m' });
  t.same(await auth(withBearer(good)), { subject: 'carol', profiles: ['avatars'] });
  t.equal(await auth(withBearer(await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { kid: 'unknown-kid', expiresIn: '5m' }))), null, 'kid not in JWKS');
  const pem = new TextEncoder().encode(JSON.stringify(jwks.publicJwk));
  const confused = await new SignJWT({ sub: 'mallory', aud: 's3-upload' }).setProtectedHeader({ alg: 'HS256', kid: jwks.kid }).sign(pem);
  t.equal(await auth(withBearer(confused)), null, 'HS/RS confusion: an HS256 token signed with the public key');
  t.equal(await auth(withBearer(await jwks.sign({ sub: 'carol', aud: 's3-upload' }, { expiresIn: -10 }))), null, 'expired');
});

t.test('jwt: an unreachable JWKS is a 503, not a 401 or a 500', async (t) => {
  const server = createServer((_request, response) => response.writeHead(500).end('down'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const jwks = await startJwks();
  t.teardown(() => jwks.close());
  const token = await jwks.sign({ sub: 'carol' }, { expiresIn: '5m' });
  const broken = createAuthenticator({ mode: 'jwt', jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, profilesClaim: 'p', clockTolerance: 0 });
  await t.rejects(broken(withBearer(token)), new SignerError(503, 'not_ready', 'Credentials cannot be checked right now; try again shortly.'));
  const refused = createAuthenticator({ mode: 'jwt', jwksUrl: 'http://127.0.0.1:1/jwks.json', profilesClaim: 'p', clockTolerance: 0 });
  await t.rejects(refused(withBearer(token)), { statusCode: 503, code: 'not_ready' });
});
