// `pnpm start` (scripts/demo.mjs, after setup): it starts the local RGW, the signer and the demo site,
// prints the URLs, serves real uploads, and Ctrl-C (SIGINT) stops every daemon it started.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonStatus } from '@s3-upload/local-s3';
import { ROOT, freePort, getObject, sha256 } from '../lib/harness.mjs';

let child;
let dir;
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('pnpm start: one command serves the demo with real uploads, and Ctrl-C stops everything', async () => {
  // The test must never touch a developer's own demo data (.s3u/demo-rgw): it needs DEMO_DATA_DIR.
  const scriptPath = process.env.DEMO_SCRIPT ?? join(ROOT, 'scripts/demo.mjs');
  const script = await readFile(scriptPath, 'utf8');
  assert.ok(script.includes('DEMO_DATA_DIR'), 'scripts/demo.mjs must take its RGW folder from DEMO_DATA_DIR (default .s3u/demo-rgw)');

  dir = await mkdtemp(join(tmpdir(), 's3u-e2e-start-'));
  const [sitePort, signerPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  child = spawn(process.execPath, [scriptPath], {
    cwd: ROOT,
    env: {
      ...process.env,
      DEMO_DATA_DIR: join(dir, 'rgw'),
      DEMO_PORT: String(sitePort),
      SIGNER_PORT: String(signerPort),
      LOCAL_S3_PORT: String(s3Port),
      S3_ENDPOINT: '',
      S3_BUCKET: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const started = Date.now();
  while (!output.includes('Press Ctrl-C') && child.exitCode === null && Date.now() - started < 90_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(output.includes('Press Ctrl-C'), `the demo started:\n${output}`);
  const siteUrl = `http://127.0.0.1:${sitePort}`;
  assert.ok(output.includes(`${siteUrl}/`), 'it prints the site URL');

  // The pages answer; the no-JS form posts to the local RGW.
  for (const path of ['/', '/gallery', '/form-associated', '/themed', '/examples/script-tag/']) {
    assert.equal((await fetch(`${siteUrl}${path}`)).status, 200, path);
  }
  const form = await (await fetch(`${siteUrl}/form`)).text();
  assert.match(form, new RegExp(`<form action="http://127\\.0\\.0\\.1:${s3Port}/s3-upload-dev"`));
  assert.equal((await fetch(`${siteUrl}/s3-upload.bundle.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');

  // The printed curl example, run exactly as printed (bash, curl and jq) in an empty folder.
  const printed = output.slice(output.indexOf('Sign and upload a file with curl:'), output.indexOf('Press Ctrl-C'));
  const commands = printed.split('\n').slice(1).map((line) => line.replace(/^ {4}/, '')).join('\n').trim();
  assert.match(commands, /^echo 'hello, s3' > hello\.txt\ncurl .*\/v1\/sign/s, `the curl example is printed:\n${printed}`);
  const work = join(dir, 'curl');
  await mkdir(work);
  const ran = spawnSync('bash', ['-euo', 'pipefail', '-c', commands], { cwd: work, encoding: 'utf8' });
  assert.equal(ran.status, 0, `the printed commands ran:\n${ran.stderr}`);
  const key = /<Key>([^<]+)<\/Key>/.exec(ran.stdout)?.[1];
  assert.ok(key?.startsWith('files/demo/'), `S3 answered with the key:\n${ran.stdout}`);
  const state = JSON.parse(await readFile(join(dir, 'rgw', 'state.json'), 'utf8'));
  const object = await getObject(state, key);
  assert.equal(object.sha256, sha256('hello, s3\n'));
  assert.equal(object.type, 'text/plain');

  // Ctrl-C: everything stops, and the process exits 0.
  child.kill('SIGINT');
  const { code } = await exited;
  assert.equal(code, 0, output);
  assert.match(output, /Everything the demo started is stopped\./);
  assert.deepEqual(Object.values(await daemonStatus(join(dir, 'rgw'))), [null, null, null], 'no RGW daemon is left');
  await assert.rejects(fetch(`${siteUrl}/`), 'the site is down');
  await assert.rejects(fetch(`http://127.0.0.1:${signerPort}/healthz`), 'the signer is down');
});
