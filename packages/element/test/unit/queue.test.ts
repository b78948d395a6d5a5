import t from 'tap';
import { MAX_RESIGNS, UploadQueue, expiring, isActive, snapshot, type QueueOptions, type Signature } from '../../src/core/queue.js';
import type { Failure } from '../../src/core/retry.js';

const NOW = 1_000_000;
const sig = (signedAt = NOW, lifetime = 300_000): Signature => ({
  url: 'http://s3/b',
  fields: { key: 'k' },
  key: 'k',
  bucket: 'b',
  signedAt,
  expiresAt: signedAt + lifetime,
});
const failure = (over: Partial<Failure> = {}): Failure => ({ code: 'SlowDown', message: 'busy', status: 503, retryable: true, ...over });
const queue = (over: Partial<QueueOptions> = {}) =>
  new UploadQueue<string>({ concurrency: 2, retries: 2, retryDelay: 100, batch: 20, random: () => 0.5, ...over });

/** Adds n files and signs them all. */
function signedQueue(n: number, over: Partial<QueueOptions> = {}) {
  const q = queue(over);
  for (let i = 0; i < n; i++) q.add(`${i}`, `f${i}`, 10, false);
  const batch = q.toSign(NOW);
  q.signing(batch);
  for (const item of batch) q.signed(item, sig());
  return q;
}

t.test('adding items', async (t) => {
  const q = queue();
  const a = q.add('a', 'file-a', 5, false);
  const b = q.add('b', 'file-b', 7, true);
  const c = q.add('c', 'file-c', 9, false, { code: 'too_large', message: 'big', retryable: false });
  t.match(a, { status: 'queued', total: 5, loaded: 0, attempts: 0, held: false });
  t.equal(b.held, true);
  t.match(c, { status: 'error', error: { code: 'too_large' } });
  t.equal(q.find('b'), b);
  t.equal(q.find('zz'), undefined);
  t.ok(isActive(a));
  t.notOk(isActive(c));
  t.same(snapshot(a), {
    id: 'a',
    file: 'file-a',
    status: 'queued',
    loaded: 0,
    total: 5,
    key: undefined,
    bucket: undefined,
    location: undefined,
    etag: undefined,
    error: undefined,
    attempts: 0,
  });
  t.not(snapshot(a), a, 'a copy');
});

t.test('one signing batch at a time, held items wait for start()', async (t) => {
  const q = queue({ batch: 3 });
  for (let i = 0; i < 5; i++) q.add(`${i}`, `f${i}`, 10, i === 4);
  const first = q.toSign(NOW);
  t.same(
    first.map((i) => i.id),
    ['0', '1', '2'],
    'limited to the batch size',
  );
  q.signing(first);
  t.same(q.toSign(NOW), [], 'nothing while a batch is in flight');
  t.same(q.toUpload(NOW), [], 'nothing signed yet');
  for (const item of first) q.signed(item, sig());
  t.same(
    q.toSign(NOW).map((i) => i.id),
    ['3'],
    'the held item is not signed',
  );
  q.start();
  t.same(
    q.toSign(NOW).map((i) => i.id),
    ['3', '4'],
  );
  t.notOk(q.settled());
});

t.test('concurrency is respected', async (t) => {
  const q = signedQueue(5, { concurrency: 2 });
  const up = q.toUpload(NOW);
  t.equal(up.length, 2);
  for (const item of up) q.begin(item);
  t.same(q.toUpload(NOW), [], 'full');
  q.succeed(up[0]!, { key: 'k0', bucket: 'b', location: 'l', etag: 'e' });
  t.equal(q.toUpload(NOW).length, 1, 'one slot freed');
  q.options.concurrency = 4;
  t.equal(q.toUpload(NOW).length, 3, 'concurrency can change');
});

t.test('success', async (t) => {
  const q = signedQueue(1);
  const item = q.items[0]!;
  const run = q.begin(item);
  t.equal(item.attempts, 1);
  t.ok(q.current(item, run));
  t.notOk(q.current(item, run - 1));
  item.loaded = 4;
  t.same(q.totals(), { loaded: 4, total: 10 });
  q.succeed(item, { key: 'k', bucket: 'b', location: 'http://s3/b/k', etag: 'e' });
  t.match(item, { status: 'done', loaded: 10, key: 'k', etag: 'e', sig: undefined });
  t.notOk(q.current(item, run), 'a finished attempt is no longer current');
  t.ok(q.settled());
});

t.test('retryable failures back off and are bounded by retries + 1 attempts', async (t) => {
  const q = signedQueue(1, { retries: 2, retryDelay: 100, random: () => 0.5 });
  const item = q.items[0]!;
  q.begin(item);
  t.equal(q.fail(item, failure(), NOW, false), 'retry');
  t.equal(item.retryAt, NOW + 50, 'full jitter below the base');
  t.equal(item.status, 'queued');
  t.same(q.toUpload(NOW), [], 'waits for the backoff');
  t.equal(q.nextWake(NOW), NOW + 50);
  t.same(q.toUpload(NOW + 50), [item]);
  q.begin(item);
  t.equal(q.fail(item, failure({ retryAfter: 2000 }), NOW, false), 'retry');
  t.equal(item.retryAt, NOW + 2000, 'Retry-After honoured');
  q.begin(item);
  t.equal(item.attempts, 3);
  t.equal(q.fail(item, failure(), NOW, false), 'error', 'retries + 1 attempts, then final');
  t.match(item, { status: 'error', error: { code: 'SlowDown', message: 'busy', retryable: true, status: 503 } });
  t.equal(q.nextWake(NOW), undefined);
  t.same(q.totals(), { loaded: 0, total: 0 }, 'failed items leave the totals');
});

t.test('final failures are not retried', async (t) => {
  const q = signedQueue(1);
  const item = q.items[0]!;
  q.begin(item);
  t.equal(q.fail(item, failure({ code: 'EntityTooLarge', status: 400, retryable: false }), NOW, false), 'error');
  t.equal(item.attempts, 1);
  t.equal(item.error?.retryable, false);
  t.notOk(q.retry(item), 'retry() refuses a final error');
  t.equal(item.status, 'error');
});

t.test('offline failures wait without counting an attempt', async (t) => {
  const q = signedQueue(1, { retries: 0 });
  const item = q.items[0]!;
  q.begin(item);
  t.equal(q.fail(item, failure({ code: 'network', status: 0 }), NOW, true), 'wait');
  t.equal(item.attempts, 0);
  t.equal(item.status, 'queued');
  t.equal(item.retryAt, 0, 'no backoff: resumes as soon as the network is back');
  t.same(q.toUpload(NOW), [item]);
});

t.test('an expired policy is signed again without counting an attempt, a bounded number of times', async (t) => {
  const q = signedQueue(1, { retries: 0 });
  const item = q.items[0]!;
  for (let i = 0; i < MAX_RESIGNS; i++) {
    q.begin(item);
    t.equal(q.fail(item, failure({ code: 'AccessDenied', status: 403, retryable: false, expired: true }), NOW, false), 'retry');
    t.equal(item.attempts, 0);
    t.equal(item.sig, undefined, 'needs a new policy');
    t.same(q.toSign(NOW), [item]);
    q.signing([item]);
    q.signed(item, sig());
  }
  q.begin(item);
  t.equal(q.fail(item, failure({ code: 'AccessDenied', status: 403, retryable: false, expired: true }), NOW, false), 'error');
  t.equal(item.resigns, MAX_RESIGNS);
});

t.test('policies near expiry are signed again before an attempt', async (t) => {
  t.notOk(expiring(sig(NOW, 300_000), NOW));
  t.notOk(expiring(sig(NOW, 300_000), NOW + 289_999));
  t.ok(expiring(sig(NOW, 300_000), NOW + 290_000), 'within 10 s of a 5 min policy');
  t.notOk(expiring(sig(NOW, 2000), NOW + 1499));
  t.ok(expiring(sig(NOW, 2000), NOW + 1500), 'within a quarter of a short policy');
  const q = signedQueue(2);
  const [a, b] = q.items as [NonNullable<(typeof q.items)[0]>, NonNullable<(typeof q.items)[0]>];
  const later = NOW + 295_000;
  t.same(q.toUpload(later), [], 'an expiring policy is not used');
  t.same(q.toSign(later), [a, b], 're-signed in one batch');
});

t.test('signing requests: refusals per file, failures as a whole', async (t) => {
  const q = queue({ retries: 1, retryDelay: 100, random: () => 0 });
  const a = q.add('a', 'a', 1, false);
  const b = q.add('b', 'b', 1, false);
  const c = q.add('c', 'c', 1, false);
  q.signing([a, b, c]);
  q.refused(a, { code: 'type_not_allowed', message: 'no', retryable: false });
  t.match(a, { status: 'error', error: { code: 'type_not_allowed' } });
  q.cancel(c);
  q.refused(c, { code: 'x', message: 'x', retryable: false });
  t.equal(c.status, 'canceled', 'a canceled item ignores a late answer');
  q.signed(c, sig());
  t.equal(c.sig, undefined);

  t.same(q.signFailed([a, b, c], failure(), NOW, true), [], 'offline: nothing fails');
  t.match(b, { status: 'queued', signFailures: 0 });
  q.signing([b]);
  t.same(q.signFailed([b], failure(), NOW, false), []);
  t.match(b, { status: 'queued', signFailures: 1, retryAt: NOW });
  q.signing([b]);
  t.same(q.signFailed([b], failure(), NOW, false), [b], 'retries exhausted');
  t.match(b, { status: 'error', error: { code: 'SlowDown', retryable: true } });
  const d = q.add('d', 'd', 1, false);
  q.signing([d]);
  t.same(q.signFailed([d], failure({ code: 'unauthorized', status: 401, retryable: false }), NOW, false), [d], 'final at once');
  t.equal(d.signFailures, 1);
});

t.test('a batch whose signing request failed is signed again in one request', async (t) => {
  let draw = 0;
  const q = queue({ retries: 3, retryDelay: 1000, random: () => [0.1, 0.5, 0.9][draw++ % 3]! });
  const batch = [1, 2, 3].map((n) => q.add(`batch-${n}`, `file-${n}`, 10, false));
  q.signing(batch);
  t.same(q.signFailed(batch, failure(), NOW, false), []);
  t.equal(new Set(batch.map((item) => item.retryAt)).size, 1, 'one wait for the batch, not one per file');
  t.ok(batch[0]!.retryAt > NOW, 'after a backoff');
  t.same(q.toSign(batch[0]!.retryAt - 1), [], 'nothing before it');
  t.same(q.toSign(batch[0]!.retryAt), batch, 'then all of them together');
});

t.test('cancel, retry, remove, start', async (t) => {
  const q = signedQueue(3);
  const [a, b, c] = q.items as [NonNullable<(typeof q.items)[0]>, NonNullable<(typeof q.items)[0]>, NonNullable<(typeof q.items)[0]>];
  const run = q.begin(a);
  t.ok(q.cancel(a), 'an uploading item');
  t.notOk(q.current(a, run), 'its attempt is stale');
  t.equal(a.status, 'canceled');
  t.notOk(q.cancel(a), 'already settled');
  t.ok(q.retry(a));
  t.match(a, { status: 'queued', attempts: 0, error: undefined, held: false });
  t.notOk(q.retry(b), 'a queued item has nothing to retry');
  q.begin(b);
  q.fail(b, failure(), NOW, false);
  q.begin(b);
  q.fail(b, failure(), NOW, false);
  q.begin(b);
  q.fail(b, failure(), NOW, false);
  t.equal(b.status, 'error');
  t.ok(q.retry(b), 'a retryable error');
  t.match(b, { status: 'queued', attempts: 0, signFailures: 0, resigns: 0, retryAt: 0 });
  t.equal(q.remove('2'), c);
  t.equal(c.status, 'canceled');
  t.same(
    q.items.map((i) => i.id),
    ['0', '1'],
  );
  t.equal(q.remove('nope'), undefined);
  const held = q.add('h', 'h', 1, true);
  t.equal(q.nextWake(NOW), undefined);
  held.retryAt = NOW + 5;
  t.equal(q.nextWake(NOW), undefined, 'held items do not wake the queue');
  q.start();
  t.equal(q.nextWake(NOW), NOW + 5);
});
