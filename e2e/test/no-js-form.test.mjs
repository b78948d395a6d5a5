// The seed article's scenario, with JavaScript disabled in the page: the demo's /form page (and the
// standalone examples/no-js-form site) renders the signed form, the browser posts straight to the RGW,
// and success_action_redirect brings it back to a page that names the key.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startNoJsFormSite } from '@s3-upload/example-no-js-form/server.mjs';
import { createSignerServer, resolveConfig } from '@s3-upload/signer';
import { freePort, getObject, listKeys, makePng, openPage, sha256, startStack } from '../lib/harness.mjs';

let stack;
let standalonePort;
before(async () => {
  standalonePort = await freePort();
  stack = await startStack({ extraOrigins: [`http://127.0.0.1:${standalonePort}`] });
});
after(() => stack?.stop());

async function uploadThroughForm(page, { type, name, bytes }) {
  // The page must hold no script at all: the scenario works without JavaScript.
  assert.equal(await page.locator('script').count(), 0, 'the form page has no <script>');
  const form = page.locator('form.s3-form');
  assert.equal(await form.getAttribute('action'), `${stack.s3.endpoint}/${stack.s3.bucket}`);
  assert.equal(await form.getAttribute('enctype'), 'multipart/form-data');
  // The file input is the last field, after every signed field.
  const names = await form.locator('input[name], select[name]').evaluateAll((els) => els.map((el) => el.getAttribute('name')));
  assert.deepEqual(names.slice(-2), ['file', 'submit']);
  for (const field of ['key', 'Policy', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Algorithm', 'X-Amz-Date', 'success_action_redirect']) {
    assert.ok(names.includes(field), `the form carries ${field}`);
  }
  await page.selectOption('select[name="Content-Type"]', type);
  await page.setInputFiles('input[type=file][name=file]', { name, mimeType: type, buffer: bytes });
  await Promise.all([page.waitForURL(/\/received\?/, { timeout: 30_000 }), page.click('input[type=submit]')]);
  return page.locator('#key').textContent();
}

test('demo /form: a plain HTML form with JavaScript disabled posts straight to S3 and comes back to /received', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/form`, { javaScriptEnabled: false });
  const png = makePng(64, 48);
  const key = await uploadThroughForm(page, { type: 'image/png', name: 'seed photo.png', bytes: png });
  assert.match(key, /^forms\/[0-9a-f-]{36}\/seed photo\.png$/);
  assert.equal(await page.locator('#bucket').textContent(), stack.s3.bucket);
  assert.match(await page.locator('#etag').textContent(), /[0-9a-f]{32}/);
  assert.equal(await page.locator('#type').textContent(), 'image/png');

  const object = await getObject(stack.s3, key);
  assert.equal(object.status, 200);
  assert.equal(object.sha256, sha256(png));
  assert.equal(object.type, 'image/png');
  assert.deepEqual(await listKeys(stack.s3, 'forms/'), [key]);
  await page.context().close();
});

test('demo /form: the policy refuses a type outside image/* even when the form is tampered with', async () => {
  // A person editing the page in dev tools: the type select now says text/html. S3 itself must refuse it.
  const page = await openPage(stack.browser, `${stack.site.url}/form`);
  await page.locator('select[name="Content-Type"] option').first().evaluate((o) => {
    o.value = 'text/html';
  });
  await page.setInputFiles('input[type=file][name=file]', { name: 'x.html', mimeType: 'text/html', buffer: Buffer.from('<b>hi</b>') });
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('input[type=submit]')]);
  assert.equal(response.status(), 403);
  assert.equal((await listKeys(stack.s3, 'forms/')).filter((k) => k.endsWith('x.html')).length, 0);
  await page.context().close();
});

test('examples/no-js-form: the standalone site with its own env-configured signer', async () => {
  // The signer configured from env alone, exactly as the example's README runs it.
  const token = 'form-demo-token-0123456789';
  const config = resolveConfig({}, {
    S3_ENDPOINT: stack.s3.endpoint,
    S3_BUCKET: stack.s3.bucket,
    S3_REGION: stack.s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    ALLOWED_ORIGINS: `http://127.0.0.1:${standalonePort}`,
    AUTH_MODE: 'tokens',
    AUTH_TOKENS: token,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    UPLOAD_KEY_TEMPLATE: 'uploads/{uuid}/{filename}',
    UPLOAD_ACCEPT: 'image/*',
    UPLOAD_MAX_SIZE: '10MB',
    UPLOAD_FORM: 'true',
  });
  const server = await createSignerServer(config, {
    credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey },
  });
  const signer = { url: (await server.listen()).url, close: () => server.close() };
  const site = await startNoJsFormSite({ port: standalonePort, signerUrl: signer.url, token });
  try {
    const page = await openPage(stack.browser, `${site.url}/`, { javaScriptEnabled: false });
    const jpegish = makePng(20, 20, [0, 0, 0], [255, 255, 255]);
    const key = await uploadThroughForm(page, { type: 'image/webp', name: 'standalone.webp', bytes: jpegish });
    assert.match(key, /^uploads\/[0-9a-f-]{36}\/standalone\.webp$/);
    const object = await getObject(stack.s3, key);
    assert.equal(object.sha256, sha256(jpegish));
    assert.equal(object.type, 'image/webp');
    await page.context().close();
  } finally {
    await site.close();
    await signer.close();
  }
});
