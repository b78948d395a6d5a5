// @ts-check
// Run: node --test tools/fault-proxy/test/
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mulberry32, startFaultProxy } from '../index.mjs';

/** @type {http.Server} */
let upstream;
let upstreamUrl = '';
/** @type {{ method: string, url: string, body: string, host: string }[]} */
let seen = [];

before(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, host: req.headers.host ?? '' });
      res.setHeader('etag', '"abc"');
      res.end(`echo ${req.method} ${req.url} ${body.length}`);
    });
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', () => r(undefined)));
  const a = /** @type {import('node:net').AddressInfo} */ (upstream.address());
  upstreamUrl = `http://127.0.0.1:${a.port}`;
});
after(() => new Promise((r) => upstream.close(() => r(undefined))));
beforeEach(() => {
  seen = [];
});

/**
 * @param {string} url
 * @param {{ method?: string, body?: Buffer | string, headers?: Record<string, string> }} [o]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }>}
 */
function request(url, o = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('fault-proxy', () => {
  it('forwards untouched when the plan is empty, with a path prefix, and closes connections', async () => {
    const proxy = await startFaultProxy({ target: `${upstreamUrl}/base` });
    try {
      assert.match(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await request(`${proxy.url}/bucket/key?x=1`, { method: 'POST', body: 'hello' });
      assert.equal(r.status, 200);
      assert.equal(r.body, 'echo POST /base/bucket/key?x=1 5');
      assert.equal(r.headers.etag, '"abc"');
      assert.equal(r.headers.connection, 'close');
      assert.equal(seen[0]?.host, new URL(upstreamUrl).host);
      assert.deepEqual(
        { requests: proxy.counters.requests, forwarded: proxy.counters.forwarded, faults: proxy.counters.faults, bytesIn: proxy.counters.bytesIn },
        { requests: 1, forwarded: 1, faults: 0, bytesIn: 5 },
      );
      assert.equal(proxy.counters.byPath['POST /bucket/key'], 1);
      assert.deepEqual(proxy.log.map((e) => e.fault), [null]);
    } finally {
      await proxy.close();
      await proxy.close(); // idempotent
    }
  });

  it('answers an injected status with an S3 XML body, Retry-After and CORS headers, then passes', async () => {
    const proxy = await startFaultProxy({
      target: upstreamUrl,
      plan: { rules: [{ method: 'POST', times: 1, fault: { type: 'status', status: 503, retryAfter: 2 } }] },
    });
    try {
      const r = await request(`${proxy.url}/b`, { method: 'POST', body: 'x'.repeat(1000), headers: { origin: 'http://127.0.0.1:9' } });
      assert.equal(r.status, 503);
      assert.match(r.body, /<Code>SlowDown<\/Code>/);
      assert.equal(r.headers['retry-after'], '2');
      assert.equal(r.headers['access-control-allow-origin'], 'http://127.0.0.1:9');
      assert.match(String(r.headers['access-control-expose-headers']), /Retry-After/);
      assert.equal(seen.length, 0, 'the faulted request never reached the target');
      assert.equal((await request(`${proxy.url}/b`, { method: 'POST', body: 'y' })).status, 200);
      assert.equal(proxy.counters.byFault.status, 1);
      assert.equal(proxy.counters.bytesIn, 1001);
    } finally {
      await proxy.close();
    }
  });

  it('answers JSON errors in the signer shape and leaves OPTIONS alone by default', async () => {
    const proxy = await startFaultProxy({
      target: upstreamUrl,
      plan: { rules: [{ path: '/v1/sign', fault: { type: 'status', status: 429, format: 'json', code: 'rate_limited', message: 'Slow down.' } }] },
    });
    try {
      assert.equal((await request(`${proxy.url}/v1/sign`, { method: 'OPTIONS' })).status, 200);
      assert.equal((await request(`${proxy.url}/v1/profiles/x`)).status, 200);
      const r = await request(`${proxy.url}/v1/sign`, { method: 'POST', body: '{}' });
      assert.equal(r.status, 429);
      assert.deepEqual(JSON.parse(r.body), { error: { code: 'rate_limited', message: 'Slow down.' } });
      assert.match(String(r.headers['content-type']), /json/);
    } finally {
      await proxy.close();
    }
  });

  it('drops the connection mid-body', async () => {
    const proxy = await startFaultProxy({ target: upstreamUrl, plan: { rules: [{ fault: { type: 'drop', afterBytes: 1000 } }] } });
    try {
      await assert.rejects(request(`${proxy.url}/b`, { method: 'POST', body: Buffer.alloc(64 * 1024) }), /ECONNRESET|socket hang up|EPIPE/);
      await assert.rejects(request(`${proxy.url}/b`, { method: 'POST', body: 'tiny' }), /ECONNRESET|socket hang up|EPIPE/);
      assert.equal(seen.length, 0);
      assert.equal(proxy.counters.byFault.drop, 2);
    } finally {
      await proxy.close();
    }
  });

  it('stalls (never answers) and resets after ms', async () => {
    const proxy = await startFaultProxy({ target: upstreamUrl, plan: { rules: [{ fault: { type: 'stall', afterBytes: 10, ms: 300 } }] } });
    try {
      const t0 = Date.now();
      await assert.rejects(request(`${proxy.url}/b`, { method: 'POST', body: Buffer.alloc(100) }), /ECONNRESET|socket hang up/);
      assert.ok(Date.now() - t0 >= 280, 'held for ms');
      assert.equal(seen.length, 0);
    } finally {
      await proxy.close();
    }
  });

  it('close() releases a request stalled forever', async () => {
    const proxy = await startFaultProxy({ target: upstreamUrl, plan: { rules: [{ fault: { type: 'stall' } }] } });
    const pending = request(`${proxy.url}/b`, { method: 'POST', body: 'abc' });
    await new Promise((r) => setTimeout(r, 100));
    await proxy.close();
    await assert.rejects(pending);
  });

  it('delays, throttles and adds latency', async () => {
    const proxy = await startFaultProxy({ target: upstreamUrl, plan: { rules: [{ times: 1, fault: { type: 'delay', ms: 300 } }] } });
    try {
      let t0 = Date.now();
      assert.equal((await request(`${proxy.url}/a`, { method: 'POST', body: 'x' })).status, 200);
      assert.ok(Date.now() - t0 >= 280);
      proxy.setPlan({ rules: [{ fault: { type: 'throttle', bytesPerSecond: 20_000 } }] });
      t0 = Date.now();
      const r = await request(`${proxy.url}/a`, { method: 'POST', body: Buffer.alloc(10_000) });
      assert.equal(r.body, 'echo POST /a 10000');
      assert.ok(Date.now() - t0 >= 400, `throttled (${Date.now() - t0} ms)`);
      proxy.setPlan({ latency: 200 });
      t0 = Date.now();
      await request(`${proxy.url}/a`);
      assert.ok(Date.now() - t0 >= 180);
      assert.equal(proxy.counters.forwarded, 3);
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 when the target is down', async () => {
    const proxy = await startFaultProxy({ target: 'http://127.0.0.1:1' });
    try {
      const r = await request(`${proxy.url}/x`, { method: 'POST', body: 'x' });
      assert.equal(r.status, 502);
      assert.match(r.body, /BadGateway/);
    } finally {
      await proxy.close();
    }
  });

  it('skip/times/method filters, and a seeded plan replays the same faults', async () => {
    const plan = {
      rules: [
        { method: 'PUT', fault: /** @type {const} */ ({ type: 'drop' }) },
        { method: 'POST', skip: 1, probability: 0.5, fault: /** @type {const} */ ({ type: 'status', status: 500 }) },
      ],
    };
    /** @param {number} seed */
    const run = async (seed) => {
      const proxy = await startFaultProxy({ target: upstreamUrl, seed, plan });
      try {
        const statuses = [];
        for (let i = 0; i < 12; i++) statuses.push((await request(`${proxy.url}/p`, { method: 'POST', body: 'x' })).status);
        return statuses;
      } finally {
        await proxy.close();
      }
    };
    const a = await run(42);
    const b = await run(42);
    assert.deepEqual(a, b);
    assert.equal(a[0], 200, 'skip: 1 lets the first through');
    assert.ok(a.includes(500) && a.includes(200), `a mix of faults: ${a}`);
    // The expected sequence is exactly the PRNG's draws.
    const rnd = mulberry32(42);
    assert.deepEqual(a.slice(1), a.slice(1).map(() => (rnd() < 0.5 ? 500 : 200)));
  });

  it('reset() restarts rules, counters and the PRNG; bad plans are refused', async () => {
    const proxy = await startFaultProxy({ target: upstreamUrl, plan: { rules: [{ times: 1, fault: { type: 'status', status: 500 } }] } });
    try {
      assert.equal((await request(`${proxy.url}/`)).status, 500);
      assert.equal((await request(`${proxy.url}/`)).status, 200);
      proxy.reset({ rules: [{ times: 1, fault: { type: 'status', status: 418 } }] });
      assert.equal(proxy.counters.requests, 0);
      assert.equal((await request(`${proxy.url}/`)).status, 418);
      assert.match((await request(`${proxy.url}/`)).body, /^echo/);
      assert.throws(() => proxy.setPlan(/** @type {any} */ ({ rules: [{ fault: { type: 'boom' } }] })), /fault.type/);
      assert.throws(() => proxy.setPlan({ rules: [{ probability: 2, fault: { type: 'drop' } }] }), /probability/);
      assert.throws(() => proxy.setPlan({ rules: [{ fault: { type: 'status', status: 9 } }] }), /status/);
      assert.throws(() => proxy.setPlan({ rules: [{ fault: { type: 'throttle', bytesPerSecond: 0 } }] }), /bytesPerSecond/);
      assert.throws(() => proxy.setPlan(/** @type {any} */ (null)), /object/);
      proxy.resetCounters();
      assert.equal(proxy.log.length, 0);
    } finally {
      await proxy.close();
    }
  });
});
