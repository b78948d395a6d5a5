import t from 'tap';
import type { AcceptedFile } from '../src/check.js';
import { buildFormPolicy, buildUploadPolicy, formContentType } from '../src/policy/build.js';
import { createS3Client, sdkPostSigner } from '../src/policy/sign.js';
import { rawConfig, TEST_CREDENTIALS, testConfig } from './support/config.js';
import { decodePolicy, exactValue, expectedSignature } from './support/policy.js';
import { resolveConfig } from '../src/config/resolve.js';

const config = testConfig();
const avatars = config.profiles.get('avatars')!;
const docs = config.profiles.get('docs')!;
const reports = config.profiles.get('reports')!;
const signer = sdkPostSigner(createS3Client(config.s3, TEST_CREDENTIALS));
const cat: AcceptedFile = { filename: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } };

t.test('an upload policy allows exactly one key, type, size and metadata', async (t) => {
  const request = buildUploadPolicy('uploads', avatars, cat, 'avatars/alice/u/cat.png');
  t.same(Object.keys(request.fields), ['Content-Type', 'success_action_status', 'x-amz-meta-alt']);
  const before = Date.now();
  const signed = await signer.sign(request);
  t.equal(signed.url, 'http://127.0.0.1:7480/uploads', 'path-style URL');
  const policy = decodePolicy(signed.fields);
  t.same(policy.conditions.slice(0, 3), [
    ['eq', '$key', 'avatars/alice/u/cat.png'],
    ['eq', '$Content-Type', 'image/png'],
    ['content-length-range', 48213, 48213],
  ]);
  t.equal(exactValue(policy, 'bucket'), 'uploads');
  t.equal(exactValue(policy, 'success_action_status'), '201');
  t.equal(exactValue(policy, 'x-amz-meta-alt'), 'a cat');
  t.equal(exactValue(policy, 'key'), 'avatars/alice/u/cat.png');
  const expiresIn = (Date.parse(policy.expiration) - before) / 1000;
  t.ok(expiresIn > 298 && expiresIn <= 300, `expires in ${expiresIn} s`);
  t.equal(signed.fields['X-Amz-Signature'], expectedSignature(signed.fields, TEST_CREDENTIALS.secretAccessKey), 'SigV4 signature checks out');
  const fieldNames = Object.keys(signed.fields);
  t.same(fieldNames.slice(0, 3), ['Content-Type', 'success_action_status', 'x-amz-meta-alt'], 'our fields come first, in order');
  for (const name of fieldNames.filter((n) => n !== 'Policy' && n !== 'X-Amz-Signature')) {
    t.ok(exactValue(policy, name) !== undefined, `field ${name} is bound by the policy`);
  }
});

t.test('profile options become bound fields', async (t) => {
  const request = buildUploadPolicy('uploads', docs, { filename: 'naïve.pdf', type: 'application/pdf', size: 10, metadata: {} }, 'docs/k');
  t.same(request.fields, {
    'Content-Type': 'application/pdf',
    success_action_status: '201',
    acl: 'private',
    'Cache-Control': 'max-age=60',
    'Content-Disposition': `attachment; filename="na_ve.pdf"; filename*=UTF-8''na%C3%AFve.pdf`,
    'x-amz-server-side-encryption': 'AES256',
    'x-amz-storage-class': 'STANDARD',
  });
});

t.test('session tokens are carried and bound', async (t) => {
  const withToken = sdkPostSigner(createS3Client(config.s3, { ...TEST_CREDENTIALS, sessionToken: 'session-token-xyz' }));
  const signed = await withToken.sign(buildUploadPolicy('uploads', avatars, cat, 'k'));
  t.equal(signed.fields['X-Amz-Security-Token'], 'session-token-xyz');
  t.equal(exactValue(decodePolicy(signed.fields), 'X-Amz-Security-Token'), 'session-token-xyz');
});

t.test('a form policy lets S3 fill in the file name under a unique prefix', async (t) => {
  const request = buildFormPolicy('uploads', reports, 'reports/abc/', { eq: 'application/pdf' }, 'https://www.example.com/received');
  t.same(request.fields, { 'Content-Type': 'application/pdf', success_action_redirect: 'https://www.example.com/received' });
  const signed = await signer.sign(request);
  const policy = decodePolicy(signed.fields);
  t.equal(signed.fields.key, 'reports/abc/${filename}');
  t.same(policy.conditions.find((c) => Array.isArray(c) && c[0] === 'starts-with'), ['starts-with', '$key', 'reports/abc/']);
  t.same(policy.conditions[0], ['content-length-range', 0, 20 * 1024 * 1024]);
  const family = buildFormPolicy('uploads', reports, 'p/', { startsWith: 'image/' });
  t.same(family.fields, { success_action_status: '201' });
  t.same(family.conditions[1], ['starts-with', '$Content-Type', 'image/']);
});

t.test('formContentType picks a fixed type or a family', async (t) => {
  t.same(formContentType(reports), { eq: 'application/pdf' });
  t.same(formContentType(reports, 'Application/PDF'), { eq: 'application/pdf' });
  t.equal(formContentType(reports, 'image/png'), 'not_allowed');
  t.equal(formContentType(avatars), undefined, 'two types: the caller must choose');
  const one = (accept: string[]) =>
    resolveConfig(rawConfig({ auth: { mode: 'none', public: true }, profiles: { p: { keyTemplate: '{uuid}/{filename}', accept, maxSize: 1 } } })).profiles.get('p')!;
  t.same(formContentType(one(['image/*'])), { startsWith: 'image/' });
  t.same(formContentType(one(['*/*'])), { startsWith: '' });
  t.same(formContentType(one(['.pdf'])), undefined, 'an extension is not a type on its own');
});

t.test('checkCredentials fails without credentials', async (t) => {
  await signer.checkCredentials();
  const empty = sdkPostSigner(createS3Client(config.s3, { accessKeyId: '', secretAccessKey: '' }));
  await t.rejects(empty.checkCredentials(), /no S3 credentials/);
  const aws = createS3Client({ bucket: 'b', region: 'eu-west-1', forcePathStyle: false }, TEST_CREDENTIALS);
  const signed = await sdkPostSigner(aws).sign(buildUploadPolicy('my-bucket', avatars, cat, 'k'));
  t.equal(signed.url, 'https://my-bucket.s3.eu-west-1.amazonaws.com/', 'virtual-hosted URL on AWS');
});
