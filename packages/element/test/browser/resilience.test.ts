import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { S3Upload } from '../../src/index.js';
import {
  bytesOf,
  completed,
  counters,
  getObject,
  listKeys,
  makeFile,
  plan,
  record,
  restoreOnline,
  setOnline,
  signRequests,
  sleep,
  unique,
  until,
  mount,
} from './helpers.js';

const posts = async (): Promise<number> => (await counters()).s3.byMethod.POST ?? 0;
const startsOf = (log: ReturnType<typeof record>) => log.filter((r) => r.type === 's3-upload-start');

describe('resilience', () => {
  beforeEach(async () => {
    await plan('s3');
    await plan('signer');
  });

  it('cancels mid-upload at once; nothing reports it done and nothing lands', async () => {
    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 64_000 } }] });
    const el = await mount();
    const log = record(el);
    const name = unique('slow.bin');
    await el.addFiles([makeFile(name, 600_000)]);
    await until(async () => el.uploads[0]!.status === 'uploading' && (await counters()).s3.bytesIn > 20_000, 'bytes flowing');
    await el.updateComplete;
    const cancel = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=cancel]')!;
    expect(cancel.getAttribute('aria-label')).to.equal(`Cancel ${name}`);
    const done = completed(el);
    cancel.click();
    expect(el.uploads[0]!.status).to.equal('canceled', 'at once');
    const detail = await done;
    expect(detail).to.deep.include({ succeeded: 0, canceled: 1 });
    const canceledAt = performance.now();
    await sleep(1500);
    const late = log.filter((r) => r.at > canceledAt && ['s3-upload-success', 's3-upload-progress', 's3-upload-error'].includes(r.type));
    expect(late).to.deep.equal([]);
    expect(log.some((r) => r.type === 's3-upload-success')).to.equal(false);
    expect(el.uploads[0]!.status).to.equal('canceled');
    expect(await listKeys(name)).to.deep.equal([]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button[part=retry]')!.getAttribute('aria-label')).to.equal(`Retry ${name}`);
  });

  it('retries after a dropped connection, 503 SlowDown (with and without Retry-After), 500 and 502, then lands', async () => {
    await plan('s3', {
      rules: [
        { method: 'POST', times: 1, fault: { type: 'drop', afterBytes: 800 } },
        { method: 'POST', times: 1, fault: { type: 'status', status: 503, retryAfter: 1 } },
        { method: 'POST', times: 1, fault: { type: 'status', status: 500 } },
        { method: 'POST', times: 1, fault: { type: 'status', status: 502, code: 'BadGateway' } },
        { method: 'POST', times: 1, fault: { type: 'status', status: 503 } },
      ],
    });
    const el = await mount({ retries: '5' });
    const log = record(el);
    const file = makeFile(unique('flaky.bin'), 20_000, 'application/octet-stream', 3);
    const done = completed(el);
    await el.addFiles([file]);
    const detail = await done;
    expect(detail.succeeded).to.equal(1);
    const [up] = el.uploads;
    expect(up!.attempts).to.equal(6, 'retries + 1 attempts: the last one lands');
    expect(await posts()).to.equal(6);
    expect((await counters()).s3.faults).to.equal(5);
    const starts = startsOf(log);
    expect(starts.map((s) => s.detail.attempt)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(starts[2]!.at - starts[1]!.at).to.be.at.least(950, 'Retry-After: 1 is honoured');
    expect(log.some((r) => r.type === 's3-upload-error')).to.equal(false, 'transient failures are not reported as errors');
    expect((await getObject(up!.key!)).bytes).to.deep.equal(await bytesOf(file));
  });

  it('gives up after retries + 1 attempts with a readable, retryable error; retry() then lands it', async () => {
    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'status', status: 503 } }] });
    const el = await mount({ retries: '2' });
    const errors: any[] = [];
    el.addEventListener('s3-upload-error', (ev) => errors.push(ev.detail));
    let done = completed(el);
    await el.addFiles([makeFile(unique('busy.bin'), 1000)]);
    await done;
    const [up] = el.uploads;
    expect(up!.status).to.equal('error');
    expect(up!.attempts).to.equal(3);
    expect(await posts()).to.equal(3);
    expect(up!.error).to.deep.equal({ code: 'SlowDown', message: 'Storage is busy. Try again later.', retryable: true, status: 503 });
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.include({ code: 'SlowDown', retryable: true, status: 503 });
    await plan('s3');
    await el.updateComplete;
    done = completed(el);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=retry]')!.click();
    await done;
    expect(el.uploads[0]!.status).to.equal('done');
    expect(el.uploads[0]!.attempts).to.equal(1, 'attempts start again after a manual retry');
  });

  it('survives seeded random faults (replayable): every file lands within its retries', async () => {
    await plan(
      's3',
      {
        rules: [
          { method: 'POST', probability: 0.2, fault: { type: 'drop', afterBytes: 500 } },
          { method: 'POST', probability: 0.2, fault: { type: 'status', status: 503, code: 'SlowDown' } },
          { method: 'POST', probability: 0.15, fault: { type: 'status', status: 500, code: 'InternalError' } },
        ],
      },
      42,
    );
    // One upload at a time keeps the order of requests, hence the faults, the same on every run.
    const el = await mount({ concurrency: '1', retries: '5' });
    const files = Array.from({ length: 8 }, (_, i) => makeFile(unique(`random-${i}.bin`), 3000, 'application/octet-stream', 100 + i));
    const done = completed(el);
    await el.addFiles(files);
    const detail = await done;
    expect(detail.succeeded).to.equal(8);
    const c = await counters();
    expect(c.s3.faults).to.be.at.least(3, 'faults were injected');
    const attempts = el.uploads.map((u) => u.attempts);
    expect(Math.max(...attempts)).to.be.at.most(6);
    expect(attempts.reduce((a, b) => a + b)).to.equal(c.s3.byMethod.POST, 'every attempt reached the proxy once');
    for (const [i, up] of el.uploads.entries()) expect((await getObject(up.key!)).bytes).to.deep.equal(await bytesOf(files[i]!));
  });

  it('retries signing requests (503 with Retry-After, a dropped connection, 429) and then uploads once', async () => {
    await plan('signer', {
      rules: [
        { path: '/v1/sign', times: 1, fault: { type: 'status', status: 503, format: 'json', code: 'not_ready', retryAfter: 1 } },
        { path: '/v1/sign', times: 1, fault: { type: 'drop' } },
        { path: '/v1/sign', times: 1, fault: { type: 'status', status: 429, format: 'json', code: 'rate_limited', retryAfter: 0 } },
      ],
    });
    const el = await mount();
    const t0 = performance.now();
    const done = completed(el);
    await el.addFiles([makeFile(unique('signed-late.bin'), 500)]);
    await done;
    expect(el.uploads[0]!.status).to.equal('done');
    expect(await signRequests()).to.equal(4);
    expect(el.uploads[0]!.attempts).to.equal(1);
    expect(await posts()).to.equal(1);
    expect(performance.now() - t0).to.be.at.least(950, 'Retry-After from the signer is honoured');
  });

  it('signs again, before retrying, a policy that expired while waiting (proactive)', async () => {
    // profile "short": policies live 2 s at most. The first POST gets 503 with Retry-After: 3.
    await plan('s3', { rules: [{ method: 'POST', times: 1, fault: { type: 'status', status: 503, retryAfter: 3 } }] });
    const el = await mount({ profile: 'short' });
    const done = completed(el);
    await el.addFiles([makeFile(unique('patient.bin'), 500)]);
    await done;
    expect(el.uploads[0]!.status).to.equal('done');
    expect(await signRequests()).to.equal(2, 'signed again');
    expect(await posts()).to.equal(2, 'no attempt with the expired policy');
    expect(el.uploads[0]!.attempts).to.equal(2);
  });

  it('signs again and retries when S3 says the policy expired, without counting an attempt (reactive)', async () => {
    // The proxy holds the first POST 2.5 s, so the 2 s policy expires on the way: RGW answers 403 "Policy expired".
    await plan('s3', { rules: [{ method: 'POST', times: 1, fault: { type: 'delay', ms: 2500 } }] });
    const el = await mount({ profile: 'short', retries: '0' });
    const done = completed(el);
    await el.addFiles([makeFile(unique('late.bin'), 500)]);
    await done;
    const [up] = el.uploads;
    expect(up!.status).to.equal('done');
    expect(up!.attempts).to.equal(1, 'the expired attempt is not counted (retries is 0)');
    expect(await signRequests()).to.equal(2);
    expect(await posts()).to.equal(2);
  });

  it('completes a queue that runs longer than expiresIn', async () => {
    await plan('s3', { rules: [{ method: 'POST', fault: { type: 'throttle', bytesPerSecond: 40_000 } }] });
    const el = await mount({ profile: 'short', concurrency: '1', retries: '0' });
    const files = Array.from({ length: 4 }, (_, i) => makeFile(unique(`long-${i}.bin`), 25_000, 'application/octet-stream', i + 9));
    const t0 = performance.now();
    const done = completed(el);
    await el.addFiles(files);
    const detail = await done;
    expect(performance.now() - t0).to.be.above(2000, 'longer than the policies live');
    expect(detail.succeeded).to.equal(4);
    expect(await signRequests()).to.be.at.least(2);
    expect(el.uploads.map((u) => u.attempts)).to.deep.equal([1, 1, 1, 1]);
  });

  it('detects a stalled upload, aborts it and retries', async () => {
    await plan('s3', { rules: [{ method: 'POST', times: 1, fault: { type: 'stall' } }] });
    const el = await mount({ 'stall-timeout': '1000' });
    const log = record(el);
    const file = makeFile(unique('stuck.bin'), 30_000);
    const done = completed(el);
    await el.addFiles([file]);
    await done;
    const [up] = el.uploads;
    expect(up!.status).to.equal('done');
    expect(up!.attempts).to.equal(2);
    const starts = startsOf(log);
    expect(starts[1]!.at - starts[0]!.at).to.be.within(950, 5000, 'aborted after about stall-timeout');
    expect((await getObject(up!.key!)).bytes).to.deep.equal(await bytesOf(file));
  });

  describe('offline', () => {
    let original: PropertyDescriptor | undefined;
    beforeEach(() => {
      original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine');
    });
    afterEach(() => {
      restoreOnline(original);
    });

    // navigator.onLine is stubbed and the offline/online events dispatched on window: the element
    // only reads that flag and those events, while the real network stays up for the test runner.
    it('waits while offline, then continues when back online', async () => {
      const el = await mount();
      setOnline(false);
      const name = unique('offline.txt');
      const done = completed(el);
      await el.addFiles([new File(['later'], name, { type: 'text/plain' })]);
      await sleep(600);
      expect(el.uploads[0]!.status).to.equal('queued');
      expect(el.uploads[0]!.attempts).to.equal(0);
      expect(await signRequests()).to.equal(0, 'not even signed while offline');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part=state]')!.textContent).to.equal('Offline, waiting');
      setOnline(true);
      await done;
      expect(el.uploads[0]!.status).to.equal('done');
      expect(el.uploads[0]!.attempts).to.equal(1);
      expect(await listKeys(name)).to.have.length(1);
    });

    it('a transfer lost while offline is not counted as an attempt', async () => {
      // The first POST hangs, then its connection is reset while the browser is "offline".
      await plan('s3', { rules: [{ method: 'POST', times: 1, fault: { type: 'stall', ms: 800 } }] });
      const el = await mount({ retries: '0' });
      const done = completed(el);
      await el.addFiles([makeFile(unique('lost.bin'), 5000)]);
      await until(async () => (await counters()).s3.faults === 1, 'the first POST is stalled');
      setOnline(false);
      await until(() => el.uploads[0]!.status === 'queued', 'the lost transfer waits', 5000);
      expect(el.uploads[0]!.attempts).to.equal(0);
      await sleep(300);
      expect(await posts()).to.equal(1, 'no new attempt while offline');
      setOnline(true);
      await done;
      expect(el.uploads[0]!.status).to.equal('done', 'retries is 0, yet it lands: the lost attempt was not counted');
      expect(el.uploads[0]!.attempts).to.equal(1);
    });
  });
});
