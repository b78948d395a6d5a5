import t from 'tap';
import { ALICE_TOKEN, BOB_TOKEN, testConfig } from './support/config.js';
import { captureLog } from './support/log.js';
import { startRedis } from './support/redis.js';
import { serverFor } from './support/server.js';

const alice = { authorization: `Bearer ${ALICE_TOKEN}` };
const bob = { authorization: `Bearer ${BOB_TOKEN}` };
const cat = { name: 'cat.png', type: 'image/png', size: 48213 };
const sign = { method: 'POST' as const, url: '/v1/sign', payload: { profile: 'avatars', files: [cat] } };

t.test('two signer instances share one rate limit through Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.close());
  const config = testConfig({ rateLimit: { max: 6, timeWindow: '1 minute', redis: redis.url } });
  const a = await serverFor(t, config);
  const b = await serverFor(t, config);
  const statuses: number[] = [];
  const remaining: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    const app = i % 2 === 0 ? a.app : b.app;
    const response = await app.inject({ ...sign, headers: alice });
    statuses.push(response.statusCode);
    remaining.push(String(response.headers['x-ratelimit-remaining']));
  }
  t.same(statuses, [200, 200, 200, 200, 200, 200, 429, 429], 'the 7th request overall is limited, whichever instance takes it');
  t.same(remaining.slice(0, 6), ['5', '4', '3', '2', '1', '0'], 'the count is shared');
  const limited = await b.app.inject({ ...sign, headers: alice });
  t.equal(limited.json().error.code, 'rate_limited');
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.equal((await a.app.inject({ ...sign, headers: bob })).statusCode, 200, 'another subject has its own count');
});

t.test('Redis gone with onStoreError "open": requests go through, and the log says so', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.close());
  const log = captureLog('info');
  const { app } = await serverFor(t, testConfig({ rateLimit: { max: 2, redis: redis.url, onStoreError: 'open' } }), { logger: log.logger });
  t.equal((await app.inject({ ...sign, headers: alice })).statusCode, 200);
  await redis.stop();
  for (let i = 0; i < 4; i += 1) {
    const response = await app.inject({ ...sign, headers: alice });
    t.equal(response.statusCode, 200, 'fails open: no limit while Redis is away');
  }
  const line = await log.waitFor(/rate-limit store/);
  t.match(JSON.parse(line), { level: 50, msg: /unavailable; failing OPEN/ });
  t.notMatch(log.text(), /failing CLOSED/);
  await redis.start();
  t.match(JSON.parse(await log.waitFor(/is back; rate limits are shared again/, 8000)), { level: 30, store: `127.0.0.1:${redis.port}` });
  // A fresh count (nothing was persisted), though a command queued during the outage may still land on reconnect.
  const statuses: number[] = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await app.inject({ ...sign, headers: alice })).statusCode);
  t.equal(statuses.at(-1), 429, `the limit applies again once Redis is back (${statuses.join(', ')})`);
});

t.test('Redis gone with onStoreError "closed" (the default): 503 not_ready, never a 500, and the log says so', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.close());
  const log = captureLog('info');
  const { app } = await serverFor(t, testConfig({ rateLimit: { max: 100, redis: `redis://127.0.0.1:${redis.port}/0` } }), { logger: log.logger });
  t.equal((await app.inject({ ...sign, headers: alice })).statusCode, 200);
  await redis.stop();
  for (let i = 0; i < 3; i += 1) {
    const started = Date.now();
    const response = await app.inject({ ...sign, headers: alice });
    t.equal(response.statusCode, 503);
    t.same(response.json(), {
      error: { code: 'not_ready', message: 'Requests cannot be checked against the rate limit right now; try again shortly.' },
    });
    t.equal(response.headers['retry-after'], '5');
    t.ok(Date.now() - started < 2000, 'a store failure costs a request well under 2 s');
  }
  const profiles = await app.inject({ method: 'GET', url: '/v1/profiles/avatars' });
  t.equal(profiles.statusCode, 503, 'public routes are rate limited too, so they fail closed too');
  t.match(JSON.parse(await log.waitFor(/is unavailable/)), { level: 50, msg: /failing CLOSED.*503/, store: `127.0.0.1:${redis.port}` });
  t.match(log.text(), /rate-limit store \(Redis\) failed: failing closed with 503/);
  t.notMatch(log.text(), /failing OPEN/);
});

t.test('Redis down from the start: the signer still starts, fails per config, and the URL password never reaches the log', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.close());
  await redis.stop();
  const log = captureLog('debug');
  const config = testConfig({ rateLimit: { redis: `redis://:redis-password-do-not-log@127.0.0.1:${redis.port}`, onStoreError: 'open' } });
  const { app } = await serverFor(t, config, { logger: log.logger });
  t.equal((await app.inject({ ...sign, headers: alice })).statusCode, 200);
  t.match(JSON.parse(await log.waitFor(/failing OPEN/)), { store: `127.0.0.1:${redis.port}`, reason: /ECONNREFUSED/ });
  t.notMatch(log.text(), /redis-password-do-not-log/);
});
