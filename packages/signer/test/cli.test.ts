import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCli, type CliIo } from '../src/cli.js';
import { ALICE_TOKEN, rawConfig, TEST_CREDENTIALS } from './support/config.js';

type Handlers = Partial<Record<'SIGTERM' | 'SIGINT', () => void>>;

function io(argv: string[], env: NodeJS.ProcessEnv = {}): { io: CliIo; out: string[]; err: string[]; handlers: Handlers } {
  const out: string[] = [];
  const err: string[] = [];
  const handlers: Handlers = {};
  return {
    out,
    err,
    handlers,
    io: { argv, env, stdout: (line) => out.push(line), stderr: (line) => err.push(line), onSignal: (signal, handler) => (handlers[signal] = handler) },
  };
}

async function configFile(overrides: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's3u-cli-'));
  const path = join(dir, 'signer.json');
  await writeFile(path, JSON.stringify(rawConfig({ server: { port: 0, logLevel: 'silent' }, ...overrides })));
  return path;
}

/** A sign request whose headers and half its body are sent: in flight until `finish()` sends the rest. */
async function halfSentRequest(url: string): Promise<{ finish(): Promise<string> }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ profile: 'avatars', files: [{ name: 'a.png', type: 'image/png', size: 5 }] });
  const socket = connect(Number(port), hostname);
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(response)));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /v1/sign HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ALICE_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    finish: () => {
      socket.end(body.slice(10));
      return ended;
    },
  };
}

const credentialsEnv = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
// The AWS default provider chain reads the real environment, as it does in production.
Object.assign(process.env, credentialsEnv, { AWS_EC2_METADATA_DISABLED: 'true' });

t.test('--help, --version and bad arguments', async (t) => {
  const help = io(['--help']);
  t.equal(await runCli(help.io), 0);
  t.match(help.out[0], /Usage: s3-upload-signer/);
  const version = io(['-v']);
  t.equal(await runCli(version.io), 0);
  t.match(version.out[0], /^\d+\.\d+\.\d+/);
  const bad = io(['--nope']);
  t.equal(await runCli(bad.io), 2);
  t.match(bad.err[0], /Unknown option '--nope'[\s\S]*Usage/);
});

t.test('--check validates the config', async (t) => {
  const good = io(['--check', '--config', await configFile()]);
  t.equal(await runCli(good.io), 0);
  t.equal(good.out[0], 'Config OK: 3 profile(s): avatars, reports, docs');
  const bad = io(['--check', '-c', await configFile({ s3: { bukcet: 'x' } })]);
  t.equal(await runCli(bad.io), 2);
  t.match(bad.err[0], /s3\.bukcet: unknown key \(did you mean "bucket"\?\)/);
  const fromEnv = io(['--check'], { S3_UPLOAD_CONFIG: await configFile() });
  t.equal(await runCli(fromEnv.io), 0);
});

t.test('serves until SIGTERM, lets in-flight requests finish, exits 0', async (t) => {
  const run = io(['--config', await configFile(), '--host', '127.0.0.1', '--port', '0'], credentialsEnv);
  const exit = runCli(run.io);
  while (run.out.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const url = /listening on (\S+)/.exec(run.out[0]!)![1]!;
  const inFlight = await halfSentRequest(url);
  run.handlers.SIGTERM!();
  run.handlers.SIGINT!();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await t.rejects(fetch(`${url}/healthz`), 'new connections are refused while draining');
  t.match(await inFlight.finish(), /^HTTP\/1\.1 200 OK/, 'the in-flight request completes');
  t.equal(await exit, 0);
});

t.test('a shutdown that takes too long exits 1', async (t) => {
  const run = io(['--config', await configFile({ server: { port: 0, logLevel: 'silent', shutdownTimeout: 0 }, metrics: { port: 0 } })], credentialsEnv);
  const exit = runCli(run.io);
  while (run.out.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.match(run.out[0], /metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
  const inFlight = await halfSentRequest(/listening on (\S+)/.exec(run.out[0]!)![1]!);
  run.handlers.SIGTERM!();
  t.equal(await exit, 1);
  await inFlight.finish();
});

t.test('the installed binary stops cleanly on SIGTERM', async (t) => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--config', await configFile()], {
    env: { ...process.env, ...credentialsEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  while (!/listening on/.test(output)) await new Promise((resolve) => setTimeout(resolve, 20));
  const url = /listening on (\S+)/.exec(output)![1]!;
  t.equal((await fetch(`${url}/healthz`)).status, 200);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 0);
  const failing = spawn(process.execPath, [cli, '--config', '/nonexistent.json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  failing.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.equal(await new Promise<number | null>((resolve) => failing.on('exit', resolve)), 2);
  t.match(stderr, /cannot read the config file/);
});

t.test('a request that arrives while the server drains gets a 503 in the error shape', async (t) => {
  const { createSignerServer } = await import('../src/server.js');
  const { testConfig } = await import('./support/config.js');
  const server = await createSignerServer(testConfig({ server: { port: 0 } }), { logger: false, credentials: TEST_CREDENTIALS });
  const { url } = await server.listen();
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const closed = server.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.end('cdGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await ended;
  await closed;
  const answers = response.split(/(?=HTTP\/1\.1 )/);
  t.match(answers[0], /^HTTP\/1\.1 200 OK/, 'the request in flight completes');
  t.match(answers[1], /^HTTP\/1\.1 503 Service Unavailable/, 'the late one is refused');
  t.match(answers[1], /retry-after: 1/i);
  t.match(answers[1], /\{"error":\{"code":"not_ready","message":"The signer is shutting down; retry shortly\."\}\}/);
});
