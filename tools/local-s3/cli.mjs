#!/usr/bin/env node
// @ts-check
/**
 * local-s3 CLI — a one-node Ceph RGW on 127.0.0.1.
 *
 *   local-s3 start  [--dir D] [--port P] [--bucket B] [--objectstore memstore|bluestore] [--origin O ...]
 *   local-s3 stop   [--dir D]            (D defaults to $LOCAL_S3_DIR)
 *   local-s3 status [--dir D]
 *   local-s3 run    [start options] -- cmd args...
 *
 * `start` prints KEY=value lines on stdout (logs go to stderr), so
 * `eval "$(local-s3 start)"` or `local-s3 start >> "$GITHUB_ENV"` work.
 */
import { rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { startLocalS3, stopLocalS3, readState, daemonStatus, httpRequest } from './index.mjs';

const USAGE = `usage:
  local-s3 start  [--dir D] [--port P] [--bucket B] [--objectstore memstore|bluestore] [--origin O ...]
  local-s3 stop   [--dir D]
  local-s3 status [--dir D]
  local-s3 run    [--dir D] [--port P] [--bucket B] [--objectstore ...] [--origin O ...] -- cmd args...

  --port defaults to 7480; --port 0 picks a free port.
  --dir  defaults to a new temp folder for start/run, and to $LOCAL_S3_DIR for stop/status.
  start/run print (or export to the command) S3_ENDPOINT, S3_BUCKET, S3_REGION,
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, LOCAL_S3_DIR.`;

/** @param {string} msg */
function die(msg, code = 2) {
  process.stderr.write(`local-s3: ${msg}\n`);
  process.exit(code);
}

/**
 * @param {string[]} argv
 */
function parse(argv) {
  /** @type {{ dir?: string, port?: number, bucket?: string, objectstore?: 'memstore' | 'bluestore', origins: string[], rest: string[] }} */
  const o = { origins: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    if (a === '--') {
      o.rest = argv.slice(i + 1);
      break;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) die(`unexpected argument "${a}"\n${USAGE}`);
    const key = /** @type {RegExpExecArray} */ (m)[1];
    const val = () => {
      if (m?.[2] !== undefined) return m[2];
      const v = argv[++i];
      if (v === undefined) die(`--${key} needs a value`);
      return /** @type {string} */ (v);
    };
    switch (key) {
      case 'dir':
        o.dir = val();
        break;
      case 'port': {
        const p = Number(val());
        if (!Number.isInteger(p) || p < 0 || p > 65535) die('--port must be 0..65535');
        o.port = p;
        break;
      }
      case 'bucket':
        o.bucket = val();
        break;
      case 'objectstore': {
        const s = val();
        if (s !== 'memstore' && s !== 'bluestore') die('--objectstore must be memstore or bluestore');
        o.objectstore = /** @type {'memstore' | 'bluestore'} */ (s);
        break;
      }
      case 'origin':
        o.origins.push(val());
        break;
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        die(`unknown option --${key}\n${USAGE}`);
    }
  }
  return o;
}

/**
 * @param {{ endpoint: string, bucket: string, region: string, accessKeyId: string, secretAccessKey: string, dir: string }} s
 */
function envOf(s) {
  return {
    S3_ENDPOINT: s.endpoint,
    S3_BUCKET: s.bucket,
    S3_REGION: s.region,
    AWS_ACCESS_KEY_ID: s.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
    LOCAL_S3_DIR: s.dir,
  };
}

/** @param {Record<string, string>} env */
const envLines = (env) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';

/** @param {ReturnType<typeof parse>} o */
function startOpts(o) {
  return {
    dir: o.dir,
    port: o.port === undefined ? 7480 : o.port || undefined,
    bucket: o.bucket,
    objectstore: o.objectstore,
    origins: o.origins.length ? o.origins : undefined,
  };
}

/** @param {ReturnType<typeof parse>} o */
function dirFor(o) {
  const d = o.dir ?? process.env.LOCAL_S3_DIR;
  if (!d) die('--dir D (or LOCAL_S3_DIR) is required');
  return /** @type {string} */ (d);
}

async function main() {
  const [cmd, ...argv] = process.argv.slice(2);
  const o = parse(argv);
  switch (cmd) {
    case 'start': {
      const s3 = await startLocalS3(startOpts(o));
      process.stdout.write(envLines(envOf(s3)));
      return 0;
    }
    case 'stop': {
      const dir = dirFor(o);
      await stopLocalS3(dir);
      process.stderr.write(`local-s3: stopped ${dir}\n`);
      return 0;
    }
    case 'status': {
      const dir = dirFor(o);
      const st = await readState(dir);
      if (!st) {
        process.stdout.write(`no cluster in ${dir}\n`);
        return 1;
      }
      const ds = await daemonStatus(dir);
      let ok = true;
      for (const [name, pid] of Object.entries(ds)) {
        process.stdout.write(`${name.padEnd(11)} ${pid ? `running (pid ${pid})` : 'stopped'}\n`);
        if (!pid) ok = false;
      }
      let http = 'down';
      try {
        const r = await httpRequest({ url: `${st.endpoint}/`, timeoutMs: 3000 });
        http = `HTTP ${r.status}`;
        if (r.status !== 200) ok = false;
      } catch (err) {
        ok = false;
      }
      process.stdout.write(`rgw         ${st.endpoint} ${http}\nobjectstore ${st.objectstore}\n`);
      process.stdout.write(envLines(envOf(st)));
      return ok ? 0 : 1;
    }
    case 'run':
      return runCmd(o);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return cmd ? 0 : 2;
    default:
      die(`unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}

/** @param {ReturnType<typeof parse>} o */
async function runCmd(o) {
  if (!o.rest.length) die(`run needs a command after --\n${USAGE}`);
  const ownDir = o.dir === undefined; // we made a temp dir: remove it after

  /** @type {NodeJS.Signals | null} */
  let gotSignal = null;
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  /** @param {NodeJS.Signals} sig */
  const onSignal = (sig) => {
    gotSignal = gotSignal ?? sig;
    if (child && child.exitCode === null) child.kill(sig);
  };
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(sig, onSignal);

  /** @type {Awaited<ReturnType<typeof startLocalS3>> | null} */
  let s3 = null;
  let code = 1;
  let ran = false;
  try {
    s3 = await startLocalS3(startOpts(o));
    if (!gotSignal) {
      ran = true;
      const [file, ...args] = /** @type {[string, ...string[]]} */ (o.rest);
      code = await new Promise((resolve) => {
        child = spawn(file, args, { stdio: 'inherit', env: { ...process.env, ...envOf(/** @type {any} */ (s3)) } });
        child.on('error', (err) => {
          process.stderr.write(`local-s3: ${file}: ${err.message}\n`);
          resolve(127);
        });
        child.on('exit', (c, sig) => resolve(c ?? 128 + (sig ? os.constants.signals[sig] ?? 0 : 0)));
      });
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  } finally {
    const dir = s3?.dir ?? o.dir;
    if (dir) {
      await stopLocalS3(dir).catch((err) => process.stderr.write(`local-s3: stop failed: ${err}\n`));
      if (ownDir && s3) await rm(s3.dir, { recursive: true, force: true }).catch(() => {});
    }
  }
  if (gotSignal && (code === 0 || !ran)) code = 128 + (os.constants.signals[/** @type {NodeJS.Signals} */ (gotSignal)] ?? 0);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
