import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { ResolvedConfig } from './config/resolve.js';
import { toErrorReply } from './error-reply.js';
import { SignerError } from './errors.js';
import { createMetrics } from './metrics.js';
import { registerMetricsRoute, s3UploadSigner, type S3UploadSignerOptions } from './plugin.js';

export interface SignerServerOptions extends Pick<S3UploadSignerOptions, 'credentials' | 'postSigner' | 'authenticate'> {
  /** Fastify's logger option; by default JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger'];
}

export interface SignerServer {
  app: FastifyInstance;
  metricsApp?: FastifyInstance;
  /** Starts listening; resolves with the base URLs. */
  listen(): Promise<{ url: string; metricsUrl?: string }>;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/** Log settings that never write a credential: auth headers and cookies are redacted. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
  };
}

function urlOf(server: FastifyInstance['server']): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Answers with the signer's error shape, for errors raised outside the plugin's routes. */
function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const { statusCode, body, headers } = toErrorReply(error);
  return reply.code(statusCode).headers(headers).send(body);
}

/** The standalone signer: the plugin in its own Fastify server, with /metrics on a port of its own if configured. */
export async function createSignerServer(config: ResolvedConfig, options: SignerServerOptions = {}): Promise<SignerServer> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.server.logLevel),
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    frameworkErrors: (error, _request, reply) => sendError(reply as FastifyReply, error),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      return sendError(reply, new SignerError(503, 'not_ready', 'The signer is shutting down; retry shortly.', { 'retry-after': '1' }));
    }
  });
  const metrics = config.metrics.enabled ? createMetrics({ processMetrics: true }) : false;
  await app.register(s3UploadSigner, { ...options, config, signerMetrics: metrics });

  let metricsApp: FastifyInstance | undefined;
  if (metrics && config.metrics.port !== undefined) {
    metricsApp = Fastify({ logger: false });
    registerMetricsRoute(metricsApp, metrics);
  }

  return {
    app,
    ...(metricsApp && { metricsApp }),
    async listen() {
      await app.listen({ host: config.server.host, port: config.server.port });
      const url = urlOf(app.server);
      if (!metricsApp) return { url };
      await metricsApp.listen({ host: config.metrics.host, port: config.metrics.port! });
      return { url, metricsUrl: urlOf(metricsApp.server) };
    },
    async close() {
      await Promise.all([app.close(), metricsApp?.close()]);
    },
  };
}
