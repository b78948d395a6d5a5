// `pnpm bench` (full) or `pnpm bench --quick` (a short version of each, under 3 minutes).
// Runs every benchmark, prints one table, writes bench/results.json, bench/RESULTS.md and bench/ratios.svg.
// Benchmarks are not tests: nothing here asserts a time; goals are reported as met or missed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBench } from './lib/bundle.mjs';
import { renderMarkdown, renderSvg, renderTable } from './lib/report.mjs';
import { summary } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const skip = new Set((argv.find((a) => a.startsWith('--skip='))?.slice(7) ?? '').split(',').filter(Boolean));
const plan = quick
  ? { http: { rounds: 2, duration: 4, warmup: 1 }, inproc: { rounds: 3, ms: 300 } }
  : { http: { rounds: 5, duration: 10, warmup: 3 }, inproc: { rounds: 7, ms: 1000 } };
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
const scratch = mkdtempSync(join(tmpdir(), 's3u-bench-'));
const started = Date.now();

function step(title, command, args) {
  process.stderr.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: here, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${title} failed (${result.status ?? result.signal})`);
}

function version(name) {
  for (const base of [join(here, 'node_modules'), join(here, '..', 'packages', 'signer', 'node_modules')]) {
    const file = join(base, name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return null;
}

const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    kernel: readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' '),
    node: process.version,
  },
  versions: Object.fromEntries(
    [
      'fastify', 'autocannon', '@uppy/companion', '@uppy/core', '@uppy/dashboard', '@uppy/aws-s3', 'dropzone', 'filepond',
      'fine-uploader', 'esbuild', 'playwright-core', '@aws-sdk/s3-presigned-post', '@aws-sdk/client-s3',
    ].map((name) => [name, version(name)]),
  ),
  plan,
};

// 1. HTTP signing throughput, in a network namespace that holds only loopback (Companion binds every interface).
if (!skip.has('http')) {
  const out = join(scratch, 'http.json');
  const { rounds, duration, warmup } = plan.http;
  // As root, a plain network namespace; otherwise a user namespace maps us to root inside it.
  const namespace = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  step('1. signing throughput over HTTP (autocannon, 50 connections, server on core 0, load on core 1)', 'unshare', [
    ...namespace, '--', 'sh', '-c',
    `ip link set lo up && exec taskset -c 1 "${process.execPath}" lib/http.mjs --out "${out}" --rounds ${rounds} --duration ${duration} --warmup ${warmup} --connections 50`,
  ]);
  results.http = JSON.parse(readFileSync(out, 'utf8'));
  const by = Object.fromEntries(results.http.contenders.map((c) => [c.id, c]));
  const perRound = (f) => summary(by.a.runs.map((_, i) => f(i)));
  const pps = (id, i) => by[id]?.runs[i]?.policiesPerSecond;
  const rps = (id, i) => by[id]?.runs[i]?.requestsPerSecond;
  results.http.ratios = {
    'b/a': perRound((i) => rps('b', i) / rps('a', i)),
    'b/d': perRound((i) => pps('b', i) / pps('d', i)),
    'c/b': perRound((i) => pps('c', i) / pps('b', i)),
    'b-sdk/a': perRound((i) => rps('b-sdk', i) / rps('a', i)),
    'b/b-sdk': perRound((i) => rps('b', i) / rps('b-sdk', i)),
  };
}

// 2. In-process signing cost.
if (!skip.has('inproc')) {
  const out = join(scratch, 'inproc.json');
  step('2. µs per policy in process', process.execPath, ['lib/inproc.mjs', '--out', out, '--rounds', String(plan.inproc.rounds), '--ms', String(plan.inproc.ms)]);
  results.inproc = JSON.parse(readFileSync(out, 'utf8'));
  const by = Object.fromEntries(results.inproc.contenders.map((c) => [c.id, c]));
  const perRound = (a, b) => summary(by[a].runs.map((v, i) => v / by[b].runs[i]));
  results.inproc.ratios = { 'fast/floor': perRound('fast', 'floor'), 'sdk/floor': perRound('sdk', 'floor'), 'sdk/fast': perRound('sdk', 'fast') };
}

// 3. Bundle size.
if (!skip.has('bundle')) {
  process.stderr.write('\n== 3. bundle size (esbuild, minified; gzip -9, brotli -q 11)\n');
  results.bundle = { contenders: await bundleBench() };
  const ours = results.bundle.contenders.find((c) => c.id === 'ours');
  const dropzone = results.bundle.contenders.find((c) => c.id === 'dropzone');
  results.bundle.ratios = ours?.built ? { 'ours/dropzone gzip': ours.total.gzip / dropzone.total.gzip, 'ours/dropzone brotli': ours.total.brotli / dropzone.total.brotli } : {};
}

// 4-6. Browser benchmarks (headless Chromium, local RGW on bluestore) and the signer's RSS under load.
// Skip them all with --skip=browser, or some with --skip=large,small,memory,rss.
const browserParts = ['large', 'small', 'memory', 'rss'].filter((part) => !skip.has(part));
if (!skip.has('browser') && browserParts.length) {
  const out = join(scratch, 'browser.json');
  step(
    `4-6. in headless Chromium against a local RGW (bluestore): ${browserParts.join(', ')}${quick ? ' (quick: smaller files, 1 round)' : ''}`,
    process.execPath,
    ['lib/browser.mjs', '--out', out, '--parts', browserParts.join(','), ...(quick ? ['--quick'] : [])],
  );
  results.browser = { status: 'run', ...JSON.parse(readFileSync(out, 'utf8')) };
  results.versions.chromium = results.browser.chromium ?? null;
} else {
  results.browser = { status: 'not run', reason: 'skipped (--skip)' };
}

results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
results.goals = goals(results);
writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(here, 'RESULTS.md'), renderMarkdown(results));
writeFileSync(join(here, 'ratios.svg'), renderSvg(results));
process.stdout.write(`\n${renderTable(results)}\n`);
process.stderr.write(`\nwrote bench/results.json, bench/RESULTS.md, bench/ratios.svg in ${results.elapsedSeconds} s\n`);

function goals(r) {
  const list = [];
  const add = (goal, value, target, met, unit = '') => list.push({ goal, value, target, met: value == null ? null : met(value), unit });
  if (r.http) {
    add('(b) signing ≥ 0.35 × bare Fastify POST (a)', r.http.ratios['b/a'].median, '≥ 0.35', (v) => v >= 0.35);
    add('(b) signing ≥ 20 × Uppy Companion (d)', r.http.ratios['b/d'].median, '≥ 20', (v) => v >= 20);
    add('(c) batching: policies/s ≥ 5 × (b)', r.http.ratios['c/b'].median, '≥ 5', (v) => v >= 5);
  }
  if (r.inproc) add('in-process signing within 2 × the node:crypto floor', r.inproc.ratios['fast/floor'].median, '≤ 2', (v) => v <= 2);
  if (r.bundle) {
    const ratio = r.bundle.ratios['ours/dropzone gzip'];
    add('bundle (JS + CSS, gzip) smaller than Dropzone', ratio ?? null, '< 1', (v) => v < 1);
  }
  const b = r.browser ?? {};
  const notMeasured = (goal) => list.push({ goal, value: null, target: '', met: null, note: 'not measured' });
  const mib = (bytes) => `${bytes / 2 ** 20} MiB`;
  if (b.large) add(`large-file throughput ≥ 90% of curl (${mib(b.large.bytes)})`, b.large.ratio.median, '≥ 0.9', (v) => v >= 0.9);
  else notMeasured('large-file throughput ≥ 90% of curl');
  if (b.small) {
    // Both concurrencies must make it: the goal takes the lower of the two medians.
    const worst = Math.min(...Object.values(b.small.ratios).map((s) => s.median));
    add(`many small files ≥ 1.5 × faster than Uppy (${b.small.files} files, worse of concurrency ${b.plan.concurrency.join(' and ')})`, worst, '≥ 1.5', (v) => v >= 1.5);
  } else notMeasured('many small files ≥ 1.5 × faster than Uppy');
  if (b.memory) add(`JS heap grows < 20 MB for a ${b.memory.bytes >= 2 ** 30 ? '1 GB' : mib(b.memory.bytes)} upload (MB)`, b.memory.heap.growthMB, '< 20', (v) => v < 20);
  else notMeasured('JS heap grows < 20 MB for a 1 GB upload');
  return list;
}
