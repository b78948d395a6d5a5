// The signer of benchmarks 4-6, in its own process (so that its RSS is its own and the browser
// benchmarks do not share an event loop with the orchestrator):
//   node lib/signer-child.mjs '<json { s3, credentials, origins, port }>'
// Public (auth "none"), rate limit off, one profile "bench" (any type, up to 2GB, up to 300 files).
// Counts every request it answers in an onResponse hook (CORS preflights included); `GET /__bench/counts` answers the counts
// (that route is not counted). Prints "listening <url>" once it accepts connections.
import { createSignerServer, resolveConfig } from '@s3-upload/signer';

const BENCH_PROFILE = 'bench';

const { s3, credentials, origins, port = 0 } = JSON.parse(process.argv[2]);
const config = resolveConfig({
  s3,
  auth: { mode: 'none', public: true },
  cors: { origins },
  rateLimit: { enabled: false },
  server: { host: '127.0.0.1', port, logLevel: 'warn' },
  profiles: {
    [BENCH_PROFILE]: {
      keyTemplate: 'bench/{uuid}/{filename}',
      accept: ['*/*'],
      maxSize: '2GB',
      maxFiles: 300,
      expiresIn: 3600,
    },
  },
});
const server = await createSignerServer(config, { credentials });
const { app } = server;
const counts = { total: 0, sign: 0, profile: 0, preflight: 0, other: 0 };
app.addHook('onResponse', async (request) => {
  const url = request.url;
  if (url.startsWith('/__bench/')) return;
  counts.total++;
  if (request.method === 'OPTIONS') counts.preflight++;
  else if (request.method === 'POST' && url.startsWith('/v1/sign')) counts.sign++;
  else if (url.startsWith('/v1/profiles/')) counts.profile++;
  else counts.other++;
});
app.get('/__bench/counts', async () => counts);
const { url } = await server.listen();
console.log(`listening ${url}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close().then(() => process.exit(0)));
