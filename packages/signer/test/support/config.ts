import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve.js';

export const ALICE_TOKEN = 'alice-token-0123456789abcdef';
export const BOB_TOKEN = 'bob-token-0123456789abcdef00';

/** A raw config like the README's, for tests to adjust. */
export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    s3: { bucket: 'uploads', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true },
    cors: { origins: ['https://www.example.com'] },
    auth: {
      mode: 'tokens',
      tokens: [
        { token: ALICE_TOKEN, subject: 'alice', profiles: ['avatars', 'reports', 'docs'] },
        { token: BOB_TOKEN, subject: 'bob', profiles: ['avatars'] },
      ],
    },
    rateLimit: { max: 1000, timeWindow: '1 minute' },
    profiles: {
      avatars: {
        keyTemplate: 'avatars/{user}/{uuid}/{filename}',
        accept: ['image/png', 'image/jpeg'],
        minSize: 1,
        maxSize: '5MB',
        maxFiles: 20,
        expiresIn: 300,
        metadata: ['alt'],
      },
      reports: { keyTemplate: 'reports/{uuid}/{filename}', accept: ['application/pdf'], maxSize: '20MB', form: true },
      docs: {
        keyTemplate: 'docs/{user}/{yyyy}/{uuid}/{filename}',
        accept: ['.pdf', 'text/*'],
        maxSize: 1024,
        acl: 'private',
        cacheControl: 'max-age=60',
        contentDisposition: 'attachment',
        serverSideEncryption: 'AES256',
        storageClass: 'STANDARD',
      },
    },
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, unknown> = {}, env: Record<string, string> = {}): ResolvedConfig {
  return resolveConfig(rawConfig(overrides), env);
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'test-secret-key-do-not-leak-1234567890' };
