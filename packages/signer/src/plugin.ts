import { randomUUID } from 'node:crypto';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorResponse,
  FormRequest,
  FormResponse,
  HealthResponse,
  ProfileInfo,
  ProfileList,
  ProfileParams,
  SignRequest,
  SignResponse,
  type UploadEntry,
} from '@s3-upload/protocol';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { ANONYMOUS, createAuthenticator, mayUseProfile, type Authenticate, type Identity } from './auth.js';
import { checkFile, isProblem } from './check.js';
import { resolveConfig, type ResolvedConfig, type ResolvedProfile } from './config/resolve.js';
import type { FileConfig } from './config/schema.js';
import { RateLimitStoreError, toErrorReply } from './error-reply.js';
import { SignerError } from './errors.js';
import { renderKey, renderKeyPrefix } from './keys.js';
import { createMetrics, type SignerMetrics } from './metrics.js';
import { buildFormPolicy, buildUploadPolicy, formContentType } from './policy/build.js';
import { createPostSigner, createS3Client, type PostSigner, type SignerKind } from './policy/sign.js';

declare module 'fastify' {
  interface FastifyRequest {
    s3UploadIdentity?: Identity | null;
  }
}

/** Options of the signer plugin: the config (as in the config file) plus hooks for the host app. */
export interface S3UploadSignerOptions extends Partial<FileConfig> {
  /** An already resolved config; takes the place of the config fields. */
  config?: ResolvedConfig;
  /** The host app's own authentication; replaces `auth`. Return null to refuse with 401. */
  authenticate?: Authenticate<FastifyRequest>;
  /** Credentials for signing; by default the AWS default provider chain. */
  credentials?: S3ClientConfig['credentials'];
  /** A policy signer to use instead of the SDK's. */
  postSigner?: PostSigner;
  /** The built-in signer: 'fast' (default; node:crypto, byte-identical to the SDK's) or 'sdk' (`createPresignedPost`). */
  signer?: SignerKind;
  /** Metrics to record into; `false` records none and serves no /metrics route. */
  signerMetrics?: SignerMetrics | false;
  /** Register @fastify/cors for the configured origins (default true); false leaves CORS to the host app. */
  registerCors?: boolean;
  /** Serve /healthz and /readyz (default true). */
  healthRoutes?: boolean;
}

const errorResponses = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse };

function profileInfo(profile: ResolvedProfile): ProfileInfo {
  return {
    name: profile.name,
    accept: profile.accept,
    minSize: profile.minSize,
    maxSize: profile.maxSize,
    maxFiles: profile.maxFiles,
    metadata: profile.metadata,
    expiresIn: profile.expiresIn,
    form: profile.form,
  };
}

function resolveOptions(options: S3UploadSignerOptions): ResolvedConfig {
  if (options.config) return options.config;
  const { authenticate, credentials, postSigner, signer, signerMetrics, healthRoutes, registerCors, config, prefix, logLevel, logSerializers, ...raw } =
    options as S3UploadSignerOptions & { prefix?: string; logLevel?: unknown; logSerializers?: unknown };
  return resolveConfig({ ...raw, ...(authenticate && { auth: { mode: 'none', public: true } }) });
}

/** When a policy signed at `now` expires: the signing time is whole seconds, as in the policy itself. */
function expiryOf(now: Date, profile: ResolvedProfile): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + profile.expiresIn * 1000).toISOString();
}

/** True when a redirect after a form upload points to one of the site's own origins. */
function redirectAllowed(redirect: string, origins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return origins.includes('*') || origins.includes(url.origin);
}

/**
 * The s3-upload signer as a Fastify plugin: `app.register(s3UploadSigner, options)`. Routes live under
 * `/v1`; the plugin is encapsulated, so its hooks and error handling don't touch the host app.
 */
export const s3UploadSigner: FastifyPluginAsync<S3UploadSignerOptions> = async (instance, options) => {
  const config = resolveOptions(options);
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const authenticate = options.authenticate ?? createAuthenticator(config.auth);
  const postSigner = options.postSigner ?? createPostSigner(createS3Client(config.s3, options.credentials), options.signer);
  const metrics = options.signerMetrics === false ? undefined : (options.signerMetrics ?? createMetrics());

  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body, headers } = toErrorReply(error);
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    metrics?.rejections.inc({ code: body.error.code });
    return reply.code(statusCode).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } }),
  );

  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  }

  if (options.registerCors !== false) {
    await app.register(fastifyCors, {
      origin: config.cors.origins.includes('*') ? '*' : config.cors.origins,
      credentials: config.cors.credentials,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      maxAge: config.cors.maxAge,
      strictPreflight: false,
    });
  }

  const identifyHook = async (request: FastifyRequest): Promise<void> => {
    request.s3UploadIdentity = await authenticate(request);
  };
  const requireIdentity = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!request.s3UploadIdentity) {
      reply.header('www-authenticate', 'Bearer');
      throw new SignerError(401, 'unauthorized', 'Missing or invalid credentials.');
    }
  };
  const guards: Array<(request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = [];
  if (config.rateLimit.enabled) {
    const { redis: redisUrl, onStoreError } = config.rateLimit;
    const redis = redisUrl ? connectRateLimitStore(redisUrl, onStoreError, app.log) : undefined;
    if (redis) app.addHook('onClose', async () => redis.disconnect());
    await app.register(fastifyRateLimit, {
      global: false,
      ...(redis && { redis, nameSpace: 's3-upload:rate-limit:', skipOnError: onStoreError === 'open' }),
    });
    const limit = app.rateLimit({
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.timeWindow,
      // Per subject once known; per IP before auth, and for anonymous callers, who share no subject.
      keyGenerator: (request) => {
        const identity = request.s3UploadIdentity;
        return identity && identity !== ANONYMOUS ? `sub:${identity.subject}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new SignerError(429, 'rate_limited', `Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`),
    });
    // With onStoreError 'closed' a store failure surfaces here (with 'open' the plugin skips the limit).
    guards.push(async function rateLimitGuard(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      try {
        await limit.call(this, request, reply);
      } catch (error) {
        if (error instanceof SignerError) throw error;
        request.log.warn('rate-limit store (Redis) failed: failing closed with 503 (rateLimit.onStoreError = "closed")');
        throw new RateLimitStoreError(error);
      }
    });
  }
  const signGuards = { onRequest: identifyHook, preValidation: [...guards, requireIdentity] };

  function findProfile(name: string | undefined, identity?: Identity): ResolvedProfile {
    const chosen = name ?? config.defaultProfile;
    if (!chosen) throw new SignerError(400, 'bad_request', 'Name a profile: this signer has no default profile.');
    const profile = config.profiles.get(chosen);
    if (!profile) throw new SignerError(404, 'profile_not_found', `No profile is named "${chosen}".`);
    if (identity && !mayUseProfile(identity, chosen)) {
      throw new SignerError(403, 'forbidden', `You may not upload with profile "${chosen}".`);
    }
    return profile;
  }

  app.post(
    '/v1/sign',
    {
      schema: { body: SignRequest, response: { 200: SignResponse, ...errorResponses } },
      // Entries are built field by field below; plain JSON.stringify beats the schema serializer's anyOf search.
      serializerCompiler: () => JSON.stringify,
      bodyLimit: config.server.bodyLimit,
      ...signGuards,
    },
    async (request) => {
      const identity = request.s3UploadIdentity!;
      const profile = findProfile(request.body.profile, identity);
      const { files } = request.body;
      if (files.length > profile.maxFiles) {
        throw new SignerError(400, 'too_many_files', `At most ${profile.maxFiles} files may be signed at once; got ${files.length}.`);
      }
      const now = new Date();
      const expiresAt = expiryOf(now, profile);
      let signedCount = 0;
      const uploads = await Promise.all(
        files.map(async (file): Promise<UploadEntry> => {
          const accepted = checkFile(profile, file);
          if (isProblem(accepted)) {
            metrics?.rejections.inc({ code: accepted.code });
            return { error: { code: accepted.code, message: accepted.message } };
          }
          const key = renderKey(profile.template, {
            uuid: randomUUID(),
            filename: accepted.filename,
            user: identity.subject,
            profile: profile.name,
            date: now,
          });
          if (!key) {
            metrics?.rejections.inc({ code: 'bad_name' });
            return { error: { code: 'bad_name', message: 'The file name is too long for an S3 key.' } };
          }
          const signed = await postSigner.sign(buildUploadPolicy(config.s3.bucket, profile, accepted, key));
          signedCount += 1;
          return { url: signed.url, fields: signed.fields, key, bucket: config.s3.bucket, expiresAt, expiresIn: profile.expiresIn, maxSize: accepted.size };
        }),
      );
      if (signedCount > 0) metrics?.policies.inc({ profile: profile.name }, signedCount);
      return { uploads };
    },
  );

  app.post(
    '/v1/form',
    { schema: { body: FormRequest, response: { 200: FormResponse, ...errorResponses } }, bodyLimit: config.server.bodyLimit, ...signGuards },
    async (request) => {
      const identity = request.s3UploadIdentity!;
      const profile = findProfile(request.body.profile, identity);
      if (!profile.form) throw new SignerError(403, 'form_not_allowed', `Profile "${profile.name}" does not allow form uploads.`);
      const { redirect, type } = request.body;
      if (redirect !== undefined && !redirectAllowed(redirect, config.cors.origins)) {
        throw new SignerError(400, 'bad_request', 'The redirect must be an http(s) URL on one of the allowed origins.');
      }
      const contentType = formContentType(profile, type);
      if (contentType === 'not_allowed') {
        throw new SignerError(400, 'type_not_allowed', `Type "${type}" is not allowed; allowed: ${profile.accept.join(', ')}.`);
      }
      if (contentType === undefined) {
        throw new SignerError(400, 'type_required', `Name the file type: this profile accepts ${profile.accept.join(', ')}.`);
      }
      const now = new Date();
      const prefix = renderKeyPrefix(profile.template, { uuid: randomUUID(), user: identity.subject, profile: profile.name, date: now });
      const signed = await postSigner.sign(buildFormPolicy(config.s3.bucket, profile, prefix, contentType, redirect));
      metrics?.policies.inc({ profile: profile.name });
      return {
        url: signed.url,
        fields: signed.fields,
        bucket: config.s3.bucket,
        prefix,
        expiresAt: expiryOf(now, profile),
        minSize: profile.minSize,
        maxSize: profile.maxSize,
        contentType,
      };
    },
  );

  const publicGuards = { preValidation: guards };
  app.get('/v1/profiles', { schema: { response: { 200: ProfileList } }, ...publicGuards }, async () => ({
    defaultProfile: config.defaultProfile,
    profiles: [...config.profiles.values()].map(profileInfo),
  }));
  app.get(
    '/v1/profiles/:name',
    { schema: { params: ProfileParams, response: { 200: ProfileInfo, ...errorResponses } }, ...publicGuards },
    async (request) => profileInfo(findProfile(request.params.name)),
  );

  if (options.healthRoutes !== false) {
    app.get('/healthz', { schema: { response: { 200: HealthResponse } } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { response: { 200: HealthResponse, 503: ErrorResponse } } }, async (request, reply) => {
      try {
        await postSigner.checkCredentials();
        return { status: 'ready' };
      } catch {
        request.log.warn('readiness check failed: S3 credentials could not be resolved');
        return reply.code(503).send({ error: { code: 'not_ready', message: 'S3 credentials could not be resolved.' } });
      }
    });
  }

  if (metrics && config.metrics.enabled && config.metrics.port === undefined) {
    registerMetricsRoute(app, metrics);
  }
};

/** Where a Redis URL points (host, port), without its scheme, user name, password or database. */
function redisAddress(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?/i, '').replace(/\/.*$/, '');
}

/**
 * The shared rate-limit store: an ioredis client that gives up quickly, so that a Redis outage costs a
 * request at most about half a second. Logs once when the store goes away (and which way the signer
 * fails) and once when it is back.
 */
function connectRateLimitStore(url: string, onStoreError: 'open' | 'closed', log: FastifyBaseLogger): Redis {
  const where = redisAddress(url);
  const redis = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (!healthy) return;
    healthy = false;
    const consequence =
      onStoreError === 'open'
        ? 'failing OPEN: requests are not rate limited until it is back (rateLimit.onStoreError = "open")'
        : 'failing CLOSED: rate-limited routes answer 503 until it is back (rateLimit.onStoreError = "closed")';
    log.error({ store: where, reason: error.message }, `rate-limit store (Redis at ${where}) is unavailable; ${consequence}`);
  });
  redis.on('ready', () => {
    if (healthy) return;
    healthy = true;
    log.info({ store: where }, `rate-limit store (Redis at ${where}) is back; rate limits are shared again`);
  });
  return redis;
}

/** Serves the Prometheus text format at /metrics. */
export function registerMetricsRoute(app: FastifyInstance, metrics: SignerMetrics): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
