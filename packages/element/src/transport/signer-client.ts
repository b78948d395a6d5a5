/** Talks to the signer: `POST {signer}/v1/sign` and `GET {signer}/v1/profiles/{name}`. */
import type { ErrorResponse, ProfileInfo, ProfileList, SignRequest, SignResponse } from '@s3-upload/protocol';
import { fill, type Messages } from '../messages.js';
import { isRetryable, parseRetryAfter, type Failure } from '../core/retry.js';

export interface SignerOptions {
  /** Base URL of the signer (a path prefix is kept). */
  signer: string;
  /** Extra request headers, e.g. `Authorization`. */
  headers: Record<string, string>;
  /** Send cookies (`credentials: 'include'`). */
  withCredentials: boolean;
  /** Abort a request that takes longer (ms); 0 turns it off. */
  timeout: number;
  messages: Messages;
}

/** One request to the signer; any failure becomes a classified, readable `Failure`. */
async function call<T>(path: string, o: SignerOptions, body?: unknown): Promise<T> {
  const url = new URL(path, o.signer.replace(/\/?$/, '/'));
  let res: Response;
  try {
    res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: body ? { ...o.headers, 'content-type': 'application/json' } : o.headers,
      body: body ? JSON.stringify(body) : null,
      credentials: o.withCredentials ? 'include' : 'same-origin',
      signal: o.timeout > 0 ? AbortSignal.timeout(o.timeout) : null,
    });
  } catch (error) {
    // fetch hides the cause (refused, DNS, CORS) from scripts: name the origin and both usual causes.
    const timedOut = (error as Error).name === 'TimeoutError';
    throw {
      code: timedOut ? 'timeout' : 'unreachable',
      message: timedOut ? o.messages.timeout : fill(o.messages.unreachable, { origin: url.origin }),
      status: 0,
      retryable: true,
    } satisfies Failure;
  }
  const json = (await res.json().catch(() => ({}))) as T & Partial<ErrorResponse>;
  if (res.ok) return json;
  const code = json.error?.code ?? `HTTP ${res.status}`;
  throw {
    code,
    message: json.error?.message ?? fill(o.messages.signer, { code }),
    status: res.status,
    retryable: isRetryable(res.status),
    retryAfter: parseRetryAfter(res.headers.get('Retry-After'), Date.now()),
  } satisfies Failure;
}

/** Signs a batch of files in one request. */
export const sign = (request: SignRequest, o: SignerOptions): Promise<SignResponse> => call('v1/sign', o, request);

/** The public rules of a profile. */
/** A profile's public rules; with no name, those of the signer's default profile (undefined if it has none). */
export const getProfile = async (name: string, o: SignerOptions): Promise<ProfileInfo | undefined> =>
  name
    ? call<ProfileInfo>(`v1/profiles/${encodeURIComponent(name)}`, o)
    : call<ProfileList>('v1/profiles', o).then((list) => list.profiles.find((p) => p.name === list.defaultProfile));
