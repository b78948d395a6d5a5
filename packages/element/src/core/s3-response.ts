/** Reads S3's answers to a POST upload with string operations (no DOMParser). Pure, no DOM. */
import { fill, type Messages } from '../messages.js';
import { isExpired, isRetryable, parseRetryAfter, type Failure } from './retry.js';

/** Where a finished upload landed. */
export interface Landed {
  key: string;
  bucket: string;
  location: string;
  /** Without quotes; '' when S3 did not tell (RGW answers 204 without an ETag). */
  etag: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. */
export const decodeXml = (text: string): string =>
  text.replace(/&(?:#(x?)([\da-f]+)|(\w+));/gi, (whole, hex?: string, code?: string, name?: string) =>
    code ? String.fromCodePoint(parseInt(code, hex ? 16 : 10)) : (ENTITIES[name!] ?? whole),
  );

/** The decoded text of the first `<name>` element, or undefined. */
export function xmlTag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match ? decodeXml(match[1]!.trim()) : undefined;
}

/** Removes the quotes around an ETag. */
export const unquote = (etag: string | null | undefined): string => (etag ?? '').replace(/^(W\/)?"|"$/g, '');

/**
 * The result of a successful POST (200/201/204): the 201 XML when there is one, otherwise what
 * was signed plus the ETag and Location headers.
 */
export function parseSuccess(
  body: string,
  signed: { url: string; key: string; bucket: string },
  header: (name: string) => string | null,
): Landed {
  const key = xmlTag(body, 'Key') ?? signed.key;
  return {
    key,
    bucket: xmlTag(body, 'Bucket') ?? signed.bucket,
    location:
      xmlTag(body, 'Location') ??
      header('Location') ??
      `${signed.url.replace(/\/$/, '')}/${key.split('/').map(encodeURIComponent).join('/')}`,
    etag: unquote(xmlTag(body, 'ETag') ?? header('ETag')),
  };
}

/** Turns an S3 error answer into a readable, classified failure. Raw XML never reaches the user. */
export function parseFailure(status: number, body: string, retryAfter: string | null, messages: Messages, now: number): Failure {
  const code = xmlTag(body, 'Code') ?? `HTTP ${status}`;
  const text = xmlTag(body, 'Message') ?? '';
  const expired = isExpired(code, text);
  const known = /^[A-Z]/.test(code) && Object.hasOwn(messages, code);
  const message = expired
    ? messages.expired
    : known
      ? messages[code as keyof Messages]
      : fill(status >= 500 ? messages.unavailable : messages.storage, { code });
  return { code, message, status, retryable: isRetryable(status, code), retryAfter: parseRetryAfter(retryAfter, now), expired };
}
