import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ResolvedConfig } from './config/resolve.js';
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

function urlOf(address: ReturnType<FastifyInstance['server']['address']>): string {
  if (address === null || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The standalone signer: the plugin in its own Fastify server, with /metrics on a port of its own if configured. */
export async function createSignerServer(config: ResolvedConfig, options: SignerServerOptions = {}): Promise<SignerServer> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.server.logLevel),
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
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
      const url = urlOf(app.server.address());
      if (!metricsApp) return { url };
      await metricsApp.listen({ host: config.metrics.host, port: config.metrics.port! });
      return { url, metricsUrl: urlOf(metricsApp.server.address()) };
    },
    async close() {
      await Promise.all([app.close(), metricsApp?.close()]);
    },
  };
}
