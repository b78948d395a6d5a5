// examples/fastify-plugin: an app with its own login mounts the signer; {user} comes from the session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApp } from '@s3-upload/example-fastify-plugin/server.mjs';
import { getObject, listKeys, makePng, openPage, sha256, startStack } from '../lib/harness.mjs';

let stack;
let app;
let url;
before(async () => {
  stack = await startStack({ site: false });
  app = await buildApp({
    s3: { bucket: stack.s3.bucket, region: stack.s3.region, endpoint: stack.s3.endpoint, forcePathStyle: true },
    credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey },
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app?.close();
  await stack?.stop();
});

test('the signer refuses callers without a session (the app auth)', async () => {
  const response = await fetch(`${url}/uploads/v1/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ profile: 'documents', files: [{ name: 'a.txt', type: 'text/plain', size: 3 }] }),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'unauthorized');
  const profile = await fetch(`${url}/uploads/v1/profiles/documents`);
  assert.equal(profile.status, 200);
  assert.deepEqual((await profile.json()).accept, ['image/*', 'application/pdf', 'text/plain']);
});

test('a logged-in user uploads through the page; the key carries the session user', async () => {
  const page = await openPage(stack.browser, `${url}/`);
  assert.match(page.url(), /\/login$/);
  await page.fill('input[name=user]', 'alice');
  await Promise.all([page.waitForURL(`${url}/`), page.click('button[type=submit]')]);
  assert.equal(await page.locator('#user').textContent(), 'alice');

  const png = makePng(50, 50);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose files' }).click()]);
  await chooser.setFiles([
    { name: 'avatar.png', mimeType: 'image/png', buffer: png },
    { name: 'cv.txt', mimeType: 'text/plain', buffer: Buffer.from('alice, engineer\n') },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('#uploaded li').length === 2, null, { timeout: 30_000 });
  const keys = await page.locator('#uploaded li').allTextContents();
  for (const key of keys) assert.match(key, /^users\/alice\/\d{4}\/[0-9a-f-]{36}\/(avatar\.png|cv\.txt)$/);
  const avatar = await getObject(stack.s3, keys.find((k) => k.endsWith('avatar.png')));
  assert.equal(avatar.sha256, sha256(png));
  assert.equal(avatar.type, 'image/png');
  const cv = await getObject(stack.s3, keys.find((k) => k.endsWith('cv.txt')));
  assert.equal(cv.body.toString(), 'alice, engineer\n');
  assert.equal(cv.type, 'text/plain');
  assert.deepEqual((await listKeys(stack.s3, 'users/')).sort(), keys.sort());
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
