// @ts-check
/**
 * fault-proxy: a loopback HTTP proxy that injects failures into the traffic it
 * forwards, so that retry logic can be tested against real servers.
 *
 *   page ── proxy ── RGW        (drop the upload mid-body, answer 503 SlowDown, stall, slow down)
 *   page ── proxy ── signer     (answer 429/503 with Retry-After, drop, delay)
 *
 * Which request gets which fault is decided by a plan (a list of rules). Rules
 * with a probability draw from a seeded PRNG (mulberry32), so a run with the
 * same seed and the same request order injects the same faults again.
 *
 * Node built-ins only.
 */
import http from 'node:http';

/** @typedef {import('./index.js').FaultPlan} FaultPlan */
/** @typedef {import('./index.js').FaultRule} FaultRule */
/** @typedef {import('./index.js').Fault} Fault */
/** @typedef {import('./index.js').FaultProxy} FaultProxy */
/** @typedef {import('./index.js').FaultProxyOptions} FaultProxyOptions */
/** @typedef {import('./index.js').FaultCounters} FaultCounters */
/** @typedef {import('./index.js').FaultLogEntry} FaultLogEntry */

/** Default S3-style error codes and messages for synthetic status answers. */
const STATUS_DEFAULTS = /** @type {Record<number, [string, string]>} */ ({
  400: ['BadRequest', 'Bad request (injected).'],
  403: ['AccessDenied', 'Access denied (injected).'],
  408: ['RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.'],
  429: ['SlowDown', 'Please reduce your request rate.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  502: ['BadGateway', 'Bad gateway (injected).'],
  503: ['SlowDown', 'Please reduce your request rate.'],
  504: ['GatewayTimeout', 'Gateway timeout (injected).'],
});

/**
 * mulberry32: a tiny, fast, seedable PRNG. Returns floats in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @returns {FaultCounters} */
function emptyCounters() {
  return { requests: 0, forwarded: 0, faults: 0, bytesIn: 0, byMethod: {}, byFault: {}, byPath: {} };
}

/**
 * Throws a readable error when a plan is malformed (plans often come from a
 * browser test through a JSON command, so check them at the door).
 * @param {FaultPlan} plan
 */
function checkPlan(plan) {
  if (plan === null || typeof plan !== 'object') throw new TypeError('fault-proxy: plan must be an object');
  const types = ['status', 'drop', 'stall', 'delay', 'throttle'];
  for (const [i, rule] of (plan.rules ?? []).entries()) {
    const type = rule?.fault?.type;
    if (!types.includes(type)) throw new TypeError(`fault-proxy: rules[${i}].fault.type must be one of ${types.join(', ')}`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new TypeError(`fault-proxy: rules[${i}].probability must be between 0 and 1`);
    }
    if (type === 'status' && !(Number.isInteger(rule.fault.status) && rule.fault.status >= 100 && rule.fault.status < 600)) {
      throw new TypeError(`fault-proxy: rules[${i}].fault.status must be an HTTP status`);
    }
    if (type === 'throttle' && !(rule.fault.bytesPerSecond > 0)) {
      throw new TypeError(`fault-proxy: rules[${i}].fault.bytesPerSecond must be > 0`);
    }
  }
}

/**
 * @param {FaultRule} rule
 * @param {string} method
 * @param {string} path
 */
function matches(rule, method, path) {
  const methods = rule.method === undefined ? null : [rule.method].flat().map((m) => m.toUpperCase());
  // CORS preflights are left alone unless a rule names OPTIONS explicitly.
  if (methods ? !methods.includes(method) : method === 'OPTIONS') return false;
  return rule.path === undefined || path.startsWith(rule.path);
}

/**
 * Start a fault-injecting proxy on 127.0.0.1 in front of `target`.
 * @param {FaultProxyOptions} options
 * @returns {Promise<FaultProxy>}
 */
export async function startFaultProxy(options) {
  const target = new URL(options.target);
  const targetBase = target.pathname.replace(/\/$/, '');
  const keepAlive = options.keepAlive ?? false;
  const cors = options.cors ?? true;
  /** @type {FaultPlan} */
  let plan = { rules: [] };
  let random = mulberry32(options.seed ?? 1);
  /** per-rule state: how many matching requests it has seen and how many faults it fired */
  /** @type {{ seen: number, fired: number }[]} */
  let ruleState = [];
  let counters = emptyCounters();
  /** @type {FaultLogEntry[]} */
  let log = [];
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let closed = false;

  /** @param {FaultPlan} next @param {number} [seed] */
  function setPlan(next, seed) {
    checkPlan(next);
    plan = { ...next, rules: [...(next.rules ?? [])] };
    ruleState = (plan.rules ?? []).map(() => ({ seen: 0, fired: 0 }));
    if (seed !== undefined) random = mulberry32(seed);
  }
  setPlan(options.plan ?? { rules: [] });

  /** @param {string} method @param {string} path @returns {Fault | null} */
  function pick(method, path) {
    const rules = plan.rules ?? [];
    for (let i = 0; i < rules.length; i++) {
      const rule = /** @type {FaultRule} */ (rules[i]);
      const state = /** @type {{ seen: number, fired: number }} */ (ruleState[i]);
      if (!matches(rule, method, path)) continue;
      state.seen += 1;
      if (state.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && state.fired >= rule.times) continue;
      if (rule.probability !== undefined && rule.probability < 1 && !(random() < rule.probability)) continue;
      state.fired += 1;
      return rule.fault;
    }
    return null;
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function corsHeaders(req, res) {
    if (!cors) return;
    const origin = req.headers.origin;
    res.setHeader('access-control-allow-origin', origin ?? '*');
    if (origin) res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', 'Retry-After, ETag, Location');
    res.setHeader('vary', 'Origin');
  }

  /** Wait for the whole request body (counting it), then resolve. @param {http.IncomingMessage} req */
  function drain(req) {
    if (req.readableEnded || req.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      req.on('data', (/** @type {Buffer} */ chunk) => (counters.bytesIn += chunk.length));
      req.on('end', resolve);
      req.on('error', resolve);
      req.on('close', resolve);
      req.resume();
    });
  }

  /** @param {number} ms */
  function wait(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve(undefined);
      }, ms);
      timers.add(t);
    });
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Fault & { type: 'status' }} fault
   */
  async function answer(req, res, fault) {
    await drain(req);
    if (res.destroyed) return;
    const [defCode, defMessage] = STATUS_DEFAULTS[fault.status] ?? ['InjectedFault', `Injected ${fault.status}.`];
    const code = fault.code ?? defCode;
    const message = fault.message ?? defMessage;
    const json = fault.format === 'json';
    const body = json
      ? JSON.stringify({ error: { code, message } })
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
    corsHeaders(req, res);
    if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
    res.setHeader('content-type', json ? 'application/json; charset=utf-8' : 'application/xml');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.writeHead(fault.status);
    res.end(body);
  }

  /**
   * Read the body until `afterBytes`, then call `then` once (or at the end of the body).
   * @param {http.IncomingMessage} req
   * @param {number} afterBytes
   * @param {() => void} then
   */
  function readUntil(req, afterBytes, then) {
    let seen = 0;
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      then();
    };
    if (afterBytes <= 0) return fire();
    req.on('data', (/** @type {Buffer} */ chunk) => {
      if (done) return;
      seen += chunk.length;
      counters.bytesIn += chunk.length;
      if (seen >= afterBytes) fire();
    });
    req.on('end', fire);
  }

  /**
   * Forward to the target; `throttle` paces the request body.
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {number} [bytesPerSecond]
   */
  function forward(req, res, bytesPerSecond) {
    counters.forwarded += 1;
    const headers = { ...req.headers, host: target.host };
    if (!keepAlive) headers.connection = 'close';
    const upstream = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: targetBase + (req.url ?? '/'),
        headers,
        agent: false,
      },
      (up) => {
        const out = { ...up.headers };
        if (!keepAlive) out.connection = 'close';
        res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return res.destroy();
      answer(req, res, { type: 'status', status: 502, code: 'BadGateway', message: 'fault-proxy: the target did not answer.' });
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (!bytesPerSecond) {
      req.on('data', (/** @type {Buffer} */ chunk) => (counters.bytesIn += chunk.length));
      req.pipe(upstream);
      return;
    }
    const slice = Math.max(1, Math.min(16 * 1024, Math.floor(bytesPerSecond / 20)));
    (async () => {
      try {
        for await (const chunk of req) {
          for (let i = 0; i < chunk.length; i += slice) {
            if (closed || upstream.destroyed) return;
            const part = chunk.subarray(i, i + slice);
            counters.bytesIn += part.length;
            upstream.write(part);
            await wait((part.length / bytesPerSecond) * 1000);
          }
        }
        upstream.end();
      } catch {
        upstream.destroy();
      }
    })();
  }

  const server = http.createServer(async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    counters.requests += 1;
    counters.byMethod[method] = (counters.byMethod[method] ?? 0) + 1;
    const pathKey = `${method} ${path}`;
    counters.byPath[pathKey] = (counters.byPath[pathKey] ?? 0) + 1;
    if (!keepAlive) res.shouldKeepAlive = false;
    const fault = pick(method, path);
    log.push({ at: Date.now(), method, path, fault: fault ? fault.type : null });
    if (fault) {
      counters.faults += 1;
      counters.byFault[fault.type] = (counters.byFault[fault.type] ?? 0) + 1;
    }
    if (plan.latency && method !== 'OPTIONS') await wait(plan.latency);
    if (closed) return void req.socket.destroy();
    switch (fault?.type) {
      case undefined:
        return forward(req, res);
      case 'status':
        return void answer(req, res, fault);
      case 'drop':
        return readUntil(req, fault.afterBytes ?? 0, () => req.socket.destroy());
      case 'stall':
        return readUntil(req, fault.afterBytes ?? 0, () => {
          req.pause();
          if (fault.ms !== undefined) wait(fault.ms).then(() => req.socket.destroy());
        });
      case 'delay':
        req.pause();
        await wait(fault.ms);
        if (closed) return void req.socket.destroy();
        return forward(req, res);
      case 'throttle':
        return forward(req, res, fault.bytesPerSecond);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Clients that vanish mid-request are normal here.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${address.address}:${address.port}`;

  return {
    url,
    port: address.port,
    target: options.target,
    get plan() {
      return plan;
    },
    get counters() {
      return counters;
    },
    get log() {
      return log;
    },
    setPlan,
    reset(next = { rules: [] }, seed = options.seed ?? 1) {
      setPlan(next, seed);
      counters = emptyCounters();
      log = [];
    },
    resetCounters() {
      counters = emptyCounters();
      log = [];
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        for (const s of sockets) s.destroy();
      });
    },
  };
}
