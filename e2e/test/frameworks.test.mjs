// examples/react and examples/vue: built with `vite build` (as their READMEs say), served statically
// with /v1 forwarded to the signer (as `vite preview` does), then used as a person would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT, getObject, makePng, openPage, sha256, startStack, uploadsOf } from '../lib/harness.mjs';
import { serveStatic } from '../lib/static-server.mjs';

const run = promisify(execFile);
let stack;
let out;
before(async () => {
  out = await mkdtemp(join(tmpdir(), 's3u-e2e-apps-'));
  stack = await startStack({ site: false });
});
after(async () => {
  await stack?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

async function build(example) {
  const cwd = join(ROOT, 'examples', example);
  const outDir = join(out, example);
  await run(process.execPath, [join(cwd, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 120_000,
  });
  return outDir;
}

async function exercise(example, heading) {
  const root = await build(example);
  const site = await serveStatic({ root, proxyTarget: stack.signer.url });
  try {
    const page = await openPage(stack.browser, `${site.url}/`);
    await page.getByRole('heading', { name: heading }).waitFor();
    const png = makePng(80, 60);
    const text = Buffer.from(`uploaded from ${example}\n`);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.locator('s3-upload').getByRole('button', { name: 'Choose files' }).click(),
    ]);
    await chooser.setFiles([
      { name: `${example}.png`, mimeType: 'image/png', buffer: png },
      { name: `${example}.txt`, mimeType: 'text/plain', buffer: text },
    ]);
    // The app's own state, fed by the element's events, lists both keys and a total of 100%.
    await page.waitForFunction(() => document.querySelectorAll('#uploaded li').length === 2, null, { timeout: 30_000 });
    assert.equal(await page.locator('#total').textContent(), '100%');
    const keys = await page.locator('#uploaded li').evaluateAll((els) => els.map((el) => el.dataset.key));
    const items = await uploadsOf(page);
    assert.deepEqual(items.map((u) => u.status), ['done', 'done']);
    assert.deepEqual(keys.sort(), items.map((u) => u.key).sort());
    const pngKey = keys.find((k) => k.endsWith('.png'));
    assert.match(pngKey, new RegExp(`^files/demo/[0-9a-f-]{36}/${example}\\.png$`));
    const image = await getObject(stack.s3, pngKey);
    assert.equal(image.sha256, sha256(png));
    assert.equal(image.type, 'image/png');
    const note = await getObject(stack.s3, keys.find((k) => k.endsWith('.txt')));
    assert.equal(note.sha256, sha256(text));
    assert.equal(note.type, 'text/plain');
    // A method through the framework's ref: "Clear the list" empties the element.
    await page.getByRole('button', { name: 'Clear the list' }).click();
    assert.deepEqual(await uploadsOf(page), []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await site.close();
  }
}

test('examples/react: builds, and the app uploads with typed props and events', async () => {
  // The typing of <s3-upload> in JSX is part of the example: it must type-check.
  const cwd = join(ROOT, 'examples', 'react');
  await run(process.execPath, [join(cwd, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd, timeout: 120_000 });
  await exercise('react', 'React + <s3-upload>');
});

test('examples/vue: builds, and the app uploads', async () => {
  await exercise('vue', 'Vue + <s3-upload>');
});
