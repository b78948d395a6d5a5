import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { S3Upload } from '../../src/index.js';
import { bytesOf, completed, counters, env, getObject, listKeys, makeFile, plan, record, signRequests, mount, unique, until, type Env } from './helpers.js';

let e: Env;


describe('uploads to the real signer and RGW', () => {
  before(async () => {
    e = await env();
  });
  beforeEach(async () => {
    await plan('s3');
    await plan('signer');
  });

  it('lands a file: bytes, Content-Type and metadata checked with a GET', async () => {
    const el = await mount();
    el.metadata = async (file) => ({ alt: `a picture called ${file.name}` });
    const name = unique('cat.png');
    const file = makeFile(name, 70_000, 'image/png', 7);
    const done = completed(el);
    const [item] = await el.addFiles([file]);
    expect(item!.status).to.equal('queued');
    const detail = await done;
    expect(detail.succeeded).to.equal(1);
    const up = el.uploads[0]!;
    expect(up.status).to.equal('done');
    expect(up.key).to.match(new RegExp(`^tests/tester/[0-9a-f-]{36}/${name}$`));
    expect(up.bucket).to.equal(e.bucket);
    expect(up.etag).to.match(/^[0-9a-f]{32}$/);
    expect(up.location).to.contain(encodeURIComponent(name));
    expect(up.loaded).to.equal(70_000);
    expect(up.total).to.equal(70_000);
    expect(up.attempts).to.equal(1);
    const stored = await getObject(up.key!);
    expect(stored.missing).to.equal(undefined);
    expect(stored.contentType).to.equal('image/png');
    expect(stored.metadata).to.deep.equal({ alt: `a picture called ${name}` });
    expect(stored.bytes).to.deep.equal(await bytesOf(file));
  });

  it('a page clock ten minutes ahead of the signer still uploads, with one signing request', async () => {
    const realNow = Date.now;
    Date.now = () => realNow() + 10 * 60_000;
    try {
      const el = await mount();
      const before = await signRequests();
      const done = completed(el);
      await el.addFiles([makeFile(unique('skewed.png'), 5_000, 'image/png', 3)]);
      const detail = await done;
      expect(detail.succeeded).to.equal(1);
      expect((await signRequests()) - before).to.equal(1, 'no re-sign loop: expiry is timed on the page clock');
      expect((await getObject(el.uploads[0]!.key!)).missing).to.equal(undefined);
    } finally {
      Date.now = realNow;
    }
  });

  it('signs in batches of the profile\'s maxFiles even when the attributes give every limit', async () => {
    const el = await mount({ profile: 'few', accept: 'text/plain', 'max-size': '1MB', 'max-files': '10' });
    const before = await signRequests();
    const done = completed(el);
    await el.addFiles(Array.from({ length: 7 }, (_, i) => new File([`file ${i}`], unique(`batch-${i}.txt`), { type: 'text/plain' })));
    const detail = await done;
    expect(detail.succeeded).to.equal(7, 'none refused as too many files for one request');
    expect((await signRequests()) - before).to.equal(3, '3 + 3 + 1');
  });

  it('with no profile named, checks files against the signer\'s default profile', async () => {
    const el = await mount({ profile: false });
    const before = await signRequests();
    const [refused] = await el.addFiles([new File(['MZ'], unique('tool.exe'), { type: 'application/x-msdownload' })]);
    expect(refused!.status).to.equal('error');
    expect(refused!.error!.code).to.equal('type_not_allowed');
    expect(await signRequests()).to.equal(before, 'refused before signing');
  });

  it('a file without a browser type is typed from its name; an async headers function is called per request', async () => {
    const el = await mount();
    let calls = 0;
    el.headers = async () => {
      calls++;
      return { authorization: `Bearer ${e.token}` };
    };
    const name = unique('notes.txt');
    const done = completed(el);
    await el.addFiles([new File(['hello, world'], name)]);
    await done;
    expect(calls).to.equal(1);
    const stored = await getObject(el.uploads[0]!.key!);
    expect(stored.contentType).to.equal('text/plain');
    expect(new TextDecoder().decode(stored.bytes)).to.equal('hello, world');
  });

  it('uploads many files in one signing request, never more than `concurrency` at once', async () => {
    const el = await mount({ concurrency: '3' });
    // A little latency at the S3 proxy keeps uploads overlapping, so the limit is really exercised.
    await plan('s3', { latency: 150 });
    let uploading = 0;
    let max = 0;
    const statuses = () => el.uploads.filter((u) => u.status === 'uploading').length;
    el.addEventListener('s3-upload-start', () => {
      uploading = statuses();
      max = Math.max(max, uploading);
    });
    const files = Array.from({ length: 12 }, (_, i) => makeFile(unique(`many-${i}.bin`), 2000 + i, 'application/octet-stream', i + 1));
    const done = completed(el);
    await el.addFiles(files);
    const detail = await done;
    expect(detail.succeeded).to.equal(12);
    expect(max).to.equal(3, 'three at once, never more');
    expect(await signRequests()).to.equal(1, 'one batched POST /v1/sign for the selection');
    const c = await counters();
    expect(c.s3.byMethod.POST).to.equal(12);
    for (const [i, up] of el.uploads.entries()) {
      const stored = await getObject(up.key!);
      expect(stored.bytes).to.deep.equal(await bytesOf(files[i]!));
    }
  });

  it('shows a per-file signer refusal on that file only', async () => {
    // accept="*/*" lets the file past the client-side check, so the signer is the one to refuse it.
    const el = await mount({ accept: '*/*' });
    const log = record(el);
    const good = makeFile(unique('ok.txt'), 100, 'text/plain');
    const bad = new File(['MZ'], unique('tool.exe'), { type: 'application/x-msdownload' });
    const done = completed(el);
    await el.addFiles([good, bad]);
    await done;
    expect(await signRequests()).to.equal(1);
    const [a, b] = el.uploads;
    expect(a!.status).to.equal('done');
    expect(b!.status).to.equal('error');
    expect(b!.error!.code).to.equal('type_not_allowed');
    expect(b!.error!.retryable).to.equal(false);
    expect(b!.error!.message).to.be.a('string').and.not.match(/^\s*$/);
    expect(b!.attempts).to.equal(0, 'never posted to S3');
    const errors = log.filter((r) => r.type === 's3-upload-error');
    expect(errors).to.have.length(1);
    expect(errors[0]!.detail.id).to.equal(b!.id);
    const rows = el.shadowRoot!.querySelectorAll('li');
    expect(rows[0]!.querySelector('[part=state]')!.textContent).to.equal('Uploaded');
    expect(rows[1]!.querySelector('[part=state]')!.textContent).to.equal(b!.error!.message);
  });

  it('refuses an oversized file before signing, from the profile rules', async () => {
    const el = await mount();
    await until(() => el.shadowRoot!.querySelector('input')!.accept, 'the profile is loaded');
    expect(el.shadowRoot!.querySelector('input')!.accept).to.contain('image/*');
    const before = await signRequests();
    const big = new File([new Uint8Array(5 * 1024 * 1024 + 1)], unique('huge.bin'), { type: 'application/octet-stream' });
    const done = completed(el);
    const [item, empty] = await el.addFiles([big, new File([], 'empty.txt')]);
    expect(item!.status).to.equal('error');
    expect(item!.error).to.deep.include({ code: 'too_large', message: 'The file is larger than 5 MB.', retryable: false });
    expect(empty!.error).to.deep.include({ code: 'too_small', message: 'The file is smaller than 1 B.' });
    await done;
    expect(await signRequests()).to.equal(before, 'no signing request');
    expect((await counters()).s3.requests).to.equal(0);
  });

  it('checks the max-size, max-files and accept attributes before signing', async () => {
    const el = await mount({ 'max-size': '1KB', 'max-files': '2', accept: 'image/*,.txt' });
    const items = await el.addFiles([
      new File(['a'], 'a.txt'),
      new File([new Uint8Array(2000)], 'b.png', { type: 'image/png' }),
      new File(['%PDF'], 'c.pdf', { type: 'application/pdf' }),
      new File(['d'], 'd.png', { type: 'image/png' }),
      new File(['e'], 'e.png', { type: 'image/png' }),
    ]);
    expect(items.map((i) => i.error?.code ?? i.status)).to.deep.equal(['queued', 'too_large', 'type_not_allowed', 'queued', 'too_many_files']);
    expect(items[4]!.error!.message).to.equal('Too many files: at most 2.');
    el.cancel();
  });

  it('shows S3 refusing a file with a readable message (a file smaller than signed)', async () => {
    const el = await mount();
    // The file reports one byte more than it holds: signed for n+1, it sends n, and S3 refuses it.
    class ShrunkFile extends File {
      override get size(): number {
        return super.size + 1;
      }
    }
    const done = completed(el);
    await el.addFiles([new ShrunkFile(['changed on disk'], unique('shrunk.txt'), { type: 'text/plain' })]);
    await done;
    const [up] = el.uploads;
    expect(up!.status).to.equal('error');
    expect(up!.error).to.deep.equal({
      code: 'EntityTooSmall',
      message: 'Storage refused the file: too small. Did it change after it was chosen?',
      retryable: false,
      status: 400,
    });
    expect(up!.attempts).to.equal(1, 'a size violation is not retried');
    await el.updateComplete;
    const state = el.shadowRoot!.querySelector('[part=state]')!.textContent!;
    expect(state).to.equal(up!.error!.message);
    expect(state).not.to.contain('<');
  });

  it('reports a signer that refuses the credentials, readably and without retrying', async () => {
    const el = await mount();
    el.headers = { authorization: 'Bearer wrong-token-wrong-token' };
    const done = completed(el);
    await el.addFiles([makeFile(unique('x.bin'), 10)]);
    await done;
    const [up] = el.uploads;
    expect(up!.error).to.deep.include({ code: 'unauthorized', status: 401, retryable: false });
    expect(up!.error!.message).to.equal('Missing or invalid credentials.');
    expect(await signRequests()).to.equal(1);
  });

  it('names the signer origin when it cannot be reached (down or CORS)', async () => {
    const el = await mount({ signer: 'http://127.0.0.1:9', retries: '1' });
    const done = completed(el);
    await el.addFiles([makeFile(unique('x.bin'), 10)]);
    await done;
    const [up] = el.uploads;
    expect(up!.error!.code).to.equal('unreachable');
    expect(up!.error!.retryable).to.equal(true);
    expect(up!.error!.message).to.equal('Cannot reach the signer at http://127.0.0.1:9: it is down or its CORS settings block this page.');
  });

  it('with-credentials sends cookies: a signer whose CORS allows any origin (*) is then blocked, and the message says so', async () => {
    const el = await mount({ 'with-credentials': true, retries: '0' });
    const done = completed(el);
    await el.addFiles([makeFile(unique('cookie.bin'), 10)]);
    await done;
    const [up] = el.uploads;
    expect(up!.error!.code).to.equal('unreachable');
    expect(up!.error!.message).to.equal(`Cannot reach the signer at ${e.signer}: it is down or its CORS settings block this page.`);
    expect(up!.attempts).to.equal(0);
  });

  it('fires every event with its detail, bubbling and composed', async () => {
    const el = await mount();
    const parent = el.parentElement!;
    const log = record(parent);
    const name = unique('events.txt');
    const file = makeFile(name, 300_000, 'text/plain');
    const done = completed(el);
    await el.addFiles([file]);
    await done;
    const types = [...new Set(log.map((r) => r.type))];
    expect(types).to.deep.equal(['s3-upload-select', 's3-upload-start', 's3-upload-progress', 's3-upload-success', 's3-upload-complete']);
    for (const r of log) expect([r.bubbles, r.composed]).to.deep.equal([true, true]);
    const [select] = log;
    expect(select!.detail.files).to.deep.equal([file]);
    const start = log.find((r) => r.type === 's3-upload-start')!;
    const { id } = el.uploads[0]!;
    expect(start.detail).to.deep.equal({ id, file, attempt: 1 });
    const progress = log.filter((r) => r.type === 's3-upload-progress');
    const last = progress.at(-1)!.detail;
    expect(last).to.deep.equal({ id, file, loaded: 300_000, total: 300_000, totalLoaded: 300_000, totalSize: 300_000 });
    for (const p of progress) expect(p.detail.loaded).to.be.within(0, 300_000);
    const success = log.find((r) => r.type === 's3-upload-success')!;
    const up = el.uploads[0]!;
    expect(success.detail).to.deep.equal({ id, file, key: up.key, bucket: e.bucket, location: up.location, etag: up.etag });
    const complete = log.at(-1)!;
    expect(complete.type).to.equal('s3-upload-complete');
    expect(complete.detail).to.deep.include({ succeeded: 1, failed: 0, canceled: 0 });
    expect(complete.detail.uploads).to.deep.equal(el.uploads);
    expect(log.filter((r) => r.type === 's3-upload-complete')).to.have.length(1);

    // The error event: code, message, retryable, status.
    const errors: any[] = [];
    parent.addEventListener('s3-upload-error', (ev) => errors.push((ev as CustomEvent).detail));
    const big = new File([new Uint8Array(6 * 1024 * 1024)], 'big.bin');
    await el.addFiles([big]);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.deep.equal({
      id: el.uploads[1]!.id,
      file: big,
      code: 'too_large',
      message: 'The file is larger than 5 MB.',
      retryable: false,
    });
  });

  it('lets the page veto or filter a selection (s3-upload-select is cancelable)', async () => {
    const el = await mount();
    el.addEventListener('s3-upload-select', (ev) => ev.preventDefault(), { once: true });
    expect(await el.addFiles([new File(['a'], 'a.txt')])).to.deep.equal([]);
    expect(el.uploads).to.have.length(0);
    el.addEventListener(
      's3-upload-select',
      (ev) => {
        ev.detail.files = ev.detail.files.filter((f) => f.name !== 'skip.txt');
      },
      { once: true },
    );
    const done = completed(el);
    const added = await el.addFiles([new File(['b'], unique('keep.txt')), new File(['c'], 'skip.txt')]);
    expect(added.map((a) => a.file.name)).to.have.length(1);
    await done;
    expect(el.uploads.map((u) => u.status)).to.deep.equal(['done']);
  });

  it('waits for start() when auto is off, replaces the file when not multiple, and clears', async () => {
    const el = await mount({ auto: 'false', multiple: false });
    await el.addFiles([new File(['1'], unique('one.txt')), new File(['2'], 'two.txt')]);
    expect(el.uploads.map((u) => u.status)).to.deep.equal(['queued'], 'one file only');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=state]')!.textContent).to.equal('Ready');
    expect(await signRequests()).to.equal(0, 'nothing happens before start()');
    await el.addFiles([new File(['3'], unique('three.txt'))]);
    expect(el.uploads.map((u) => u.file.name)).to.have.length(1);
    expect(el.uploads[0]!.file.name).to.match(/three/);
    const done = completed(el);
    el.start();
    await done;
    expect(el.uploads[0]!.status).to.equal('done');
    el.clear();
    expect(el.uploads).to.deep.equal([]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=empty]')).to.exist;
  });

  it('shows image previews through object URLs and revokes them on remove', async () => {
    const el = await mount({ preview: true, auto: 'false' });
    const revoked: string[] = [];
    const original = URL.revokeObjectURL;
    URL.revokeObjectURL = (url: string) => {
      revoked.push(url);
      original(url);
    };
    try {
      const [a] = await el.addFiles([makeFile('pic.png', 100, 'image/png'), new File(['t'], 'doc.txt', { type: 'text/plain' })]);
      await el.updateComplete;
      const imgs = el.shadowRoot!.querySelectorAll('img');
      expect(imgs).to.have.length(1, 'only the image gets a preview');
      const src = imgs[0]!.src;
      expect(src).to.match(/^blob:/);
      expect(imgs[0]!.alt).to.equal('');
      el.remove(a!.id);
      expect(revoked).to.deep.equal([src]);
      el.clear();
      expect(el.uploads).to.have.length(0);
    } finally {
      URL.revokeObjectURL = original;
    }
  });

  it('remove() without an id still removes the element, like Element.remove()', async () => {
    const el = await mount();
    const parent = el.parentElement!;
    el.remove();
    expect(parent.contains(el)).to.equal(false);
  });

  it('keeps the key off the list of canceled uploads: canceled in flight, nothing lands', async () => {
    // The proxy holds the POST for 1.5 s before forwarding it: the upload is really in flight when canceled.
    await plan('s3', { rules: [{ method: 'POST', times: 1, fault: { type: 'stall', ms: 1500 } }] });
    const el = await mount();
    let successes = 0;
    el.addEventListener('s3-upload-success', () => successes++);
    const name = unique('never.txt');
    await el.addFiles([new File(['x'], name)]);
    await until(async () => el.uploads[0]!.status === 'uploading', 'the upload is in flight');
    el.cancel();
    expect(el.uploads[0]!.status).to.equal('canceled');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(el.uploads[0]!.status).to.equal('canceled', 'and stays canceled');
    expect(successes).to.equal(0, 'no success reported after the cancel');
    expect(await listKeys(name)).to.deep.equal([]);
  });
});
