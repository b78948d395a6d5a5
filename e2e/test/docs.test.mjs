// The docs stay true: the element reference matches custom-elements.json, the signer reference names
// every env variable and config key the signer reads, each example has a README with its commands,
// relative links resolve, and the README picture is a real 800 px wide PNG.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { generate } from '../../docs/generate-element-docs.mjs';
import { ROOT } from '../lib/harness.mjs';

const read = (path) => readFile(join(ROOT, path), 'utf8');

test('docs/element.md matches packages/element/custom-elements.json', async () => {
  const { current, expected } = await generate();
  assert.equal(current, expected, 'run `node docs/generate-element-docs.mjs` and commit docs/element.md');
  const manifest = JSON.parse(await read('packages/element/custom-elements.json'));
  const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 's3-upload');
  for (const event of element.events) assert.ok(current.includes(`\`${event.name}\``), event.name);
  for (const part of element.cssParts) assert.ok(current.includes(`| \`${part.name}\` |`), part.name);
});

test('docs/signer.md names every env variable and config key the signer reads', async () => {
  const doc = await read('docs/signer.md');
  const resolveSource = await read('packages/signer/src/config/resolve.ts');
  const envNames = new Set([...resolveSource.matchAll(/has\('([A-Z0-9_]+)'\)/g), ...resolveSource.matchAll(/\['(UPLOAD_[A-Z_]+)'/g)].map((m) => m[1]));
  assert.ok(envNames.size > 20, `found ${envNames.size} env names`);
  for (const name of envNames) assert.ok(doc.includes(name), `docs/signer.md mentions ${name}`);
  const schema = await read('packages/signer/src/config/schema.ts');
  const profileBlock = schema.slice(schema.indexOf('export const ProfileConfig'), schema.indexOf('export type ProfileConfig'));
  const profileKeys = [...profileBlock.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1]);
  assert.ok(profileKeys.length >= 10);
  for (const key of profileKeys) assert.ok(doc.includes(`| \`${key}\` |`), `profile key ${key} is in the table`);
  const fileBlock = schema.slice(schema.indexOf('export const FileConfig'));
  for (const key of ['s3', 'cors', 'auth', 'rateLimit', 'server', 'metrics', 'defaultProfile', 'profiles']) {
    assert.ok(fileBlock.includes(`${key}:`), `schema has ${key}`);
    assert.ok(doc.includes(`\`${key}`), `docs/signer.md covers ${key}`);
  }
  const cli = await read('packages/signer/src/cli.ts');
  for (const flag of cli.matchAll(/^\s+(\w+): \{ type: '(?:string|boolean)'/gm)) {
    if (!['help', 'version'].includes(flag[1])) assert.ok(doc.includes(`--${flag[1]}`), `CLI flag --${flag[1]}`);
  }
});

test('every example has a README with the commands to run it', async () => {
  for (const example of ['script-tag', 'no-js-form', 'react', 'vue', 'fastify-plugin', 'demo']) {
    const readme = await read(`examples/${example}/README.md`);
    assert.match(readme, /```sh\n/, `examples/${example}/README.md has a sh block`);
  }
});

test('relative links in docs/ and examples/ READMEs resolve', async () => {
  const files = [
    ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f)),
    ...['script-tag', 'no-js-form', 'react', 'vue', 'fastify-plugin', 'demo'].map((e) => join(ROOT, 'examples', e, 'README.md')),
  ];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const [, target] of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)(?:#[^)]*)?\)/g)) {
      assert.ok(existsSync(resolve(dirname(file), target)), `${file.slice(ROOT.length)} links to ${target}`);
    }
  }
});

test('docs/screenshot.png is a real PNG about 800 px wide', async () => {
  const png = await readFile(join(ROOT, 'docs', 'screenshot.png'));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 800);
  assert.ok(png.readUInt32BE(20) > 300, 'tall enough to show the element');
});
