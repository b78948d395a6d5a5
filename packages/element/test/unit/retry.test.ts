import t from 'tap';
import { MAX_RETRY_AFTER, backoff, isExpired, isRetryable, parseRetryAfter, retryDelay } from '../../src/core/retry.js';

t.test('retryable classification', async (t) => {
  for (const status of [0, 408, 429, 500, 502, 503, 504]) t.ok(isRetryable(status), `${status} is retryable`);
  for (const status of [400, 401, 403, 404, 413]) t.notOk(isRetryable(status), `${status} is final`);
  for (const code of ['SlowDown', 'InternalError', 'RequestTimeout', 'ServiceUnavailable'])
    t.ok(isRetryable(400, code), `${code} is retryable whatever the status`);
  for (const code of ['AccessDenied', 'EntityTooLarge', 'EntityTooSmall', 'InvalidPolicyDocument'])
    t.notOk(isRetryable(400, code), `${code} is final`);
  t.ok(isRetryable(503, 'SlowDown'));
});

t.test('an expired policy is recognised only from AccessDenied', async (t) => {
  t.ok(isExpired('AccessDenied', 'Policy expired'));
  t.ok(isExpired('AccessDenied', 'Invalid according to Policy: Policy expired.'));
  t.notOk(isExpired('AccessDenied', 'Policy check failed, variable not met condition: key'));
  t.notOk(isExpired('ExpiredToken', 'expired'));
});

t.test('exponential backoff with full jitter', async (t) => {
  const top = () => 0.999999;
  t.equal(backoff(1, 1000, () => 0), 0, 'full jitter reaches 0');
  t.equal(backoff(1, 1000, top), 999);
  t.equal(backoff(2, 1000, top), 1999);
  t.equal(backoff(3, 1000, top), 3999);
  t.equal(backoff(4, 1000, () => 0.5), 4000);
  t.equal(backoff(20, 1000, top), 29999, 'capped at 30 s');
  t.equal(backoff(20, 1000, top, 5000), 4999, 'custom cap');
  t.equal(backoff(0, 1000, () => 0.5), 500, 'n < 1 behaves like the first failure');
  // The schedule is a uniform draw below the ceiling: check the ceiling doubles with a seeded sequence.
  const draws = [0.1, 0.9, 0.5, 0.25];
  let i = 0;
  const seeded = () => draws[i++ % draws.length]!;
  t.same([1, 2, 3, 4].map((n) => backoff(n, 100, seeded)), [10, 180, 200, 200]);
});

t.test('retry delay honours Retry-After', async (t) => {
  t.equal(retryDelay(1, 1000, () => 0.5), 500);
  t.equal(retryDelay(1, 1000, () => 0.5, 3000), 3000, 'Retry-After wins when longer');
  t.equal(retryDelay(3, 1000, () => 0.99, 10), 3960, 'backoff wins when longer');
  t.equal(retryDelay(1, 10, () => 0, 24 * 3600_000), MAX_RETRY_AFTER, 'absurd Retry-After is capped');
});

t.test('Retry-After parsing', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.equal(parseRetryAfter('2', now), 2000);
  t.equal(parseRetryAfter(' 0 ', now), 0);
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  t.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a past date means now');
  t.equal(parseRetryAfter('soon', now), undefined);
  t.equal(parseRetryAfter('', now), undefined);
  t.equal(parseRetryAfter(null, now), undefined);
  t.equal(parseRetryAfter(undefined, now), undefined);
});
