// Shared set-up for the end-to-end tests: each test file starts its own real S3 (a one-node Ceph RGW in
// a fresh folder, on a free port), the signer with the demo's profiles, the demo site, and Debian's
// Chromium through playwright-core (no browser download). `stop()` ends all of it.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';
import { chromium } from 'playwright-core';
import { freePort, s3Request, startLocalS3 } from '@s3-upload/local-s3';
import { createSignerServer, resolveConfig } from '@s3-upload/signer';
import { DEMO_TOKEN, demoProfiles } from '@s3-upload/demo/config.mjs';
import { startDemoSite } from '@s3-upload/demo/server.mjs';
import { chromiumLaunchOptions } from '@s3-upload/chromium';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export { DEMO_TOKEN, demoProfiles, freePort };

export function launchBrowser() {
  return chromium.launch(chromiumLaunchOptions());
}

/** Starts a signer for the given S3 and origins; resolves with { url, close }. */
export async function startSigner({ s3, origins, profiles = demoProfiles, token = DEMO_TOKEN }) {
  const config = resolveConfig({
    s3: { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true },
    cors: { origins },
    auth: { mode: 'tokens', tokens: [{ token, subject: 'demo' }] },
    rateLimit: { max: 10_000 },
    server: { host: '127.0.0.1', port: 0, logLevel: 'error' },
    metrics: { enabled: false },
    profiles,
  });
  const signer = await createSignerServer(config, {
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const { url } = await signer.listen();
  return { url, close: () => signer.close() };
}

/**
 * RGW + signer + demo site + Chromium. `extraOrigins(sitePort)` adds signer CORS origins (for examples
 * served on other ports). Resolves with everything plus `stop()`.
 */
export async function startStack({ extraOrigins = [], site = true, browser = true } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 's3u-e2e-'));
  const stops = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error) => console.error('stop:', error.message));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const s3 = await startLocalS3({ dir: join(dir, 'rgw'), log: () => {} });
    stops.push(() => s3.stop());
    const sitePort = await freePort();
    const siteOrigin = `http://127.0.0.1:${sitePort}`;
    const signer = await startSigner({ s3, origins: [siteOrigin, ...extraOrigins] });
    stops.push(() => signer.close());
    let demo;
    if (site) {
      demo = await startDemoSite({
        port: sitePort,
        signerUrl: signer.url,
        token: DEMO_TOKEN,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, forcePathStyle: true },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      stops.push(() => demo.close());
    }
    let chrome;
    if (browser) {
      chrome = await launchBrowser();
      stops.push(() => chrome.close());
    }
    return { dir, s3, signer, site: demo, siteOrigin, browser: chrome, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A page that fails the test on uncaught page errors; `errors` lists console errors for diagnostics. */
export async function openPage(browser, url, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, ...contextOptions });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(`console: ${message.text()}`);
  });
  if (url) await page.goto(url);
  return page;
}

/** GET an object from the RGW (SigV4); resolves with { status, body, type, metadata(name) }. */
export async function getObject(s3, key) {
  const path = `/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const response = await s3Request(s3, 'GET', path);
  return {
    status: response.status,
    body: response.body,
    sha256: sha256(response.body),
    type: response.headers['content-type'],
    meta: (name) => response.headers[`x-amz-meta-${name}`],
    headers: response.headers,
  };
}

/** The keys under a prefix (ListObjectsV2). */
export async function listKeys(s3, prefix = '') {
  const response = await s3Request(s3, 'GET', `/${s3.bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
  if (response.status !== 200) throw new Error(`list failed: ${response.status} ${response.body}`);
  return [...response.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
    m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'"),
  );
}

export function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A real PNG (RGB, 8 bit) of a diagonal gradient between two colours, so thumbnails show something.
 * `noise` adds pseudo-random bytes so the file does not compress (for slow, visible uploads).
 */
export function makePng(width, height, from = [249, 115, 22], to = [37, 99, 235], { noise = 0 } = {}) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let seed = 12345;
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x += 1) {
      const t = (x + y) / (width + height);
      for (let c = 0; c < 3; c += 1) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const jitter = noise ? ((seed >> 16) % (noise * 2 + 1)) - noise : 0;
        raw[row + 1 + x * 3 + c] = Math.max(0, Math.min(255, Math.round(from[c] + (to[c] - from[c]) * t + jitter)));
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: noise ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Waits until fn() is truthy (polling), or throws with the message after the timeout. */
export async function waitFor(fn, { timeout = 30_000, interval = 100, message = 'condition' } = {}) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error(`timed out waiting for ${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** The `uploads` list of the first <s3-upload> on the page, as plain data. */
export function uploadsOf(page, selector = 's3-upload') {
  return page.$eval(selector, (el) =>
    el.uploads.map((u) => ({ id: u.id, name: u.file?.name, status: u.status, loaded: u.loaded, total: u.total, key: u.key, etag: u.etag, error: u.error ?? null })),
  );
}

/** Waits until every upload of the element settled; returns the list. */
export async function waitForSettled(page, count, selector = 's3-upload', timeout = 60_000) {
  await page.waitForFunction(
    ({ selector, count }) => {
      const el = document.querySelector(selector);
      const list = el?.uploads ?? [];
      return list.length >= count && list.every((u) => ['done', 'error', 'canceled'].includes(u.status));
    },
    { selector, count },
    { timeout },
  );
  return uploadsOf(page, selector);
}
