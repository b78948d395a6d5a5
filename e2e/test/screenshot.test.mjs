// Takes the README's picture: the demo gallery with <s3-upload> mid-upload, in headless Chromium, with
// the upload slowed down through the DevTools protocol so the progress is visible. Writes
// docs/screenshot.png, then lets the uploads finish and checks that they landed.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, getObject, makePng, openPage, sha256, startStack, waitForSettled } from '../lib/harness.mjs';

const OUTPUT = process.env.SCREENSHOT_PATH ?? join(ROOT, 'docs', 'screenshot.png');

let stack;
before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

test('screenshot: the element mid-upload (docs/screenshot.png)', async () => {
  const page = await openPage(stack.browser, `${stack.site.url}/gallery`, {
    viewport: { width: 800, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  await page.waitForFunction(() => customElements.get('s3-upload'));
  await page.$eval('#uploader', (el) => {
    el.concurrency = 2;
  });
  await page.fill('#alt', 'Holiday pictures');

  const files = [
    { name: 'beach.png', mimeType: 'image/png', buffer: makePng(96, 72, [253, 224, 71], [14, 165, 233], { noise: 6 }) },
    { name: 'mountains.png', mimeType: 'image/png', buffer: makePng(420, 320, [203, 213, 225], [30, 64, 175], { noise: 6 }) },
    { name: 'city-at-night.png', mimeType: 'image/png', buffer: makePng(420, 320, [250, 204, 21], [15, 23, 42], { noise: 6 }) },
  ];

  // Throttle the uploads (~150 KB/s up) so that the picture catches them in flight.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 150 * 1024 });

  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose files' }).click()]);
  await chooser.setFiles(files);

  // Wait for: the small file done, the first big one well under way, the last one still going or waiting.
  await page.waitForFunction(
    () => {
      const list = document.getElementById('uploader').uploads;
      const pct = (u) => (u.total ? (u.loaded / u.total) * 100 : 0);
      return list.length === 3 && list[0].status === 'done' && list[1].status === 'uploading' && pct(list[1]) >= 35 && pct(list[1]) <= 75;
    },
    null,
    { timeout: 60_000, polling: 50 },
  );
  await page.mouse.move(0, 0);
  const box = await page.locator('#uploader').boundingBox();
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 800, height: Math.ceil(box.y + box.height + 24) }, animations: 'disabled' });
  assert.equal(png.readUInt32BE(16), 800, 'the picture is 800 px wide');
  await writeFile(OUTPUT, png);

  // The moment shown is real: a bar between 35 and 75%.
  const shown = await page.locator('#uploader [role=progressbar]').evaluateAll((els) => els.map((el) => Number(el.getAttribute('aria-valuenow'))));
  assert.equal(shown[0], 100);
  assert.ok(shown[1] > 0 && shown[1] < 100, `mid-upload: ${shown}`);

  // Then let them finish and check what landed.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const uploads = await waitForSettled(page, 3);
  assert.deepEqual(uploads.map((u) => u.status), ['done', 'done', 'done']);
  for (const file of files) {
    const object = await getObject(stack.s3, uploads.find((u) => u.name === file.name).key);
    assert.equal(object.sha256, sha256(file.buffer), file.name);
    assert.equal(object.type, 'image/png');
    assert.equal(object.meta('alt'), 'Holiday pictures');
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
