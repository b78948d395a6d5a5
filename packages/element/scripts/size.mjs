// Prints the size of the script-tag bundle: raw, gzip -9 and brotli -q 11 (what the README reports).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const file = new URL('../dist/s3-upload.bundle.js', import.meta.url);
const code = readFileSync(file);
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
}).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`dist/s3-upload.bundle.js: ${kb(code.length)} raw, ${kb(gzip)} gzip -9, ${kb(brotli)} brotli -q 11 (${gzip} / ${brotli} bytes)`);
