// Benchmark 5's Uppy page (bundled by esbuild in lib/browser.mjs): @uppy/core + @uppy/aws-s3, signing
// through OUR signer, one file per request (Uppy asks for one signature per file: `signRequest`, the
// v6 successor of `getUploadParameters`), uploading with our POST url and fields, `limit` = concurrency.
// Query: ?signer=<url>&profile=<name>&c=<limit>. Records its timings in `window.bench`.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

const params = new URLSearchParams(location.search);
const signer = params.get('signer');
const profile = params.get('profile');
const limit = Number(params.get('c') ?? 4);
const bench = (window.bench = { t0: null, t1: null, ok: 0, errors: [], keys: [] });
const files = new Map();

const uppy = new Uppy({ autoProceed: false }).use(AwsS3, {
  limit,
  shouldUseMultipart: false,
  // Our signer makes the key; this one only finds the file again in signRequest.
  generateObjectKey: (file) => {
    files.set(file.id, file);
    return file.id;
  },
  async signRequest(request) {
    const file = files.get(request.key);
    const response = await fetch(new URL('v1/sign', signer.replace(/\/?$/, '/')), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile, files: [{ name: file.name, type: file.type || 'application/octet-stream', size: file.size }] }),
    });
    if (!response.ok) throw new Error(`signer: HTTP ${response.status}`);
    const { uploads } = await response.json();
    const [entry] = uploads;
    if (!entry.url) throw new Error(`signer: ${JSON.stringify(entry.error)}`);
    return { url: entry.url, fields: entry.fields };
  },
});
uppy.on('upload-success', (file, response) => {
  bench.ok++;
  bench.keys.push(response?.body?.key ?? file.s3Multipart?.key ?? null);
  bench.t1 = performance.now();
});
uppy.on('upload-error', (file, error) => bench.errors.push(String(error?.message ?? error)));

const input = document.getElementById('pick');
input.addEventListener('change', () => {
  bench.t0 = performance.now();
  uppy.addFiles(Array.from(input.files, (data) => ({ source: 'local', name: data.name, type: data.type, data })));
  uppy.upload();
});
bench.ready = true;
