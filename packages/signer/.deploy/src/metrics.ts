import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The signer's Prometheus metrics, in a registry of their own so several instances can share a process. */
export interface SignerMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  policies: Counter<'profile'>;
  rejections: Counter<'code'>;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): SignerMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 's3_upload_signer_' });
  return {
    registry,
    requests: new Counter({
      name: 's3_upload_http_requests_total',
      help: 'HTTP requests answered, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 's3_upload_http_request_duration_seconds',
      help: 'HTTP request latency in seconds, by method and route.',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    policies: new Counter({
      name: 's3_upload_policies_signed_total',
      help: 'Upload policies signed, by profile.',
      labelNames: ['profile'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 's3_upload_rejections_total',
      help: 'Requests and files refused, by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
