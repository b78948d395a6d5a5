import { createHmac } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { PolicyRequest } from './build.js';
import type { PostSigner, SignedPost } from './sign.js';

/**
 * A POST signer that does on its hot path only what a policy needs: the policy JSON, base64 and one
 * HMAC with node:crypto. Its output is byte-identical to `@aws-sdk/s3-presigned-post`'s
 * `createPresignedPost` for the same inputs and time (proven by property tests against the SDK, which
 * stays the reference); it only avoids the SDK's per-call costs:
 * - the SDK copies the whole client config and resolves the endpoint on every call; here the URL is
 *   resolved once per bucket, by the SDK itself (the endpoint does not depend on the key);
 * - the SDK HMACs the credentials to look up its signing-key cache; here the derived key is kept per
 *   (access key id, secret, day, region) and compared by value;
 * - field objects are copied with assignments instead of object spread.
 *
 * Credentials still come from `client.config.credentials()` on every call, so rotating credentials
 * (the default provider chain, STS, IMDS) keep working: a new key id or secret derives a new signing
 * key, and a session token is sent and bound as `X-Amz-Security-Token`.
 *
 * Field names are plain data (our builder makes them): a field named `__proto__` is not supported.
 */
export function fastPostSigner(client: S3Client): PostSigner {
  let region: string | undefined;
  const urls = new Map<string, string | Promise<string>>();
  // The signing key of the last credentials and day seen. Rotation replaces it.
  let keyId = '';
  let keySecret = '';
  let keyDay = '';
  let signingKey = Buffer.alloc(0);
  // Date strings, recomputed once per second.
  let nowSecond = Number.NaN;
  let amzDate = '';
  let shortDate = '';
  let credentialScope = '';
  let expirySecond = Number.NaN;
  let expiration = '';

  function urlFor(bucket: string): string | Promise<string> {
    const cached = urls.get(bucket);
    if (cached !== undefined) return cached;
    // The SDK's own endpoint resolution, once per bucket: the URL depends on the bucket and the
    // client's config (region, endpoint, path style, FIPS, dual stack, acceleration), never on the key.
    const pending = createPresignedPost(client, { Bucket: bucket, Key: 'k' }).then(
      (signed) => {
        urls.set(bucket, signed.url);
        return signed.url;
      },
      (error: unknown) => {
        urls.delete(bucket);
        throw error;
      },
    );
    urls.set(bucket, pending);
    return pending;
  }

  return {
    async sign(request: PolicyRequest): Promise<SignedPost> {
      const bucket = request.bucket;
      const key = request.key;
      const url = urlFor(bucket);
      const resolvedUrl = typeof url === 'string' ? url : await url;
      if (region === undefined) region = await client.config.region();
      const credentials = await client.config.credentials();

      // Whole milliseconds, as \`new Date(...)\` keeps them: equal seconds give equal date strings.
      const nowMs = Math.trunc(Date.now() + client.config.systemClockOffset);
      const second = Math.floor(nowMs / 1000);
      if (second !== nowSecond) {
        amzDate = iso8601(new Date(nowMs)).replace(/[-:]/g, '');
        shortDate = amzDate.slice(0, 8);
        credentialScope = `${shortDate}/${region}/s3/aws4_request`;
        nowSecond = second;
      }
      const expiresMs = Math.trunc(nowMs + request.expiresIn * 1000);
      const expiresSecond = Math.floor(expiresMs / 1000);
      if (expiresSecond !== expirySecond) {
        expiration = iso8601(new Date(expiresMs));
        expirySecond = expiresSecond;
      }

      const accessKeyId = credentials.accessKeyId;
      const secretAccessKey = credentials.secretAccessKey;
      if (accessKeyId !== keyId || secretAccessKey !== keySecret || shortDate !== keyDay) {
        const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate).digest();
        const kRegion = createHmac('sha256', kDate).update(region).digest();
        const kService = createHmac('sha256', kRegion).update('s3').digest();
        signingKey = createHmac('sha256', kService).update('aws4_request').digest();
        keyId = accessKeyId;
        keySecret = secretAccessKey;
        keyDay = shortDate;
      }

      const fields: Record<string, string> = Object.assign({}, request.fields);
      fields.bucket = bucket;
      fields['X-Amz-Algorithm'] = 'AWS4-HMAC-SHA256';
      fields['X-Amz-Credential'] = `${accessKeyId}/${credentialScope}`;
      fields['X-Amz-Date'] = amzDate;
      if (credentials.sessionToken) fields['X-Amz-Security-Token'] = credentials.sessionToken;

      // The conditions as the SDK writes them: each one's JSON once, in order, duplicates dropped.
      const conditions = new Set<string>();
      for (const condition of request.conditions) conditions.add(JSON.stringify(condition));
      for (const name of Object.keys(fields)) {
        const value = fields[name];
        conditions.add(
          typeof value === 'string' ? `{${JSON.stringify(name)}:${JSON.stringify(value)}}` : JSON.stringify({ [name]: value }),
        );
      }
      if (key.endsWith('${filename}')) {
        conditions.add(JSON.stringify(['starts-with', '$key', key.substring(0, key.lastIndexOf('${filename}'))]));
      } else {
        conditions.add(`{"key":${JSON.stringify(key)}}`);
      }
      let list = '';
      for (const condition of conditions) list = list === '' ? condition : `${list},${condition}`;
      const policy = Buffer.from(`{"expiration":"${expiration}","conditions":[${list}]}`, 'utf8').toString('base64');

      fields.key = key;
      fields.Policy = policy;
      fields['X-Amz-Signature'] = createHmac('sha256', signingKey).update(policy).digest('hex');
      return { url: resolvedUrl, fields };
    },
    async checkCredentials() {
      const credentials = await client.config.credentials();
      if (!credentials.accessKeyId || !credentials.secretAccessKey) throw new Error('no S3 credentials');
    },
  };
}

function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
