// Helpers shared by the reliability suites: a real signer child process (packages/signer/dist/cli.js),
// its log captured line by line, free loopback ports, and secret scanning.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SIGNER_CLI = join(ROOT, 'packages', 'signer', 'dist', 'cli.js');

export const TOKEN = 'reliability-token-0123456789abcdef';
export const SECOND_TOKEN = 'reliability-token-two-0123456789ab';
export const ACCESS_KEY = 'AKIDRELIABILITY';
export const SECRET_KEY = 'reliability-secret-key-must-never-leak-0123456789';

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A signer config like the README's: tokens auth, an avatars profile, a generous rate limit. */
export function signerConfig(overrides = {}) {
  return {
    s3: { bucket: 'uploads', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true },
    cors: { origins: ['http://127.0.0.1'] },
    auth: {
      mode: 'tokens',
      tokens: [
        { token: TOKEN, subject: 'alice' },
        { token: SECOND_TOKEN, subject: 'bob' },
      ],
    },
    rateLimit: { enabled: false },
    server: { logLevel: 'debug', shutdownTimeout: 10_000 },
    profiles: {
      avatars: { keyTemplate: 'avatars/{user}/{uuid}/{filename}', accept: ['image/*'], minSize: 1, maxSize: '50MB', maxFiles: 20, expiresIn: 300, metadata: ['alt'] },
    },
    ...overrides,
  };
}

/**
 * Starts `node packages/signer/dist/cli.js --config <file>` on a free loopback port. Every stdout and
 * stderr line is kept in `lines` (the JSON log at the config's level, plus the CLI's own lines).
 */
export async function startSigner({ config = signerConfig(), env = {}, port, keepLines = true, logToFile = false } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 's3u-rel-signer-'));
  const file = join(dir, 'signer.json');
  await writeFile(file, JSON.stringify(config));
  const chosen = port ?? (await freePort());
  let logFd;
  const child = spawn(process.execPath, [SIGNER_CLI, '--config', file, '--host', '127.0.0.1', '--port', String(chosen)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    // logToFile: the log goes to a file, as with a log collector, so that a busy parent (a load
    // generator) cannot slow the signer down by reading its pipe late.
    stdio: logToFile ? ['ignore', (logFd = openSync(join(dir, 'signer.log'), 'a')), logFd] : ['ignore', 'pipe', 'pipe'],
  });
  if (logFd !== undefined) closeSync(logFd);
  const lines = [];
  const collect = (stream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop();
      for (const line of parts) {
        if (!line) continue;
        if (keepLines || line.includes('listening on')) lines.push(line);
        else lines.dropped = (lines.dropped ?? 0) + 1;
      }
    });
    stream.on('end', () => rest && lines.push(rest));
  };
  if (!logToFile) {
    collect(child.stdout);
    collect(child.stderr);
  }
  const logPath = join(dir, 'signer.log');
  const started = () =>
    logToFile ? readFileSync(logPath, 'utf8').includes('listening on') : lines.some((line) => line.includes('listening on'));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 15_000;
  while (!started()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the signer did not start:\n${logToFile ? readFileSync(logPath, 'utf8') : lines.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    url,
    port: chosen,
    child,
    lines,
    logPath: logToFile ? logPath : undefined,
    exited,
    /** SIGTERM (our own child, by pid) and wait; SIGKILL after `ms`. */
    async stop(ms = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Every 16-character window of a secret (so that a sliced copy is caught too), or the whole of a short one. */
export function needles(secret) {
  if (secret.length <= 16) return [secret];
  return Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));
}

/** The secrets (and Bearer values' tokens) found in any of the texts: [] when none leaked. */
export function findLeaks(texts, secrets) {
  const haystack = texts.join('\n');
  const found = [];
  for (const secret of secrets) {
    const bearer = /^Bearer\s+(.+)$/i.exec(secret)?.[1];
    for (const value of bearer ? [secret, bearer] : [secret]) {
      if (value.length < 8) continue;
      if (needles(value).some((needle) => haystack.includes(needle))) found.push(`${value.slice(0, 6)}...`);
    }
  }
  return found;
}
