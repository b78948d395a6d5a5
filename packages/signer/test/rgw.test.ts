import { startLocalS3, type LocalS3 } from '@s3-upload/local-s3';
import t from 'tap';
import { createSignerServer } from '../src/server.js';
import { resolveConfig } from '../src/config/resolve.js';
import { decodePolicy } from './support/policy.js';

/**
 * What S3 itself enforces: real Ceph RGW on loopback, real POST uploads with Node's fetch and FormData.
 */
let s3: LocalS3;
let signerUrl: string;
let close: () => Promise<void>;

t.before(async () => {
  s3 = await startLocalS3();
  const config = resolveConfig({
    s3: { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true },
    cors: { origins: ['http://127.0.0.1:5173'] },
    auth: { mode: 'none', public: true },
    rateLimit: { enabled: false },
    server: { port: 0 },
    profiles: {
      files: { keyTemplate: 'files/{user}/{uuid}/{filename}', accept: ['text/plain', 'image/png'], minSize: 1, maxSize: '1MB', metadata: ['alt'] },
      short: { keyTemplate: 'short/{uuid}/{filename}', accept: ['text/plain'], maxSize: '1MB', expiresIn: 1 },
      forms: { keyTemplate: 'forms/{uuid}/{filename}', accept: ['text/plain'], minSize: 1, maxSize: 100, form: true },
    },
  });
  const server = await createSignerServer(config, { logger: false, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  signerUrl = (await server.listen()).url;
  close = () => server.close();
});
t.teardown(async () => {
  await close?.();
  await s3?.stop();
});

interface Signed {
  url: string;
  fields: Record<string, string>;
  key: string;
}

async function sign(profile: string, file: { name: string; type: string; size: number; metadata?: Record<string, string> }): Promise<Signed> {
  const response = await fetch(`${signerUrl}/v1/sign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ profile, files: [file] }) });
  const body = (await response.json()) as { uploads: Signed[] };
  return body.uploads[0]!;
}

async function post(signed: { url: string; fields: Record<string, string> }, body: Blob, filename = 'upload.bin', extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...signed.fields, ...extra })) form.append(name, value);
  form.append('file', body, filename);
  const response = await fetch(signed.url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function getObject(key: string) {
  const { s3Request } = await import('@s3-upload/local-s3');
  return s3Request(s3, 'GET', `/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
}

const text = (content: string) => new Blob([content], { type: 'text/plain' });

t.test('a signed upload lands with the exact bytes, type and metadata', async (t) => {
  const content = 'hello from s3-upload\n';
  const signed = await sign('files', { name: 'héllo wörld.txt', type: 'text/plain', size: content.length, metadata: { alt: 'greeting' } });
  const result = await post(signed, text(content));
  t.equal(result.status, 201, result.text);
  t.match(result.text, /<Key>files\/anonymous\/[0-9a-f-]{36}\/héllo wörld\.txt<\/Key>/);
  t.match(result.text, /<ETag>"?[0-9a-f]{32}"?<\/ETag>/);
  const object = await getObject(signed.key);
  t.equal(object.status, 200);
  t.equal(object.body.toString(), content);
  t.equal(object.headers['content-type'], 'text/plain');
  t.equal(object.headers['x-amz-meta-alt'], 'greeting');
});

t.test('S3 refuses anything the policy does not allow', async (t) => {
  const content = 'exactly 20 bytes!!!\n';
  const file = { name: 'a.txt', type: 'text/plain', size: content.length, metadata: { alt: 'x' } };
  const refused = async (name: string, run: (signed: Signed) => Promise<{ status: number; text: string }>, code: RegExp) => {
    const signed = await sign('files', file);
    const result = await run(signed);
    t.ok(result.status >= 400, `${name}: refused with ${result.status}`);
    t.match(result.text, code, `${name}: ${code}`);
    t.equal((await getObject(signed.key)).status, 404, `${name}: nothing landed`);
  };
  await refused('one byte larger', (s) => post(s, text(`${content}x`)), /EntityTooLarge/);
  await refused('one byte smaller', (s) => post(s, text(content.slice(1))), /EntityTooSmall/);
  await refused('another content type', (s) => post(s, text(content), 'a.txt', { 'Content-Type': 'text/html' }), /AccessDenied/);
  await refused('another key', (s) => post(s, text(content), 'a.txt', { key: s.key.replace('a.txt', 'b.txt') }), /AccessDenied/);
  await refused('an extra form field', (s) => post(s, text(content), 'a.txt', { 'x-amz-meta-owner': 'mallory' }), /AccessDenied/);
  await refused('a changed metadata value', (s) => post(s, text(content), 'a.txt', { 'x-amz-meta-alt': 'changed' }), /AccessDenied/);
  await refused('a public ACL', (s) => post(s, text(content), 'a.txt', { acl: 'public-read' }), /AccessDenied/);
  await refused(
    'a tampered signature',
    (s) => post({ ...s, fields: { ...s.fields, 'X-Amz-Signature': s.fields['X-Amz-Signature']!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) } }, text(content)),
    /AccessDenied|SignatureDoesNotMatch/,
  );
  const policy = decodePolicy((await sign('files', file)).fields);
  t.ok(policy.conditions.length >= 8, 'the policy binds every field');
});

t.test('an expired policy is refused', async (t) => {
  const signed = await sign('short', { name: 'late.txt', type: 'text/plain', size: 4 });
  await new Promise((resolve) => setTimeout(resolve, 2200));
  const result = await post(signed, text('late'));
  t.equal(result.status, 403);
  t.match(result.text, /AccessDenied/);
  t.match(result.text, /expired/i);
});

t.test('a /v1/form policy takes ${filename} under its prefix and nothing outside it', async (t) => {
  const form = async () =>
    (await (await fetch(`${signerUrl}/v1/form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ profile: 'forms' }) })).json()) as {
      url: string;
      fields: Record<string, string>;
      prefix: string;
    };
  const signed = await form();
  const ok = await post(signed, text('report body'), 'q3 report.txt');
  t.equal(ok.status, 201, ok.text);
  const object = await getObject(`${signed.prefix}q3 report.txt`);
  t.equal(object.status, 200, 'S3 substituted the file name');
  t.equal(object.body.toString(), 'report body');
  const outside = await form();
  const escaped = await post(outside, text('sneaky'), 'x.txt', { key: 'forms/other/${filename}' });
  t.equal(escaped.status, 403, 'a key outside the prefix is refused');
  const tooBig = await post(await form(), text('x'.repeat(101)), 'big.txt');
  t.equal(tooBig.status, 400);
  t.match(tooBig.text, /EntityTooLarge/);
});
