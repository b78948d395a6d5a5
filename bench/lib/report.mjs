// Renders results.json as a console table, bench/RESULTS.md and bench/ratios.svg.
const n = (v, digits = 0) => (v == null ? '–' : Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const mm = (s, digits = 0, unit = '') => (s?.median == null ? '–' : `${n(s.median, digits)}${unit} (${n(s.min, digits)}–${n(s.max, digits)})`);
const ratio = (s) => (s?.median == null ? '–' : `${n(s.median, 2)} (${n(s.min, 2)}–${n(s.max, 2)})`);
const status = (g) => (g.met == null ? 'not measured' : g.met ? 'met' : 'MISSED');

export function renderTable(r) {
  const lines = [];
  const row = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  if (r.http) {
    lines.push('1. Signing over HTTP (median of rounds; min–max)');
    const w = [46, 24, 10, 10, 8];
    lines.push(row(['contender', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB'], w));
    for (const c of r.http.contenders) lines.push(row([`(${c.id}) ${c.label}`, mm(c.requestsPerSecond), n(c.p50.median), n(c.p99.median), n(c.rssMB.median)], w));
    for (const [k, v] of Object.entries(r.http.ratios)) lines.push(`   ratio ${k}: ${ratio(v)}`);
  }
  if (r.inproc) {
    lines.push('', '2. In process (µs per policy)');
    for (const c of r.inproc.contenders) lines.push(`   ${c.label.padEnd(44)} ${mm(c.usPerPolicy, 2)}`);
    for (const [k, v] of Object.entries(r.inproc.ratios)) lines.push(`   ratio ${k}: ${ratio(v)}`);
  }
  if (r.bundle) {
    lines.push('', '3. Bundle (JS + CSS bytes: raw / gzip -9 / brotli -q 11)');
    for (const c of r.bundle.contenders) lines.push(`   ${c.label.padEnd(52)} ${c.built ? `${n(c.total.bytes)} / ${n(c.total.gzip)} / ${n(c.total.brotli)}` : c.note}`);
  }
  lines.push(...browserTable(r));
  lines.push('', 'Goals');
  for (const g of r.goals) lines.push(`   [${status(g).padEnd(12)}] ${g.goal}: ${g.value == null ? '–' : n(g.value, 2)} (${g.target})`);
  return lines.join('\n');
}

export function renderMarkdown(r) {
  const out = [];
  out.push('# Benchmarks: s3-upload side by side with the anchors', '');
  out.push(`Latest ${r.mode} run: ${r.date} (${r.elapsedSeconds} s). Produced by \`pnpm bench${r.mode === 'quick' ? ' --quick' : ''}\`; the raw figures are in [results.json](results.json).`);
  out.push('Benchmarks are not tests: nothing here is asserted. The machine is shared and noisy, so each comparison runs its contenders alternately in the same sitting (the order rotates every round), and reports the median of the rounds with the min and max. Ratios are computed round by round, then summarized.', '');
  out.push('![ratios, as a fraction of each goal](ratios.svg)', '');
  out.push('## Machine and versions', '');
  out.push(`- ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB; ${r.machine.kernel}; Node ${r.machine.node}`);
  out.push(`- ${Object.entries(r.versions).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`- plan: HTTP ${r.plan.http.rounds} rounds × ${r.plan.http.duration} s per contender (after a ${r.plan.http.warmup} s warm-up), in process ${r.plan.inproc.rounds} rounds × ${r.plan.inproc.ms} ms${browserPlan(r)}`, '');
  out.push('## Goals', '', '| goal | measured (median) | target | status |', '| --- | --- | --- | --- |');
  for (const g of r.goals) out.push(`| ${g.goal} | ${g.value == null ? '–' : n(g.value, 2)} | ${g.target || '–'} | ${status(g)} |`);
  out.push('');
  if (r.http) {
    out.push('## 1. Signing throughput over HTTP', '');
    out.push(`autocannon in its own process, ${r.http.connections} connections, on loopback inside a network namespace that holds only \`lo\` (\`unshare -n\`; Uppy Companion binds every interface). Every server is pinned to core 0 (\`taskset -c 0\`), the load generator to core 1. RSS is the server's after each run. Our signer runs with its real config: token auth, TypeBox validation, metrics on, log level \`warn\`, rate limit off. Companion runs its standalone server with its defaults (it logs every request; the log goes to /dev/null).`, '');
    out.push('| contender | req/s | policies/s | p50 ms | p99 ms | RSS MB | failed |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const c of r.http.contenders) {
      out.push(`| (${c.id}) ${c.label} | ${mm(c.requestsPerSecond)} | ${c.policiesPerRequest ? mm(c.policiesPerSecond) : '–'} | ${mm(c.p50)} | ${mm(c.p99)} | ${mm(c.rssMB)} | ${c.failures} |`);
    }
    out.push('', '| ratio | median (min–max) |', '| --- | --- |');
    const explain = { 'b/a': 'req/s, ours (1 file) ÷ bare POST', 'b/d': 'policies/s, ours ÷ Companion', 'c/b': 'policies/s, 10 files per request ÷ 1 file', 'b-sdk/a': 'req/s, ours with the SDK signer ÷ bare POST', 'b/b-sdk': 'req/s, fast signer ÷ SDK signer' };
    for (const [k, v] of Object.entries(r.http.ratios)) out.push(`| ${k}: ${explain[k] ?? ''} | ${ratio(v)} |`);
    out.push('');
  }
  if (r.inproc) {
    out.push('## 2. Signing cost in process', '');
    out.push('µs per policy for a typical upload policy (Content-Type, status, one metadata field), awaited one at a time. The floor is node:crypto alone: a policy JSON, base64, and SigV4 with the signing key cached per day.', '');
    out.push('| contender | µs per policy |', '| --- | --- |');
    for (const c of r.inproc.contenders) out.push(`| ${c.label} | ${mm(c.usPerPolicy, 2)} |`);
    out.push('', '| ratio | median (min–max) |', '| --- | --- |');
    for (const [k, v] of Object.entries(r.inproc.ratios)) out.push(`| ${k} | ${ratio(v)} |`);
    out.push('');
  }
  if (r.bundle) {
    out.push('## 3. Bundle size', '');
    out.push('Bytes a page must load, JS plus CSS, each file compressed on its own (gzip -9, brotli -q 11 through node:zlib). Competitors are bundled from npm by esbuild (minified, ESM, browser) from the one-line entries in [entries/](entries/); images referenced by CSS are not counted for anyone, and Fine Uploader\'s HTML template is not counted.', '');
    out.push('| contender | raw | gzip -9 | brotli -q 11 |', '| --- | --- | --- | --- |');
    for (const c of r.bundle.contenders) out.push(c.built ? `| ${c.label} | ${n(c.total.bytes)} | ${n(c.total.gzip)} | ${n(c.total.brotli)} |` : `| ${c.label} | ${c.note} | | |`);
    out.push('');
  }
  out.push(...browserMarkdown(r));
  out.push('## Profiles and fixes (before / after)', '');
  if (r.http && r.inproc) {
    const by = Object.fromEntries(r.http.contenders.map((c) => [c.id, c]));
    const ip = Object.fromEntries(r.inproc.contenders.map((c) => [c.id, c]));
    out.push(
      `- **Signing (fixed).** Before: the signer called \`createPresignedPost\` per policy. A \`node --cpu-prof\` profile showed it copying the whole client config and resolving the endpoint on every call, and HMACing the credentials to look up its signing-key cache. After: \`fastPostSigner\` (packages/signer/src/policy/fast-sign.ts) resolves the URL once per bucket through the SDK, keeps the signing key per (key id, secret, day, region), copies fields with assignments, and is proven byte-identical to the SDK by property tests. In process, ${n(ip.sdk.usPerPolicy.median, 1)} → ${n(ip.fast.usPerPolicy.median, 1)} µs per policy (floor ${n(ip.floor.usPerPolicy.median, 1)}); over HTTP, (b) went from ${n(by['b-sdk'].requestsPerSecond.median)} to ${n(by.b.requestsPerSecond.median)} req/s (the \`b-sdk\` row is the before, measured in the same sitting).`,
    );
  }
  out.push(
    '- **Per request, b/a (missed).** A `node --cpu-prof` profile of (b) under 50 connections: socket writes (`writev`) 18% of the time, since each answer carries a policy of about 1.2 KB where the bare route answers `{"ok":true}`; HMAC and SHA-256 (the policy signature and the constant-time token check) about 9%; Fastify\'s parsing, hooks and serializer and Node\'s HTTP stack most of the rest. No function of the signer\'s own takes more than 5% (the fast signer\'s `sign`); `expiryOf`, `checkFile`, the key template and the metrics are each about 1% or less. The gap to the bare route is the work a signer has to do, not overhead that can be removed.',
    '- **Batching, c/b (missed).** With 10 files, the marginal cost of a file in `POST /v1/sign` is about 10-17 µs on this machine: measured in process, `checkFile` about 1-2 µs, `randomUUID` + `renderKey` about 1 µs, `buildUploadPolicy` 0.5 µs, the fast signer about 7 µs (the node:crypto floor for a signature alone is about 5-6 µs), and serializing the entry (about 900 bytes of JSON) about 2 µs. For c/b ≥ 5 a 10-file request may cost at most twice a 1-file one, i.e. under about 8 µs per file all included: below the floor for the signature alone. Done: policies are counted once per request, and the sign response is serialized with `JSON.stringify` (faster here than the schema serializer, which has to search its `anyOf` per entry).',
    '- **Bundle vs Dropzone (missed by about 4%).** Lit itself is about 5.2 KB of the gzip size. Done: the element no longer ships the extension-to-type table (it matches `.ext` accept entries by file name, as the HTML `accept` attribute does, and leaves untyped files to the signer): 13,956 → 13,624 bytes; the row memo for large lists and the clearer outage messages then added about 150 bytes. A final terser pass would save only about 60 more.',
    ...browserFindings(r),
    '- **The machine.** Two shared cores: the latest full run was made with nothing else of ours running, yet absolute figures still swing from round to round (see the min–max ranges); the ratios, taken within a round, are steadier.',
    '',
  );
  return `${out.join('\n')}\n`;
}

export function renderSvg(r) {
  // Each bar is the measured ratio as a fraction of its goal: past the line at 1, the goal is met.
  const bars = r.goals
    .filter((g) => g.value != null)
    .map((g) => {
      const target = Number(/[\d.]+/.exec(g.target)[0]);
      const lowerIsBetter = g.target.startsWith('≤') || g.target.startsWith('<');
      return { label: g.goal, value: g.value, score: lowerIsBetter ? (g.value > 0 ? target / g.value : Infinity) : g.value / target, met: g.met, target: g.target };
    });
  const width = 760;
  const left = 360;
  const barMax = width - left - 90;
  const rowH = 34;
  const height = 50 + bars.length * rowH + 20;
  const scaleMax = Math.max(2, ...bars.map((b) => Math.min(b.score, 4)));
  const x = (v) => left + (Math.min(v, scaleMax) / scaleMax) * barMax;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = bars
    .map((b, i) => {
      const y = 40 + i * rowH;
      return [
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
        `<rect x="${left}" y="${y + 2}" width="${(x(b.score) - left).toFixed(1)}" height="20" fill="${b.met ? '#2e7d32' : '#c62828'}"/>`,
        `<text x="${(x(b.score) + 6).toFixed(1)}" y="${y + 16}">${b.value.toFixed(2)} (goal ${esc(b.target)})</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="14" font-weight="bold">s3-upload benchmark ratios as a fraction of each goal (${r.mode} run, ${r.date.slice(0, 10)})</text>
<line x1="${x(1).toFixed(1)}" y1="32" x2="${x(1).toFixed(1)}" y2="${height - 10}" stroke="#333" stroke-dasharray="4 3"/>
<text x="${x(1).toFixed(1)}" y="${height - 2}" text-anchor="middle">goal</text>
${rows}
</svg>
`;
}

// ---- 4-6. Browser benchmarks -------------------------------------------------------------------------
const MiB = 2 ** 20;

function browserPlan(r) {
  const b = r.browser;
  if (b?.status !== 'run') return '';
  const p = b.plan;
  return `; browser ${p.rounds} round(s): one ${p.largeBytes / MiB} MiB file, ${p.files} files of ${p.fileBytes / 1024} KiB, a ${p.memoryBytes / MiB} MiB file for the heap, signer RSS after ${p.rssSeconds} s of load`;
}

function browserTable(r) {
  const b = r.browser;
  const lines = [];
  if (b?.status !== 'run') return ['', `4-6. Browser: ${b?.status ?? 'not run'}${b?.reason ? ` (${b.reason})` : ''}`];
  if (b.large) {
    lines.push('', `4. One large file (${b.large.bytes / MiB} MiB; MB/s, median of rounds; min–max)`);
    for (const c of b.large.contenders) lines.push(`   ${c.label.padEnd(52)} ${mm(c.mbPerSecond, 1)}`);
    for (const [k, v] of Object.entries(b.large.ratios ?? { 'ours/curl': b.large.ratio })) lines.push(`   ratio ${k}: ${ratio(v)}`);
  }
  if (b.small) {
    lines.push('', `5. Many small files (${b.small.files} × ${b.small.fileBytes / 1024} KiB; s from selection to the last success; signer requests)`);
    for (const c of b.small.contenders) lines.push(`   ${c.label.padEnd(62)} ${mm(c.seconds, 2, ' s').padEnd(26)} ${c.signer.total} requests (${c.signer.sign} sign)`);
    for (const [k, v] of Object.entries(b.small.ratios)) lines.push(`   ratio ${k} (times faster): ${ratio(v)}`);
  }
  for (const [key, title] of [['smallLatency', `5b. The same, +${b.smallLatency?.latencyMs} ms per request to the signer and to RGW (fault proxy)`], ['smallMemstore', '5c. The same on loopback, RGW on memstore']]) {
    const v = b[key];
    if (!v) continue;
    lines.push('', title);
    for (const c of v.contenders) lines.push(`   ${c.label.padEnd(62)} ${mm(c.seconds, 2, ' s').padEnd(26)} ${c.signer.total} requests (${c.signer.sign} sign)`);
    for (const [k, r] of Object.entries(v.ratios)) lines.push(`   ratio ${k} (times faster): ${ratio(r)}`);
  }
  if (b.memory) {
    const h = b.memory.heap;
    lines.push('', `6. Memory: page JS heap while our element uploads ${b.memory.bytes / MiB} MiB (MB): before ${n(h.beforeMB, 1)}, peak ${n(h.peakMB, 1)}, after ${n(h.afterMB, 1)} (after GC ${n(h.afterGcMB, 1)}); growth ${n(h.growthMB, 1)}`);
  }
  if (b.signerRss) {
    const s = b.signerRss;
    lines.push(`   signer RSS (MiB): idle ${n(s.idleMB)}, after ${s.seconds} s of load ${n(s.afterMB)} (peak ${n(s.peakMB)}; ${n(s.requestsPerSecond)} req/s)`);
  }
  return lines;
}

function browserMarkdown(r) {
  const b = r.browser;
  const out = [];
  if (b?.status !== 'run') return ['## 4-6. Browser benchmarks', '', `Status: ${b?.status ?? 'not run'}${b?.reason ? ` (${b.reason})` : ''}.`, ''];
  const p = b.plan;
  out.push('## 4-6. Browser benchmarks', '');
  out.push(
    `Headless Chromium ${b.chromium ?? ''} (Debian's, driven by playwright-core), a one-node Ceph RGW on bluestore (so that memory is not the limit; a fresh one for each part, since its 4 GB block would not hold them all), our signer in its own process (public, rate limit off, profile: any type, up to 2 GB, up to 300 files) and the test pages on a loopback static server; all on the same two cores, unpinned. Files are random bytes in a temp folder, chosen with playwright's \`setInputFiles\` (the browser reads them from disk; nothing is built in page memory). Times are taken in the page, from the selection (the \`change\` of the file input) to the last success event. ${b.plan.rounds > 1 ? `${p.rounds} rounds; the contenders alternate and their order rotates every round.` : '1 round (quick mode).'} ${r.mode === 'quick' ? `**Quick mode: smaller sizes** (${p.largeBytes / MiB} MiB instead of 256 MiB, ${p.files} files instead of 300, ${p.memoryBytes / MiB} MiB instead of 1 GiB, ${p.rssSeconds} s of load instead of 60).` : ''}`,
    '',
  );
  if (b.large) {
    out.push(`### 4. One large file: ${b.large.bytes / MiB} MiB`, '');
    out.push('Ours: `<s3-upload>` (the shipped script-tag bundle) signs the file, then posts it with XMLHttpRequest and FormData. curl: the same kind of policy, signed by the same signer for the same file (`POST /v1/sign`, timed), then `curl --form-string k=v … -F file=@path` (with `Expect:` off, its best case). MB is 10⁶ bytes. One warm-up upload each way first (the file is in the page cache for both).', '');
    out.push('| contender | MB/s |', '| --- | --- |');
    for (const c of b.large.contenders) out.push(`| ${c.label} | ${mm(c.mbPerSecond, 1)} |`);
    out.push('', `Ratio ours ÷ curl, round by round: **${ratio(b.large.ratio)}** (goal ≥ 0.9).`, '');
    if (b.large.ratios) {
      out.push('The bare XHR row is the browser\'s own floor, for context: one `fetch` to sign, then one `XMLHttpRequest` of a `FormData`, with no element and no UI. It separates what the browser costs from what the element adds.', '');
      out.push('| ratio | median (min–max) |', '| --- | --- |');
      for (const [k, v] of Object.entries(b.large.ratios)) out.push(`| ${k} | ${ratio(v)} |`);
      out.push('');
    }
  }
  if (b.small) {
    out.push(`### 5. Many small files: ${b.small.files} × ${b.small.fileBytes / 1024} KiB`, '');
    out.push('Ours: `<s3-upload multiple concurrency=N>`, which signs the selection in batches (`POST /v1/sign` with many files). Uppy: `@uppy/core` + `@uppy/aws-s3` ' + (r.versions?.['@uppy/aws-s3'] ?? '') + ' bundled by esbuild from [pages/uppy-page.js](pages/uppy-page.js), with `limit: N` and `signRequest` (v6\'s successor of `getUploadParameters`) asking our signer for one file per request and returning `{ url, fields }`, so it posts the same kind of form. Requests are counted at the signer (an `onResponse` hook): signing requests, the element\'s one profile lookup at page load, and CORS preflights.', '');
    out.push('| contender | seconds | files/s | signer requests (sign + profile + preflight) |', '| --- | --- | --- | --- |');
    for (const c of b.small.contenders) out.push(`| ${c.label} | ${mm(c.seconds, 2)} | ${mm(c.filesPerSecond)} | ${c.signer.total} (${c.signer.sign} + ${c.signer.profile} + ${c.signer.preflight}) |`);
    out.push('', '| ratio: Uppy\'s time ÷ ours (times faster) | median (min–max) |', '| --- | --- |');
    for (const [k, v] of Object.entries(b.small.ratios)) out.push(`| ${k} | ${ratio(v)} |`);
    out.push('');
    const table = (v) => {
      out.push('| contender | seconds | files/s | signer requests (sign + profile + preflight) |', '| --- | --- | --- | --- |');
      for (const c of v.contenders) out.push(`| ${c.label} | ${mm(c.seconds, 2)} | ${mm(c.filesPerSecond)} | ${c.signer.total} (${c.signer.sign} + ${c.signer.profile} + ${c.signer.preflight}) |`);
      out.push('', '| ratio: Uppy\'s time ÷ ours (times faster) | median (min–max) |', '| --- | --- |');
      for (const [k, r] of Object.entries(v.ratios)) out.push(`| ${k} | ${ratio(r)} |`);
      out.push('');
    };
    if (b.smallLatency) {
      const ms = b.smallLatency.latencyMs;
      out.push(`#### 5b. The same with a network's latency: +${ms} ms per request to the signer and to RGW`, '');
      out.push(`A separate row, not a replacement for the loopback one above. The same RGW (bluestore), a second signer, and two fault proxies ([tools/fault-proxy](../tools/fault-proxy), \`latency: ${ms}\` plus a ${ms} ms \`delay\` rule for OPTIONS, keep-alive on) in the bench process: one in front of the signer (the pages know only its URL), one in front of RGW (the signer signs for its URL, so every upload goes through it). Each proxy holds every request, CORS preflights included, ${ms} ms before forwarding it: about what a signer and a bucket ${ms} ms of round trip away cost per request on warm keep-alive connections (a real network adds more: TCP and TLS handshakes on new connections, and bandwidth; none is modelled here). Both contenders go through the same proxies; Uppy pays the ${ms} ms once per file for signing and once for the upload, ours once per file for the upload and once per batch for signing.`, '');
      table(b.smallLatency);
    }
    if (b.smallMemstore) {
      out.push('#### 5c. The same on loopback, RGW on memstore (is storage the limit?)', '');
      out.push('A fresh RGW that keeps objects in RAM (`objectstore: \'memstore\'`), otherwise as in the loopback row.', '');
      table(b.smallMemstore);
    }
    const profiles = b.small.profiles;
    if (profiles) {
      out.push(`#### Where the page's main thread goes (CDP Profiler, one extra run each at concurrency ${profiles.ours.concurrency}, loopback, bluestore)`, '');
      out.push('The profiled runs load the same code bundled unminified (so functions keep their names) and are not timed for the tables above. Self time, sampled every 200 µs. "(program)" is native work outside JavaScript (style, layout, paint, the network stack\'s main-thread side); "idle" is the main thread waiting.', '');
      out.push('| | ours | Uppy |', '| --- | --- | --- |');
      out.push(`| run (s) | ${n(profiles.ours.seconds, 2)} | ${n(profiles.uppy.seconds, 2)} |`);
      out.push(`| main thread busy (ms) | ${n(profiles.ours.busyMs)} | ${n(profiles.uppy.busyMs)} |`);
      out.push(`| idle (ms) | ${n(profiles.ours.idleMs)} | ${n(profiles.uppy.idleMs)} |`, '');
      for (const who of ['ours', 'uppy']) {
        out.push(`Top self time, ${who === 'ours' ? 'ours' : 'Uppy'}: ${profiles[who].topFunctions.slice(0, 8).map((f) => `\`${f.name.replace(/\s+\[/, ' [')}\` ${n(f.selfMs)} ms`).join('; ')}.`, '');
      }
    }
  }
  if (b.memory || b.signerRss) out.push('### 6. Memory', '');
  if (b.memory) {
    const h = b.memory.heap;
    out.push(`Our element uploads a ${b.memory.bytes / MiB} MiB file (${n(b.memory.mbPerSecond)} MB/s). The page's JS heap is CDP \`Performance.getMetrics\` → \`JSHeapUsedSize\`, sampled every 250 ms (${h.samples} samples); "before" is taken after a forced GC on the loaded page, "after" right after the success, then again after a forced GC. MB is 10⁶ bytes.`, '');
    out.push('| before | peak | after | after GC | growth (peak − before) |', '| --- | --- | --- | --- | --- |');
    out.push(`| ${n(h.beforeMB, 1)} MB | ${n(h.peakMB, 1)} MB | ${n(h.afterMB, 1)} MB | ${n(h.afterGcMB, 1)} MB | **${n(h.growthMB, 1)} MB** (goal < 20) |`, '');
  }
  if (b.signerRss) {
    const s = b.signerRss;
    out.push(`The signer's RSS (\`/proc/PID/status\` VmRSS of the signer process, same config as above, pinned to core 0) after ${s.seconds} s of autocannon (its own process on core 1, ${s.connections} connections, \`POST /v1/sign\` with one file): idle **${n(s.idleMB)} MiB**, after the load **${n(s.afterMB)} MiB**, peak ${n(s.peakMB)} MiB; ${n(s.requestsPerSecond)} req/s, ${n(s.total)} requests, ${s.non2xx} non-2xx, ${s.errors} errors.`, '');
  }
  return out;
}

/** Notes on 4-6 for "Profiles and fixes", from the figures of this run (not written by hand). */
function browserFindings(r) {
  const b = r.browser;
  if (b?.status !== 'run') return [];
  const out = [];
  if (b.large?.ratios) {
    const by = Object.fromEntries(b.large.contenders.map((c) => [c.id, c.mbPerSecond.median]));
    const { 'ours/curl': oc, 'xhr/curl': xc, 'ours/xhr': ox } = b.large.ratios;
    const met = oc.median >= 0.9;
    out.push(
      `- **Large file vs curl (${met ? 'met' : 'missed; not in the element'}).** Ours ${n(by.ours)} MB/s, a bare \`XMLHttpRequest\` + \`FormData\` in the same browser ${n(by.xhr)} MB/s, curl ${n(by.curl)} MB/s: ours ÷ bare XHR is ${n(ox.median, 2)}, bare XHR ÷ curl is ${n(xc.median, 2)}. ${ox.median >= 0.9 ? `The element adds next to nothing to the browser's own upload path (it posts the \`File\` in a \`FormData\`, which Chromium streams from disk); ${met ? '' : 'the gap to curl is in Chromium\'s upload path (most likely its network service reading the file and sending it through its own IPC and socket layers, on the same two cores as RGW and the signer; not profiled here). The element cannot beat the browser\'s own XHR path; closing the gap would need a different transport (e.g. several multipart parts in parallel, which a single POST policy cannot do).'}` : 'The element costs more than the browser\'s floor here: profile the page (CDP Profiler) during the upload, looking at progress handling and rendering.'}`,
    );
  }
  if (b.small) {
    const get = (id) => b.small.contenders.find((c) => c.id === id);
    const list = (ratios) => Object.entries(ratios).map(([k, v]) => `${k} ${n(v.median, 2)}`).join(', ');
    const c4 = get('ours-4');
    const u4 = get('uppy-4');
    const worst = Math.min(...Object.values(b.small.ratios).map((v) => v.median));
    const p = b.small.profiles;
    const lat = b.smallLatency;
    const mem = b.smallMemstore;
    out.push(
      `- **Many small files vs Uppy (${worst >= 1.5 ? 'met' : 'missed'} on loopback).** Uppy's time ÷ ours on loopback: ${list(b.small.ratios)}. Batching cuts the requests to the signer from ${u4?.signer.total} (Uppy: one signing request per file, plus preflights) to ${c4?.signer.total} (ours: ${c4?.signer.sign} signing request(s), 1 profile lookup at page load, 1 preflight), but on loopback a signing request costs about a millisecond, next to a 64 KiB POST to RGW that shares the same two cores with the browser, RGW and the signer (${n(c4?.filesPerSecond.median)} vs ${n(u4?.filesPerSecond.median)} files/s at concurrency 4).` +
        (mem ? ` **Storage is not the limit:** on memstore the times barely move (ours at concurrency 4: ${n(mem.contenders.find((c) => c.id === 'ours-4').seconds.median, 2)} s vs ${n(c4?.seconds.median, 2)} s on bluestore; ratios ${list(mem.ratios)}); the two shared cores are.` : '') +
        (lat ? ` **With a network's latency** (+${lat.latencyMs} ms per request to the signer and to RGW, 5b) the one-request-per-file design pays it twice per file and ours once: ${list(lat.ratios)}. The gain is largest where each upload slot is latency-bound (concurrency 4) and shrinks as more slots overlap the waits (concurrency 8). Which conditions favour whom: loopback (a signer next to the page, a storage next to the browser) is Uppy's best case, since its extra requests are nearly free; any real distance to the signer favours batching, more so at low concurrency and with small files; large files favour neither (one signing round trip next to a long upload).` : ''),
    );
    out.push(
      `- **The element's main thread during (5) (profiled; fixed in part).** Before: a CDP profile of ours at concurrency 4 (300 files, loopback) showed the renderer's main thread busy 4.9 s of a 5.8 s run, against 2.4 s of 6.6 s for Uppy's page (which has no UI): every update re-rendered all 300 rows (about two updates per finished file plus one per frame with progress), so \`fill\` (the message templates, 0.44 s), Lit's template walk (0.65 s), \`#row\`/\`#action\` (0.17 s) and the rest added up to about 1.9 s of JavaScript. After (packages/element/src/s3-upload/s3-upload.ts): a row whose item, status, progress, error, hold, online and retry state and preview are what it showed at the same position at the last render returns Lit's \`noChange\`, so Lit skips it; only the rows that changed are rebuilt. (The form value is still rebuilt at every update, a \`FormData\` of every key: about 0.05 s here, left alone to keep the bundle from growing.)` +
        (p ? ` In this run's profile: main thread busy ${n(p.ours.busyMs / 1000, 1)} s of ${n(p.ours.wallMs / 1000, 1)} s (Uppy ${n(p.uppy.busyMs / 1000, 1)} s of ${n(p.uppy.wallMs / 1000, 1)} s); the element's own JavaScript is now small, and what is left is "(program)", native style/layout/paint of the list (${n(p.ours.topFunctions.find((f) => f.name === '(program)')?.selfMs ?? 0)} ms vs ${n(p.uppy.topFunctions.find((f) => f.name === '(program)')?.selfMs ?? 0)} ms for Uppy's UI-less page), and posting (\`done\`: building the \`FormData\` and \`xhr.send\`, which Uppy's fetcher pays as well). Not yet tried: a trace (CDP Tracing, devtools.timeline) to split "(program)" into style, layout and paint; the suspects are the list's \`display: grid\` (300 items) and the progress bar's \`inline-size\` transition, which relayouts every frame while any bar moves.` : ''),
    );
  }
  if (b.memory) {
    const h = b.memory.heap;
    out.push(`- **Memory (${h.growthMB < 20 ? 'met' : 'missed'}).** The page's JS heap went from ${n(h.beforeMB, 1)} MB to a peak of ${n(h.peakMB, 1)} MB while a ${b.memory.bytes / MiB} MiB file uploaded: the file is never read into the JS heap (\`FormData\` holds a reference to the \`File\`).`);
  }
  return out;
}
