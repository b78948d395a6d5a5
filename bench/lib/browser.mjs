// Benchmarks 4-6, in headless Chromium (Debian's, through playwright-core; no browser download) against
// a local RGW on bluestore (so that memory is not the limit), all on loopback:
//   4. one large file: our element vs `curl -F` under the same kind of policy (MB/s, ratio);
//   5. many small files: our element (batched signing) vs Uppy (@uppy/core + @uppy/aws-s3, one signing
//      request per file through our signer), at concurrency 4 and 8 (wall time, signer requests, ratio);
//   6. memory: the page's JS heap while our element uploads a big file (CDP Performance.getMetrics every
//      250 ms), and the signer's RSS after a stretch of autocannon load.
//      Also (5) against an RGW on memstore (is storage the limit?), and (5) with a network's latency:
//      the fault proxy (tools/fault-proxy) adds the same delay to every request to the signer and to
//      RGW, for both contenders. Outside quick mode, one more run of each contender at concurrency 4
//      is profiled (CDP Profiler, unminified bundles) and summarized by self time.
//   node lib/browser.mjs --out <file> [--quick] [--parts large,small,memory,rss] [--latency <ms>] [--no-profile]
// Large files live in a temp folder under os.tmpdir() and are deleted at the end, with the RGW's folder.
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { freePort, startLocalS3 } from '@s3-upload/local-s3';
import { startFaultProxy } from '@s3-upload/fault-proxy';
import { OUR_BUNDLE } from './bundle.mjs';
import { moduleRanges, summarizeCpuProfile } from './cpu-profile.mjs';
import { BENCH_S3 } from './fixtures.mjs';
import { rotated, rssMB, summary } from './stats.mjs';
import { chromiumLaunchOptions } from '@s3-upload/chromium';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const parts = new Set((arg('parts') ?? 'large,small,memory,rss').split(','));
// Added to every request (preflights included) to the signer and to RGW in the latency variant of (5).
const LATENCY_MS = Number(arg('latency') ?? 40);
const profiling = argv.includes('--profile') || (!quick && !argv.includes('--no-profile'));
const MiB = 2 ** 20;
const plan = quick
  ? { rounds: 1, largeBytes: 64 * MiB, files: 100, fileBytes: 64 * 1024, memoryBytes: 256 * MiB, rssSeconds: 10, concurrency: [4, 8], latencyMs: LATENCY_MS }
  : { rounds: 3, largeBytes: 256 * MiB, files: 300, fileBytes: 64 * 1024, memoryBytes: 1024 * MiB, rssSeconds: 60, concurrency: [4, 8], latencyMs: LATENCY_MS };
const PROFILE = 'bench';
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
const log = (line) => process.stderr.write(`   ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const children = [];
process.on('exit', () => children.forEach((child) => child.exitCode == null && child.kill('SIGKILL')));

/** A file of random bytes (so nothing on the way can compress it), written in 8 MiB chunks. */
async function randomFile(path, bytes) {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(Math.min(bytes, 8 * MiB));
  for (let left = bytes; left > 0; left -= chunk.length) {
    randomFillSync(chunk);
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!out.write(part)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return path;
}

function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = pattern.exec(buffer);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${buffer.slice(-500)}`)));
  });
}

/** Our signer in its own process (optionally pinned with taskset); resolves with { url, pid, counts(), stop() }. */
async function startSigner({ s3, credentials, origins, core }) {
  const args = [join(here, 'signer-child.mjs'), JSON.stringify({ s3, credentials, origins })];
  const child = core == null
    ? spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('taskset', ['-c', String(core), process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [, url] = await waitForLine(child, /listening (\S+)/);
  return {
    url,
    pid: child.pid,
    counts: async () => (await fetch(`${url}/__bench/counts`)).json(),
    stop: () => new Promise((resolve) => {
      if (child.exitCode != null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

/** The element's shipped bundle, read once (waits a little if a build is rewriting dist/ right now). */
async function readBundle() {
  for (let i = 0; ; i++) {
    try {
      return readFileSync(OUR_BUNDLE);
    } catch (error) {
      if (i >= 120) throw new Error(`${OUR_BUNDLE} is missing: build the element first (pnpm -C packages/element build)`);
      await sleep(500);
    }
  }
}

/** The loopback site: our element's page, the Uppy page, and their scripts. */
async function startSite({ port, signerUrl, uppyBundle, debug }) {
  const origin = `http://127.0.0.1:${port}`;
  const ours = await readBundle();
  const uppy = readFileSync(uppyBundle);
  // ?debug=1: the same code, bundled unminified, so that a CPU profile names its functions.
  const script = (q, name) => (q.get('debug') ? name.replace(/\.js$/, '.debug.js') : name);
  const esc = (s) => String(s).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  const pages = {
    // The element as a page uses it: the script-tag bundle, one tag, attributes. Timings go to window.bench.
    '/ours.html': (q) => `<!doctype html><meta charset="utf-8"><title>ours</title>
<script type="module" src="${script(q, '/s3-upload.bundle.js')}"></script>
<s3-upload signer="${esc(signerUrl)}" profile="${PROFILE}" multiple concurrency="${esc(Number(q.get('c') ?? 4))}"></s3-upload>
<script type="module">
  const el = document.querySelector('s3-upload');
  const bench = (window.bench = { t0: null, t1: null, ok: 0, errors: [], keys: [] });
  el.addEventListener('s3-upload-select', () => { bench.t0 ??= performance.now(); });
  el.addEventListener('s3-upload-success', (e) => { bench.ok++; bench.keys.push(e.detail.key); bench.t1 = performance.now(); });
  el.addEventListener('s3-upload-error', (e) => bench.errors.push(e.detail.code + ': ' + e.detail.message));
  await customElements.whenDefined('s3-upload');
  bench.ready = true;
</script>`,
    // The floor for any uploader in this browser: sign, then one XMLHttpRequest of a FormData, no UI.
    '/xhr.html': () => `<!doctype html><meta charset="utf-8"><title>xhr</title>
<input type="file" id="pick">
<script type="module">
  const bench = (window.bench = { t0: null, t1: null, ok: 0, errors: [], keys: [] });
  const input = document.getElementById('pick');
  input.addEventListener('change', async () => {
    bench.t0 = performance.now();
    const file = input.files[0];
    const response = await fetch(${JSON.stringify(`${signerUrl.replace(/\/$/, '')}/v1/sign`)}, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile: '${PROFILE}', files: [{ name: file.name, type: file.type || 'application/octet-stream', size: file.size }] }),
    });
    const { uploads: [entry] } = await response.json();
    const body = new FormData();
    for (const [k, v] of Object.entries(entry.fields)) body.append(k, v);
    body.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', entry.url);
    xhr.onload = () => { bench.t1 = performance.now(); if (xhr.status < 300) bench.ok++; else bench.errors.push('HTTP ' + xhr.status); };
    xhr.onerror = () => bench.errors.push('network');
    xhr.send(body);
  });
  bench.ready = true;
</script>`,
    '/uppy.html': (q) => `<!doctype html><meta charset="utf-8"><title>uppy</title>
<input type="file" id="pick" multiple>
<script type="module" src="${script(q, '/uppy-page.js')}"></script>`,
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, origin);
    if (pages[url.pathname]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(pages[url.pathname](url.searchParams));
    }
    const code = { '/s3-upload.bundle.js': ours, '/uppy-page.js': uppy, '/s3-upload.bundle.debug.js': debug?.ours, '/uppy-page.debug.js': debug?.uppy }[url.pathname];
    if (code) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
      return res.end(code);
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A new page (its own context, so nothing is shared between runs) at `path`, ready to take files. */
async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
  // networkidle: our element has fetched its profile before the clock starts.
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => window.bench?.ready === true);
  return { page, errors, close: () => context.close() };
}

async function waitForUploads(page, count, timeoutMs) {
  await page.waitForFunction((n) => window.bench.ok + window.bench.errors.length >= n, count, { timeout: timeoutMs, polling: 250 });
  const bench = await page.evaluate(() => ({ t0: window.bench.t0, t1: window.bench.t1, ok: window.bench.ok, errors: window.bench.errors.slice(0, 5) }));
  if (bench.errors.length) throw new Error(`uploads failed: ${bench.errors.join('; ')}`);
  return bench;
}

/** Our element uploads `paths` (chosen on its shadow-root file input); resolves with seconds from selection to the last success. */
async function runOurs(browser, site, signer, paths, { concurrency = 4, timeoutMs = 600_000, onPage, debug = false } = {}) {
  const before = await signer.counts();
  const { page, errors, close } = await openPage(browser, `${site.origin}/ours.html?c=${concurrency}${debug ? '&debug=1' : ''}`);
  try {
    const monitor = onPage ? await onPage(page) : null;
    await page.locator('s3-upload input[type=file]').setInputFiles(paths);
    const bench = await waitForUploads(page, paths.length, timeoutMs);
    const extra = monitor ? await monitor.finish() : undefined;
    const after = await signer.counts();
    return { seconds: (bench.t1 - bench.t0) / 1000, signer: diffCounts(after, before), pageErrors: errors.slice(0, 5), ...(extra && { [monitor.kind ?? 'heap']: extra }) };
  } finally {
    await close();
  }
}

/** A bare XMLHttpRequest + FormData upload of one file in the same browser (no element): the browser's own floor. */
async function runXhr(browser, site, signer, path, { timeoutMs = 600_000 } = {}) {
  const { page, close } = await openPage(browser, `${site.origin}/xhr.html`);
  try {
    await page.locator('#pick').setInputFiles(path);
    const bench = await waitForUploads(page, 1, timeoutMs);
    return { seconds: (bench.t1 - bench.t0) / 1000 };
  } finally {
    await close();
  }
}

async function runUppy(browser, site, signer, paths, { concurrency = 4, timeoutMs = 600_000, onPage, debug = false } = {}) {
  const before = await signer.counts();
  const query = new URLSearchParams({ signer: signer.url, profile: PROFILE, c: String(concurrency), ...(debug && { debug: '1' }) });
  const { page, errors, close } = await openPage(browser, `${site.origin}/uppy.html?${query}`);
  try {
    const monitor = onPage ? await onPage(page) : null;
    await page.locator('#pick').setInputFiles(paths);
    const bench = await waitForUploads(page, paths.length, timeoutMs);
    const extra = monitor ? await monitor.finish() : undefined;
    const after = await signer.counts();
    return { seconds: (bench.t1 - bench.t0) / 1000, signer: diffCounts(after, before), pageErrors: errors.slice(0, 5), ...(extra && { [monitor.kind]: extra }) };
  } finally {
    await close();
  }
}

function diffCounts(after, before) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

/** `curl -F` posting `path` under a policy signed by our signer for it (same kind of policy as the element's). */
async function runCurl(signer, path, size) {
  const started = performance.now();
  const response = await fetch(`${signer.url}/v1/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ profile: PROFILE, files: [{ name: path.split('/').at(-1), type: 'application/octet-stream', size }] }),
  });
  const { uploads: [entry] } = await response.json();
  if (!entry?.url) throw new Error(`signing failed: ${JSON.stringify(entry)}`);
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Expect:'];
  for (const [k, v] of Object.entries(entry.fields)) args.push('--form-string', `${k}=${v}`);
  args.push('-F', `file=@${path};type=application/octet-stream`, entry.url);
  const code = await new Promise((resolve, reject) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
  const seconds = (performance.now() - started) / 1000;
  if (!/^2\d\d$/.test(code)) throw new Error(`curl upload answered ${code}`);
  return { seconds };
}

/** Samples the page's JS heap (CDP Performance.getMetrics, JSHeapUsedSize) every 250 ms while it uploads. */
async function heapMonitor(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1e6;
  };
  await cdp.send('HeapProfiler.collectGarbage');
  const before = await heap();
  const samples = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push(await heap());
      await sleep(250);
    }
  })();
  return {
    async finish() {
      stopped = true;
      await loop;
      const after = await heap();
      await cdp.send('HeapProfiler.collectGarbage');
      const afterGC = await heap();
      const peak = Math.max(before, after, ...samples);
      return { beforeMB: before, peakMB: peak, afterMB: after, afterGcMB: afterGC, growthMB: peak - before, samples: samples.length };
    },
  };
}

/** CDP Profiler on the page's main thread while it uploads (sampling every 200 µs); `bundles` maps script URL suffixes to their module ranges. */
function cpuProfiler(bundles) {
  return async (page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    return {
      kind: 'profile',
      async finish() {
        const { profile } = await cdp.send('Profiler.stop');
        await cdp.detach();
        return summarizeCpuProfile(profile, bundles);
      },
    };
  };
}

/** The signer's RSS: idle, then after `seconds` of autocannon (its own process, pinned to core 1; the signer to core 0). */
async function signerRss(seconds) {
  const signer = await startSigner({ s3: BENCH_S3, credentials: { accessKeyId: 'AKIABENCHEXAMPLE0001', secretAccessKey: 'bench-secret-key-0123456789abcdefghijklmn' }, origins: ['http://127.0.0.1'], core: 0 });
  try {
    await sleep(1000);
    const idleMB = rssMB(signer.pid);
    const body = JSON.stringify({ profile: PROFILE, files: [{ name: 'cat.png', type: 'image/png', size: 48213 }] });
    const options = { url: `${signer.url}/v1/sign`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 50, duration: seconds };
    let peakMB = idleMB;
    const poll = setInterval(() => (peakMB = Math.max(peakMB, rssMB(signer.pid) ?? 0)), 500);
    const result = await new Promise((resolve, reject) => {
      const child = spawn('taskset', ['-c', '1', process.execPath, join(here, 'load.mjs'), JSON.stringify(options)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
    });
    clearInterval(poll);
    const afterMB = rssMB(signer.pid);
    return { seconds, connections: 50, idleMB, peakMB: Math.max(peakMB, afterMB), afterMB, requestsPerSecond: result.requestsPerSecond, total: result.total, non2xx: result.non2xx, errors: result.errors };
  } finally {
    await signer.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

const started = Date.now();
const results = { plan, parts: [...parts] };
const work = mkdtempSync(join(tmpdir(), 's3u-bench-browser-'));
const stops = [];
try {
  const needBrowser = parts.has('large') || parts.has('small') || parts.has('memory');
  if (needBrowser) {
    // Uppy for the page, bundled like a site would (minified, ESM, browser).
    const uppyBundle = join(work, 'uppy-page.js');
    const uppyOptions = {
      entryPoints: [join(here, '..', 'pages', 'uppy-page.js')], bundle: true, format: 'esm', platform: 'browser',
      target: 'es2022', logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' },
    };
    await build({ ...uppyOptions, minify: true, outfile: uppyBundle });
    // For the profiles only: both pages' code bundled unminified (same code, readable names; esbuild
    // marks each module with a `// path` line, which maps a profile's line numbers to modules).
    let debug;
    if (profiling) {
      const [ours, uppy] = await Promise.all([
        build({ entryPoints: [OUR_BUNDLE.replace(/\.bundle\.js$/, '.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', write: false }),
        build({ ...uppyOptions, write: false }),
      ]);
      debug = { ours: ours.outputFiles[0].text, uppy: uppy.outputFiles[0].text };
      debug.bundles = { '/s3-upload.bundle.debug.js': moduleRanges(debug.ours), '/uppy-page.debug.js': moduleRanges(debug.uppy) };
    }
    const browser = await chromium.launch(chromiumLaunchOptions());
    stops.push(() => browser.close());
    results.chromium = browser.version();
    results.rgw = { objectstore: 'bluestore', note: 'a fresh RGW for each part (its 4 GB block would not hold them all: RGW frees deleted data only after hours); (5) also on memstore' };
    const warm = await randomFile(join(work, 'warm.bin'), 1 * MiB);

    /**
     * A signer and a site in front of an RGW. With `latencyMs`, a fault proxy in front of RGW (the
     * signer signs for the proxy's URL, so uploads go through it) and one in front of the signer
     * (the pages know only its URL) each hold every request, CORS preflights included, for that long.
     */
    const frontOf = async (s3, { latencyMs = 0, down }) => {
      let endpoint = s3.endpoint;
      const proxy = async (target) => {
        const faults = await startFaultProxy({
          target, keepAlive: true,
          plan: { latency: latencyMs, rules: [{ method: 'OPTIONS', fault: { type: 'delay', ms: latencyMs } }] },
        });
        down.push(() => faults.close());
        return faults.url;
      };
      if (latencyMs) endpoint = await proxy(s3.endpoint);
      // The site's port is known before the signer starts, so that the signer's CORS names its origin.
      const sitePort = await freePort();
      const signer = await startSigner({
        s3: { bucket: s3.bucket, region: s3.region, endpoint, forcePathStyle: true },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        origins: [`http://127.0.0.1:${sitePort}`],
      });
      down.push(() => signer.stop());
      if (latencyMs) signer.url = await proxy(signer.url);
      const site = await startSite({ port: sitePort, signerUrl: signer.url, uppyBundle, debug });
      down.push(() => site.close());
      // A warm-up: one small upload each way (first requests, JIT, bluestore's first allocations).
      await runCurl(signer, warm, MiB);
      await runOurs(browser, site, signer, [warm]);
      return { signer, site };
    };

    // Each part gets its own RGW, signer and site; the previous ones are stopped and their folder deleted.
    let stack = null;
    stops.push(() => stack?.stop() ?? Promise.resolve());
    const freshStack = async (name, { objectstore = 'bluestore' } = {}) => {
      await stack?.stop();
      stack = null;
      const dir = join(work, `rgw-${name}`);
      log(`RGW (${objectstore}) in ${dir} …`);
      const s3 = await startLocalS3({ dir, objectstore, log: () => {} });
      const down = [async () => { await s3.stop(); rmSync(dir, { recursive: true, force: true }); }];
      const stop = async () => {
        for (const fn of down.reverse()) await fn().catch((error) => log(`stop: ${error.message}`));
      };
      try {
        const { signer, site } = await frontOf(s3, { down });
        stack = { s3, signer, site, stop, down };
        return stack;
      } catch (error) {
        await stop();
        throw error;
      }
    };

    /** Benchmark 5 on one stack: ours and Uppy at each concurrency, alternately, the order rotating every round. */
    const smallSuite = async ({ signer, site }, paths, { title, profile = false }) => {
      const { files, fileBytes } = plan;
      log(`${title}: ${files} × ${fileBytes / 1024} KiB, concurrency ${plan.concurrency.join(' and ')}, ${plan.rounds} round(s)`);
      const contenders = plan.concurrency.flatMap((c) => [`ours-${c}`, `uppy-${c}`]);
      const runs = Object.fromEntries(contenders.map((id) => [id, []]));
      const signerRequests = Object.fromEntries(contenders.map((id) => [id, []]));
      const run = (who, c, options = {}) => (who === 'ours' ? runOurs : runUppy)(browser, site, signer, paths, { concurrency: c, ...options });
      for (let round = 0; round < plan.rounds; round++) {
        for (const id of rotated(contenders, round)) {
          const [who, c] = id.split('-');
          const result = await run(who, Number(c));
          runs[id].push(result.seconds);
          signerRequests[id].push(result.signer);
          log(`   round ${round + 1} ${id.padEnd(7)} ${result.seconds.toFixed(2)} s, signer: ${result.signer.sign} sign + ${result.signer.profile} profile + ${result.signer.preflight} preflight`);
        }
      }
      const out = {
        files,
        fileBytes,
        contenders: contenders.map((id) => {
          const [who, c] = id.split('-');
          return {
            id,
            label: who === 'ours' ? `our element, batched signing, concurrency ${c}` : `Uppy (core + aws-s3), one signing request per file, limit ${c}`,
            concurrency: Number(c),
            runs: runs[id],
            seconds: summary(runs[id]),
            filesPerSecond: summary(runs[id].map((s) => files / s)),
            signer: signerRequests[id].at(-1),
          };
        }),
        // How many times faster ours is: Uppy's time ÷ ours, round by round.
        ratios: Object.fromEntries(plan.concurrency.map((c) => [`uppy/ours @${c}`, summary(runs[`uppy-${c}`].map((u, i) => u / runs[`ours-${c}`][i]))])),
      };
      if (profile && debug) {
        // One more run each at the lowest concurrency, profiled (not timed for the tables: the profiler slows the page).
        const c = plan.concurrency[0];
        out.profiles = {};
        for (const who of ['ours', 'uppy']) {
          const result = await run(who, c, { debug: true, onPage: cpuProfiler(debug.bundles) });
          out.profiles[who] = { concurrency: c, seconds: result.seconds, ...result.profile };
          log(`   profiled ${who}-${c}: ${result.seconds.toFixed(2)} s, main thread busy ${result.profile.busyMs} ms of ${result.profile.wallMs} ms; top: ${result.profile.topFunctions.slice(0, 3).map((f) => `${f.name} ${f.selfMs} ms`).join(', ')}`);
        }
      }
      return out;
    };

    if (parts.has('large')) {
      const { signer, site } = await freshStack('large');
      const size = plan.largeBytes;
      log(`4. one large file: ${size / MiB} MiB, ${plan.rounds} round(s), ours, bare XHR and curl alternately`);
      const path = await randomFile(join(work, `large-${size / MiB}MiB.bin`), size);
      await runCurl(signer, path, size); // warm: the file in the page cache, for both alike
      const runs = { ours: [], xhr: [], curl: [] };
      for (let round = 0; round < plan.rounds; round++) {
        for (const id of rotated(['ours', 'xhr', 'curl'], round)) {
          const { seconds } = id === 'ours'
            ? await runOurs(browser, site, signer, [path])
            : id === 'xhr' ? await runXhr(browser, site, signer, path) : await runCurl(signer, path, size);
          runs[id].push(size / 1e6 / seconds);
          log(`   round ${round + 1} ${id.padEnd(4)} ${(size / 1e6 / seconds).toFixed(1)} MB/s (${seconds.toFixed(2)} s)`);
        }
      }
      rmSync(path, { force: true });
      results.large = {
        bytes: size,
        contenders: [
          { id: 'ours', label: 'our element (headless Chromium, XHR + FormData)', runs: runs.ours, mbPerSecond: summary(runs.ours) },
          { id: 'xhr', label: 'bare XHR + FormData in the same browser (no element)', runs: runs.xhr, mbPerSecond: summary(runs.xhr) },
          { id: 'curl', label: 'curl -F (same kind of policy, signed by our signer)', runs: runs.curl, mbPerSecond: summary(runs.curl) },
        ],
        ratio: summary(runs.ours.map((v, i) => v / runs.curl[i])),
        // Context for the ratio: what the browser itself achieves, and what the element costs on top of it.
        ratios: {
          'ours/curl': summary(runs.ours.map((v, i) => v / runs.curl[i])),
          'xhr/curl': summary(runs.xhr.map((v, i) => v / runs.curl[i])),
          'ours/xhr': summary(runs.ours.map((v, i) => v / runs.xhr[i])),
        },
      };
    }

    if (parts.has('small')) {
      const { files, fileBytes } = plan;
      const dir = join(work, 'small');
      mkdirSync(dir);
      const paths = [];
      for (let i = 0; i < files; i++) paths.push(await randomFile(join(dir, `small-${String(i).padStart(4, '0')}.bin`), fileBytes));
      const bluestore = await freshStack('small');
      results.small = await smallSuite(bluestore, paths, { title: '5. many small files (loopback, RGW on bluestore)', profile: true });
      // The same RGW, behind a network's latency: a new signer and site, fault proxies in front of both.
      if (plan.latencyMs > 0) {
        const front = await frontOf(bluestore.s3, { latencyMs: plan.latencyMs, down: bluestore.down });
        results.smallLatency = { latencyMs: plan.latencyMs, ...(await smallSuite(front, paths, { title: `5. many small files (+${plan.latencyMs} ms per request to the signer and to RGW, bluestore)` })) };
      }
      // Is storage the limit? The same on an RGW that keeps objects in RAM.
      const memstore = await freshStack('small-memstore', { objectstore: 'memstore' });
      results.smallMemstore = await smallSuite(memstore, paths, { title: '5. many small files (loopback, RGW on memstore)', profile: true });
      rmSync(dir, { recursive: true, force: true });
    }

    if (parts.has('memory')) {
      const { signer, site } = await freshStack('memory');
      const size = plan.memoryBytes;
      log(`6. memory: our element uploads ${size / MiB} MiB; JS heap sampled every 250 ms`);
      const path = await randomFile(join(work, `memory-${size / MiB}MiB.bin`), size);
      const run = await runOurs(browser, site, signer, [path], { onPage: heapMonitor, timeoutMs: 900_000 });
      rmSync(path, { force: true });
      results.memory = { bytes: size, seconds: run.seconds, mbPerSecond: size / 1e6 / run.seconds, heap: run.heap };
      log(`   heap ${run.heap.beforeMB.toFixed(1)} → peak ${run.heap.peakMB.toFixed(1)} → ${run.heap.afterMB.toFixed(1)} MB (after GC ${run.heap.afterGcMB.toFixed(1)}); ${(size / 1e6 / run.seconds).toFixed(0)} MB/s`);
    }
  }
  if (parts.has('rss')) {
    log(`6. signer RSS: ${plan.rssSeconds} s of autocannon (50 connections, POST /v1/sign with one file; signer on core 0, load on core 1)`);
    results.signerRss = await signerRss(plan.rssSeconds);
    log(`   RSS idle ${results.signerRss.idleMB.toFixed(0)} MiB → after load ${results.signerRss.afterMB.toFixed(0)} MiB (peak ${results.signerRss.peakMB.toFixed(0)}), ${results.signerRss.requestsPerSecond.toFixed(0)} req/s`);
  }
} finally {
  for (const stop of stops.reverse()) await stop().catch((error) => log(`stop: ${error.message}`));
  rmSync(work, { recursive: true, force: true });
}
results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
writeFileSync(arg('out') ?? join(tmpdir(), 's3u-browser.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
