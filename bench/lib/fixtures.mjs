// Shared by every contender: the same bucket, credentials and request bodies.
export const BENCH_S3 = { bucket: 's3-upload-dev', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true };
export const BENCH_CREDENTIALS = { accessKeyId: 'AKIABENCHEXAMPLE0001', secretAccessKey: 'bench-secret-key-0123456789abcdefghijklmn' };
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

export function signBody(files) {
  return JSON.stringify({
    profile: 'avatars',
    files: Array.from({ length: files }, (_, i) => ({
      name: files === 1 ? 'cat.png' : `cat-${i}.png`,
      type: 'image/png',
      size: 48213,
      metadata: { alt: 'a cat' },
    })),
  });
}
