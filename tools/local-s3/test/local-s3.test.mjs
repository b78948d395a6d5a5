// @ts-check
// Run: node --test tools/local-s3/test/
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEV_ACCESS_KEY,
  DEV_SECRET_KEY,
  isOurProcess,
  preflight,
  s3Request,
  signV4,
  startLocalS3,
  stopLocalS3,
  httpRequest,
} from '../index.mjs';

/** @typedef {Awaited<ReturnType<typeof startLocalS3>>} LocalS3 */

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie still answers kill(0)
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** @type {string[]} */
const dirs = [];
/** @type {LocalS3[]} */
let clusters = [];
const logs = /** @type {string[]} */ ([]);
const log = (/** @type {string} */ s) => logs.push(s);

describe('local-s3 (one-node Ceph RGW)', { timeout: 240_000 }, () => {
  before(async () => {
    for (let i = 0; i < 2; i++) dirs.push(await mkdtemp(path.join(os.tmpdir(), 's3u-rgw-test-')));
    // Warm-up / install check happens inside startLocalS3; time each start.
    const t0 = Date.now();
    clusters = await Promise.all(
      dirs.map(async (dir) => {
        const t = Date.now();
        const s3 = await startLocalS3({ dir, log });
        console.log(`start (${path.basename(dir)}, parallel with another): ${((Date.now() - t) / 1000).toFixed(2)} s`);
        return s3;
      }),
    );
    console.log(`two parallel starts done in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
  });

  after(async () => {
    await Promise.all(dirs.map((d) => stopLocalS3(d).catch(() => {})));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('gives each cluster its own dir, ports and daemons', () => {
    const [a, b] = /** @type {[LocalS3, LocalS3]} */ (clusters);
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dir, b.dir);
    for (const s3 of clusters) {
      assert.equal(s3.region, 'us-east-1');
      assert.equal(s3.accessKeyId, DEV_ACCESS_KEY);
      assert.equal(s3.secretAccessKey, DEV_SECRET_KEY);
      assert.equal(s3.endpoint, `http://127.0.0.1:${s3.port}`);
      assert.equal(s3.pids.length, 3);
      for (const pid of s3.pids) assert.ok(isOurProcess(pid, s3.dir), `pid ${pid} belongs to ${s3.dir}`);
    }
  });

  it('writes state.json', async () => {
    for (const s3 of clusters) {
      const st = JSON.parse(await readFile(path.join(s3.dir, 'state.json'), 'utf8'));
      for (const k of ['endpoint', 'port', 'bucket', 'accessKeyId', 'secretAccessKey', 'pids', 'objectstore']) {
        assert.deepEqual(st[k], /** @type {any} */ (s3)[k], k);
      }
    }
  });

  it('PUTs and GETs an object with SigV4, clusters are separate', async () => {
    const [a, b] = /** @type {[LocalS3, LocalS3]} */ (clusters);
    const body = `hello from ${a.dir} ${'x'.repeat(1000)}`;
    const put = await s3Request(a, 'PUT', `/${a.bucket}/dir/hello world.txt`, {
      body,
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(put.status, 200, put.body.toString());
    assert.match(String(put.headers.etag), /^"[0-9a-f]{32}"$/);

    const get = await s3Request(a, 'GET', `/${a.bucket}/dir/hello%20world.txt`);
    assert.equal(get.status, 200);
    assert.equal(get.body.toString(), body);
    assert.equal(get.headers['content-type'], 'text/plain');

    const other = await s3Request(b, 'GET', `/${b.bucket}/dir/hello%20world.txt`);
    assert.equal(other.status, 404);
  });

  it('rejects a bad signature with 403', async () => {
    const a = /** @type {LocalS3} */ (clusters[0]);
    const res = await s3Request({ ...a, secretAccessKey: 'wrong' }, 'GET', `/${a.bucket}/dir/hello%20world.txt`);
    assert.equal(res.status, 403);
    assert.match(res.body.toString(), /AccessDenied|SignatureDoesNotMatch/);
  });

  it('accepts UNSIGNED-PAYLOAD (like curl --aws-sigv4)', async () => {
    const a = /** @type {LocalS3} */ (clusters[0]);
    const url = `${a.endpoint}/${a.bucket}/unsigned.txt`;
    const headers = signV4({ method: 'PUT', url, payloadHash: 'UNSIGNED-PAYLOAD', accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey });
    const res = await httpRequest({ url, method: 'PUT', headers: { ...headers, 'content-length': '2' }, body: 'ok' });
    assert.equal(res.status, 200, res.body.toString());
  });

  it('answers the CORS preflight (wildcard port origins)', async () => {
    for (const s3 of clusters) {
      for (const origin of ['http://127.0.0.1:5555', 'http://localhost:3000']) {
        const res = await preflight(s3, origin, 'POST');
        assert.equal(res.status, 200, `${origin}: ${res.body}`);
        assert.equal(res.headers['access-control-allow-origin'], origin);
        assert.match(String(res.headers['access-control-expose-headers']), /\bETag\b/);
        assert.match(String(res.headers['access-control-allow-methods']), /POST/);
        assert.equal(res.headers['access-control-max-age'], '300');
      }
      const put = await preflight(s3, 'http://127.0.0.1:5555', 'PUT', 'some/key.bin');
      assert.equal(put.headers['access-control-allow-origin'], 'http://127.0.0.1:5555');
      const evil = await preflight(s3, 'http://evil.example', 'POST');
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
    }
  });

  it('a second start on the same dir reuses the running cluster', async () => {
    const a = /** @type {LocalS3} */ (clusters[0]);
    const t = Date.now();
    const again = await startLocalS3({ dir: a.dir, log });
    console.log(`reuse start: ${((Date.now() - t) / 1000).toFixed(2)} s`);
    assert.deepEqual(again.pids, a.pids);
    assert.equal(again.endpoint, a.endpoint);
    const get = await s3Request(again, 'GET', `/${a.bucket}/dir/hello%20world.txt`);
    assert.equal(get.status, 200);
  });

  it('stopRgw/startRgw: storage down, then back, data kept', async () => {
    const a = /** @type {LocalS3} */ (clusters[0]);
    const [monPid, osdPid, rgwPid] = /** @type {[number, number, number]} */ (a.pids);
    await a.stopRgw();
    assert.ok(!alive(rgwPid), 'radosgw stopped');
    assert.ok(alive(monPid) && alive(osdPid), 'mon and osd still up');
    await assert.rejects(s3Request(a, 'GET', `/${a.bucket}/dir/hello%20world.txt`), /ECONNREFUSED/);

    const t = Date.now();
    await a.startRgw();
    console.log(`radosgw restart: ${((Date.now() - t) / 1000).toFixed(2)} s`);
    assert.equal(a.pids[0], monPid);
    assert.equal(a.pids[1], osdPid);
    assert.notEqual(a.pids[2], rgwPid);
    const get = await s3Request(a, 'GET', `/${a.bucket}/dir/hello%20world.txt`);
    assert.equal(get.status, 200);
    assert.match(get.body.toString(), /^hello from /);
    const st = JSON.parse(await readFile(path.join(a.dir, 'state.json'), 'utf8'));
    assert.deepEqual(st.pids, a.pids);
  });

  it('prints memory use', () => {
    let total = 0;
    for (const pid of /** @type {LocalS3} */ (clusters[1]).pids) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    }
    console.log(`RSS of one idle cluster (mon+osd+rgw): ${(total / 1024).toFixed(0)} MB`);
  });

  it('never signals a process it did not start', async () => {
    // A foreign process whose pid is planted in a fake cluster dir's pid files.
    const fake = await mkdtemp(path.join(os.tmpdir(), 's3u-rgw-fake-'));
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await mkdir(path.join(fake, 'run'));
      for (const n of ['mon.a', 'osd.0', 'client.rgw']) await writeFile(path.join(fake, 'run', `${n}.pid`), `${sleeper.pid}\n`);
      await writeFile(path.join(fake, 'state.json'), JSON.stringify({ pids: [sleeper.pid, process.pid] }));
      // The pid of a cluster from ANOTHER dir must not count as ours either.
      const other = /** @type {LocalS3} */ (clusters[1]);
      assert.ok(!isOurProcess(/** @type {number} */ (other.pids[0]), fake));
      await stopLocalS3(fake);
      assert.ok(alive(/** @type {number} */ (sleeper.pid)), 'foreign process still alive');
      assert.ok(other.pids.every(alive), 'other cluster untouched');
    } finally {
      sleeper.kill();
      await rm(fake, { recursive: true, force: true });
    }
  });

  it('stop kills all daemons of both dirs and is idempotent', async () => {
    const pids = clusters.flatMap((s3) => s3.pids);
    await Promise.all(clusters.map((s3) => s3.stop()));
    for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} gone`);
    for (const dir of dirs) {
      // nothing left running with this dir's conf
      for (const p of await readdirNum('/proc')) assert.ok(!isOurProcess(p, dir), `pid ${p} still runs from ${dir}`);
    }
    await Promise.all(clusters.map((s3) => s3.stop())); // again: no-op
    const st = JSON.parse(await readFile(path.join(dirs[0] ?? '', 'state.json'), 'utf8'));
    assert.deepEqual(st.pids, []);
  });

  it('a start on a stopped dir brings the cluster back with its data', async () => {
    const a = /** @type {LocalS3} */ (clusters[0]);
    const t = Date.now();
    const again = await startLocalS3({ dir: a.dir, log });
    console.log(`restart of a stopped cluster: ${((Date.now() - t) / 1000).toFixed(2)} s`);
    try {
      assert.equal(again.endpoint, a.endpoint);
      const get = await s3Request(again, 'GET', `/${a.bucket}/dir/hello%20world.txt`);
      assert.equal(get.status, 200);
      assert.match(get.body.toString(), /^hello from /);
    } finally {
      await again.stop();
    }
    for (const pid of again.pids) assert.ok(!alive(pid));
  });
});

/** @param {string} d */
async function readdirNum(d) {
  return (await readdir(d)).filter((n) => /^\d+$/.test(n)).map(Number);
}
