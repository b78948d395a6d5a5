import type { S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import t from 'tap';
import type { PolicyCondition, PolicyRequest } from '../src/policy/build.js';
import { buildFormPolicy, buildUploadPolicy } from '../src/policy/build.js';
import { fastPostSigner } from '../src/policy/fast-sign.js';
import { createPostSigner, createS3Client, sdkPostSigner, type S3Settings } from '../src/policy/sign.js';
import { TEST_CREDENTIALS, testConfig } from './support/config.js';
import { decodePolicy, expectedSignature } from './support/policy.js';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Runs `body` with Date.now frozen at `now`: the SDK reads Date.now() + systemClockOffset. */
async function at<T>(now: number, body: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return await body();
  } finally {
    Date.now = realNow;
  }
}

/** The same inputs, the same time: the fast signer's output must equal the SDK's, byte for byte. */
async function both(client: S3Client, fast: ReturnType<typeof fastPostSigner>, request: PolicyRequest, now: number) {
  const reference = await at(now, () => sdkPostSigner(client).sign(request));
  const ours = await at(now, () => fast.sign(request));
  return { reference: JSON.stringify(reference), ours: JSON.stringify(ours), signed: ours };
}

const endpoints: Array<Omit<S3Settings, 'region' | 'bucket'>> = [
  { endpoint: 'http://127.0.0.1:7480', forcePathStyle: true },
  { forcePathStyle: false },
  { forcePathStyle: true },
  { endpoint: 'https://s3.example.com:8443/base', forcePathStyle: false },
];
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'];

/** One client and one long-lived fast signer per (region, endpoint), with credentials that tests rotate. */
const clients = new Map<string, { client: S3Client; fast: ReturnType<typeof fastPostSigner>; current: { credentials: Credentials } }>();
function clientFor(region: string, endpoint: number) {
  const id = `${region}|${endpoint}`;
  let entry = clients.get(id);
  if (!entry) {
    const current = { credentials: TEST_CREDENTIALS as Credentials };
    // Both signers read client.config.credentials() on every call. The SDK memoizes the provider and
    // refreshes an identity that has (nearly) expired, as it does for STS or IMDS credentials: these
    // have always expired, so every call sees the current ones.
    const client = createS3Client({ bucket: 'unused', region, ...endpoints[endpoint]! }, async () => ({
      ...current.credentials,
      expiration: new Date(0),
    }));
    entry = { client, fast: fastPostSigner(client), current };
    clients.set(id, entry);
  }
  return entry;
}

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', 'a\udfffb', '"\\\u0000\u001f\u2028', '${filename}', '') },
);
const fieldName = fc
  .oneof(
    text,
    text.map((name) => `x-amz-meta-${name}`),
    fc.constantFrom('Content-Type', 'success_action_status', 'acl', 'bucket', 'key', 'Policy', 'X-Amz-Date', '42', '0'),
  )
  .filter((name) => name !== '__proto__');
const fields = fc
  .array(fc.tuple(fieldName, text), { maxLength: 8 })
  .map((entries) => Object.assign(Object.create(Object.prototype) as Record<string, string>, Object.fromEntries(entries)));
const condition: fc.Arbitrary<PolicyCondition> = fc.oneof(
  fc.tuple(fc.constantFrom('eq' as const, 'starts-with' as const), text, text),
  fc.tuple(fc.constant('content-length-range' as const), fc.nat(), fc.nat()),
  fc.tuple(fieldName, text).map(([name, value]) => ({ [name]: value })),
);
const conditions = fc
  .tuple(fc.array(condition, { maxLength: 6 }), fc.boolean())
  // Sometimes a condition twice: the SDK keeps each one once.
  .map(([list, twice]) => (twice && list.length > 0 ? [...list, list[0]!] : list));
const key = fc.oneof(text, text.map((prefix) => `${prefix}\${filename}`), text.map((name) => `a/\${filename}/${name}`));
const request = fc.record({
  bucket: fc.constantFrom('uploads', 's3-upload-dev', 'my.dotted.bucket', 'a1-b2'),
  key,
  fields,
  conditions,
  expiresIn: fc.oneof(fc.integer({ min: 1, max: 7 * 24 * 3600 }), fc.double({ min: 0, max: 100_000, noNaN: true })),
});
const credentials: fc.Arbitrary<Credentials> = fc.record(
  {
    accessKeyId: fc.stringMatching(/^[A-Z0-9]{4,20}$/),
    secretAccessKey: fc.oneof(fc.stringMatching(/^[A-Za-z0-9/+]{8,40}$/), text),
    sessionToken: fc.oneof(fc.constant(''), text, fc.stringMatching(/^[A-Za-z0-9/+=]{20,80}$/)),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);
const now = fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2099, 11, 31) });

t.test('the fast signer is byte-identical to createPresignedPost', async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...regions),
      fc.integer({ min: 0, max: endpoints.length - 1 }),
      credentials,
      request,
      now,
      async (region, endpoint, creds, policy, time) => {
        const { client, fast, current } = clientFor(region, endpoint);
        current.credentials = creds;
        const { reference, ours } = await both(client, fast, policy, time);
        runs++;
        return ours === reference;
      },
    ),
    { numRuns: 400 },
  );
  t.equal(runs, 400);
});

t.test('the same signer follows the clock, the day and rotating credentials', async (t) => {
  const { client, fast, current } = clientFor('eu-west-1', 1);
  const policy = buildUploadPolicy('uploads', testConfig().profiles.get('avatars')!, {
    filename: 'cat.png',
    type: 'image/png',
    size: 1,
    metadata: { alt: 'ünïcode 🐈' },
  }, 'avatars/a/u/cat.png');
  const start = Date.UTC(2030, 5, 30, 23, 59, 58, 999);
  const rotations: Credentials[] = [
    TEST_CREDENTIALS,
    { accessKeyId: 'ASIAROTATED1', secretAccessKey: 'rotated-secret-1', sessionToken: 'token-1' },
    { accessKeyId: 'ASIAROTATED1', secretAccessKey: 'rotated-secret-2', sessionToken: 'token-2' },
    { accessKeyId: 'ASIAROTATED3', secretAccessKey: 'rotated-secret-2' },
  ];
  const seen = new Set<string>();
  for (const [i, creds] of rotations.entries()) {
    current.credentials = creds;
    for (const step of [0, 1, 2, 1000, 1001, 86_400_000]) {
      const { reference, ours, signed } = await both(client, fast, policy, start + i * 7 + step);
      t.equal(ours, reference, `rotation ${i}, +${step} ms`);
      t.equal(signed.fields['X-Amz-Credential']!.split('/')[0], creds.accessKeyId);
      t.equal(signed.fields['X-Amz-Signature'], expectedSignature(signed.fields, creds.secretAccessKey));
      t.equal(signed.fields['X-Amz-Security-Token'], creds.sessionToken);
      seen.add(signed.fields['X-Amz-Signature']!);
    }
  }
  t.ok(seen.size > rotations.length, 'signatures change with the time and the credentials');
});

t.test('the default provider chain: rotating credentials are refreshed by the SDK and followed', async (t) => {
  let serial = 0;
  // An expiring identity: the SDK's memoized provider refreshes it, like STS or IMDS credentials.
  const provider = async () => {
    serial++;
    return { accessKeyId: `ASIAKEY${serial}`, secretAccessKey: `secret-${serial}`, sessionToken: `token-${serial}`, expiration: new Date(Date.now() + 1000) };
  };
  const client = createS3Client({ bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }, provider);
  const fast = fastPostSigner(client);
  const policy = buildFormPolicy('uploads', testConfig().profiles.get('reports')!, 'reports/p/', { eq: 'application/pdf' });
  const first = await fast.sign(policy);
  const second = await fast.sign(policy);
  t.not(first.fields['X-Amz-Credential']!.split('/')[0], second.fields['X-Amz-Credential']!.split('/')[0], 'a new key id');
  t.equal(second.fields['X-Amz-Security-Token'], `token-${serial}`);
  t.equal(second.fields['X-Amz-Signature'], expectedSignature(second.fields, `secret-${serial}`), 'signed with the new secret');
  t.same(decodePolicy(second.fields).conditions.at(-1), ['starts-with', '$key', 'reports/p/']);
});

t.test('a non-string field value is written as the SDK writes it', async (t) => {
  const { client, fast } = clientFor('us-east-1', 0);
  const odd = { bucket: 'uploads', key: 'k', fields: { a: undefined, b: 7 } as unknown as Record<string, string>, conditions: [], expiresIn: 60 };
  const { reference, ours } = await both(client, fast, odd, Date.UTC(2030, 0, 1));
  t.equal(ours, reference);
});

t.test('a failed first URL resolution is retried; checkCredentials reports missing credentials', async (t) => {
  const client = createS3Client({ bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }, TEST_CREDENTIALS);
  let fail = true;
  client.config.credentials = async () => {
    if (fail) throw new Error('no credentials yet');
    return TEST_CREDENTIALS;
  };
  const fast = fastPostSigner(client);
  const policy: PolicyRequest = { bucket: 'uploads', key: 'k', fields: {}, conditions: [], expiresIn: 60 };
  await t.rejects(fast.sign(policy), /no credentials yet/);
  await t.rejects(fast.checkCredentials(), /no credentials yet/);
  fail = false;
  t.equal((await fast.sign(policy)).url, 'http://127.0.0.1:7480/uploads');
  await fast.checkCredentials();
  const empty = fastPostSigner(createS3Client(testConfig().s3, { accessKeyId: '', secretAccessKey: '' }));
  await t.rejects(empty.checkCredentials(), /no S3 credentials/);
});

t.test('createPostSigner picks the fast signer by default and the SDK on request', async (t) => {
  const client = createS3Client({ bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }, TEST_CREDENTIALS);
  const policy: PolicyRequest = { bucket: 'uploads', key: 'k', fields: { 'Content-Type': 'text/plain' }, conditions: [], expiresIn: 60 };
  const time = Date.UTC(2031, 1, 2, 3, 4, 5);
  const fast = await at(time, () => createPostSigner(client).sign(policy));
  const sdk = await at(time, () => createPostSigner(client, 'sdk').sign(policy));
  t.equal(JSON.stringify(fast), JSON.stringify(sdk));
  t.equal(JSON.stringify(await at(time, () => createPostSigner(client, 'fast').sign(policy))), JSON.stringify(sdk));
});
