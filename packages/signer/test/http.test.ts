import Fastify, { type InjectOptions } from 'fastify';
import t from 'tap';
import { toErrorReply } from '../src/error-reply.js';
import { SignerError } from '../src/errors.js';
import { createMetrics } from '../src/metrics.js';
import { s3UploadSigner } from '../src/plugin.js';
import { ALICE_TOKEN, BOB_TOKEN, rawConfig, TEST_CREDENTIALS, testConfig } from './support/config.js';
import { startJwks } from './support/jwks.js';
import { decodePolicy } from './support/policy.js';
import { serverFor } from './support/server.js';

const alice = { authorization: `Bearer ${ALICE_TOKEN}` };
const bob = { authorization: `Bearer ${BOB_TOKEN}` };
const cat = { name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } };

t.test('POST /v1/sign signs a batch, one entry per file, in order', async (t) => {
  const { app } = await serverFor(t, testConfig());
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sign',
    headers: alice,
    payload: {
      profile: 'avatars',
      files: [cat, { name: 'x.gif', type: 'image/gif', size: 10 }, { ...cat, name: '\u202E' }, { ...cat, size: 9e6 }, { ...cat, size: 0 }, { ...cat, metadata: { tag: 'x' } }],
    },
  });
  t.equal(response.statusCode, 200);
  const { uploads } = response.json();
  t.equal(uploads.length, 6);
  t.match(uploads[0], { url: 'http://127.0.0.1:7480/uploads', bucket: 'uploads', maxSize: 48213, key: /^avatars\/alice\/[0-9a-f-]{36}\/cat\.png$/ });
  t.equal(uploads[0].fields.key, uploads[0].key);
  t.ok(Date.parse(uploads[0].expiresAt) - Date.now() <= 300_000);
  t.equal(uploads[0].expiresIn, 300);
  t.same(uploads.slice(1).map((u: { error: { code: string } }) => u.error.code), ['type_not_allowed', 'bad_name', 'too_large', 'too_small', 'metadata_not_allowed']);
  const second = (await app.inject({ method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [cat] } })).json();
  t.not(second.uploads[0].key, uploads[0].key, 'every upload gets a unique key');
});

t.test('the default profile is used when none is named', async (t) => {
  const { app } = await serverFor(t, testConfig({ defaultProfile: 'avatars' }));
  const response = await app.inject({ method: 'POST', url: '/v1/sign', headers: bob, payload: { files: [cat] } });
  t.match(response.json(), { uploads: [{ key: /^avatars\/bob\// }] });
});

t.test('error statuses and codes', async (t) => {
  const { app } = await serverFor(t, testConfig({ profiles: { ...(rawConfig().profiles as object), small: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 5, maxFiles: 2 } } }, {}));
  const cases: Array<[string, InjectOptions, number, string]> = [
    ['no credential', { method: 'POST', url: '/v1/sign', payload: { profile: 'avatars', files: [cat] } }, 401, 'unauthorized'],
    ['a wrong token', { method: 'POST', url: '/v1/sign', headers: { authorization: 'Bearer nope-nope-nope-nope' }, payload: { files: [cat] } }, 401, 'unauthorized'],
    ['a profile the caller may not use', { method: 'POST', url: '/v1/sign', headers: bob, payload: { profile: 'docs', files: [cat] } }, 403, 'forbidden'],
    ['an unknown profile', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'ghost', files: [cat] } }, 404, 'profile_not_found'],
    ['no profile and no default', { method: 'POST', url: '/v1/sign', headers: alice, payload: { files: [cat] } }, 400, 'bad_request'],
    ['no files', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [] } }, 400, 'bad_request'],
    ['too many files for the profile', { method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${ALICE_TOKEN}` }, payload: { profile: 'avatars', files: Array(21).fill(cat) } }, 400, 'too_many_files'],
    ['more files than any profile allows', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: Array(1001).fill({ name: 'a', type: 'b/c', size: 1 }) } }, 400, 'too_many_files'],
    ['a negative size', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [{ ...cat, size: -1 }] } }, 400, 'bad_request'],
    ['a fractional size', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [{ ...cat, size: 1.5 }] } }, 400, 'bad_request'],
    ['a string size', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [{ ...cat, size: '12' }] } }, 400, 'bad_request'],
    ['an unknown property', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [{ ...cat, acl: 'public-read' }] } }, 400, 'bad_request'],
    ['malformed JSON', { method: 'POST', url: '/v1/sign', headers: { ...alice, 'content-type': 'application/json' }, payload: '{"files": [' }, 400, 'bad_request'],
    ['an empty body', { method: 'POST', url: '/v1/sign', headers: { ...alice, 'content-type': 'application/json' }, payload: '' }, 400, 'bad_request'],
    ['not JSON', { method: 'POST', url: '/v1/sign', headers: { ...alice, 'content-type': 'text/plain' }, payload: 'hello' }, 415, 'unsupported_media_type'],
    ['a huge body', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [{ ...cat, name: 'x'.repeat(70_000) }] } }, 413, 'payload_too_large'],
    ['a bad profile name', { method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: '../etc', files: [cat] } }, 400, 'bad_request'],
    ['a JSON array body', { method: 'POST', url: '/v1/sign', headers: alice, payload: [1, 2] }, 400, 'bad_request'],
    ['an unknown route', { method: 'GET', url: '/v2/sign' }, 404, 'not_found'],
    ['an unknown profile read', { method: 'GET', url: '/v1/profiles/ghost' }, 404, 'profile_not_found'],
    ['a form for a profile without forms', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'avatars' } }, 403, 'form_not_allowed'],
    ['a form redirect elsewhere', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', redirect: 'https://evil.example.net/x' } }, 400, 'bad_request'],
    ['a form redirect that is no URL', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', redirect: 'javascript:alert(1)' } }, 400, 'bad_request'],
    ['a form redirect that does not parse', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', redirect: 'not a url' } }, 400, 'bad_request'],
    ['a form redirect with a bad scheme', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', redirect: 'ftp://www.example.com/x' } }, 400, 'bad_request'],
    ['a form type not allowed', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', type: 'image/png' } }, 400, 'type_not_allowed'],
    ['a form type required', { method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'docs' } }, 403, 'form_not_allowed'],
  ];
  for (const [name, request, status, code] of cases) {
    const response = await app.inject(request);
    t.equal(response.statusCode, status, `${name}: status`);
    t.equal(response.json().error.code, code, `${name}: code`);
    t.type(response.json().error.message, 'string', `${name}: message`);
  }
  const unauthorized = await app.inject(cases[0]![1]);
  t.equal(unauthorized.headers['www-authenticate'], 'Bearer');
  t.equal(unauthorized.json().error.message, 'Missing or invalid credentials.', 'no detail that helps an attacker');
});

t.test('POST /v1/form signs the seed article\'s plain HTML form', async (t) => {
  const config = testConfig({
    profiles: { ...(rawConfig().profiles as object), images: { keyTemplate: 'img/{uuid}/{filename}', accept: ['image/png', 'image/jpeg'], maxSize: '1MB', form: true } },
  });
  const { app } = await serverFor(t, config);
  const response = await app.inject({ method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'reports', redirect: 'https://www.example.com/received' } });
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.match(body, { url: 'http://127.0.0.1:7480/uploads', bucket: 'uploads', prefix: /^reports\/[0-9a-f-]{36}\/$/, minSize: 0, maxSize: 20 * 1024 * 1024, contentType: { eq: 'application/pdf' } });
  t.equal(body.fields.key, `${body.prefix}\${filename}`);
  t.equal(body.fields.success_action_redirect, 'https://www.example.com/received');
  t.same(decodePolicy(body.fields).conditions[0], ['content-length-range', 0, 20 * 1024 * 1024]);
  const typed = await app.inject({ method: 'POST', url: '/v1/form', headers: alice, payload: { profile: 'images', type: 'image/jpeg' } });
  t.equal(typed.statusCode, 403, 'alice may not use images');
  const open = await serverFor(t, testConfig({ auth: { mode: 'none', public: true }, profiles: (config as unknown as { profiles: unknown }) && { ...(rawConfig().profiles as object), images: { keyTemplate: 'img/{uuid}/{filename}', accept: ['image/png', 'image/jpeg'], maxSize: '1MB', form: true } } }));
  t.equal((await open.app.inject({ method: 'POST', url: '/v1/form', payload: { profile: 'images' } })).json().error.code, 'type_required');
  t.match((await open.app.inject({ method: 'POST', url: '/v1/form', payload: { profile: 'images', type: 'image/jpeg' } })).json(), { contentType: { eq: 'image/jpeg' }, fields: { 'Content-Type': 'image/jpeg' } });
  const star = await serverFor(t, testConfig({ auth: { mode: 'none', public: true }, cors: { origins: ['*'] } }));
  t.equal((await star.app.inject({ method: 'POST', url: '/v1/form', payload: { profile: 'reports', redirect: 'http://127.0.0.1:1/ok' } })).statusCode, 200, 'any redirect with origin *');
});

t.test('GET /v1/profiles returns the public rules only', async (t) => {
  const { app } = await serverFor(t, testConfig());
  const one = await app.inject({ method: 'GET', url: '/v1/profiles/avatars' });
  t.same(one.json(), { name: 'avatars', accept: ['image/png', 'image/jpeg'], minSize: 1, maxSize: 5242880, maxFiles: 20, metadata: ['alt'], expiresIn: 300, form: false });
  const all = (await app.inject({ method: 'GET', url: '/v1/profiles' })).json();
  t.same(all.profiles.map((p: { name: string }) => p.name), ['avatars', 'reports', 'docs']);
  t.equal(all.defaultProfile, null);
  t.notMatch(JSON.stringify(all), /keyTemplate|acl|private|AES256|token/, 'nothing secret or internal');
});

t.test('CORS: allowed origins get headers, others do not', async (t) => {
  const { app } = await serverFor(t, testConfig());
  const preflight = (origin: string) =>
    app.inject({ method: 'OPTIONS', url: '/v1/sign', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
  const allowed = await preflight('https://www.example.com');
  t.equal(allowed.statusCode, 204);
  t.equal(allowed.headers['access-control-allow-origin'], 'https://www.example.com');
  t.match(String(allowed.headers['access-control-allow-headers']), /Authorization/);
  t.notOk(allowed.headers['access-control-allow-credentials'], 'no credentials unless configured');
  const denied = await preflight('https://evil.example.net');
  t.notOk(denied.headers['access-control-allow-origin']);
  const actual = await app.inject({ method: 'POST', url: '/v1/sign', headers: { ...alice, origin: 'https://www.example.com' }, payload: { profile: 'avatars', files: [cat] } });
  t.equal(actual.headers['access-control-allow-origin'], 'https://www.example.com');
  t.match(String(actual.headers['access-control-expose-headers']), /Retry-After/);
  const withCookies = await serverFor(t, testConfig({ cors: { origins: ['https://www.example.com'], credentials: true } }));
  const credentialed = await withCookies.app.inject({ method: 'OPTIONS', url: '/v1/sign', headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' } });
  t.equal(credentialed.headers['access-control-allow-credentials'], 'true');
  t.equal(credentialed.headers['access-control-allow-origin'], 'https://www.example.com');
  const star = await serverFor(t, testConfig({ cors: { origins: ['*'] } }));
  t.equal((await star.app.inject({ method: 'OPTIONS', url: '/v1/sign', headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' } })).headers['access-control-allow-origin'], '*');
});

t.test('rate limits answer 429 with Retry-After, per subject', async (t) => {
  const { app } = await serverFor(t, testConfig({ rateLimit: { max: 2, timeWindow: '1 minute' } }));
  const sign = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/sign', headers, payload: { profile: 'avatars', files: [cat] } });
  t.equal((await sign(alice)).statusCode, 200);
  t.equal((await sign(alice)).statusCode, 200);
  const limited = await sign(alice);
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'rate_limited');
  t.match(limited.json().error.message, /retry in \d+ s/);
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After is set');
  t.equal((await sign(bob)).statusCode, 200, 'another subject has its own budget');
  const anonymous = { authorization: 'Bearer wrong-wrong-wrong-wrong' };
  t.equal((await sign(anonymous)).statusCode, 401);
  t.equal((await sign(anonymous)).statusCode, 401);
  t.equal((await sign(anonymous)).statusCode, 429, 'bad credentials are limited per IP before they are checked');
  const open = await serverFor(t, testConfig({ auth: { mode: 'none', public: true }, rateLimit: { max: 1, timeWindow: '1 minute' } }));
  const fromIp = (remoteAddress: string) =>
    open.app.inject({ method: 'POST', url: '/v1/sign', remoteAddress, payload: { profile: 'avatars', files: [cat] } });
  t.equal((await fromIp('127.0.0.2')).statusCode, 200);
  t.equal((await fromIp('127.0.0.2')).statusCode, 429, 'public mode: limited per IP');
  t.equal((await fromIp('127.0.0.3')).statusCode, 200, 'anonymous callers do not share one budget');
  const unlimited = await serverFor(t, testConfig({ rateLimit: { enabled: false } }));
  for (let i = 0; i < 3; i += 1) t.equal((await unlimited.app.inject({ method: 'GET', url: '/v1/profiles' })).statusCode, 200);
});

t.test('auth modes over HTTP: none and jwt with a JWKS on loopback', async (t) => {
  const open = await serverFor(t, testConfig({ auth: { mode: 'none', public: true } }));
  t.match((await open.app.inject({ method: 'POST', url: '/v1/sign', payload: { profile: 'docs', files: [{ name: 'a.txt', type: 'text/plain', size: 3 }] } })).json(), {
    uploads: [{ key: /^docs\/anonymous\/\d{4}\// }],
  });
  const jwks = await startJwks();
  t.teardown(() => jwks.close());
  const { app } = await serverFor(t, testConfig({ auth: { mode: 'jwt', jwksUrl: jwks.url, audience: 's3-upload', issuer: 'https://issuer.test' } }));
  const token = (claims: Record<string, unknown>) => jwks.sign({ iss: 'https://issuer.test', aud: 's3-upload', sub: 'dave', ...claims }, { expiresIn: '5m' });
  const sign = async (claims: Record<string, unknown>, profile = 'avatars') =>
    app.inject({ method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${await token(claims)}` }, payload: { profile, files: [cat] } });
  t.match((await sign({})).json(), { uploads: [{ key: /^avatars\/dave\// }] });
  t.equal((await sign({ profiles: ['avatars'] }, 'docs')).statusCode, 403, 'a token for profile A used on profile B');
  t.equal((await sign({ aud: 'other' })).statusCode, 401);
});

t.test('health, readiness and metrics', async (t) => {
  const { app } = await serverFor(t, testConfig());
  t.same((await app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
  t.same((await app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready' });
  await app.inject({ method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [cat, { ...cat, type: 'image/gif' }, cat] } });
  await app.inject({ method: 'POST', url: '/v1/sign', payload: { files: [cat] } });
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(metrics.body, /s3_upload_policies_signed_total\{profile="avatars"\} 2/, 'each signed policy of a batch counts');
  t.match(metrics.body, /s3_upload_rejections_total\{code="type_not_allowed"\} 1/);
  t.match(metrics.body, /s3_upload_rejections_total\{code="unauthorized"\} 1/);
  t.match(metrics.body, /s3_upload_http_requests_total\{method="POST",route="\/v1\/sign",status="200"\} 1/);
  t.match(metrics.body, /s3_upload_http_request_duration_seconds_bucket/);
  t.match(metrics.body, /s3_upload_signer_process_resident_memory_bytes/);

  const broken = await serverFor(t, testConfig(), { credentials: { accessKeyId: '', secretAccessKey: '' } });
  const notReady = await broken.app.inject({ method: 'GET', url: '/readyz' });
  t.equal(notReady.statusCode, 503);
  t.same(notReady.json(), { error: { code: 'not_ready', message: 'S3 credentials could not be resolved.' } });
});

t.test('metrics can be served on a separate port, or not at all', async (t) => {
  const server = await serverFor(t, testConfig({ server: { port: 0 }, metrics: { port: 0 } }));
  const { url, metricsUrl } = await server.listen();
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal((await fetch(`${url}/metrics`)).status, 404, 'not on the main port');
  t.match(await (await fetch(`${metricsUrl}/metrics`)).text(), /s3_upload_http_requests_total/);
  const off = await serverFor(t, testConfig({ metrics: { enabled: false } }));
  t.equal((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
  const ipv6 = await serverFor(t, testConfig({ server: { port: 0, host: '::1' } }));
  t.match((await ipv6.listen()).url, /^http:\/\/\[::1\]:\d+$/);
});

t.test('as a plugin in an existing Fastify app, with the app\'s own auth', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  app.get('/', async () => 'host app');
  await app.register(s3UploadSigner, {
    prefix: '/uploads',
    ...(rawConfig({ auth: undefined }) as object),
    cors: { origins: ['https://www.example.com'], credentials: true },
    registerCors: false,
    credentials: TEST_CREDENTIALS,
    healthRoutes: false,
    authenticate: async (request) => (request.headers['x-session'] === 'erin-session' ? { subject: 'erin', profiles: ['avatars'] } : null),
  });
  const sign = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/uploads/v1/sign', headers, payload: { profile: 'avatars', files: [cat] } });
  t.match((await sign({ 'x-session': 'erin-session' })).json(), { uploads: [{ key: /^avatars\/erin\// }] });
  t.equal((await sign({})).statusCode, 401);
  const huge = await app.inject({
    method: 'POST',
    url: '/uploads/v1/sign',
    headers: { 'x-session': 'erin-session' },
    payload: { profile: 'avatars', files: [{ ...cat, name: 'x'.repeat(70_000) }] },
  });
  t.equal(huge.statusCode, 413, "the signer's body limit holds inside a host app with a larger one");
  t.equal((await app.inject({ method: 'GET', url: '/' })).body, 'host app', 'the host app is untouched');
  t.equal((await app.inject({ method: 'GET', url: '/uploads/healthz' })).statusCode, 404, 'health routes off');
  t.match((await app.inject({ method: 'GET', url: '/uploads/metrics' })).body, /s3_upload_policies_signed_total\{profile="avatars"\} 1/, 'metrics of its own');
  t.notOk((await app.inject({ method: 'OPTIONS', url: '/uploads/v1/sign', headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' } })).headers['access-control-allow-origin'], 'cors left to the host');

  const resolved = Fastify();
  t.teardown(() => resolved.close());
  const metrics = createMetrics();
  await resolved.register(s3UploadSigner, { config: testConfig(), credentials: TEST_CREDENTIALS, signerMetrics: metrics });
  await resolved.inject({ method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [cat] } });
  t.match(await metrics.registry.metrics(), /s3_upload_policies_signed_total\{profile="avatars"\} 1/, 'records into the given metrics');
});

t.test('toErrorReply never lets an unexpected error through as anything but a plain 500', async (t) => {
  t.same(toErrorReply(new Error('secret detail')), { statusCode: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side.' } }, headers: {} });
  t.same(toErrorReply(null).statusCode, 500);
  t.same(toErrorReply({ statusCode: 405 }), { statusCode: 405, body: { error: { code: 'bad_request', message: 'The request is invalid.' } }, headers: {} });
  t.same(toErrorReply(new SignerError(503, 'not_ready', 'later', { 'retry-after': '5' })).headers, { 'retry-after': '5' });
  t.match(toErrorReply({ validation: [{ keyword: 'type' }] }).body.error.message, 'body: is invalid.');
});

t.test('a signing failure is a 500 with no detail, logged', async (t) => {
  const { app } = await serverFor(t, testConfig(), {
    postSigner: { sign: async () => Promise.reject(new Error('kms exploded with secret')), checkCredentials: async () => undefined },
  });
  const response = await app.inject({ method: 'POST', url: '/v1/sign', headers: alice, payload: { profile: 'avatars', files: [cat] } });
  t.equal(response.statusCode, 500);
  t.same(response.json(), { error: { code: 'internal', message: 'Something went wrong on our side.' } });
});

t.test('a key that cannot fit S3\'s limit is bad_name for that file', async (t) => {
  const { app } = await serverFor(t, testConfig({ auth: { mode: 'none', public: true }, profiles: { deep: { keyTemplate: `${'d/'.repeat(505)}{uuid}/{filename}`, accept: ['*/*'], maxSize: 10 } } }));
  const response = await app.inject({ method: 'POST', url: '/v1/sign', payload: { files: [{ name: 'a-rather-long-file-name.txt', type: 'text/plain', size: 1 }] } });
  t.match(response.json(), { uploads: [{ error: { code: 'bad_name', message: /too long/ } }] });
});
