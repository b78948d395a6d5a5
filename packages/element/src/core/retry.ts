/** Retry policy: which failures are worth another attempt, and how long to wait. Pure, no DOM. */

/** A failed attempt, from the signer or from S3. */
export interface Failure {
  /** S3 error code (`SlowDown`), signer code (`rate_limited`), or `network` / `stalled` / `timeout` / `unreachable`. */
  code: string;
  /** Readable message. */
  message: string;
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** Worth another attempt. */
  retryable: boolean;
  /** The server's Retry-After, in ms. */
  retryAfter?: number;
  /** The signed policy expired: sign again and retry, without counting an attempt. */
  expired?: boolean;
}

/** S3 error codes that are transient. */
const TRANSIENT = ['SlowDown', 'InternalError', 'RequestTimeout', 'ServiceUnavailable'];

/** Longest wait honoured from a Retry-After header. */
export const MAX_RETRY_AFTER = 10 * 60_000;

/**
 * True for network errors (status 0), 408, 429, 5xx and S3's transient codes. Policy and size
 * violations (AccessDenied, EntityTooLarge/Small, InvalidPolicyDocument, other 4xx) are final.
 */
export const isRetryable = (status: number, code = ''): boolean =>
  TRANSIENT.includes(code) || status === 0 || status === 408 || status === 429 || status >= 500;

/** An S3 AccessDenied that says the policy expired: sign again rather than fail. */
export const isExpired = (code: string, message: string): boolean => code === 'AccessDenied' && /expired/i.test(message);

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, base * 2^(n-1))) after the
 * n-th failure (n >= 1).
 */
export const backoff = (failures: number, base: number, random: () => number, cap = 30_000): number =>
  Math.floor(random() * Math.min(cap, base * 2 ** Math.max(0, failures - 1)));

/** The wait before the next attempt: the jittered backoff, but never less than Retry-After. */
export const retryDelay = (failures: number, base: number, random: () => number, retryAfter?: number): number =>
  Math.max(Math.min(retryAfter ?? 0, MAX_RETRY_AFTER), backoff(failures, base, random));

/** Parses a Retry-After header (delta seconds or an HTTP date) into ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
