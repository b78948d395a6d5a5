#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load.js';
import { ConfigError } from './errors.js';
import { createSignerServer } from './server.js';

const USAGE = `Usage: s3-upload-signer [--config signer.json] [--host 127.0.0.1] [--port 8787] [--check]

Signs S3 POST policies for direct browser uploads.

  -c, --config FILE   JSON config file (or set S3_UPLOAD_CONFIG)
      --host HOST     address to listen on (default 127.0.0.1, or HOST)
  -p, --port PORT     port to listen on (default 8787, or PORT)
      --check         validate the config and exit
  -h, --help          show this help
  -v, --version       show the version

Environment: S3_BUCKET S3_REGION S3_ENDPOINT S3_FORCE_PATH_STYLE ALLOWED_ORIGINS HOST PORT LOG_LEVEL
AUTH_MODE AUTH_TOKENS JWT_SECRET JWT_JWKS_URL JWT_ISSUER JWT_AUDIENCE RATE_LIMIT_MAX REDIS_URL METRICS_PORT
UPLOAD_KEY_TEMPLATE UPLOAD_ACCEPT UPLOAD_MAX_SIZE ... (see the signer reference). Credentials come from
the AWS default provider chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, instance roles, ...).`;

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  onSignal: (signal: 'SIGTERM' | 'SIGINT', handler: () => void) => void;
}

/** Runs the CLI. Resolves with the exit code once the server has stopped (or at once for --check). */
export async function runCli(io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: io.argv,
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }).values;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout(pkg.version);
    return 0;
  }
  const env = { ...io.env, ...(args.host && { HOST: args.host }), ...(args.port && { PORT: args.port }) };
  let config;
  try {
    config = await loadConfig(args.config ?? io.env.S3_UPLOAD_CONFIG, env);
  } catch (error) {
    io.stderr((error as ConfigError).message);
    return 2;
  }
  if (args.check) {
    io.stdout(`Config OK: ${config.profiles.size} profile(s): ${[...config.profiles.keys()].join(', ')}`);
    return 0;
  }
  const server = await createSignerServer(config);
  const { url, metricsUrl } = await server.listen();
  io.stdout(`s3-upload signer listening on ${url}${metricsUrl ? ` (metrics on ${metricsUrl}/metrics)` : ''}`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      server.app.log.info('shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        server.app.log.error('shutdown timed out; exiting');
        resolve(1);
      }, config.server.shutdownTimeout);
      timer.unref();
      server.close().then(() => {
        clearTimeout(timer);
        resolve(0);
      });
    };
    io.onSignal('SIGTERM', stop);
    io.onSignal('SIGINT', stop);
  });
}

/* c8 ignore start */
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/s3-upload-signer')) {
  runCli({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    onSignal: (signal, handler) => process.on(signal, handler),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
/* c8 ignore stop */
