// The browser end of the fault suites: real RGW, a real signer process, two seeded fault proxies
// (page <-> RGW, page <-> signer), a static page that loads the <s3-upload> bundle, and Chromium
// driven by playwright-core (the system's /usr/bin/chromium; no browser download).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startFaultProxy } from '@s3-upload/fault-proxy';
import { s3Request, startLocalS3 } from '@s3-upload/local-s3';
import { chromium } from 'playwright-core';
import { findLeaks, ROOT, SECRET_KEY, signerConfig, startSigner, TOKEN } from './signer.mjs';
import { chromiumLaunchOptions } from '@s3-upload/chromium';

export const BUNDLE = join(ROOT, 'packages', 'element', 'dist', 's3-upload.bundle.js');

/**
 * Ways to break the element on purpose, applied to the served bundle (never to the source), to show
 * that a fault test can fail. Each is a regex over the minified bundle and its replacement.
 */
export const BREAKS = {
  // Policies are never treated as expiring, and an S3 "Policy expired" is not recognised: no re-sign.
  resign: [
    [/\(([A-Za-z_$][\w$]*),([A-Za-z_$][\w$]*)\)=>\2>=\1\.expiresAt-Math\.min\(1e4,\(\1\.expiresAt-\1\.signedAt\)\/4\)/, '($1,$2)=>!1'],
    [/([A-Za-z_$][\w$]*)===`AccessDenied`&&\/expired\/i\.test\(([A-Za-z_$][\w$]*)\)/, '!1'],
  ],
  // Being offline is not recognised: an attempt (or signing request) cut by going offline counts
  // against the retries like any network error, instead of waiting for the `online` event.
  offline: [
    [/fail\(([\w$]+),([\w$]+),([\w$]+),([\w$]+)\)\{return \1\.status=`queued`,\1\.loaded=0,\4\?\(--\1\.attempts,`wait`\):/, 'fail($1,$2,$3,$4){return $1.status=`queued`,$1.loaded=0,'],
    [/(\.status=`queued`,)[\w$]+\|\|\(([\w$]+)\.signFailures\+=1/, '$1($2.signFailures+=1'],
  ],
  // S3's error body is shown as is: the raw XML reaches the user.
  rawxml: [[/message:([\w$]+)\?([\w$]+)\.expired:([\w$]+)\?\2\[([\w$]+)\]:([\w$]+)\(\2\.storage,\{code:\4\}\)/, 'message:String(arguments[1])']],
};

/** The bytes of test file `index` (seeded, so Node and the page make the same ones). Same code runs in the page. */
export function fileBytes(seed, size) {
  const bytes = new Uint8Array(size);
  let a = seed >>> 0;
  for (let i = 0; i < size; i += 4) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t = (t ^ (t >>> 14)) >>> 0;
    bytes[i] = t & 255;
    if (i + 1 < size) bytes[i + 1] = (t >>> 8) & 255;
    if (i + 2 < size) bytes[i + 2] = (t >>> 16) & 255;
    if (i + 3 < size) bytes[i + 3] = (t >>> 24) & 255;
  }
  return bytes;
}

/** 200 files by default: mostly small, some medium, a few up to 5 MB; never empty. */
export function fileSet(count = 200, seed = 7) {
  const files = [];
  let a = seed;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2 ** 31;
    return a / 2 ** 31;
  };
  for (let i = 0; i < count; i += 1) {
    const r = random();
    const size = r < 0.7 ? 1 + Math.floor(random() * 64 * 1024) : r < 0.93 ? 64 * 1024 + Math.floor(random() * 960 * 1024) : 1024 ** 2 + Math.floor(random() * 4 * 1024 ** 2);
    files.push({ index: i, name: `file-${String(i).padStart(3, '0')}.png`, type: 'image/png', size, seed: 1000 + i });
  }
  return files;
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Starts RGW, the fault proxies, a signer process, a static page and Chromium. `directS3`: the signed
 * URLs point at RGW itself (no proxy), so "storage down" is the browser's own refused connection.
 */
export async function startWorld({ s3Plan = {}, signerPlan = {}, seed = 1, expiresIn = 300, breaks = [], keepSignerLines = true, directS3 = false } = {}) {
  // The bundle first: when it is missing (not built, or being rebuilt) nothing has been started yet.
  let bundle = await readFile(BUNDLE, 'utf8');
  for (const name of breaks) {
    for (const [pattern, replacement] of BREAKS[name]) {
      if (!pattern.test(bundle)) throw new Error(`cannot break "${name}": ${pattern} is not in the bundle any more`);
      bundle = bundle.replace(pattern, replacement);
    }
  }
  // What is started is stopped again if a later step fails (else a listening proxy keeps the test
  // process alive and the Ceph daemons outlive it).
  const undo = [];
  try {
    return await build();
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => {});
    throw error;
  }

  async function build() {
    const s3 = await startLocalS3({ log: () => {} });
    undo.push(() => s3.stop());
    const s3Proxy = await startFaultProxy({ target: s3.endpoint, seed, plan: s3Plan });
    undo.push(() => s3Proxy.close());
    const page = createServer((request, response) => {
      if (request.url.startsWith('/s3-upload.bundle.js')) {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      } else if (request.url === '/' || request.url.startsWith('/?')) {
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>faults</title>
<script type="module" src="/s3-upload.bundle.js"></script><body></body>`);
      } else response.writeHead(404).end();
    });
    await new Promise((resolve) => page.listen(0, '127.0.0.1', resolve));
    undo.push(() => new Promise((resolve) => page.close(resolve)));
    const pageUrl = `http://127.0.0.1:${page.address().port}`;
    const signerOptions = {
      keepLines: keepSignerLines,
      config: signerConfig({
        s3: { bucket: s3.bucket, region: 'us-east-1', endpoint: directS3 ? s3.endpoint : s3Proxy.url, forcePathStyle: true },
        cors: { origins: [pageUrl] },
        profiles: {
          avatars: { keyTemplate: 'faults/{uuid}/{filename}', accept: ['image/*'], minSize: 1, maxSize: '50MB', maxFiles: 20, expiresIn },
        },
      }),
      env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
    };
    let signer = await startSigner(signerOptions);
    undo.push(() => signer.stop());
    const signers = [signer];
    const signerProxy = await startFaultProxy({ target: signer.url, seed: seed + 1, plan: signerPlan });
    undo.push(() => signerProxy.close());
    const browser = await chromium.launch(chromiumLaunchOptions());
    undo.push(() => browser.close());
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => customElements.get('s3-upload') !== undefined);

    const world = {
      s3,
      s3Proxy,
      signer,
      signerProxy,
      pageUrl,
      tab,
      context,
      /** Stops the signer process (SIGTERM, as an orchestrator would); its port is then refused. */
      async stopSigner() {
        return signer.stop();
      },
      /** Starts a new signer process with the same config on the same port. */
      async startSigner() {
        signer = world.signer = await startSigner({ ...signerOptions, port: signer.port });
        signers.push(signer);
        return signer;
      },
      /** A CDP session on the page (network emulation). */
      cdp: () => (cdpSession ??= context.newCDPSession(tab)),
      /** `Network.emulateNetworkConditions`; `{ offline: true }` or `{ uploadThroughput: bytes/s }`. */
      async network(conditions = {}) {
        const session = await world.cdp();
        await session.send('Network.enable');
        await session.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1, ...conditions });
      },
      /**
       * Counts the page's calls to the signer (`fetch` wrapped before the element exists): each with
       * its path, when, its status (0 when it did not get an answer) and how many files it asked for.
       */
      async countSignerCalls() {
        await tab.evaluate(() => {
          window.__signerCalls = [];
          const original = window.fetch;
          window.fetch = async (input, init) => {
            const call = { path: new URL(String(input)).pathname, at: Date.now(), status: 0 };
            try {
              call.files = JSON.parse(init?.body ?? 'null')?.files?.length;
            } catch {}
            window.__signerCalls.push(call);
            try {
              const response = await original(input, init);
              call.status = response.status;
              return response;
            } catch (error) {
              call.error = String(error?.message ?? error);
              throw error;
            }
          };
        });
      },
      signerCalls: () => tab.evaluate(() => window.__signerCalls ?? []),
      /** What the shadow DOM shows for each file: name, status part, status text, retry button. */
      rows: () =>
        tab.evaluate(() =>
          [...window.__element.shadowRoot.querySelectorAll('li')].map((li) => ({
            name: li.querySelector('[part=name]').textContent,
            status: li.className,
            text: li.querySelector('[part=state]').textContent.trim(),
            retry: li.querySelector('button[part=retry]') !== null,
          })),
        ),
      /** Clicks a file's Retry button in the shadow DOM (a real click, through Playwright). */
      async clickRetry(name) {
        await tab.getByRole('button', { name: `Retry ${name}`, exact: true }).click({ timeout: 5000 });
      },
      /** Puts an <s3-upload> on the page with these attributes and records its events. */
      async mount(attributes, { directSigner = false } = {}) {
        await tab.evaluate(
          ({ attributes, signerUrl, token }) => {
            const element = document.createElement('s3-upload');
            element.setAttribute('signer', signerUrl);
            element.setAttribute('profile', 'avatars');
            element.setAttribute('multiple', '');
            for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
            element.headers = { authorization: `Bearer ${token}` };
            window.__events = [];
            for (const type of ['s3-upload-start', 's3-upload-success', 's3-upload-error', 's3-upload-complete']) {
              element.addEventListener(type, (event) => {
                const { file, uploads, ...rest } = event.detail;
                window.__events.push({ type, at: Date.now(), name: file?.name, ...rest, ...(uploads && { statuses: uploads.map((u) => u.status) }) });
              });
            }
            document.body.append(element);
            window.__element = element;
          },
          { attributes, signerUrl: directSigner ? signer.url : signerProxy.url, token: TOKEN },
        );
      },
      /** Adds the files (made in the page from their seeds) to the element. */
      async addFiles(files) {
        await tab.evaluate(
          ({ files, maker }) => {
            const make = new Function(`return (${maker})`)();
            const list = files.map((f) => new File([make(f.seed, f.size)], f.name, { type: f.type }));
            window.__element.addFiles(list);
          },
          { files, maker: fileBytes.toString() },
        );
      },
      events: () => tab.evaluate(() => window.__events),
      uploads: () =>
        tab.evaluate(() =>
          window.__element.uploads.map((u) => ({ id: u.id, name: u.file.name, status: u.status, key: u.key, attempts: u.attempts, error: u.error && { ...u.error } })),
        ),
      async waitComplete(ms, count = 1) {
        await tab.waitForFunction((n) => window.__events.filter((e) => e.type === 's3-upload-complete').length >= n, count, { timeout: ms, polling: 250 });
      },
      /** Every key in the bucket (paged LIST). */
      async listKeys() {
        const keys = [];
        let marker = '';
        for (;;) {
          const response = await s3Request(s3, 'GET', `/${s3.bucket}?max-keys=1000${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`);
          const xml = response.body.toString();
          const page = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
          keys.push(...page);
          if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || page.length === 0) return keys;
          marker = page.at(-1);
        }
      },
      async getObject(key) {
        const response = await s3Request(s3, 'GET', `/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, { timeoutMs: 30_000 });
        if (response.status !== 200) throw new Error(`GET ${key}: ${response.status}`);
        return response.body;
      },
      leaks: () => findLeaks(signers.flatMap((s) => s.lines), [SECRET_KEY, s3.secretAccessKey, TOKEN, `Bearer ${TOKEN}`]),
      async close() {
        await browser.close().catch(() => {});
        await Promise.all([s3Proxy.close(), signerProxy.close(), signer.stop(), new Promise((resolve) => page.close(resolve))]);
        await s3.stop();
      },
    };
    let cdpSession;
    return world;
  }
}
