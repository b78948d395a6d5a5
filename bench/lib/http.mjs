// Benchmark 1: signing throughput over HTTP. Runs inside a network namespace that holds only loopback
// (run.mjs starts it with `unshare -n`), because Uppy Companion binds every interface. Every server
// is pinned to core 0 and the load generator (autocannon, its own process) to core 1.
//   node lib/http.mjs --out <file> --rounds N --duration S --warmup S [--connections 50]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CREDENTIALS, BENCH_S3, BENCH_TOKEN, signBody } from './fixtures.mjs';
import { rotated, rssMB, summary } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const rounds = Number(args.rounds ?? 5);
const duration = Number(args.duration ?? 10);
const warmup = Number(args.warmup ?? 3);
const connections = Number(args.connections ?? 50);
const SERVER_CORE = '0';
const LOAD_CORE = '1';
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' };

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (pattern.test(buffer)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${buffer.slice(-500)}`)));
  });
}

async function startServer(kind, port) {
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, join(here, 'server.mjs'), kind, String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await waitForLine(child, /listening/);
  return child;
}

async function startCompanion(port) {
  const dataDir = mkdtempSync(join(tmpdir(), 's3u-companion-'));
  const bin = join(here, '..', 'node_modules', '@uppy', 'companion', 'bin', 'companion');
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, bin], {
    env: {
      ...env,
      COMPANION_SECRET: 'bench-companion-secret-0123456789',
      COMPANION_DOMAIN: `127.0.0.1:${port}`,
      COMPANION_PROTOCOL: 'http',
      COMPANION_PORT: String(port),
      COMPANION_DATADIR: dataDir,
      COMPANION_CLIENT_ORIGINS: 'true',
      COMPANION_AWS_KEY: BENCH_CREDENTIALS.accessKeyId,
      COMPANION_AWS_SECRET: BENCH_CREDENTIALS.secretAccessKey,
      COMPANION_AWS_BUCKET: BENCH_S3.bucket,
      COMPANION_AWS_REGION: BENCH_S3.region,
      COMPANION_AWS_ENDPOINT: BENCH_S3.endpoint,
      COMPANION_AWS_FORCE_PATH_STYLE: 'true',
      COMPANION_AWS_EXPIRES: '300',
    },
    // Companion logs every request (its default); the log goes nowhere.
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/s3/params?filename=cat.png&type=image/png`);
      if (response.ok) return child;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('companion did not start');
}

function load(options) {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', LOAD_CORE, process.execPath, join(here, 'load.mjs'), JSON.stringify(options)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator failed (${code})`))));
  });
}

const auth = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
const contenders = [
  { id: 'a', label: 'bare Fastify POST, fixed JSON', kind: 'bare', port: 3101, body: signBody(1), policies: 0 },
  { id: 'b', label: 'ours: POST /v1/sign, 1 file (fast signer)', kind: 'ours', port: 3102, body: signBody(1), policies: 1 },
  { id: 'c', label: 'ours: POST /v1/sign, 10 files (fast signer)', kind: 'ours', port: 3103, body: signBody(10), policies: 10 },
  { id: 'b-sdk', label: 'ours: POST /v1/sign, 1 file (SDK signer)', kind: 'ours-sdk', port: 3104, body: signBody(1), policies: 1 },
  { id: 'd', label: 'Uppy Companion GET /s3/params', kind: 'companion', port: 3105, policies: 1 },
];
const only = args.only?.split(',');
const active = only ? contenders.filter((c) => only.includes(c.id)) : contenders;

for (const contender of active) {
  contender.child = contender.kind === 'companion' ? await startCompanion(contender.port) : await startServer(contender.kind, contender.port);
  const base = `http://127.0.0.1:${contender.port}`;
  contender.request =
    contender.kind === 'companion'
      ? { url: `${base}/s3/params?filename=cat.png&type=image%2Fpng&metadata%5Balt%5D=a%20cat`, method: 'GET' }
      : { url: `${base}/v1/sign`, method: 'POST', headers: auth, body: contender.body };
  // Sanity: every contender answers 200 with what it is meant to answer.
  const response = await fetch(contender.request.url, contender.request);
  const json = await response.json();
  if (!response.ok) throw new Error(`${contender.id}: HTTP ${response.status} ${JSON.stringify(json)}`);
  if (contender.policies > 1 && json.uploads.filter((u) => u.fields).length !== contender.policies) throw new Error(`${contender.id}: not all signed`);
  contender.runs = [];
  process.stderr.write(`[http] ${contender.id} warming up (${warmup} s)\n`);
  await load({ ...contender.request, connections, duration: warmup });
}

for (let round = 0; round < rounds; round++) {
  for (const contender of rotated(active, round)) {
    const result = await load({ ...contender.request, connections, duration });
    const run = { round, ...result, rssMB: rssMB(contender.child.pid), policiesPerSecond: result.requestsPerSecond * contender.policies };
    contender.runs.push(run);
    process.stderr.write(
      `[http] round ${round + 1}/${rounds} ${contender.id.padEnd(5)} ${Math.round(result.requestsPerSecond)} req/s p50 ${result.p50} ms p99 ${result.p99} ms RSS ${run.rssMB?.toFixed(0)} MB${result.non2xx || result.errors ? ` non2xx ${result.non2xx} errors ${result.errors}` : ''}\n`,
    );
  }
}

const out = {
  connections,
  duration,
  rounds,
  contenders: active.map(({ id, label, policies, runs }) => ({
    id,
    label,
    policiesPerRequest: policies,
    runs,
    requestsPerSecond: summary(runs.map((r) => r.requestsPerSecond)),
    policiesPerSecond: summary(runs.map((r) => r.policiesPerSecond)),
    p50: summary(runs.map((r) => r.p50)),
    p99: summary(runs.map((r) => r.p99)),
    rssMB: summary(runs.map((r) => r.rssMB)),
    failures: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  })),
};
writeFileSync(args.out, JSON.stringify(out, null, 2));
process.exit(0);
