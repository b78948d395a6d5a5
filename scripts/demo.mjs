#!/usr/bin/env node
// `pnpm start`: a real S3 (the local Ceph RGW, or yours via S3_ENDPOINT/S3_BUCKET), the signer with a
// demo config, and the demo site, all on 127.0.0.1. Ctrl-C stops everything this started.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startLocalS3 } from '@s3-upload/local-s3';
import { createSignerServer, resolveConfig } from '@s3-upload/signer';
import { demoProfiles, DEMO_TOKEN } from '../examples/demo/config.mjs';
import { startDemoSite } from '../examples/demo/server.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = fileURLToPath(new URL('..', import.meta.url));
const SITE_PORT = Number(process.env.DEMO_PORT ?? 8080);
const SIGNER_PORT = Number(process.env.SIGNER_PORT ?? 8787);
const siteOrigin = `http://127.0.0.1:${SITE_PORT}`;

const stops = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping...');
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(error.message));
  console.log('Everything the demo started is stopped.');
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
  let s3;
  if (process.env.S3_ENDPOINT || process.env.S3_BUCKET) {
    if (!process.env.S3_BUCKET) throw new Error('Set S3_BUCKET too (and AWS credentials) to use your own S3.');
    s3 = {
      endpoint: process.env.S3_ENDPOINT,
      bucket: process.env.S3_BUCKET,
      region: process.env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: Boolean(process.env.S3_ENDPOINT),
    };
    console.log(`Using your S3: ${s3.endpoint ?? 'AWS'} bucket ${s3.bucket}. Its CORS rule must allow POST from ${siteOrigin} and expose ETag and Location (see the README).`);
  } else {
    const dir = process.env.DEMO_DATA_DIR ?? `${root}.s3u/demo-rgw`;
    await mkdir(dir, { recursive: true });
    const local = await startLocalS3({ dir, port: Number(process.env.LOCAL_S3_PORT ?? 7480) });
    stops.push(() => local.stop());
    s3 = { endpoint: local.endpoint, bucket: local.bucket, region: local.region, forcePathStyle: true };
    process.env.AWS_ACCESS_KEY_ID = local.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = local.secretAccessKey;
    console.log(`Local S3 (Ceph RGW) at ${local.endpoint}, bucket ${local.bucket}, data in ${dir}`);
  }

  const config = resolveConfig({
    s3: { bucket: s3.bucket, region: s3.region, forcePathStyle: s3.forcePathStyle, ...(s3.endpoint && { endpoint: s3.endpoint }) },
    cors: { origins: [siteOrigin, `http://localhost:${SITE_PORT}`] },
    auth: { mode: 'tokens', tokens: [{ token: DEMO_TOKEN, subject: 'demo' }] },
    server: { host: '127.0.0.1', port: SIGNER_PORT, logLevel: 'warn' },
    profiles: demoProfiles,
  });
  const signer = await createSignerServer(config);
  const { url: signerUrl } = await signer.listen();
  stops.push(() => signer.close());

  const site = await startDemoSite({ port: SITE_PORT, signerUrl, token: DEMO_TOKEN, s3 });
  stops.push(() => site.close());

  console.log(`
  s3-upload demo is running.

    Demo site:  ${site.url}/
    Signer:     ${signerUrl}   (token: ${DEMO_TOKEN})

  Sign and upload a file with curl:

    echo 'hello, s3' > hello.txt
    curl -s ${signerUrl}/v1/sign -H 'Authorization: Bearer ${DEMO_TOKEN}' -H 'Content-Type: application/json' \\
      -d '{"profile":"files","files":[{"name":"hello.txt","type":"text/plain","size":'$(stat -c %s hello.txt)'}]}' > signed.json
    curl -s $(jq -r '.uploads[0].fields | to_entries[] | "--form-string \\(.key)=\\(.value)"' signed.json) \\
      -F file=@hello.txt "$(jq -r '.uploads[0].url' signed.json)"

  Press Ctrl-C to stop everything.`);
} catch (error) {
  console.error(`The demo could not start: ${error.message}`);
  await stopAll(1);
}
