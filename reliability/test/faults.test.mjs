// Faults end to end, in Chromium, against real RGW, through seeded fault proxies.
// RELIABILITY_BREAK=retries (retries=0) or =resign (the bundle's re-sign logic patched out) breaks the
// element on purpose: the tests below must then fail. FAULT_SEED replays another fault sequence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileBytes, fileSet, sha256, startWorld } from '../lib/browser.mjs';

const BREAK = process.env.RELIABILITY_BREAK ?? '';
const SEED = Number(process.env.FAULT_SEED ?? 1);

/** About 20% of upload attempts faulted: six faults at ~3.6% each, tried in order. */
const p = 0.036;
const S3_FAULTS = {
  latency: 10,
  rules: [
    { method: 'POST', probability: p, fault: { type: 'drop', afterBytes: 1500 } },
    { method: 'POST', probability: p, fault: { type: 'status', status: 503, code: 'SlowDown', retryAfter: 1 } },
    { method: 'POST', probability: p, fault: { type: 'status', status: 503, code: 'SlowDown' } },
    { method: 'POST', probability: p, fault: { type: 'status', status: 500 } },
    { method: 'POST', probability: p, fault: { type: 'status', status: 502 } },
    { method: 'POST', probability: p, fault: { type: 'stall', afterBytes: 1000, ms: 8000 } },
  ],
};
const SIGNER_FAULTS = {
  rules: [
    { method: 'POST', path: '/v1/sign', probability: 0.05, fault: { type: 'status', status: 503, format: 'json', retryAfter: 1 } },
    { method: 'POST', path: '/v1/sign', probability: 0.05, fault: { type: 'status', status: 502, format: 'json' } },
    { method: 'POST', path: '/v1/sign', probability: 0.05, fault: { type: 'drop' } },
    { method: 'POST', path: '/v1/sign', probability: 0.05, fault: { type: 'delay', ms: 700 } },
  ],
};

async function checkBucket(t, world, files, events) {
  const successes = events.filter((e) => e.type === 's3-upload-success');
  const keys = await world.listKeys();
  assert.equal(keys.length, files.length, `exactly ${files.length} objects in the bucket (got ${keys.length})`);
  assert.deepEqual([...keys].sort(), successes.map((e) => e.key).sort(), 'the objects are exactly the reported ones: no duplicates, no strays');
  const byName = new Map(files.map((f) => [f.name, f]));
  let bytes = 0;
  for (const event of successes) {
    const file = byName.get(event.name);
    const body = await world.getObject(event.key);
    bytes += body.length;
    assert.equal(body.length, file.size, `${event.name}: size`);
    assert.equal(sha256(body), sha256(fileBytes(file.seed, file.size)), `${event.name}: SHA-256`);
  }
  return bytes;
}

test('200 files, ~20% of attempts faulted: every file lands once, byte for byte', { timeout: 300_000 }, async (t) => {
  const retries = BREAK === 'retries' ? 0 : 6;
  const world = await startWorld({ s3Plan: S3_FAULTS, signerPlan: SIGNER_FAULTS, seed: SEED });
  try {
    const files = fileSet(200, SEED + 6);
    await world.mount({ retries, 'retry-delay': 200, 'stall-timeout': 2500, concurrency: 4, 'max-files': 1000 });
    const started = Date.now();
    await world.addFiles(files);
    await world.waitComplete(240_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const took = Date.now() - started;
    const events = await world.events();
    const uploads = await world.uploads();
    const count = (type) => events.filter((e) => e.type === type).length;

    assert.equal(count('s3-upload-complete'), 1, 'one s3-upload-complete');
    const notDone = uploads.filter((u) => u.status !== 'done');
    assert.deepEqual(notDone.slice(0, 5), [], `every file ends done (${notDone.length} did not)`);
    assert.equal(count('s3-upload-error'), 0, 'no file failed');
    const perName = new Map();
    for (const e of events.filter((e) => e.type === 's3-upload-success')) perName.set(e.name, (perName.get(e.name) ?? 0) + 1);
    assert.equal(perName.size, 200, 'a success for every file');
    assert.ok([...perName.values()].every((n) => n === 1), 'exactly one success per file');
    const maxAttempts = Math.max(...uploads.map((u) => u.attempts));
    assert.ok(maxAttempts <= retries + 1, `attempts within the bound (max ${maxAttempts}, bound ${retries + 1})`);
    const bytes = await checkBucket(t, world, files, events);

    const { counters } = world.s3Proxy;
    const posts = counters.byMethod.POST ?? 0;
    const share = counters.faults / posts;
    assert.ok(share > 0.1 && share < 0.35, `about 20% of upload attempts faulted (${counters.faults}/${posts})`);
    assert.ok(world.signerProxy.counters.faults > 0, 'signing requests were faulted too');
    assert.deepEqual(world.leaks(), [], 'no secret in the signer log (debug)');
    console.log(
      `# 200 files, ${(bytes / 1024 ** 2).toFixed(1)} MB in ${(took / 1000).toFixed(1)} s; S3 faults ${counters.faults}/${posts} POSTs ` +
        `(${JSON.stringify(counters.byFault)}), signer faults ${world.signerProxy.counters.faults}/${world.signerProxy.counters.requests}; max attempts ${maxAttempts}`,
    );
  } finally {
    await world.close();
  }
});

test('a long queue outlives its 3 s policies: they are signed again and every file lands', { timeout: 180_000 }, async (t) => {
  const world = await startWorld({
    expiresIn: 3,
    seed: SEED,
    breaks: BREAK === 'resign' ? ['resign'] : [],
    s3Plan: {
      rules: [
        // Six uploads are held 4 s before RGW sees them: their policies expire in flight (S3 says so).
        { method: 'POST', probability: 0.3, times: 6, fault: { type: 'delay', ms: 4000 } },
        { method: 'POST', fault: { type: 'delay', ms: 600 } },
      ],
    },
  });
  try {
    const files = fileSet(30, SEED + 9).map((f) => ({ ...f, size: Math.min(f.size, 200_000) }));
    await world.mount({ retries: 3, 'retry-delay': 200, 'stall-timeout': 0, concurrency: 2, 'max-files': 1000 });
    await world.addFiles(files);
    await world.waitComplete(150_000);
    const events = await world.events();
    const uploads = await world.uploads();
    const notDone = uploads.filter((u) => u.status !== 'done');
    assert.deepEqual(notDone.slice(0, 3), [], `every file ends done (${notDone.length} did not)`);
    await checkBucket(t, world, files, events);
    const signs = world.signerProxy.counters.byPath['POST /v1/sign'] ?? 0;
    assert.ok(signs > 2, `policies were signed again (${signs} signing requests for 30 files in batches of 20)`);
    const expiredInFlight = world.s3Proxy.counters.byFault.delay ?? 0;
    console.log(`# long queue: 30 files, ${signs} signing requests, ${expiredInFlight} delayed uploads, max attempts ${Math.max(...uploads.map((u) => u.attempts))}`);
  } finally {
    await world.close();
  }
});
