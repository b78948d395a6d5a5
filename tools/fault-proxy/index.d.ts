/** One injected failure. */
export type Fault =
  /** Answer this status without forwarding (after reading the body). S3-style XML by default, or the signer's JSON. */
  | {
      type: 'status';
      status: number;
      /** Default per status: 503/429 SlowDown, 500 InternalError, 408 RequestTimeout, ... */
      code?: string;
      message?: string;
      /** Sent as the Retry-After header: seconds, or an HTTP date. */
      retryAfter?: number | string;
      /** 'xml' (S3, default) or 'json' (`{"error":{"code","message"}}`, the signer's shape). */
      format?: 'xml' | 'json';
    }
  /** Reset the connection after `afterBytes` bytes of the request body (default 0: at once). */
  | { type: 'drop'; afterBytes?: number }
  /** Stop reading the request after `afterBytes` bytes and never answer; with `ms`, reset the connection after that. */
  | { type: 'stall'; afterBytes?: number; ms?: number }
  /** Hold the request for `ms` before forwarding it (e.g. let a signed policy expire in flight). */
  | { type: 'delay'; ms: number }
  /** Forward the request body at this rate (a slow uplink). */
  | { type: 'throttle'; bytesPerSecond: number };

export interface FaultRule {
  /** Methods this rule applies to. Default: every method except OPTIONS (CORS preflights are left alone). */
  method?: string | string[];
  /** Path prefix (of the proxy's request path, without the query). Default: any. */
  path?: string;
  /** Chance to fire, drawn from the seeded PRNG (one draw per matching request). Default 1. */
  probability?: number;
  /** Let the first `skip` matching requests through untouched. */
  skip?: number;
  /** Fire at most this many times. Default: unlimited. */
  times?: number;
  fault: Fault;
}

export interface FaultPlan {
  /** Checked in order; the first rule that fires decides the request's fate. */
  rules?: FaultRule[];
  /** Added before handling every non-OPTIONS request, in ms. */
  latency?: number;
}

export interface FaultProxyOptions {
  /** Where requests are forwarded, e.g. "http://127.0.0.1:7480" (a path is prefixed to every request). */
  target: string;
  /** PRNG seed for rules with a probability. Default 1. */
  seed?: number;
  plan?: FaultPlan;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /**
   * Keep connections alive. Default false: every answer closes its connection, so a browser never
   * silently replays a request on a reused socket after an injected drop.
   */
  keepAlive?: boolean;
  /** Add CORS headers (echoing Origin, exposing Retry-After/ETag/Location) to synthetic answers. Default true. */
  cors?: boolean;
}

export interface FaultCounters {
  requests: number;
  /** Requests passed on to the target (including delayed and throttled ones). */
  forwarded: number;
  faults: number;
  /** Request body bytes read. */
  bytesIn: number;
  byMethod: Record<string, number>;
  /** By fault type. */
  byFault: Record<string, number>;
  /** By "METHOD /path". */
  byPath: Record<string, number>;
}

export interface FaultLogEntry {
  at: number;
  method: string;
  path: string;
  fault: Fault['type'] | null;
}

export interface FaultProxy {
  /** e.g. "http://127.0.0.1:40123" */
  url: string;
  port: number;
  target: string;
  readonly plan: FaultPlan;
  readonly counters: FaultCounters;
  readonly log: FaultLogEntry[];
  /** Replace the plan (rule state restarts); with `seed`, reseed the PRNG. Throws on a malformed plan. */
  setPlan(plan: FaultPlan, seed?: number): void;
  /** setPlan(plan ?? {}, seed ?? options.seed) and zero the counters and log. */
  reset(plan?: FaultPlan, seed?: number): void;
  resetCounters(): void;
  /** Stop listening and destroy open connections (idempotent). */
  close(): Promise<void>;
}

/** Start a fault-injecting proxy on 127.0.0.1 in front of `target`. */
export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy>;

/** The seeded PRNG the proxy uses (mulberry32), floats in [0, 1). */
export function mulberry32(seed: number): () => number;
