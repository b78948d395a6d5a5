// The demo site's element pages, driven as a person would: click "Choose files" (the element's own
// file input gets the files) or drop files, watch the progress, then check each object in the RGW.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getObject, listKeys, makePng, openPage, sha256, startStack, uploadsOf, waitForSettled } from '../lib/harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

/** Clicks the element's "Choose files" button and answers the file chooser, as a person would. */
async function chooseFiles(page, files, selector = 's3-upload') {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.locator(selector).getByRole('button', { name: 'Choose files' }).click(),
  ]);
  await chooser.setFiles(files);
}

test('gallery: images upload with alt metadata, show in the bucket list with thumbnails, events are logged', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/gallery`);
  await page.waitForFunction(() => customElements.get('s3-upload'));
  await page.fill('#alt', 'A sunset over the sea');
  const sunset = makePng(160, 120);
  const ocean = makePng(120, 160, [14, 165, 233], [15, 23, 42]);
  await chooseFiles(page, [
    { name: 'sunset.png', mimeType: 'image/png', buffer: sunset },
    { name: 'ocean.png', mimeType: 'image/png', buffer: ocean },
  ]);

  const uploads = await waitForSettled(page, 2);
  assert.deepEqual(uploads.map((u) => u.status), ['done', 'done'], JSON.stringify(uploads));
  const byName = Object.fromEntries(uploads.map((u) => [u.name, u]));
  for (const [name, bytes] of [['sunset.png', sunset], ['ocean.png', ocean]]) {
    const { key } = byName[name];
    assert.match(key, new RegExp(`^gallery/demo/\\d{4}/\\d{2}/[0-9a-f-]{36}/${name.replace('.', '\\.')}$`));
    const object = await getObject(stack.s3, key);
    assert.equal(object.status, 200);
    assert.equal(object.sha256, sha256(bytes), `${name}: same bytes`);
    assert.equal(object.type, 'image/png');
    assert.equal(object.meta('alt'), 'A sunset over the sea');
  }

  // The progress bars went to 100 and the list from the bucket shows both, with thumbnails that load.
  const bars = page.locator('s3-upload [role=progressbar]');
  assert.deepEqual(await bars.evaluateAll((els) => els.map((el) => el.getAttribute('aria-valuenow'))), ['100', '100']);
  await page.waitForFunction(() => document.querySelectorAll('#gallery li[data-key]').length === 2);
  const listed = await page.locator('#gallery li[data-key]').evaluateAll((els) => els.map((el) => el.dataset.key).sort());
  assert.deepEqual(listed, uploads.map((u) => u.key).sort());
  await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((img) => img.complete && img.naturalWidth > 0));
  assert.deepEqual(
    await page.locator('#gallery img').evaluateAll((els) => els.map((img) => img.naturalWidth).sort((a, b) => a - b)),
    [120, 160],
  );

  // The event log names every kind of event.
  const logged = new Set(await page.locator('#log li').evaluateAll((els) => els.map((el) => el.dataset.event)));
  for (const type of ['s3-upload-select', 's3-upload-start', 's3-upload-progress', 's3-upload-success', 's3-upload-complete']) {
    assert.ok(logged.has(type), `logged ${type}`);
  }

  // A reload lists them from the bucket, server-side.
  await page.reload();
  assert.equal(await page.locator('#gallery li[data-key]').count(), 2);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('gallery: a file that is not an image is refused before signing, and the error is logged', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/gallery`);
  await page.waitForFunction(() => customElements.get('s3-upload'));
  const before = await listKeys(stack.s3, 'gallery/');
  await page.locator('s3-upload input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
  const [upload] = await waitForSettled(page, 1);
  assert.equal(upload.status, 'error');
  assert.equal(upload.error.code, 'type_not_allowed');
  await page.locator('#log li[data-event="s3-upload-error"]').first().waitFor();
  assert.match(await page.locator('s3-upload [part~=state]').textContent(), /not allowed/);
  assert.deepEqual(await listKeys(stack.s3, 'gallery/'), before);
  await page.context().close();
});

test('form-associated: the form is blocked until the files are uploaded, then submits one key per file', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/form-associated`);
  await page.waitForFunction(() => customElements.get('s3-upload'));
  // Nothing uploaded yet: required makes the form invalid, and submitting stays on the page.
  assert.equal(await page.$eval('#report', (form) => form.checkValidity()), false);
  assert.equal(await page.$eval('#attachments', (el) => el.validity.valueMissing), true);
  await page.click('button[type=submit]');
  assert.match(page.url(), /\/form-associated$/);

  const pdf = Buffer.from('%PDF-1.4\n% a tiny document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
  const text = Buffer.from('Quarterly numbers: 1, 2, 3.\n'.repeat(200));
  await page.fill('input[name=title]', 'Quarterly report');
  await chooseFiles(page, [
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf },
    { name: 'numbers.txt', mimeType: 'text/plain', buffer: text },
  ]);
  const uploads = await waitForSettled(page, 2);
  assert.deepEqual(uploads.map((u) => u.status), ['done', 'done']);
  assert.equal(await page.$eval('#report', (form) => form.checkValidity()), true);

  await Promise.all([page.waitForURL(/\/submitted$/), page.click('button[type=submit]')]);
  assert.equal(await page.locator('#title').textContent(), 'Quarterly report');
  const keys = await page.locator('#keys li').evaluateAll((els) => els.map((el) => el.dataset.key));
  assert.deepEqual(keys.sort(), uploads.map((u) => u.key).sort());
  assert.equal(await page.locator('#keys .error').count(), 0, 'the server found every key in the bucket');
  for (const [name, bytes, type] of [['report.pdf', pdf, 'application/pdf'], ['numbers.txt', text, 'text/plain']]) {
    const key = uploads.find((u) => u.name === name).key;
    assert.match(key, /^files\/demo\/[0-9a-f-]{36}\//);
    const object = await getObject(stack.s3, key);
    assert.equal(object.sha256, sha256(bytes));
    assert.equal(object.type, type);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('themed: custom properties and ::part() style the element, dark mode switches, files can be dropped', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/themed`, { colorScheme: 'light' });
  await page.waitForFunction(() => customElements.get('s3-upload'));
  const button = page.locator('#themed').getByRole('button', { name: 'Choose files' });
  await button.waitFor();
  const style = () =>
    button.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, transform: s.textTransform, radius: s.borderTopLeftRadius };
    });
  assert.deepEqual(await style(), { bg: 'rgb(194, 65, 12)', transform: 'uppercase', radius: '999px' });
  assert.equal(await page.locator('#themed [slot=dropzone]').textContent(), 'Drop your files on the sunset, or');
  await page.check('#dark');
  assert.equal((await style()).bg, 'rgb(245, 158, 11)');

  // Drop two files on the drop zone.
  const png = makePng(40, 30);
  const notes = 'dropped, not chosen\n';
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, notes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      dt.items.add(new File([notes], 'dropped.txt', { type: 'text/plain' }));
      return dt;
    },
    { bytes: [...png], notes },
  );
  const zone = page.locator('#themed [part~=dropzone]');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
  const uploads = await waitForSettled(page, 2, '#themed');
  assert.deepEqual(uploads.map((u) => u.status), ['done', 'done']);
  const pngObject = await getObject(stack.s3, uploads.find((u) => u.name === 'dropped.png').key);
  assert.equal(pngObject.sha256, sha256(png));
  assert.equal(pngObject.type, 'image/png');
  const txtObject = await getObject(stack.s3, uploads.find((u) => u.name === 'dropped.txt').key);
  assert.equal(txtObject.body.toString(), notes);
  assert.equal(txtObject.type, 'text/plain');
  // The finished bar takes the themed gradient through ::part(bar).
  const barImage = await page.locator('#themed [part~=bar]').first().evaluate((el) => getComputedStyle(el).backgroundImage);
  assert.match(barImage, /linear-gradient/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('examples/script-tag: the plain HTML page with the bundle uploads a file', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/examples/script-tag/`);
  const body = 'hello from a script tag\n';
  await chooseFiles(page, [{ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from(body) }]);
  await page.locator('#uploaded li').waitFor();
  const key = await page.locator('#uploaded li').textContent();
  assert.match(key, /^files\/demo\/[0-9a-f-]{36}\/hello\.txt$/);
  const object = await getObject(stack.s3, key);
  assert.equal(object.body.toString(), body);
  assert.equal(object.type, 'text/plain');
  assert.deepEqual((await uploadsOf(page)).map((u) => u.status), ['done']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
