// @ts-check
/**
 * local-s3: the project's own one-node Ceph RGW (radosgw) on loopback.
 *
 * One mon, one OSD (memstore or bluestore on a sparse file), no mgr, cluster
 * auth "none", and radosgw (beast) on 127.0.0.1. Everything — conf, mon data,
 * OSD data, pid files, logs, admin sockets — lives inside one folder, so
 * several clusters can run side by side (each on its own free ports).
 *
 * Node built-ins only.
 */
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DEV_ACCESS_KEY = 's3uploaddev';
export const DEV_SECRET_KEY = 's3uploaddev-secret-key-not-for-production';
export const DEFAULT_BUCKET = 's3-upload-dev';
export const DEFAULT_ORIGINS = ['http://127.0.0.1:*', 'http://localhost:*'];
const REGION = /** @type {const} */ ('us-east-1');
const RGW_USER = 'dev';

/** Daemon names, in start order. */
const DAEMONS = /** @type {const} */ (['mon.a', 'osd.0', 'client.rgw']);

/** @typedef {'memstore' | 'bluestore'} ObjectStore */
/**
 * @typedef {object} State
 * @property {string} endpoint
 * @property {number} port
 * @property {string} bucket
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 * @property {number[]} pids
 * @property {ObjectStore} objectstore
 * @property {'us-east-1'} region
 * @property {number} monPort
 * @property {string} fsid
 * @property {string} osdUuid
 * @property {string[]} origins
 * @property {string} dir
 */

// ---------------------------------------------------------------------------
// small helpers

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {string} s */
function defaultLog(s) {
  process.stderr.write(`[local-s3] ${s}\n`);
}

/**
 * Find a free TCP port on 127.0.0.1 (bind port 0, read it, close).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Is a TCP port on 127.0.0.1 free right now?
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Run a command to completion. stdout/stderr are collected. Rejects on a
 * non-zero exit or a timeout.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function run(cmd, args, opts = {}) {
  const { timeoutMs = 60_000, env = process.env } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(`${cmd} ${args.join(' ')}: exited ${code ?? signal}\n${stderr.trim()}\n${stdout.trim()}`.trim()),
        );
    });
  });
}

/**
 * Start a forking Ceph daemon (it daemonizes itself and writes its pid file).
 * Its launcher's stdout/stderr go to a file (not a pipe: the daemon would keep
 * a pipe open). `detached` puts it in its own session, so a Ctrl-C in the
 * terminal that runs us does not reach it. Resolves with the daemon's pid once
 * its pid file names a live process of ours (the file can appear a moment
 * after the launcher exits).
 * @param {string} dir
 * @param {typeof DAEMONS[number]} name
 * @param {string} cmd
 * @param {string[]} args
 * @param {number} timeoutMs
 */
async function launchDaemon(dir, name, cmd, args, timeoutMs = 60_000) {
  await rm(pidPath(dir, name), { force: true });
  const logPath = path.join(dir, 'log', 'launch.log');
  const fd = openSync(logPath, 'a');
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], detached: true });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${cmd}: did not daemonize within ${timeoutMs} ms (see ${logPath})`));
      }, timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(undefined);
        else reject(new Error(`${cmd} ${args.join(' ')}: exited ${code ?? signal}\n${tail(logPath)}`));
      });
    });
  } finally {
    closeSync(fd);
  }
  for (let i = 0; i < 300; i++) {
    const pid = await readPid(dir, name);
    if (pid !== null && isOurProcess(pid, dir)) return pid;
    if (i > 20 && ourDaemonPids(dir, cmd).length === 0) break; // it died
    await sleep(50);
  }
  throw new Error(`${cmd} (${name}) is not running after start\n${tail(path.join(dir, 'log', `${name}.log`))}`);
}

/** @param {string} file */
function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** @param {unknown} x */
function errMsg(x) {
  return x instanceof Error ? x.message : String(x);
}

// ---------------------------------------------------------------------------
// install

let installPromise = /** @type {Promise<void> | null} */ (null);

/** @param {string} name */
function onPath(name) {
  for (const d of (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (d && existsSync(path.join(d, name))) return true;
  }
  return false;
}

/**
 * Install radosgw + ceph-mon + ceph-osd + ceph-common from Debian if missing.
 * @param {(s: string) => void} log
 */
export function ensureInstalled(log = defaultLog) {
  const needed = ['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'ceph', 'monmaptool'];
  if (needed.every(onPath)) return Promise.resolve();
  if (!installPromise) {
    installPromise = (async () => {
      if (process.platform !== 'linux' || !onPath('apt-get')) {
        throw new Error(`local-s3: ${needed.filter((n) => !onPath(n)).join(', ')} not found and apt-get is not available; install Ceph (radosgw, ceph-mon, ceph-osd, ceph-common) yourself`);
      }
      const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? ['sudo'] : [];
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      log('radosgw not found: running apt-get update ...');
      await aptRun(sudo, ['apt-get', 'update'], env);
      log('installing radosgw ceph-mon ceph-osd ceph-common (this takes a minute) ...');
      await aptRun(sudo, ['apt-get', 'install', '-y', 'radosgw', 'ceph-mon', 'ceph-osd', 'ceph-common'], env);
      const still = needed.filter((n) => !onPath(n));
      if (still.length) throw new Error(`local-s3: apt-get install finished but ${still.join(', ')} still not on PATH`);
      log('Ceph installed.');
    })();
    installPromise.catch(() => {
      installPromise = null;
    });
  }
  return installPromise;
}

/**
 * Run an apt-get command, its output going to our stderr (never stdout: the
 * CLI's stdout carries the KEY=value lines). Retries while dpkg is locked by
 * another apt run (e.g. a parallel test suite installing the same packages).
 * @param {string[]} sudo
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
async function aptRun(sudo, argv, env) {
  const full = [...sudo, ...argv];
  for (let attempt = 0; ; attempt++) {
    const { code, output } = await new Promise((resolve, reject) => {
      const child = spawn(/** @type {string} */ (full[0]), full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      /** @param {Buffer} d */
      const onData = (d) => {
        output = (output + d).slice(-20_000);
        process.stderr.write(d);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, output }));
    });
    if (code === 0) return;
    const locked = /Could not get lock|Unable to lock|is another process using it|dpkg was interrupted/i.test(output);
    if (!locked || attempt >= 40) throw new Error(`${full.join(' ')} failed (exit ${code})`);
    if (/dpkg was interrupted/i.test(output)) {
      const dpkg = [...sudo, 'dpkg', '--configure', '-a'];
      await run(/** @type {string} */ (dpkg[0]), dpkg.slice(1), { env, timeoutMs: 15 * 60_000 }).catch(() => {});
    } else {
      await sleep(10_000);
    }
  }
}

// ---------------------------------------------------------------------------
// configuration

/**
 * @param {{ dir: string, fsid: string, monPort: number, rgwPort: number, objectstore: ObjectStore }} o
 */
function confText({ dir, fsid, monPort, rgwPort, objectstore }) {
  const d = dir;
  const store =
    objectstore === 'bluestore'
      ? [
          'osd_objectstore = bluestore',
          'bluestore_block_create = true',
          `bluestore_block_size = ${4 * 1024 ** 3}`,
          'bluestore_block_db_create = false',
          'bluestore_block_wal_create = false',
          'bluestore_fsck_on_mkfs = false',
          'bluestore_fsck_on_mount = false',
          'bluestore_cache_autotune = false',
          'bluestore_cache_size = 134217728',
          'osd_memory_target = 1073741824',
        ]
      : [
          'osd_objectstore = memstore',
          // reported capacity only; data lives in the OSD's RAM
          `memstore_device_bytes = ${8 * 1024 ** 3}`,
        ];
  return `# generated by @s3-upload/local-s3 — a throwaway one-node test cluster
[global]
fsid = ${fsid}
mon_host = v2:127.0.0.1:${monPort}
mon_initial_members = a
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_ipv6 = false
ms_mon_client_mode = crc
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
auth_supported = none
keyring = ${d}/keyring
run_dir = ${d}/run
pid_file = ${d}/run/$name.pid
admin_socket = ${d}/run/$name.asok
log_file = ${d}/log/$name.log
crash_dir = ${d}/crash
mon_cluster_log_file = ${d}/log/cluster.$channel.log
log_to_stderr = false
err_to_stderr = true
log_max_recent = 500
debug_rocksdb = 0/0
debug_bluestore = 0/0
debug_bluefs = 0/0
debug_bdev = 0/0
debug_memstore = 0/0
mon_data = ${d}/mon/$cluster-$id
osd_data = ${d}/osd/$cluster-$id
${store.join('\n')}
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
paxos_propose_interval = 0.1
mon_data_avail_warn = 1
mon_data_avail_crit = 1
mon_osd_full_ratio = 0.99
mon_osd_backfillfull_ratio = 0.99
mon_osd_nearfull_ratio = 0.99
osd_fast_shutdown = false
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
mon_warn_on_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
mon_compact_on_start = false

[client]
admin_socket = ${d}/run/$name.$pid.asok

[client.rgw]
admin_socket = ${d}/run/$name.asok
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw_data = ${d}/rgw
rgw_thread_pool_size = 64
rgw_init_timeout = 60
rgw_dynamic_resharding = false
rgw_enable_usage_log = false
rgw_enable_ops_log = false
rgw_cors_rules_max_num = 100
`;
}

// ---------------------------------------------------------------------------
// processes

/** @param {string} dir */
const confPath = (dir) => path.join(dir, 'ceph.conf');
/** @param {string} dir @param {string} name */
const pidPath = (dir, name) => path.join(dir, 'run', `${name}.pid`);

/**
 * Read a daemon's pid from its pid file in `dir`.
 * @param {string} dir
 * @param {string} name
 */
async function readPid(dir, name) {
  try {
    const n = Number.parseInt((await readFile(pidPath(dir, name), 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}

/**
 * True only if `pid` is a live (non-zombie) process started with this dir's
 * ceph.conf: so we never signal a process we did not start, even if a pid got
 * reused.
 * @param {number} pid
 * @param {string} dir
 */
export function isOurProcess(pid, dir) {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(confPath(dir));
  } catch {
    return false;
  }
}

/**
 * Live daemons (ceph-mon, ceph-osd, radosgw) started with this dir's
 * ceph.conf, found by scanning /proc — a safety net for a daemon whose pid
 * file is missing (e.g. a start that failed half-way).
 * @param {string} dir
 * @param {string} [only] executable name to match (default: any Ceph daemon)
 */
function ourDaemonPids(dir, only) {
  const names = only ? [only] : ['ceph-mon', 'ceph-osd', 'radosgw'];
  /** @type {number[]} */
  const out = [];
  let entries = /** @type {string[]} */ ([]);
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid || !isOurProcess(pid, dir)) continue;
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (names.includes(path.basename(argv0))) out.push(pid);
    } catch {}
  }
  return out;
}

/**
 * SIGTERM, wait, SIGKILL after a timeout. Only if the pid is ours.
 * @param {number} pid
 * @param {string} dir
 * @param {number} timeoutMs
 */
async function killOurs(pid, dir, timeoutMs = 15_000) {
  if (!isOurProcess(pid, dir)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, dir)) return;
    await sleep(50);
  }
  if (isOurProcess(pid, dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
    for (let i = 0; i < 100 && isOurProcess(pid, dir); i++) await sleep(50);
  }
}

/**
 * Is `pid` the process listening on 127.0.0.1:`port`? (Matches the LISTEN
 * socket's inode in /proc/net/tcp with the process's fds.) Guards against
 * talking to someone else's server that got the port first.
 * @param {number} pid
 * @param {number} port
 */
function listensOn(pid, port) {
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    /** @type {Set<string>} */
    const inodes = new Set();
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address rem_address st ... inode (field 9)
      if (f[1] === `0100007F:${hexPort}` && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
    if (!inodes.size) return false;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(/** @type {string} */ (m[1]))) return true;
      } catch {}
    }
  } catch {}
  return false;
}

/**
 * Wait until this dir's radosgw listens on its port and `GET /` answers 200.
 * Fails fast if radosgw dies.
 * @param {string} dir
 * @param {string} endpoint
 * @param {number} port
 * @param {number} timeoutMs
 */
async function waitRgw(dir, endpoint, port, timeoutMs) {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const pid = await readPid(dir, 'client.rgw');
    if (pid === null || !isOurProcess(pid, dir)) {
      // The pid file is written right after the fork; give it a moment.
      last = 'radosgw not running';
      if (Date.now() - t0 > 1000) {
        throw new Error(`radosgw of ${dir} is not running\n${tail(path.join(dir, 'log', 'client.rgw.log'))}`);
      }
    } else if (!listensOn(pid, port)) {
      last = `radosgw (pid ${pid}) not listening on ${port} yet`;
    } else {
      try {
        const res = await httpRequest({ url: `${endpoint}/`, method: 'GET', timeoutMs: 2000 });
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = errMsg(err);
      }
    }
    await sleep(100);
  }
  throw new Error(`${endpoint}/ (radosgw of ${dir}) not ready within ${timeoutMs} ms (last: ${last})`);
}

// ---------------------------------------------------------------------------
// HTTP + SigV4

/**
 * @typedef {object} HttpResponse
 * @property {number} status
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {Buffer} body
 */

/**
 * A plain node:http request (no keep-alive, no forbidden-header rules, so
 * Origin etc. can be set).
 * @param {{ url: string, method?: string, headers?: Record<string, string>, body?: string | Buffer, timeoutMs?: number }} o
 * @returns {Promise<HttpResponse>}
 */
export function httpRequest({ url, method = 'GET', headers = {}, body, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** RFC 3986 encoding, as SigV4 wants it. @param {string} s */
function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** @param {string | Buffer} data */
const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
/** @param {string | Buffer} key @param {string} data */
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/**
 * Sign a request with AWS Signature V4 (header auth).
 * Returns the headers to send (input headers + host, x-amz-date,
 * x-amz-content-sha256, authorization).
 *
 * @param {{
 *   method: string,
 *   url: string,
 *   headers?: Record<string, string>,
 *   body?: string | Buffer,
 *   payloadHash?: string,
 *   accessKeyId: string,
 *   secretAccessKey: string,
 *   region?: string,
 *   service?: string,
 *   date?: Date,
 * }} o
 * @returns {Record<string, string>}
 */
export function signV4(o) {
  const u = new URL(o.url);
  const region = o.region ?? REGION;
  const service = o.service ?? 's3';
  const amzDate = (o.date ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = o.payloadHash ?? sha256Hex(o.body ?? '');

  /** @type {Record<string, string>} */
  const headers = {};
  for (const [k, v] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers.host = u.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;

  const canonicalUri =
    u.pathname
      .split('/')
      .map((seg) => uriEncode(decodeURIComponent(seg)))
      .join('/') || '/';
  /** @type {[string, string][]} */
  const q = [];
  for (const [k, v] of u.searchParams) q.push([uriEncode(k), uriEncode(v)]);
  q.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  const canonicalQuery = q.map(([k, v]) => `${k}=${v}`).join('&');
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [o.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${o.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${o.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/**
 * A SigV4-signed S3 request against a local-s3 endpoint (path style).
 * @param {{ endpoint: string, accessKeyId: string, secretAccessKey: string, region?: string }} creds
 * @param {string} method
 * @param {string} pathAndQuery e.g. "/bucket/key" or "/bucket?cors"
 * @param {{ body?: string | Buffer, headers?: Record<string, string>, timeoutMs?: number }} [opts]
 * @returns {Promise<HttpResponse>}
 */
export function s3Request(creds, method, pathAndQuery, opts = {}) {
  const url = creds.endpoint.replace(/\/+$/, '') + pathAndQuery;
  const headers = signV4({
    method,
    url,
    headers: opts.headers,
    body: opts.body,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    region: creds.region,
  });
  delete headers.host; // node sets it (same value)
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return httpRequest({ url, method, headers, body: opts.body, timeoutMs: opts.timeoutMs });
}

/** @param {string} s */
const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** @param {string[]} origins */
export function corsXml(origins) {
  const rule = [
    ...origins.map((o) => `<AllowedOrigin>${xmlEscape(o)}</AllowedOrigin>`),
    ...['GET', 'HEAD', 'POST', 'PUT'].map((m) => `<AllowedMethod>${m}</AllowedMethod>`),
    '<AllowedHeader>*</AllowedHeader>',
    ...['ETag', 'Location', 'x-amz-request-id', 'Retry-After'].map((h) => `<ExposeHeader>${h}</ExposeHeader>`),
    '<MaxAgeSeconds>300</MaxAgeSeconds>',
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>${rule}</CORSRule></CORSConfiguration>`;
}

/**
 * Create the bucket (idempotent) and put its CORS rule.
 * @param {State} st
 * @param {(s: string) => void} log
 */
async function setupBucket(st, log) {
  const res = await s3Request(st, 'PUT', `/${st.bucket}`, { body: '' });
  if (res.status !== 200 && !(res.status === 409 && /BucketAlreadyOwnedByYou/.test(res.body.toString()))) {
    throw new Error(`create bucket ${st.bucket}: HTTP ${res.status} ${res.body.toString()}`);
  }
  const xml = corsXml(st.origins);
  const cors = await s3Request(st, 'PUT', `/${st.bucket}?cors`, {
    body: xml,
    headers: { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(xml).digest('base64') },
  });
  if (cors.status !== 200) throw new Error(`put bucket cors: HTTP ${cors.status} ${cors.body.toString()}`);
  // Verify with a preflight, like a browser would.
  const sample = st.origins.includes('*') ? 'http://127.0.0.1:5555' : sampleOrigin(st.origins[0] ?? '*');
  const pre = await preflight(st, sample, 'POST');
  if (!pre.headers['access-control-allow-origin'] || !/etag/i.test(String(pre.headers['access-control-expose-headers'] ?? ''))) {
    throw new Error(`CORS preflight from ${sample} not honoured: HTTP ${pre.status} ${JSON.stringify(pre.headers)}`);
  }
  log(`bucket ${st.bucket} ready, CORS origins: ${st.origins.join(' ')}`);
}

/** "http://127.0.0.1:*" -> "http://127.0.0.1:5555" @param {string} o */
function sampleOrigin(o) {
  return o === '*' ? 'http://127.0.0.1:5555' : o.replace('*', '5555');
}

/**
 * Send a CORS preflight (OPTIONS) for the bucket.
 * @param {{ endpoint: string, bucket: string }} st
 * @param {string} origin
 * @param {string} method
 * @param {string} [key]
 */
export function preflight(st, origin, method, key = '') {
  return httpRequest({
    url: `${st.endpoint}/${st.bucket}${key ? `/${key}` : ''}`,
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'content-type,x-amz-date',
    },
  });
}

// ---------------------------------------------------------------------------
// state

/** @param {string} dir */
const statePath = (dir) => path.join(dir, 'state.json');

/** @param {string} dir @returns {Promise<State | null>} */
export async function readState(dir) {
  try {
    return JSON.parse(await readFile(statePath(dir), 'utf8'));
  } catch {
    return null;
  }
}

/** @param {State} st @param {string} [dir] */
async function writeState(st, dir = st.dir) {
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(st, null, 2)}\n`);
  await rename(tmp, statePath(dir));
}

/**
 * Pids (from the pid files) of this dir's daemons that are alive and ours.
 * @param {string} dir
 * @returns {Promise<Record<string, number | null>>}
 */
export async function daemonStatus(dir) {
  /** @type {Record<string, number | null>} */
  const out = {};
  for (const name of DAEMONS) {
    const pid = await readPid(dir, name);
    out[name] = pid !== null && isOurProcess(pid, dir) ? pid : null;
  }
  return out;
}

// ---------------------------------------------------------------------------
// lifecycle

/**
 * Run `fn` holding `dir/.lock` (so two starts/stops on one dir don't race).
 * A lock left by a dead process is taken over.
 * @template T
 * @param {string} dir
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(dir, fn, timeoutMs = 180_000) {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
      let holderAlive = false;
      if (Number.isInteger(holder) && holder > 0) {
        try {
          process.kill(holder, 0);
          holderAlive = true;
        } catch {}
      }
      if (!holderAlive && holder) {
        // stale (or being written: an empty file is given a moment)
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`local-s3: ${lock} held by pid ${holder || '?'} for too long`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * @typedef {object} StartOptions
 * @property {string} [dir]
 * @property {number} [port]
 * @property {string} [bucket]
 * @property {ObjectStore} [objectstore]
 * @property {string[]} [origins]
 * @property {(s: string) => void} [log]
 */

/**
 * @param {State} st
 * @param {(s: string) => void} log
 */
function handle(st, log) {
  const obj = {
    endpoint: st.endpoint,
    region: REGION,
    bucket: st.bucket,
    accessKeyId: st.accessKeyId,
    secretAccessKey: st.secretAccessKey,
    dir: st.dir,
    port: st.port,
    pids: [...st.pids],
    objectstore: st.objectstore,
    stop: () => stopLocalS3(st.dir),
    stopRgw: async () => {
      await stopRgw(st.dir);
    },
    startRgw: async () => {
      await startRgw(st.dir, { log });
      obj.pids = [...((await readState(st.dir))?.pids ?? obj.pids)];
    },
    restartRgw: async () => {
      await obj.stopRgw();
      await obj.startRgw();
    },
  };
  return obj;
}

/**
 * Start (or reuse) a one-node Ceph cluster with radosgw on 127.0.0.1.
 * @param {StartOptions} [opts]
 */
export async function startLocalS3(opts = {}) {
  const log = opts.log ?? defaultLog;
  const t0 = Date.now();
  await ensureInstalled(log);

  const dir = path.resolve(opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 's3u-rgw-'))));
  await mkdir(dir, { recursive: true });
  try {
    return await withLock(dir, () => startIn(dir, opts, log, t0));
  } catch (err) {
    // A temp dir we made is removed (the error carries the log tails);
    // LOCAL_S3_KEEP_FAILED=1 keeps it for a closer look.
    if (!opts.dir && !process.env.LOCAL_S3_KEEP_FAILED) await rm(dir, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
}

/**
 * @param {string} dir
 * @param {StartOptions} opts
 * @param {(s: string) => void} log
 * @param {number} t0
 */
async function startIn(dir, opts, log, t0) {
  // Reuse a running cluster in this dir, never wipe it.
  const prev = await readState(dir);
  if (prev) {
    prev.dir = dir; // the folder may have been moved
    const st = await daemonStatus(dir);
    const alive = DAEMONS.filter((n) => st[n] !== null);
    if (alive.length === DAEMONS.length) {
      await waitRgw(dir, prev.endpoint, prev.port, 10_000);
      prev.pids = DAEMONS.map((n) => /** @type {number} */ (st[n]));
      if (opts.port && opts.port !== prev.port) log(`reusing running cluster in ${dir} on port ${prev.port} (asked for ${opts.port})`);
      else log(`reusing running cluster in ${dir} (${prev.endpoint})`);
      return handle(prev, log);
    }
    if (existsSync(path.join(dir, 'mon', 'ceph-a')) && existsSync(path.join(dir, 'osd', 'ceph-0'))) {
      // Stopped (or half-dead) cluster with data: bring the missing daemons back.
      log(`restarting stopped cluster in ${dir}`);
      try {
        await restartExisting(prev, st, log);
      } catch (err) {
        await stopDaemons(dir).catch(() => {});
        throw new Error(`local-s3: restart failed in ${dir} (data kept): ${errMsg(err)}`);
      }
      log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${prev.endpoint}`);
      return handle(prev, log);
    }
  }

  // Fresh cluster.
  const objectstore = opts.objectstore ?? 'memstore';
  const monPort = await freePort();
  let rgwPort = opts.port ?? 0;
  if (rgwPort) {
    if (!(await portIsFree(rgwPort))) throw new Error(`local-s3: port 127.0.0.1:${rgwPort} is already in use`);
  } else {
    do rgwPort = await freePort();
    while (rgwPort === monPort);
  }
  // Only our own subfolders are (re)created; nothing else in dir is touched.
  await stopDaemons(dir);
  for (const sub of ['mon', 'osd', 'run', 'log', 'rgw', 'crash']) await rm(path.join(dir, sub), { recursive: true, force: true });
  for (const sub of ['mon', 'osd/ceph-0', 'run', 'log', 'rgw', 'crash']) await mkdir(path.join(dir, sub), { recursive: true });
  const fsid = randomUUID();
  const osdUuid = randomUUID();
  const conf = confPath(dir);
  await writeFile(conf, confText({ dir, fsid, monPort, rgwPort, objectstore }));
  await writeFile(path.join(dir, 'keyring'), '');

  /** @type {State} */
  const state = {
    endpoint: `http://127.0.0.1:${rgwPort}`,
    port: rgwPort,
    bucket: opts.bucket ?? DEFAULT_BUCKET,
    accessKeyId: DEV_ACCESS_KEY,
    secretAccessKey: DEV_SECRET_KEY,
    pids: [],
    objectstore,
    region: REGION,
    monPort,
    fsid,
    osdUuid,
    origins: opts.origins?.length ? opts.origins : DEFAULT_ORIGINS,
    dir,
  };

  try {
    log(`creating cluster in ${dir} (mon 127.0.0.1:${monPort}, ${objectstore})`);
    const monmap = path.join(dir, 'monmap');
    await run('monmaptool', ['--create', '--clobber', '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, '--fsid', fsid, monmap]);
    await run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap]);
    await launchDaemon(dir, 'mon.a', 'ceph-mon', ['-c', conf, '-i', 'a']);

    const { stdout } = await run('ceph', ['-c', conf, '--connect-timeout', '30', 'osd', 'new', osdUuid], { timeoutMs: 60_000 });
    const osdId = stdout.trim();
    if (osdId !== '0') throw new Error(`ceph osd new returned "${osdId}", expected 0`);
    await run('ceph-osd', ['-c', conf, '--mkfs', '-i', '0', '--osd-uuid', osdUuid], { timeoutMs: 120_000 });
    await launchDaemon(dir, 'osd.0', 'ceph-osd', ['-c', conf, '-i', '0']);

    await launchDaemon(dir, 'client.rgw', 'radosgw', ['-c', conf, '-n', 'client.rgw']);
    state.pids = await pidsOf(dir);
    await writeState(state);

    await run(
      'radosgw-admin',
      ['-c', conf, 'user', 'create', '--uid', RGW_USER, '--display-name', RGW_USER, '--access-key', DEV_ACCESS_KEY, '--secret', DEV_SECRET_KEY],
      { timeoutMs: 60_000 },
    );
    await waitRgw(dir, state.endpoint, state.port, 60_000);
    await setupBucket(state, log);
    state.pids = await pidsOf(dir);
    await writeState(state);
  } catch (err) {
    const logs = ['mon.a', 'osd.0', 'client.rgw'].map((n) => `--- ${n}.log\n${tail(path.join(dir, 'log', `${n}.log`), 8)}`).join('\n');
    await stopDaemons(dir).catch(() => {});
    throw new Error(`local-s3: start failed in ${dir}: ${errMsg(err)}\n${logs}`);
  }
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${state.endpoint} bucket=${state.bucket}`);
  return handle(state, log);
}

/** @param {string} dir */
async function pidsOf(dir) {
  const st = await daemonStatus(dir);
  const missing = DAEMONS.filter((n) => st[n] === null);
  if (missing.length) throw new Error(`daemon(s) not running: ${missing.join(', ')}`);
  return DAEMONS.map((n) => /** @type {number} */ (st[n]));
}

/**
 * Bring back the daemons of an existing cluster that are not running.
 * @param {State} state
 * @param {Record<string, number | null>} status
 * @param {(s: string) => void} log
 */
async function restartExisting(state, status, log) {
  const { dir } = state;
  const conf = confPath(dir);
  // If the mon is down, restart everything in order (a stale OSD/RGW would be confused).
  if (status['mon.a'] === null) {
    await stopDaemons(dir);
    status = { 'mon.a': null, 'osd.0': null, 'client.rgw': null };
  }
  if (status['client.rgw'] === null && !(await portIsFree(state.port))) {
    throw new Error(`local-s3: port 127.0.0.1:${state.port} (radosgw of ${dir}) is in use by something else`);
  }
  if (status['mon.a'] === null) await launchDaemon(dir, 'mon.a', 'ceph-mon', ['-c', conf, '-i', 'a']);
  if (status['osd.0'] === null) await launchDaemon(dir, 'osd.0', 'ceph-osd', ['-c', conf, '-i', '0']);
  if (status['client.rgw'] === null) await launchDaemon(dir, 'client.rgw', 'radosgw', ['-c', conf, '-n', 'client.rgw']);
  await waitRgw(dir, state.endpoint, state.port, 60_000);
  await setupBucket(state, log);
  state.pids = await pidsOf(dir);
  await writeState(state);
}

/**
 * Stop this dir's daemons (rgw, osd, mon — in that order). Only pids from the
 * dir's pid files that run with the dir's ceph.conf are signalled.
 * @param {string} dir
 */
async function stopDaemons(dir) {
  for (const name of [...DAEMONS].reverse()) {
    const pid = await readPid(dir, name);
    if (pid !== null) await killOurs(pid, dir, name === 'osd.0' ? 30_000 : 15_000);
  }
  // Pids recorded in state.json, and any daemon still running with this
  // dir's conf (in case a pid file is gone or was never written).
  const st = await readState(dir);
  for (const pid of st?.pids ?? []) await killOurs(pid, dir, 5_000);
  for (const pid of ourDaemonPids(dir)) await killOurs(pid, dir, 5_000);
}

/**
 * Stop every daemon of the cluster in `dir`. Idempotent; leaves the folder
 * (and its data) in place.
 * @param {string} dir
 */
export async function stopLocalS3(dir) {
  const d = path.resolve(dir);
  if (!existsSync(d)) return;
  await withLock(d, async () => {
    await stopDaemons(d);
    const st = await readState(d);
    if (st) {
      st.pids = [];
      await writeState(st, d);
    }
  });
}

/**
 * Stop only radosgw (the mon and OSD keep running, data stays).
 * @param {string} dir
 */
export async function stopRgw(dir) {
  const d = path.resolve(dir);
  const pid = await readPid(d, 'client.rgw');
  if (pid !== null) await killOurs(pid, d);
  const st = await readState(d);
  if (st) {
    st.pids = st.pids.filter((p) => isOurProcess(p, d));
    await writeState(st, d);
  }
}

/**
 * Start radosgw again on the same port (after stopRgw). Resolves when it
 * answers HTTP 200.
 * @param {string} dir
 * @param {{ log?: (s: string) => void }} [opts]
 */
export async function startRgw(dir, opts = {}) {
  const log = opts.log ?? defaultLog;
  const d = path.resolve(dir);
  const st = await readState(d);
  if (!st) throw new Error(`local-s3: no cluster in ${d} (state.json missing)`);
  const status = await daemonStatus(d);
  if (status['mon.a'] === null || status['osd.0'] === null) throw new Error(`local-s3: mon/osd of ${d} not running; use startLocalS3`);
  if (status['client.rgw'] === null) {
    for (let i = 0; !(await portIsFree(st.port)); i++) {
      if (i >= 50) throw new Error(`local-s3: port 127.0.0.1:${st.port} (radosgw of ${d}) is in use by something else`);
      await sleep(100);
    }
    await launchDaemon(d, 'client.rgw', 'radosgw', ['-c', confPath(d), '-n', 'client.rgw']);
  }
  await waitRgw(d, st.endpoint, st.port, 60_000);
  st.pids = await pidsOf(d);
  await writeState(st);
  log(`radosgw up again on ${st.endpoint}`);
}
