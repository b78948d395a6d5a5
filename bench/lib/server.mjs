// One HTTP contender of benchmark 1, started by http.mjs pinned to its own core:
//   node lib/server.mjs <bare|ours|ours-sdk> <port>
// Prints "listening <url>" once it accepts connections.
import Fastify from 'fastify';
import { createS3Client, createSignerServer, resolveConfig, sdkPostSigner } from '@s3-upload/signer';
import { BENCH_CREDENTIALS, BENCH_S3, BENCH_TOKEN } from './fixtures.mjs';

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);

let app;
if (kind === 'bare') {
  // The ceiling of any Fastify service: parse the same JSON body, answer fixed JSON.
  app = Fastify({ logger: false });
  const fixed = { ok: true };
  app.post('/v1/sign', async () => fixed);
} else if (kind === 'ours' || kind === 'ours-sdk') {
  const config = resolveConfig({
    s3: BENCH_S3,
    auth: { mode: 'tokens', tokens: [{ token: BENCH_TOKEN, subject: 'bench', profiles: ['avatars'] }] },
    cors: { origins: ['http://127.0.0.1'] },
    // A rate limit would measure the limit, not the signer.
    rateLimit: { enabled: false },
    server: { host: '127.0.0.1', port, logLevel: 'warn' },
    profiles: {
      avatars: {
        keyTemplate: 'avatars/{user}/{uuid}/{filename}',
        accept: ['image/png', 'image/jpeg'],
        maxSize: '5MB',
        maxFiles: 20,
        expiresIn: 300,
        metadata: ['alt'],
      },
    },
  });
  const options = { credentials: BENCH_CREDENTIALS };
  if (kind === 'ours-sdk') options.postSigner = sdkPostSigner(createS3Client(config.s3, BENCH_CREDENTIALS));
  const server = await createSignerServer(config, options);
  app = server.app;
} else {
  throw new Error(`unknown server kind ${kind}`);
}
await app.listen({ host: '127.0.0.1', port });
console.log(`listening http://127.0.0.1:${port}`);
// A clean exit on SIGINT/SIGTERM, so that `node --cpu-prof` writes its profile.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.close().then(() => process.exit(0)));
