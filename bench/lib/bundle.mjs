// Benchmark 3: the bytes a page must load, JS plus CSS, gzip -9 and brotli -q 11.
// Ours is measured as shipped (packages/element/dist/s3-upload.bundle.js, already minified), and also
// re-bundled like the others from its one-line entry. Competitors are bundled from npm with esbuild
// (minified, ESM, browser) from the one-line entries in bench/entries/.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const entries = join(here, '..', 'entries');
export const OUR_BUNDLE = join(here, '..', '..', 'packages', 'element', 'dist', 's3-upload.bundle.js');

function sizes(buffers) {
  const raw = Buffer.concat(buffers);
  let gzip = 0;
  let brotli = 0;
  let bytes = 0;
  // Each file is compressed on its own, as a server sends it.
  for (const buffer of buffers) {
    bytes += buffer.length;
    gzip += gzipSync(buffer, { level: 9 }).length;
    brotli += brotliCompressSync(buffer, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    }).length;
  }
  return { bytes, gzip, brotli, files: buffers.length, rawTotal: raw.length };
}

async function bundle(entry) {
  const outdir = mkdtempSync(join(tmpdir(), 's3u-bundle-'));
  await build({
    entryPoints: [join(entries, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    logLevel: 'error',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Images referenced by CSS are not counted for anyone.
    loader: { '.gif': 'empty', '.png': 'empty', '.jpg': 'empty', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.svg': 'dataurl' },
  });
  const files = readdirSync(outdir).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const js = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(outdir, f)));
  const css = files.filter((f) => f.endsWith('.css')).map((f) => readFileSync(join(outdir, f)));
  return { js: sizes(js), css: css.length ? sizes(css) : { bytes: 0, gzip: 0, brotli: 0, files: 0 }, total: sizes([...js, ...css]) };
}

export async function bundleBench() {
  const results = [];
  if (existsSync(OUR_BUNDLE)) {
    const cssPath = OUR_BUNDLE.replace(/\.js$/, '.css');
    const files = [readFileSync(OUR_BUNDLE), ...(existsSync(cssPath) ? [readFileSync(cssPath)] : [])];
    results.push({ id: 'ours', label: 's3-upload (shipped script-tag bundle, JS + CSS)', built: true, total: sizes(files) });
    results.push({ id: 'ours-esbuild', label: 's3-upload (re-bundled with esbuild from its entry)', built: true, ...(await bundle('s3-upload.js')) });
  } else {
    results.push({ id: 'ours', label: 's3-upload (packages/element/dist/s3-upload.bundle.js)', built: false, note: 'not built' });
  }
  for (const [id, label, entry] of [
    ['dropzone', 'Dropzone', 'dropzone.js'],
    ['filepond', 'FilePond', 'filepond.js'],
    ['fine-uploader-s3', 'Fine Uploader S3 (UI)', 'fine-uploader-s3.js'],
    ['uppy', 'Uppy core + dashboard + aws-s3 + CSS', 'uppy.js'],
  ]) {
    results.push({ id, label, built: true, ...(await bundle(entry)) });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await bundleBench()) console.log(r.id.padEnd(18), r.total ? `${r.total.bytes} B, gzip ${r.total.gzip} B, brotli ${r.total.brotli} B` : r.note);
}
