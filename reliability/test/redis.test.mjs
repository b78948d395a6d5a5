// Two real signer processes share one rate limit through Debian's redis-server (on a free loopback
// port, its own folder, no persistence). When Redis goes away, each fails the way its config says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, signerConfig, startSigner, TOKEN } from '../lib/signer.mjs';

async function startRedis() {
  const dir = await mkdtemp(join(tmpdir(), 's3u-rel-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; ; i += 1) {
    const up = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (i > 200) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const sign = (signer) =>
  fetch(`${signer.url}/v1/sign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'a.png', type: 'image/png', size: 10 }] }),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

test('two signer processes share the limit through Redis, and fail open or closed per config when it goes', async () => {
  const redis = await startRedis();
  const open = await startSigner({ config: signerConfig({ rateLimit: { max: 10, timeWindow: '1 minute', redis: redis.url, onStoreError: 'open' } }) });
  const closed = await startSigner({ config: signerConfig({ rateLimit: { max: 10, timeWindow: '1 minute', redis: redis.url, onStoreError: 'closed' } }) });
  try {
    const statuses = [];
    for (let i = 0; i < 14; i += 1) statuses.push((await sign(i % 2 ? closed : open)).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429, 429, 429, 429], 'the 11th request across both processes is limited');

    await redis.stop();
    const whenDown = { open: await sign(open), closed: await sign(closed) };
    assert.equal(whenDown.open.status, 200, 'onStoreError "open": the request goes through');
    assert.equal(whenDown.closed.status, 503, 'onStoreError "closed": 503');
    assert.equal(whenDown.closed.body.error.code, 'not_ready');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(open.lines.some((line) => /rate-limit store \(Redis at 127\.0\.0\.1:\d+\) is unavailable; failing OPEN/.test(line)), 'the open one says so');
    assert.ok(closed.lines.some((line) => /is unavailable; failing CLOSED/.test(line)), 'the closed one says so');
  } finally {
    await Promise.all([open.stop(), closed.stop(), redis.stop()]);
  }
});
