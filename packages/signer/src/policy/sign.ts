import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { PolicyRequest } from './build.js';
import { fastPostSigner } from './fast-sign.js';

export interface SignedPost {
  url: string;
  fields: Record<string, string>;
}

/** Signs POST policies. The SDK implementation is the reference; others must match it byte for byte. */
export interface PostSigner {
  sign(request: PolicyRequest): Promise<SignedPost>;
  /** Resolves once credentials are available; rejects when they can't be resolved. */
  checkCredentials(): Promise<void>;
}

export interface S3Settings {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
}

/** An S3 client configured for presigning against AWS or any S3-compatible store. */
export function createS3Client(settings: S3Settings, credentials?: S3ClientConfig['credentials']): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint && { endpoint: settings.endpoint }),
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(credentials && { credentials }),
  });
}

/** Signs with `@aws-sdk/s3-presigned-post`'s `createPresignedPost`. */
export function sdkPostSigner(client: S3Client): PostSigner {
  return {
    sign: (request) =>
      createPresignedPost(client, {
        Bucket: request.bucket,
        Key: request.key,
        Conditions: request.conditions,
        Fields: request.fields,
        Expires: request.expiresIn,
      }),
    async checkCredentials() {
      const credentials = await client.config.credentials();
      if (!credentials.accessKeyId || !credentials.secretAccessKey) throw new Error('no S3 credentials');
    },
  };
}

/** The built-in signers: 'fast' (node:crypto, byte-identical to the SDK's output) and 'sdk' (the reference). */
export type SignerKind = 'fast' | 'sdk';

/** The built-in signer of that kind; the fast one by default. */
export function createPostSigner(client: S3Client, kind: SignerKind = 'fast'): PostSigner {
  return kind === 'sdk' ? sdkPostSigner(client) : fastPostSigner(client);
}
