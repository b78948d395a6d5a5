import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../src/config/load.js';
import { describeSchemaErrors, parseDuration, resolveConfig } from '../src/config/resolve.js';
import { FileConfig } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';
import { rawConfig, testConfig } from './support/config.js';

/** All problems of a config, one per line, so tests can match them in any order. */
function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

t.test('a valid config resolves with defaults', async (t) => {
  const config = testConfig();
  t.equal(config.s3.bucket, 'uploads');
  t.equal(config.server.host, '127.0.0.1');
  t.equal(config.server.port, 8787);
  t.equal(config.server.bodyLimit, 64 * 1024);
  t.equal(config.rateLimit.timeWindow, 60_000);
  t.equal(config.rateLimit.enabled, true);
  t.equal(config.defaultProfile, null, 'no default with several profiles');
  const avatars = config.profiles.get('avatars')!;
  t.equal(avatars.maxSize, 5 * 1024 * 1024);
  t.equal(avatars.minSize, 1);
  t.equal(config.profiles.get('reports')!.maxFiles, 20);
  t.equal(config.profiles.get('reports')!.expiresIn, 300);
  t.equal(config.profiles.get('docs')!.acl, 'private');
  const single = resolveConfig({
    s3: { bucket: 'b-b', endpoint: 'http://127.0.0.1:1/' },
    auth: { mode: 'jwt', jwksUrl: 'https://issuer.example.com/jwks.json', issuer: 'i', audience: 'a' },
    metrics: { port: 9100 },
    profiles: { only: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 10 } },
  });
  t.equal(single.defaultProfile, 'only', 'a single profile is the default');
  t.equal(single.s3.endpoint, 'http://127.0.0.1:1', 'trailing slash dropped');
  t.equal(single.s3.region, 'us-east-1');
  t.same(single.metrics, { enabled: true, port: 9100, host: '127.0.0.1' });
  t.match(single.auth, { mode: 'jwt', profilesClaim: 'profiles', clockTolerance: 5 });
});

t.test('unknown keys are errors that suggest the right key', async (t) => {
  const problems = problemsOf(() => resolveConfig({ ...rawConfig(), s3: { bukcet: 'x', bucket: 'uploads' }, extra: 1 }));
  t.match(problems, /s3\.bukcet: unknown key \(did you mean "bucket"\?\)/);
t.match(problems, /(^|\n)extra: unknown key \(known keys: s3, cors/);
  const deep = problemsOf(() => resolveConfig(rawConfig({ profiles: { a: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 1, mxaFiles: 2 } } })));
  t.match(deep, /profiles\.a\.mxaFiles: unknown key \(did you mean "maxFiles"\?\)/);
  const none = problemsOf(() => resolveConfig(rawConfig({ profiles: { a: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 1, zzzzzzzz: 2 } } })));
  t.match(none, /zzzzzzzz: unknown key \(known keys:/);
});

t.test('missing and wrongly typed fields name the field', async (t) => {
  t.match(problemsOf(() => resolveConfig({})), /auth: is required/);
t.match(problemsOf(() => resolveConfig({})), /s3: is required/);
t.match(problemsOf(() => resolveConfig({})), /profiles: is required/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'magic' } }))), /auth\.mode: must be one of none, tokens, jwt \(got "magic"\)/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'tokens', tokens: [{ token: 'short' }] } }))), /auth\.tokens\.0\.token/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ server: { port: 'eighty' } }))), /server\.port: must be integer/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ profiles: { a: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: true } } }))), /profiles\.a\.maxSize: expected bytes, or a string like "5MB"/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ server: { logLevel: 'loud' } }))), /server\.logLevel: expected one of the allowed forms/);
  t.match(problemsOf(() => resolveConfig([])), /auth: is required/);
});

t.test('profile rules are checked', async (t) => {
  const profile = (p: Record<string, unknown>): string =>
    problemsOf(() => resolveConfig(rawConfig({ profiles: { p: { keyTemplate: '{uuid}/{filename}', accept: ['image/png'], maxSize: '1MB', ...p } } })));
  t.match(profile({ keyTemplate: 'a/{filename}' }), /has no \{uuid\}, so one upload could overwrite another's; add \{uuid\} or set "allowOverwrite": true/);
  t.doesNotThrow(() =>
    resolveConfig(rawConfig({ auth: { mode: 'none', public: true }, profiles: { p: { keyTemplate: 'a/{filename}', accept: ['image/png'], maxSize: 1, allowOverwrite: true } } })),
  );
  t.match(profile({ keyTemplate: 'a/{uuid}/{oops}' }), /unknown placeholder \{oops\}/);
  t.match(profile({ form: true, keyTemplate: '{uuid}/{basename}.{ext}' }), /must end with \{filename\}/);
  t.match(profile({ form: true, keyTemplate: '{uuid}/{filename}/x' }), /must end with \{filename\}/);
  t.match(profile({ form: true, keyTemplate: '{uuid}/{user}' }), /must end with \{filename\}/);
  t.match(profile({ accept: ['pictures'] }), /"pictures" is not a MIME type/);
  t.match(profile({ maxSize: '5 megs' }), /maxSize: expected bytes or a size like "5MB" \(got "5 megs"\)/);
  t.match(profile({ minSize: 'lots' }), /minSize: expected bytes or a size like "1KB"/);
  t.match(profile({ maxSize: '6GB' }), /limited to 5GB/);
  t.match(profile({ minSize: 10, maxSize: 5 }), /minSize: is larger than maxSize/);
  t.match(profile({ metadata: ['alt', 'alt'] }), /lists a name twice/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ profiles: {} }))), /define at least one upload profile/);
  t.match(
    problemsOf(() => resolveConfig(rawConfig({ profiles: { 'bad name!': { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 1 } } }))),
    /profiles\.bad name!: is not a valid name; use letters, digits/,
  );
  t.match(problemsOf(() => resolveConfig(rawConfig({ defaultProfile: 'ghost' }))), /defaultProfile: no profile is named "ghost"/);
});

t.test('auth modes are checked', async (t) => {
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'none' } }))), /set "public": true/);
  t.match(resolveConfig(rawConfig({ auth: { mode: 'none', public: true } })).auth, { mode: 'none' });
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'jwt' } }))), /exactly one of "secret"/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'jwt', jwksUrl: 'ftp://x' } }))), /auth\.jwksUrl: expected an http\(s\) URL/);
  const tokens = { token: 'x'.repeat(16) };
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'tokens', tokens: [tokens, tokens] } }))), /listed twice/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ auth: { mode: 'tokens', tokens: [{ ...tokens, profiles: ['ghost'] }] } }))), /unknown profile "ghost"/);
  t.match(resolveConfig(rawConfig({ auth: { mode: 'tokens', tokens: [tokens] } })).auth, { tokens: [{ subject: 'token-1' }] });
});

t.test('cors, endpoint, durations and body limit are checked', async (t) => {
  t.match(problemsOf(() => resolveConfig(rawConfig({ cors: { origins: ['https://a.example.com/'] } }))), /is not an origin/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ cors: { origins: ['nonsense'] } }))), /is not an origin/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ cors: { origins: ['ftp://a.example.com'] } }))), /is not an origin/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ cors: { origins: ['*'], credentials: true } }))), /only with explicit origins/);
  t.equal(resolveConfig(rawConfig({ cors: { origins: ['*'] } })).cors.credentials, false);
  t.match(problemsOf(() => resolveConfig(rawConfig({ s3: { bucket: 'uploads', endpoint: 'localhost:9000' } }))), /s3\.endpoint: expected a URL/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ rateLimit: { timeWindow: 'a while' } }))), /rateLimit\.timeWindow/);
  t.match(problemsOf(() => resolveConfig(rawConfig({ server: { bodyLimit: 10 } }))), /server\.bodyLimit/);
  t.equal(parseDuration(5), 5);
  t.equal(parseDuration('250ms'), 250);
  t.equal(parseDuration('30 seconds'), 30_000);
  t.equal(parseDuration('2 minutes'), 120_000);
  t.equal(parseDuration('1h'), 3_600_000);
  t.equal(parseDuration('15'), 15);
  t.ok(Number.isNaN(parseDuration('soon')));
});

t.test('environment variables configure the common cases', async (t) => {
  const config = resolveConfig(
    {},
    {
      S3_BUCKET: 'env-bucket',
      S3_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      ALLOWED_ORIGINS: 'https://a.example.com, https://b.example.com',
      CORS_CREDENTIALS: 'yes',
      HOST: '::1',
      PORT: '9999',
      LOG_LEVEL: 'debug',
      TRUST_PROXY: 'off',
      METRICS_PORT: '9100',
      RATE_LIMIT_MAX: '10',
      RATE_LIMIT_WINDOW: '30 seconds',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RATE_LIMIT_ON_STORE_ERROR: 'open',
      AUTH_MODE: 'tokens',
      AUTH_TOKENS: 'alice:alice-token-0123456789,bob-token-0123456789abc',
      UPLOAD_KEY_TEMPLATE: 'u/{user}/{uuid}/{filename}',
      UPLOAD_ACCEPT: 'image/*,.pdf',
      UPLOAD_MIN_SIZE: '1',
      UPLOAD_MAX_SIZE: '10MB',
      UPLOAD_MAX_FILES: '5',
      UPLOAD_EXPIRES_IN: '60',
      UPLOAD_METADATA: 'alt,caption',
      UPLOAD_FORM: 'false',
      DEFAULT_PROFILE: 'default',
    },
  );
  t.same(config.s3, { bucket: 'env-bucket', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  t.same(config.cors.origins, ['https://a.example.com', 'https://b.example.com']);
  t.equal(config.cors.credentials, true);
  t.match(config.server, { host: '::1', port: 9999, logLevel: 'debug', trustProxy: false });
  t.match(config.rateLimit, { max: 10, timeWindow: 30_000, redis: 'redis://127.0.0.1:6379', onStoreError: 'open' });
  t.equal(config.metrics.port, 9100);
  t.match(config.auth, { mode: 'tokens', tokens: [{ subject: 'alice', token: 'alice-token-0123456789' }, { subject: 'token-2' }] });
  t.match(config.profiles.get('default'), { maxSize: 10 * 1024 * 1024, minSize: 1, maxFiles: 5, expiresIn: 60, metadata: ['alt', 'caption'], form: false });
  t.equal(config.defaultProfile, 'default');

  const json = resolveConfig(rawConfig(), {
    AWS_REGION: 'ap-south-1',
    AUTH_MODE: 'tokens',
    AUTH_TOKENS: JSON.stringify([{ token: 'json-token-0123456789', subject: 'carol' }]),
    S3_UPLOAD_PROFILES: JSON.stringify({ p: { keyTemplate: '{uuid}', accept: ['*/*'], maxSize: 5 } }),
  });
  t.equal(json.s3.region, 'ap-south-1');
  t.match(json.auth, { tokens: [{ subject: 'carol' }] });
  t.same([...json.profiles.keys()], ['p']);

  const jwt = resolveConfig(rawConfig(), {
    AUTH_MODE: 'jwt',
    JWT_SECRET: 's'.repeat(32),
    JWT_ISSUER: 'https://issuer.example.com',
    JWT_AUDIENCE: 's3-upload',
    JWT_PROFILES_CLAIM: 'uploads',
  });
  t.match(jwt.auth, { mode: 'jwt', issuer: 'https://issuer.example.com', audience: 's3-upload', profilesClaim: 'uploads' });
  t.match(resolveConfig(rawConfig(), { AUTH_MODE: 'jwt', JWT_JWKS_URL: 'http://127.0.0.1:1/jwks', JWT_AUDIENCE: 's3-upload' }).auth, { jwksUrl: 'http://127.0.0.1:1/jwks' });
  t.match(
    problemsOf(() => resolveConfig(rawConfig(), { AUTH_MODE: 'jwt', JWT_JWKS_URL: 'http://127.0.0.1:1/jwks' })),
    /auth\.audience: is required with jwksUrl/,
    'a JWKS without an audience would accept tokens the provider issued for any app',
  );
  t.match(resolveConfig(rawConfig(), { AUTH_MODE: 'tokens', S3_BUCKET: '' }).auth, { mode: 'tokens' }, 'same mode keeps the file auth');
  t.match(resolveConfig(rawConfig(), { AUTH_MODE: 'none', AUTH_PUBLIC: '1' }).auth, { mode: 'none' });

  t.match(problemsOf(() => resolveConfig(rawConfig(), { S3_FORCE_PATH_STYLE: 'maybe' })), /S3_FORCE_PATH_STYLE: expected true or false/);
  t.match(problemsOf(() => resolveConfig(rawConfig(), { PORT: '80a' })), /PORT: expected a whole number/);
  t.equal(resolveConfig(rawConfig(), { RATE_LIMIT_WINDOW: '5000' }).rateLimit.timeWindow, 5000);
  t.match(problemsOf(() => resolveConfig(rawConfig(), { S3_UPLOAD_PROFILES: '{' })), /S3_UPLOAD_PROFILES: is not valid JSON/);
  t.match(problemsOf(() => resolveConfig({ auth: 'tokens' }, { S3_BUCKET: 'bucket', UPLOAD_ACCEPT: 'x/y' })), /auth: is required/);
  t.match(resolveConfig({ ...rawConfig(), s3: 'nope' }, { S3_BUCKET: 'from-env' }).s3.bucket, 'from-env', 'env replaces a wrong-typed section');
});

t.test('describeSchemaErrors handles a top-level required field', async (t) => {
  t.match(describeSchemaErrors(FileConfig, { auth: { mode: 'none' } }), ['s3: is required', 'profiles: is required']);
});

t.test('loadConfig reads a JSON file and the environment', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 's3u-config-'));
  const good = join(dir, 'signer.json');
  await writeFile(good, JSON.stringify(rawConfig()));
  t.equal((await loadConfig(good, { PORT: '1234' })).server.port, 1234);
  const bad = join(dir, 'bad.json');
  await writeFile(bad, '{ "s3": ');
  await t.rejects(loadConfig(bad, {}), { problems: [/bad\.json: is not valid JSON/] } as unknown as Error);
  await t.rejects(loadConfig(join(dir, 'missing.json'), {}), { problems: [/cannot read the config file \(ENOENT: no such file or directory/] } as unknown as Error);
  await t.rejects(loadConfig(undefined, {}), ConfigError, 'no file and no env is an error');
  t.equal((await loadConfig(undefined, { S3_BUCKET: 'bkt', AUTH_MODE: 'none', AUTH_PUBLIC: 'true', UPLOAD_KEY_TEMPLATE: '{uuid}', UPLOAD_ACCEPT: '*/*', UPLOAD_MAX_SIZE: '1MB' })).defaultProfile, 'default');
});
