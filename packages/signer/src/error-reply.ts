import type { ErrorResponse } from '@s3-upload/protocol';
import { SignerError } from './errors.js';

export interface ErrorReply {
  statusCode: number;
  body: ErrorResponse;
  headers: Record<string, string>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: Array<{ instancePath?: string; message?: string; keyword?: string; params?: Record<string, unknown> }>;
  validationContext?: string;
  message?: string;
}

const FRAMEWORK_ERRORS: Record<string, { status: number; code: ErrorResponse['error']['code']; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad_request', message: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'The Content-Length header does not match the body.' },
};

function describeValidation(error: FastifyLikeError): string {
  const first = error.validation![0]!;
  const where = `${error.validationContext ?? 'body'}${(first.instancePath ?? '').replace(/\//g, '.')}`;
  if (first.keyword === 'additionalProperties') {
    return `${where}: unknown property "${String(first.params?.additionalProperty)}".`;
  }
  return `${where}: ${first.message ?? 'is invalid'}.`;
}

/** The shared rate-limit store (Redis) failed and the config says to fail closed. */
export class RateLimitStoreError extends Error {
  constructor(cause: unknown) {
    super('The rate-limit store is unavailable.', { cause });
    this.name = 'RateLimitStoreError';
  }
}

/** Maps any error to the signer's error shape. Client errors keep their status; the rest are 500. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof SignerError) {
    return { statusCode: error.statusCode, body: { error: { code: error.code, message: error.message } }, headers: { ...error.headers } };
  }
  if (error instanceof RateLimitStoreError) {
    return {
      statusCode: 503,
      body: { error: { code: 'not_ready', message: 'Requests cannot be checked against the rate limit right now; try again shortly.' } },
      headers: { 'retry-after': '5' },
    };
  }
  const fastifyError = (error ?? {}) as FastifyLikeError;
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    const first = fastifyError.validation[0]!;
    const tooMany = first.keyword === 'maxItems' && first.instancePath === '/files';
    return {
      statusCode: 400,
      body: { error: { code: tooMany ? 'too_many_files' : 'bad_request', message: describeValidation(fastifyError) } },
      headers: {},
    };
  }
  const known = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (known) return { statusCode: known.status, body: { error: { code: known.code, message: known.message } }, headers: {} };
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { statusCode: fastifyError.statusCode, body: { error: { code: 'bad_request', message: 'The request is invalid.' } }, headers: {} };
  }
  return { statusCode: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side.' } }, headers: {} };
}
