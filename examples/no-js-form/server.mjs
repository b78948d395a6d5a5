#!/usr/bin/env node
// A standalone site with the seed article's form and nothing else: node:http, no framework, no
// JavaScript in the page. Run it against any signer whose profile allows form uploads and whose
// allowed origins include this site (the redirect after the upload must point to it).
//
//   SIGNER_URL=http://127.0.0.1:8788 SIGNER_TOKEN=... PORT=8090 node examples/no-js-form/server.mjs
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { escapeHtml, receivedFromQuery, renderFormPage, requestFormPolicy } from './form.mjs';

/**
 * Starts the site on 127.0.0.1. Resolves with { url, close() }.
 * @param {{ port?: number, host?: string, signerUrl: string, token?: string, profile?: string }} options
 */
export async function startNoJsFormSite({ port = 0, host = '127.0.0.1', signerUrl, token, profile }) {
  let origin = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status, html) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        const type = url.searchParams.get('type') ?? undefined;
        const signed = await requestFormPolicy({ signerUrl, token, profile, type, redirect: `${origin}/received` });
        send(200, renderFormPage(signed, { intro: '<p>The file goes straight from your browser to S3.</p>' }));
      } else if (req.method === 'GET' && url.pathname === '/received') {
        const { bucket, key, etag } = receivedFromQuery(url.searchParams);
        send(
          200,
          `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>Received</title></head><body>
<h1>Received</h1>
<dl><dt>Bucket</dt><dd id="bucket">${escapeHtml(bucket)}</dd><dt>Key</dt><dd id="key">${escapeHtml(key)}</dd><dt>ETag</dt><dd id="etag">${escapeHtml(etag)}</dd></dl>
<p><a href="/">Upload another file</a></p>
</body></html>`,
        );
      } else {
        send(404, '<!doctype html><title>Not found</title><h1>Not found</h1>');
      }
    } catch (error) {
      send(502, `<!doctype html><title>Signer error</title><h1>The signer refused</h1><p>${escapeHtml(error.message)}</p>`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  origin = `http://${host}:${server.address().port}`;
  return {
    url: origin,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const signerUrl = process.env.SIGNER_URL ?? 'http://127.0.0.1:8787';
  const site = await startNoJsFormSite({
    port: Number(process.env.PORT ?? 8090),
    signerUrl,
    token: process.env.SIGNER_TOKEN,
    profile: process.env.PROFILE,
  });
  console.log(`No-JS form at ${site.url}/ (signer ${signerUrl}). Ctrl-C to stop.`);
  const stop = () => site.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
