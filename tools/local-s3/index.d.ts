import type { IncomingHttpHeaders } from 'node:http';

export type ObjectStore = 'memstore' | 'bluestore';

export interface LocalS3 {
  /** e.g. "http://127.0.0.1:7480" (path-style S3). */
  endpoint: string;
  region: 'us-east-1';
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The cluster's folder (conf, data, logs, pid files, state.json). */
  dir: string;
  /** The radosgw port on 127.0.0.1. */
  port: number;
  /** [ceph-mon, ceph-osd, radosgw] pids; updated by startRgw/restartRgw. */
  pids: number[];
  objectstore: ObjectStore;
  /** Stop all daemons (idempotent). The folder stays. */
  stop(): Promise<void>;
  /** Stop only radosgw ("storage down"). */
  stopRgw(): Promise<void>;
  /** Start radosgw again on the same port ("storage back"); resolves once it answers. */
  startRgw(): Promise<void>;
  /** stopRgw() then startRgw(). */
  restartRgw(): Promise<void>;
}

export interface StartOptions {
  /** Default: a fresh mkdtemp `s3u-rgw-XXXXXX` under os.tmpdir(). */
  dir?: string;
  /** Pin the radosgw port. Default: a free port. */
  port?: number;
  /** Default: "s3-upload-dev". */
  bucket?: string;
  /** Default "memstore" (RAM). "bluestore" = a 4 GB sparse file in dir. */
  objectstore?: ObjectStore;
  /** CORS AllowedOrigin values. Default: DEFAULT_ORIGINS. */
  origins?: string[];
  /** Progress lines. Default: stderr with a "[local-s3]" prefix. */
  log?: (s: string) => void;
}

/** What `dir/state.json` holds. */
export interface LocalS3State {
  endpoint: string;
  port: number;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  pids: number[];
  objectstore: ObjectStore;
  region: 'us-east-1';
  monPort: number;
  fsid: string;
  osdUuid: string;
  origins: string[];
  dir: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface S3Credentials {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

export const DEV_ACCESS_KEY: 's3uploaddev';
export const DEV_SECRET_KEY: 's3uploaddev-secret-key-not-for-production';
export const DEFAULT_BUCKET: 's3-upload-dev';
export const DEFAULT_ORIGINS: string[];

/**
 * Start a one-node Ceph cluster + radosgw on 127.0.0.1 (installs Ceph with
 * apt-get if missing). If `dir` already holds a running cluster it is reused
 * as is; a stopped one is restarted with its data.
 */
export function startLocalS3(opts?: StartOptions): Promise<LocalS3>;
/** Stop every daemon of the cluster in `dir` (idempotent). */
export function stopLocalS3(dir: string): Promise<void>;
/** Stop only radosgw of the cluster in `dir`. */
export function stopRgw(dir: string): Promise<void>;
/** Start radosgw of the cluster in `dir` again on the same port. */
export function startRgw(dir: string, opts?: { log?: (s: string) => void }): Promise<void>;

/** Install radosgw, ceph-mon, ceph-osd, ceph-common with apt-get if missing. */
export function ensureInstalled(log?: (s: string) => void): Promise<void>;
/** Read `dir/state.json` (null if absent). */
export function readState(dir: string): Promise<LocalS3State | null>;
/** Live pid of each daemon of `dir` (null = not running). */
export function daemonStatus(dir: string): Promise<Record<'mon.a' | 'osd.0' | 'client.rgw', number | null>>;
/** True if `pid` is alive and was started with `dir`'s ceph.conf. */
export function isOurProcess(pid: number, dir: string): boolean;
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

/**
 * AWS Signature V4 (header auth). Returns the headers to send: the given ones
 * (lower-cased) plus host, x-amz-date, x-amz-content-sha256, authorization.
 */
export function signV4(o: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default: sha256 of body. E.g. "UNSIGNED-PAYLOAD". */
  payloadHash?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default "us-east-1". */
  region?: string;
  /** Default "s3". */
  service?: string;
  date?: Date;
}): Record<string, string>;

/** A SigV4-signed path-style request, e.g. s3Request(s3, 'PUT', `/${s3.bucket}/k`, { body }). */
export function s3Request(
  creds: S3Credentials,
  method: string,
  pathAndQuery: string,
  opts?: { body?: string | Buffer; headers?: Record<string, string>; timeoutMs?: number },
): Promise<HttpResponse>;

/** A plain node:http request (any header allowed, no keep-alive). */
export function httpRequest(o: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}): Promise<HttpResponse>;

/** A CORS preflight (OPTIONS) against the bucket (or bucket/key). */
export function preflight(
  st: { endpoint: string; bucket: string },
  origin: string,
  method: string,
  key?: string,
): Promise<HttpResponse>;

/** The bucket CORS XML that startLocalS3 puts. */
export function corsXml(origins: string[]): string;
