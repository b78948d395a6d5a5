// @ts-check
/**
 * A web-test-runner plugin that starts what the browser tests talk to, all on 127.0.0.1:
 *
 *   page ──▶ signer proxy ──▶ signer (real, @s3-upload/signer)
 *   page ──▶ S3 proxy ──▶ RGW (real Ceph radosgw, @s3-upload/local-s3)
 *
 * The signer signs for the S3 proxy's URL, so uploads go through it. Both proxies are
 * @s3-upload/fault-proxy instances: pass-through until a test sets a fault plan.
 *
 * Commands for the tests (executeServerCommand):
 *   s3u-env                 → { signer, s3, bucket, token }
 *   s3u-plan {target, plan, seed?} → reset a proxy ('s3' | 'signer') with a plan; zeroes its counters
 *   s3u-counters            → { s3, signer } counters of both proxies
 *   s3u-get-object {key}    → { body (base64), contentType, metadata } or { missing: true }
 *   s3u-list {suffix}       → keys under tests/ that end with suffix
 *   s3u-chooser-arm         → start waiting for the page's file chooser (puppeteer)
 *   s3u-chooser-accept {files: [{name, text}]} → choose these files in it
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy } from '@s3-upload/fault-proxy';
import { startLocalS3 } from '@s3-upload/local-s3';
import { createSignerServer, resolveConfig } from '@s3-upload/signer';

/** A bearer token for the tests' signer (tokens auth). */
export const TOKEN = 'element-tests-token-0123456789';

const accept = ['image/*', 'text/plain', 'application/pdf', 'application/octet-stream'];
const profile = (over = {}) => ({
  keyTemplate: 'tests/{user}/{uuid}/{filename}',
  accept,
  minSize: 1,
  maxSize: '5MB',
  maxFiles: 20,
  expiresIn: 300,
  metadata: ['alt'],
  ...over,
});

export function servicesPlugin() {
  /** @type {Awaited<ReturnType<typeof startLocalS3>> | undefined} */
  let s3;
  /** @type {Awaited<ReturnType<typeof startFaultProxy>> | undefined} */
  let s3Proxy;
  /** @type {Awaited<ReturnType<typeof startFaultProxy>> | undefined} */
  let signerProxy;
  /** @type {Awaited<ReturnType<typeof createSignerServer>> | undefined} */
  let signer;
  /** @type {S3Client | undefined} */
  let client;
  let tmp = '';
  /** @type {Map<string, Promise<any>>} */
  const choosers = new Map();

  return {
    name: 's3-upload-services',

    async serverStart() {
      const t0 = Date.now();
      s3 = await startLocalS3({ log: (line) => process.stderr.write(`[local-s3] ${line}\n`) });
      s3Proxy = await startFaultProxy({ target: s3.endpoint });
      const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
      const config = resolveConfig({
        s3: { bucket: s3.bucket, endpoint: s3Proxy.url, forcePathStyle: true },
        cors: { origins: ['*'] },
        auth: { mode: 'tokens', tokens: [{ token: TOKEN, subject: 'tester' }] },
        rateLimit: { enabled: false },
        server: { host: '127.0.0.1', port: 0 },
        defaultProfile: 'docs',
        profiles: { docs: profile(), short: profile({ expiresIn: 2 }), few: profile({ maxFiles: 3 }) },
      });
      signer = await createSignerServer(config, { logger: false, credentials });
      const { url } = await signer.listen();
      signerProxy = await startFaultProxy({ target: url });
      client = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      tmp = await mkdtemp(path.join(os.tmpdir(), 's3u-element-'));
      process.stderr.write(`[services] RGW ${s3.endpoint}, signer ${url}, proxies ready in ${Date.now() - t0} ms\n`);
    },

    async serverStop() {
      client?.destroy();
      await signerProxy?.close();
      await signer?.close();
      await s3Proxy?.close();
      await s3?.stop();
      if (s3) await rm(s3.dir, { recursive: true, force: true });
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },

    /** @param {{ command: string, payload: any, session: any }} args */
    async executeCommand({ command, payload, session }) {
      if (!command.startsWith('s3u-')) return undefined;
      if (!s3 || !s3Proxy || !signerProxy || !client) throw new Error('services are not running');
      switch (command) {
        case 's3u-env':
          return { signer: signerProxy.url, s3: s3Proxy.url, bucket: s3.bucket, token: TOKEN };
        case 's3u-plan': {
          const proxy = payload.target === 'signer' ? signerProxy : s3Proxy;
          proxy.reset(payload.plan ?? {}, payload.seed);
          return true;
        }
        case 's3u-counters':
          return { s3: s3Proxy.counters, signer: signerProxy.counters };
        case 's3u-get-object': {
          try {
            const res = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: payload.key }));
            const bytes = await /** @type {any} */ (res.Body).transformToByteArray();
            return { body: Buffer.from(bytes).toString('base64'), contentType: res.ContentType, metadata: res.Metadata ?? {} };
          } catch (error) {
            if (/** @type {any} */ (error)?.$metadata?.httpStatusCode === 404) return { missing: true };
            throw error;
          }
        }
        case 's3u-list': {
          const res = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'tests/' }));
          return (res.Contents ?? []).map((o) => o.Key ?? '').filter((k) => k.endsWith(payload.suffix));
        }
        case 's3u-chooser-arm': {
          const page = session.browser.getPage(session.id);
          const pending = page.waitForFileChooser({ timeout: 10_000 });
          pending.catch(() => {});
          choosers.set(session.id, pending);
          return true;
        }
        case 's3u-chooser-accept': {
          const chooser = await choosers.get(session.id);
          choosers.delete(session.id);
          const dir = await mkdtemp(path.join(tmp, 'chooser-'));
          const paths = [];
          for (const f of payload.files) {
            const p = path.join(dir, f.name);
            await writeFile(p, f.text);
            paths.push(p);
          }
          await chooser.accept(paths);
          return true;
        }
        default:
          throw new Error(`unknown command ${command}`);
      }
    },
  };
}
