// Benchmark 2: µs per policy in process. Alternates the contenders in rounds; prints JSON.
//   node lib/inproc.mjs --out <file> --rounds N --ms <time per run>
import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { buildUploadPolicy, createS3Client, fastPostSigner, renderKey, resolveConfig, sdkPostSigner } from '@s3-upload/signer';
import { BENCH_CREDENTIALS, BENCH_S3 } from './fixtures.mjs';
import { rotated, summary } from './stats.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const rounds = Number(args.rounds ?? 7);
const runMs = Number(args.ms ?? 1000);

const config = resolveConfig({
  s3: BENCH_S3,
  auth: { mode: 'none', public: true },
  profiles: { avatars: { keyTemplate: 'avatars/{user}/{uuid}/{filename}', accept: ['image/png'], maxSize: '5MB', expiresIn: 300, metadata: ['alt'] } },
});
const profile = config.profiles.get('avatars');
const file = { filename: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } };
const key = 'avatars/bench/0f8fad5b-d9cb-469f-a165-70867728950e/cat.png';
const client = createS3Client(config.s3, BENCH_CREDENTIALS);
const fast = fastPostSigner(client);
const sdk = sdkPostSigner(client);

// The floor: a policy JSON, base64 and SigV4 with node:crypto alone, the signing key cached per day.
const floorKeys = new Map();
function floorSign(bucket, objectKey, size, type) {
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  let signingKey = floorKeys.get(day);
  if (!signingKey) {
    const h = (k, d) => createHmac('sha256', k).update(d).digest();
    signingKey = h(h(h(h(`AWS4${BENCH_CREDENTIALS.secretAccessKey}`, day), BENCH_S3.region), 's3'), 'aws4_request');
    floorKeys.set(day, signingKey);
  }
  const credential = `${BENCH_CREDENTIALS.accessKeyId}/${day}/${BENCH_S3.region}/s3/aws4_request`;
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(now.getTime() + 300_000).toISOString(),
      conditions: [
        { bucket },
        ['eq', '$key', objectKey],
        ['eq', '$Content-Type', type],
        ['content-length-range', size, size],
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': credential },
        { 'x-amz-date': amzDate },
      ],
    }),
  ).toString('base64');
  return { policy, signature: createHmac('sha256', signingKey).update(policy).digest('hex') };
}

const contenders = [
  { id: 'fast', label: 'builder + fast signer', run: () => fast.sign(buildUploadPolicy(BENCH_S3.bucket, profile, file, key)) },
  { id: 'sdk', label: 'builder + SDK signer (createPresignedPost)', run: () => sdk.sign(buildUploadPolicy(BENCH_S3.bucket, profile, file, key)) },
  {
    id: 'fast-key',
    label: 'key (uuid) + builder + fast signer',
    run: () =>
      fast.sign(
        buildUploadPolicy(BENCH_S3.bucket, profile, file, renderKey(profile.template, { uuid: randomUUID(), filename: 'cat.png', user: 'bench', profile: 'avatars', date: new Date() })),
      ),
  },
  { id: 'floor', label: 'node:crypto floor (cached signing key)', run: async () => floorSign(BENCH_S3.bucket, key, 48213, 'image/png') },
];

async function measure(run) {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(runMs) * 1_000_000n;
  let n = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) await run();
    n += 200;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / 1000 / n;
}

for (const c of contenders) {
  c.runs = [];
  await measure(c.run); // warm-up
}
for (let round = 0; round < rounds; round++) {
  for (const c of rotated(contenders, round)) c.runs.push(await measure(c.run));
}
const out = { rounds, runMs, contenders: contenders.map(({ id, label, runs }) => ({ id, label, runs, usPerPolicy: summary(runs) })) };
for (const c of out.contenders) process.stderr.write(`[inproc] ${c.id.padEnd(8)} ${c.usPerPolicy.median.toFixed(2)} µs/policy\n`);
writeFileSync(args.out, JSON.stringify(out, null, 2));
