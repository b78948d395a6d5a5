// Outages end to end, in Chromium, against real RGW and a real signer process: the browser goes
// offline (CDP), storage goes down (radosgw stopped), the signer goes down (its process stopped);
// each comes back, or (storage) stays down until the user presses Retry.
// RELIABILITY_BREAK=retries (retries=0), =offline (the bundle's offline handling patched out) or
// =rawxml (S3's error body shown as is) breaks the element on purpose: a test below must then fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileBytes, fileSet, sha256, startWorld } from '../lib/browser.mjs';

const BREAK = process.env.RELIABILITY_BREAK ?? '';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (async) until it is truthy; returns its value. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Every reported key is in the bucket, and (when `exact`) the bucket holds nothing else; SHA-256 of each. */
async function checkBucket(world, files, events, { exact = true } = {}) {
  const successes = events.filter((e) => e.type === 's3-upload-success');
  const keys = await world.listKeys();
  const reported = successes.map((e) => e.key).sort();
  const missing = reported.filter((k) => !keys.includes(k));
  assert.deepEqual(missing, [], 'nothing is reported as done that is not in the bucket');
  if (exact) assert.deepEqual([...keys].sort(), reported, `the bucket holds exactly the ${reported.length} reported objects`);
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const event of successes) {
    const file = byName.get(event.name);
    const body = await world.getObject(event.key);
    assert.equal(sha256(body), sha256(fileBytes(file.seed, file.size)), `${event.name}: SHA-256`);
  }
  return keys;
}

function assertAllDoneOnce(events, uploads, count, { errors = 0 } = {}) {
  const notDone = uploads.filter((u) => u.status !== 'done');
  assert.deepEqual(
    notDone.slice(0, 5).map((u) => ({ name: u.name, status: u.status, attempts: u.attempts, error: u.error?.message })),
    [],
    `every file ends done (${notDone.length} of ${uploads.length} did not)`,
  );
  assert.equal(uploads.length, count, `${count} files`);
  const perName = new Map();
  for (const e of events.filter((e) => e.type === 's3-upload-success')) perName.set(e.name, (perName.get(e.name) ?? 0) + 1);
  assert.equal(perName.size, count, 'a success for every file');
  assert.ok([...perName.values()].every((n) => n === 1), 'exactly one success per file');
  assert.equal(events.filter((e) => e.type === 's3-upload-error').length, errors, `${errors} s3-upload-error`);
}

const MB = 1024 ** 2;

/** One line of figures, printed before the assertions so that a broken run shows them too. */
function summary(label, uploads, extra) {
  const statuses = {};
  for (const u of uploads) statuses[u.status] = (statuses[u.status] ?? 0) + 1;
  const errors = [...new Set(uploads.filter((u) => u.error).map((u) => u.error.message))];
  const attempts = {};
  for (const u of uploads) attempts[u.attempts] = (attempts[u.attempts] ?? 0) + 1;
  console.log(`# ${label}: ${extra}; statuses ${JSON.stringify(statuses)}, files by attempts ${JSON.stringify(attempts)}${errors.length ? `, errors ${JSON.stringify(errors)}` : ''}`);
}

test('offline mid-queue (CDP): uploads wait without using retries and finish once back online', { timeout: 120_000 }, async () => {
  const world = await startWorld({
    breaks: BREAK === 'offline' ? ['offline'] : [],
    s3Plan: {
      latency: 20,
      rules: [
        // Uploads 5-8 stall (no bytes move, as on a dead link) when we go offline: the element's stall
        // timer aborts them while offline.
        { method: 'POST', skip: 4, times: 4, fault: { type: 'stall', afterBytes: 1000, ms: 60_000 } },
        // The others move at 2 MB/s each, so the queue is still in progress when we go offline.
        { method: 'POST', fault: { type: 'throttle', bytesPerSecond: 2_000_000 } },
      ],
    },
  });
  try {
    await world.tab.evaluate(() => {
      window.__net = [];
      for (const type of ['online', 'offline']) addEventListener(type, () => window.__net.push({ type, at: Date.now(), onLine: navigator.onLine }));
    });
    await world.countSignerCalls();
    const files = fileSet(26, 11).map((f) => ({ ...f, size: MB + f.index * 4099 }));
    await world.mount({ retries: 2, 'retry-delay': 200, 'stall-timeout': 2500, concurrency: 4, 'max-files': 1000 });
    await world.addFiles(files.slice(0, 20));
    await until(() => (world.s3Proxy.counters.byFault.stall ?? 0) >= 4, 30_000, 'the 4 stalled uploads');

    const offAt = Date.now();
    await world.network({ offline: true });
    const postsAtOff = world.s3Proxy.counters.byMethod.POST;
    await world.addFiles(files.slice(20)); // files chosen while offline wait too (no signing request)
    await sleep(4500); // longer than stall-timeout: the stalled attempts are aborted while offline
    const offline = await world.tab.evaluate(() => ({ onLine: navigator.onLine, net: [...window.__net] }));
    const rowsOffline = await world.rows();
    const uploadsOffline = await world.uploads();
    const postsOffline = world.s3Proxy.counters.byMethod.POST - postsAtOff;
    const onAt = Date.now();
    await world.network({ offline: false });

    await world.waitComplete(90_000);
    await sleep(500);
    const events = await world.events();
    const uploads = await world.uploads();
    const net = await world.tab.evaluate(() => window.__net);
    const signs = (await world.signerCalls()).filter((c) => c.path.endsWith('/v1/sign'));
    const waiting = rowsOffline.filter((r) => r.status !== 'done');
    const posts = world.s3Proxy.counters.byMethod.POST;
    summary(
      'offline',
      uploads,
      `${files.length} files, ${waiting.length} waiting during ${((onAt - offAt) / 1000).toFixed(1)} s offline (attempts then ${JSON.stringify(uploadsOffline.filter((u) => u.status !== 'done').map((u) => u.attempts))}), ` +
        `${postsOffline} POSTs and ${signs.filter((c) => c.at >= offAt && c.at < onAt).length} signing requests offline, ${posts} POSTs in all`,
    );

    // CDP's offline emulation is what the element listens to: `offline`, navigator.onLine, `online`.
    assert.equal(offline.onLine, false, 'navigator.onLine is false while offline');
    assert.deepEqual(offline.net.map((e) => e.type), ['offline'], 'CDP offline fires the window `offline` event');
    assert.deepEqual(net.map((e) => e.type), ['offline', 'online'], 'and back online fires `online`');
    // While offline: nothing is sent, nothing fails, every waiting file says so.
    assert.equal(postsOffline, 0, 'no upload is sent while offline');
    assert.equal(signs.filter((c) => c.at >= offAt && c.at < onAt).length, 0, 'no signing request while offline');
    const startsOffline = events.filter((e) => e.type === 's3-upload-start' && e.at >= offAt + 100 && e.at < onAt);
    assert.equal(startsOffline.length, 0, 'no upload attempt starts while offline');
    assert.ok(waiting.length >= 10, `files are still waiting while offline (${waiting.length})`);
    assert.deepEqual([...new Set(waiting.map((r) => `${r.status}: ${r.text}`))], ['queued: Offline, waiting'], 'each waiting file shows "Offline, waiting"');
    assert.ok(uploadsOffline.every((u) => u.status === 'done' || u.attempts === 0), 'an attempt cut while offline is not counted');
    // Back online: everything lands, once, byte for byte, and going offline used up no retries.
    assertAllDoneOnce(events, uploads, files.length);
    const counted = uploads.filter((u) => u.attempts !== 1);
    assert.deepEqual(counted.map((u) => `${u.name}: ${u.attempts} attempts`), [], 'every file took exactly one counted attempt');
    await checkBucket(world, files, events);
    assert.equal(posts, files.length + 4, 'the 4 uploads cut while offline were sent again, nothing else');
  } finally {
    await world.close();
  }
});

test('storage down mid-upload, back within the retry window: every file lands', { timeout: 120_000 }, async () => {
  const retries = BREAK === 'retries' ? 0 : 8;
  // Signed URLs point at RGW itself: while it is down the browser gets refused connections.
  const world = await startWorld({ directS3: true });
  try {
    const files = fileSet(24, 13).map((f) => ({ ...f, size: 512 * 1024 + f.index * 65_537 }));
    await world.network({ uploadThroughput: 3 * MB }); // slow enough that uploads are in flight
    await world.mount({ retries, 'retry-delay': 1000, 'stall-timeout': 5000, concurrency: 3, 'max-files': 1000 });
    await world.addFiles(files);
    await world.tab.waitForFunction(() => window.__events.filter((e) => e.type === 's3-upload-success').length >= 3, null, { timeout: 30_000, polling: 50 });
    const downAt = Date.now();
    await world.s3.stopRgw();
    const stoppedAt = Date.now();
    await sleep(2000);
    const during = await world.uploads();
    const rowsDown = await world.rows();
    await world.s3.startRgw();
    const upAt = Date.now();
    await world.network({});
    await world.waitComplete(90_000);
    await sleep(500);
    const events = await world.events();
    const uploads = await world.uploads();
    const failedWhileDown = during.filter((u) => u.status !== 'done' && u.attempts > 0);
    summary('storage down, back', uploads, `RGW down ${((upAt - downAt) / 1000).toFixed(1)} s (stopRgw took ${stoppedAt - downAt} ms), ${failedWhileDown.length} files had failed attempts while it was down`);

    assert.ok(failedWhileDown.length > 0, 'uploads were cut or refused while RGW was down');
    assert.ok(
      rowsDown.some((r) => r.text === 'Retrying soon'),
      `files wait for a retry while storage is down (${[...new Set(rowsDown.map((r) => r.text))].join(', ')})`,
    );
    assertAllDoneOnce(events, uploads, files.length);
    const maxAttempts = Math.max(...uploads.map((u) => u.attempts));
    assert.ok(maxAttempts <= retries + 1, `attempts within the bound (max ${maxAttempts})`);
    await checkBucket(world, files, events);
  } finally {
    await world.close();
  }
});

test('storage stays down: each file ends in error with a readable message and a Retry that works', { timeout: 120_000 }, async () => {
  // Through the proxy, as behind a gateway: while RGW is down each attempt gets a 502 with an S3 XML body.
  const world = await startWorld({
    breaks: BREAK === 'rawxml' ? ['rawxml'] : [],
    s3Plan: { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 2_000_000 } }] },
  });
  try {
    const files = fileSet(12, 17).map((f) => ({ ...f, size: 768 * 1024 + f.index * 10_007 }));
    await world.mount({ retries: 1, 'retry-delay': 100, 'stall-timeout': 5000, concurrency: 3, 'max-files': 1000 });
    await world.addFiles(files);
    await world.tab.waitForFunction(() => window.__events.filter((e) => e.type === 's3-upload-success').length >= 2, null, { timeout: 30_000, polling: 50 });
    await world.s3.stopRgw();
    await world.waitComplete(60_000);
    await sleep(300);
    const events = await world.events();
    const uploads = await world.uploads();
    const rows = await world.rows();
    summary('storage stays down', uploads, `shown: ${JSON.stringify([...new Set(rows.map((r) => `${r.status}: ${r.text}${r.retry ? ' [Retry]' : ''}`))])}`);

    const failed = uploads.filter((u) => u.status !== 'done');
    assert.ok(failed.length >= 5, `most files could not land (${failed.length} of ${files.length})`);
    assert.deepEqual([...new Set(failed.map((u) => u.status))], ['error'], 'each file that did not land ends in error');
    for (const u of failed) {
      const row = rows.find((r) => r.name === u.name);
      const message = u.error.message;
      assert.ok(message.length > 5 && message.length < 200 && !/[<>]|<\?xml|RequestId/i.test(message), `${u.name}: a readable message, no raw XML (${JSON.stringify(message)})`);
      assert.equal(row.status, 'error', `${u.name}: the list shows error`);
      assert.equal(row.text, message, `${u.name}: the list shows the message`);
      assert.ok(row.retry, `${u.name}: has a Retry button`);
      assert.equal(u.error.retryable, true, `${u.name}: retryable`);
    }
    assert.equal(events.filter((e) => e.type === 's3-upload-error').length, failed.length, 'one s3-upload-error per failed file');
    // Nothing reported as done is missing from the bucket (it may hold an object whose answer was lost).
    await world.s3.startRgw();
    await checkBucket(world, files, events, { exact: false });
    const messages = [...new Set(failed.map((u) => u.error.message))];

    for (const u of failed) await world.clickRetry(u.name);
    await world.tab.waitForFunction(() => window.__element.uploads.every((u) => u.status === 'done'), null, { timeout: 60_000, polling: 100 });
    await sleep(500);
    const after = await world.events();
    assertAllDoneOnce(after, await world.uploads(), files.length, { errors: failed.length });
    await checkBucket(world, files, after);
    console.log(`# storage stays down: ${failed.length} of ${files.length} files ended in error (${messages.map((m) => JSON.stringify(m)).join(', ')}); after Retry (clicked) with RGW back: all landed`);
  } finally {
    await world.close();
  }
});

test('signer down mid-queue, then back on the same port: signing is retried and every file lands', { timeout: 120_000 }, async () => {
  const retries = BREAK === 'retries' ? 0 : 8;
  const world = await startWorld({ s3Plan: { latency: 150 } });
  try {
    await world.countSignerCalls();
    const files = fileSet(60, 19).map((f) => ({ ...f, size: Math.min(f.size, 256 * 1024) }));
    // The page talks to the signer itself: while it is down, its port refuses connections.
    await world.mount({ retries, 'retry-delay': 1000, 'stall-timeout': 10_000, concurrency: 1, 'max-files': 1000 }, { directSigner: true });
    await world.addFiles(files.slice(0, 20));
    await world.tab.waitForFunction(() => window.__events.filter((e) => e.type === 's3-upload-success').length >= 3, null, { timeout: 30_000, polling: 50 });
    const downAt = Date.now();
    const exit = await world.stopSigner();
    await world.addFiles(files.slice(20)); // two more batches, to be signed while the signer is down
    await sleep(2500);
    const successesDown = (await world.events()).filter((e) => e.type === 's3-upload-success' && e.at > downAt).length;
    const rowsDown = await world.rows();
    await world.startSigner();
    const upAt = Date.now();
    await world.waitComplete(90_000);
    await sleep(500);
    const events = await world.events();
    const uploads = await world.uploads();
    const signs = (await world.signerCalls()).filter((c) => c.path.endsWith('/v1/sign'));
    const refused = signs.filter((c) => c.status === 0 && c.at >= downAt && c.at < upAt);
    const after = signs.filter((c) => c.at >= upAt);
    const sizes = (list) => list.map((c) => c.files).join(',');
    summary(
      'signer down, back',
      uploads,
      `signer down ${((upAt - downAt) / 1000).toFixed(1)} s, ${refused.length} signing requests refused, ${successesDown} uploads landed meanwhile, ` +
        `${signs.length} signing requests in all; files per signing request while down: ${sizes(refused)}; after: ${sizes(after)}`,
    );

    assert.equal(exit.code, 0, 'the signer stopped cleanly');
    assert.ok(refused.length >= 2, `signing was tried and retried while the signer was down (${refused.length} refused)`);
    assert.ok(successesDown > 0, `uploads already signed went on while the signer was down (${successesDown})`);
    assert.ok(rowsDown.some((r) => r.text === 'Retrying soon'), 'files waiting for a signature say "Retrying soon"');
    assert.ok(!rowsDown.some((r) => r.status === 'error'), 'no file failed while the signer was down');
    assertAllDoneOnce(events, uploads, files.length);
    assert.ok(after.length >= 2 && after.every((c) => c.status === 200), 'after the restart the pending batches were signed');
    await checkBucket(world, files, events);
    assert.deepEqual(world.leaks(), [], 'no secret in either signer log');
  } finally {
    await world.close();
  }
});
