#!/usr/bin/env node
// Soak: autocannon at 100 connections for 60 s against POST /v1/sign of a real signer process
// (packages/signer/dist/cli.js, production settings: JSON log at info, rate limit off for the load
// client). Pass: 0 errors, 0 timeouts, only 200s, and RSS at the end within 20% of RSS after warm-up.
// Knobs: SOAK_SECONDS (60), SOAK_WARMUP_SECONDS (10), SOAK_CONNECTIONS (100), SOAK_LOG_LEVEL (info).
// Prints the figures (for bench/RESULTS.md and the README) and exits 1 on a failed criterion.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { signerConfig, startSigner, TOKEN } from './lib/signer.mjs';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const warmup = Number(process.env.SOAK_WARMUP_SECONDS ?? 10);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 100);
const logLevel = process.env.SOAK_LOG_LEVEL ?? 'info';

const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const mb = (bytes) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

const body = JSON.stringify({ profile: 'avatars', files: [{ name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } }] });
const signer = await startSigner({ config: signerConfig({ server: { logLevel } }), logToFile: true });
const pid = signer.child.pid;

function load(duration) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${signer.url}/v1/sign`,
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
        connections,
        duration,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

try {
  console.log(`soak: signer pid ${pid} at ${signer.url}, log level ${logLevel}; warm-up ${warmup} s, then ${seconds} s at ${connections} connections`);
  const rssStart = rssOf(pid);
  await load(warmup);
  const rssWarm = rssOf(pid);
  const samples = [];
  const timeline = [];
  const heapUsed = async () => {
    const text = await (await fetch(`${signer.url}/metrics`)).text();
    return Number(/^(?:\w+_)?nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? Number.NaN);
  };
  const sampler = setInterval(async () => {
    const rss = rssOf(pid);
    samples.push(rss);
    timeline.push(`${mb(rss)} (heap ${mb(await heapUsed())})`);
  }, 5000);
  const result = await load(seconds);
  clearInterval(sampler);
  const rssEnd = rssOf(pid);
  const growth = (rssEnd - rssWarm) / rssWarm;
  const non2xx = result.non2xx;
  const figures = {
    seconds,
    connections,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx,
    rss: { start: mb(rssStart), afterWarmup: mb(rssWarm), end: mb(rssEnd), growth: `${(growth * 100).toFixed(1)}%`, peak: mb(Math.max(...samples, rssEnd)) },
    heapUsedEnd: mb(await heapUsed()),
    every5s: timeline,
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `\n| soak | ${seconds} s x ${connections} conn | ${result.requests.total} req | ${figures.rps} req/s | p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms | ` +
      `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${non2xx} | RSS ${mb(rssWarm)} -> ${mb(rssEnd)} (${figures.rss.growth}) |`,
  );
  const failures = [];
  if (result.errors !== 0) failures.push(`${result.errors} errors`);
  if (result.timeouts !== 0) failures.push(`${result.timeouts} timeouts`);
  if (non2xx !== 0) failures.push(`${non2xx} non-2xx answers`);
  if (Math.abs(growth) > 0.2) failures.push(`RSS moved ${figures.rss.growth} (limit 20%)`);
  const stopping = Date.now();
  const exit = await signer.stop();
  if (exit.code !== 0) failures.push(`the signer exited with code ${exit.code}, signal ${exit.signal}, ${Date.now() - stopping} ms after SIGTERM`);
  else console.log(`the signer exited 0, ${exit.at - stopping} ms after SIGTERM; its log: ${signer.logPath}`);
  if (failures.length > 0) {
    console.error(`soak FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  } else console.log('soak passed: 0 errors, 0 timeouts, RSS within 20% of warm-up');
} catch (error) {
  await signer.stop();
  throw error;
}
