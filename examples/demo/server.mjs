// The demo site that `pnpm start` serves on 127.0.0.1 (plain node:http, no framework):
//   /                  index
//   /gallery           <s3-upload profile="gallery">, images listed from the bucket with thumbnails, an event log
//   /form              the seed article's plain HTML form, no JavaScript: rendered from POST /v1/form
//   /received          where S3's success_action_redirect lands: names the bucket, key and ETag
//   /form-associated   <s3-upload name="attachments"> inside an ordinary <form>; POST /submitted shows the keys
//   /themed            custom properties, ::part() and dark mode
//   /examples/script-tag/  examples/script-tag/index.html, pointed at this demo's signer
// It lists the bucket and presigns GET URLs for thumbnails with the AWS SDK (credentials from the
// default provider chain: the demo sets AWS_ACCESS_KEY_ID/SECRET before it starts the site).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { HeadObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { escapeHtml, receivedFromQuery, renderUploadForm, requestFormPolicy } from '../no-js-form/form.mjs';

const BUNDLE = new URL('../../packages/element/dist/s3-upload.bundle.js', import.meta.url);
const SCRIPT_TAG_EXAMPLE = new URL('../script-tag/index.html', import.meta.url);
/** The signer URL and token that examples/script-tag/index.html names; replaced by the running ones. */
const EXAMPLE_SIGNER = 'http://127.0.0.1:8787';
const EXAMPLE_TOKEN = 'demo-token-change-me-0123456789';

const h = escapeHtml;

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.25rem 3rem; }
nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding-block: .5rem; border-block-end: 1px solid #8884; margin-block-end: 1rem; }
nav a[aria-current=page] { font-weight: 700; }
code { font-size: .9em; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 1rem; padding: 0; list-style: none; }
.grid figure { margin: 0; border: 1px solid #8884; border-radius: .5rem; overflow: hidden; }
.grid img { display: block; inline-size: 100%; aspect-ratio: 4 / 3; object-fit: cover; background: #8882; }
.grid figcaption { padding: .25rem .5rem; font-size: .75rem; overflow-wrap: anywhere; }
#log { font: .8rem/1.4 ui-monospace, monospace; max-block-size: 16rem; overflow: auto; border: 1px solid #8884; border-radius: .5rem; padding: .5rem .5rem .5rem 2.5rem; }
.s3-form { display: grid; gap: .5rem; justify-items: start; border: 1px solid #8884; border-radius: .5rem; padding: 1rem; }
.hint { color: GrayText; font-size: .85rem; margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
.error { color: #b00020; }
`;

const PAGES = [
  ['/', 'Home'],
  ['/gallery', 'Gallery'],
  ['/form', 'No-JS form'],
  ['/form-associated', 'In a form'],
  ['/themed', 'Themed'],
  ['/examples/script-tag/', 'Script tag'],
];

function layout(path, title, body, { head = '' } = {}) {
  const nav = PAGES.map(([href, label]) => `<a href="${href}"${href === path ? ' aria-current="page"' : ''}>${h(label)}</a>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${h(title)} · s3-upload demo</title>
<link rel="icon" href="data:," />
<style>${STYLE}</style>
${head}
</head>
<body>
<nav aria-label="Demo pages">${nav}</nav>
<main>
<h1>${h(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** The element's script and the signer settings for the page (the token goes to the element's headers). */
function elementHead(config) {
  return `<script type="module" src="/s3-upload.bundle.js"></script>
<script type="application/json" id="demo-config">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script type="module">
  const config = JSON.parse(document.getElementById('demo-config').textContent);
  await customElements.whenDefined('s3-upload');
  for (const el of document.querySelectorAll('s3-upload')) el.headers = { Authorization: 'Bearer ' + config.token };
</script>`;
}

function formatBytes(bytes) {
  if (bytes == null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('The form is too large.'), { status: 413 }));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the demo site on 127.0.0.1.
 * @param {{ port?: number, host?: string, signerUrl: string, token: string,
 *           s3: { endpoint?: string, bucket: string, region: string, forcePathStyle?: boolean },
 *           credentials?: { accessKeyId: string, secretAccessKey: string } }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startDemoSite({ port = 8080, host = '127.0.0.1', signerUrl, token, s3, credentials }) {
  const client = new S3Client({
    region: s3.region,
    ...(s3.endpoint && { endpoint: s3.endpoint }),
    forcePathStyle: Boolean(s3.forcePathStyle),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(credentials && { credentials }),
  });
  const signer = signerUrl.replace(/\/+$/, '');
  let siteUrl = '';
  let boundPort = port;

  async function head(key) {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      return { key, size: out.ContentLength, type: out.ContentType, etag: out.ETag, metadata: out.Metadata ?? {}, modified: out.LastModified };
    } catch {
      return null;
    }
  }

  async function presign(key) {
    return getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: key }), { expiresIn: 3600 });
  }

  async function listGallery(limit = 48) {
    const out = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'gallery/', MaxKeys: 1000 }));
    const objects = (out.Contents ?? []).sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0)).slice(0, limit);
    return Promise.all(
      objects.map(async (object) => {
        const info = await head(object.Key);
        return {
          key: object.Key,
          size: object.Size,
          type: info?.type ?? '',
          alt: info?.metadata.alt ?? '',
          url: await presign(object.Key),
        };
      }),
    );
  }

  /** The origin the browser used, when it is one the signer allows for redirects; else the site URL. */
  function originOf(req) {
    const hostHeader = req.headers.host ?? '';
    if (hostHeader === `127.0.0.1:${boundPort}` || hostHeader === `localhost:${boundPort}`) return `http://${hostHeader}`;
    return siteUrl;
  }

  function galleryItems(items) {
    if (items.length === 0) return '<p id="gallery-empty">No images yet: upload some above.</p>';
    return items
      .map(
        (item) =>
          `<li data-key="${h(item.key)}"><figure><img src="${h(item.url)}" alt="${h(item.alt)}" loading="lazy" /><figcaption>${h(item.key.split('/').pop())} · ${h(formatBytes(item.size))}${item.alt ? ` · “${h(item.alt)}”` : ''}</figcaption></figure></li>`,
      )
      .join('\n');
  }

  const routes = {
    'GET /': async () =>
      layout(
        '/',
        's3-upload demo',
        `<p>Files go from your browser straight to S3 (here: ${s3.endpoint ? `<code>${h(s3.endpoint)}</code>` : 'AWS S3'}, bucket <code>${h(s3.bucket)}</code>), with policies signed by the signer at <code>${h(signer)}</code>.</p>
<ul>
  <li><a href="/gallery">Gallery</a>: upload images with <code>&lt;s3-upload&gt;</code>, see them listed from the bucket, and watch its events.</li>
  <li><a href="/form">No-JS form</a>: the seed article's plain HTML form. No JavaScript; the browser posts straight to S3 and comes back to a “received” page.</li>
  <li><a href="/form-associated">In a form</a>: the element inside an ordinary <code>&lt;form&gt;</code>; submitting it sends the S3 keys to this server.</li>
  <li><a href="/themed">Themed</a>: custom properties, <code>::part()</code> and dark mode.</li>
  <li><a href="/examples/script-tag/">Script tag</a>: <code>examples/script-tag/index.html</code>, the copy-paste example.</li>
</ul>`,
      ),

    'GET /gallery': async () => {
      const items = await listGallery().catch((error) => error);
      const list = items instanceof Error ? `<p class="error">Could not list the bucket: ${h(items.message)}</p>` : galleryItems(items);
      return layout(
        '/gallery',
        'Gallery',
        `<p>Images only (profile <code>gallery</code>: <code>image/*</code>, up to 10 MB, with an <code>alt</code> text stored as <code>x-amz-meta-alt</code>).</p>
<p><label>Alt text for the next images: <input id="alt" name="alt" placeholder="defaults to the file name" /></label></p>
<s3-upload id="uploader" signer="${h(signer)}" profile="gallery" multiple preview></s3-upload>
<h2>In the bucket</h2>
<ul id="gallery" class="grid" aria-live="polite">${list}</ul>
<h2>Events</h2>
<ol id="log" aria-label="Event log"></ol>
<script type="module">
  const el = document.getElementById('uploader');
  const log = document.getElementById('log');
  const alt = document.getElementById('alt');
  el.metadata = (file) => ({ alt: alt.value.trim() || file.name });
  const seen = new Map();
  function write(type, text) {
    const li = document.createElement('li');
    li.dataset.event = type;
    li.textContent = new Date().toISOString().slice(11, 23) + ' ' + type + ' ' + text;
    log.append(li);
    log.scrollTop = log.scrollHeight;
  }
  el.addEventListener('s3-upload-select', (e) => write(e.type, (e.detail.files ?? []).map((f) => f.name).join(', ')));
  el.addEventListener('s3-upload-start', (e) => write(e.type, JSON.stringify(e.detail, (k, v) => (v instanceof File ? v.name : v)).slice(0, 200)));
  el.addEventListener('s3-upload-progress', (e) => {
    const d = e.detail;
    const id = d.id ?? d.upload?.id ?? 'all';
    const pct = d.total ? Math.floor((d.loaded / d.total) * 10) * 10 : 0;
    if (seen.get(id) === pct) return;
    seen.set(id, pct);
    write(e.type, (d.name ?? d.file?.name ?? d.upload?.file?.name ?? id) + ' ' + pct + '%');
  });
  el.addEventListener('s3-upload-success', async (e) => {
    write(e.type, e.detail.key + ' etag ' + e.detail.etag);
    const response = await fetch('/api/gallery');
    document.getElementById('gallery').innerHTML = (await response.json()).html;
  });
  el.addEventListener('s3-upload-error', (e) => write(e.type, e.detail.code + ': ' + e.detail.message + (e.detail.retryable ? ' (retryable)' : '')));
  el.addEventListener('s3-upload-complete', (e) => write(e.type, JSON.stringify(e.detail, (k, v) => (v instanceof File ? v.name : v)).slice(0, 200)));
</script>`,
        { head: elementHead({ token }) },
      );
    },

    'GET /api/gallery': async () => {
      const items = await listGallery();
      return { json: { items: items.map(({ url, ...rest }) => ({ ...rest, url })), html: galleryItems(items) } };
    },

    'GET /form': async (req, url) => {
      const type = url.searchParams.get('type') || undefined;
      let form;
      try {
        const signed = await requestFormPolicy({ signerUrl: signer, token, profile: 'forms', type, redirect: `${originOf(req)}/received` });
        form = renderUploadForm(signed);
      } catch (error) {
        form = `<p class="error">The signer refused: ${h(error.message)}</p>`;
      }
      return layout(
        '/form',
        'Upload with a plain HTML form',
        `<p>The seed article's scenario: no JavaScript runs in this page. This server asked the signer for a form policy (<code>POST /v1/form</code>, profile <code>forms</code>), and the form below posts the file <strong>straight to S3</strong>. S3 checks the policy, stores the file under a fresh prefix as <code>\${filename}</code>, and sends your browser back to <a href="/received">/received</a>.</p>
${form}`,
      );
    },

    'GET /received': async (req, url) => {
      const { bucket, key, etag } = receivedFromQuery(url.searchParams);
      const info = key ? await head(key) : null;
      const details = info
        ? `<dt>Size</dt><dd id="size">${h(formatBytes(info.size))}</dd><dt>Content-Type</dt><dd id="type">${h(info.type ?? '')}</dd>
<dt>Link</dt><dd><a id="download" href="${h(await presign(key))}">open (presigned, 1 hour)</a></dd>`
        : key
          ? '<dt>Check</dt><dd class="error">The object is not in the bucket.</dd>'
          : '';
      return layout(
        '/received',
        'Received',
        key
          ? `<p>S3 stored your file and sent you back here.</p>
<dl><dt>Bucket</dt><dd id="bucket">${h(bucket)}</dd><dt>Key</dt><dd id="key">${h(key)}</dd><dt>ETag</dt><dd id="etag">${h(etag)}</dd>${details}</dl>
<p><a href="/form">Upload another file</a></p>`
          : '<p>Nothing was uploaded yet. <a href="/form">Upload a file</a>.</p>',
      );
    },

    'GET /form-associated': async () =>
      layout(
        '/form-associated',
        'The element in a form',
        `<p><code>&lt;s3-upload name="attachments" required&gt;</code> is form-associated: its uploaded keys are submitted with the form, one <code>attachments</code> value per file. The form cannot be sent while nothing is uploaded or an upload is still running.</p>
<form id="report" method="post" action="/submitted">
  <p><label>Title <input name="title" required value="My report" /></label></p>
  <s3-upload id="attachments" name="attachments" signer="${h(signer)}" profile="files" multiple required></s3-upload>
  <p><button type="submit">Send the form</button></p>
</form>`,
        { head: elementHead({ token }) },
      ),

    'POST /submitted': async (req) => {
      const form = new URLSearchParams(await readBody(req));
      const keys = form.getAll('attachments');
      const rows = await Promise.all(
        keys.map(async (key) => {
          const info = key.startsWith('files/') ? await head(key) : null;
          return `<li data-key="${h(key)}"><code>${h(key)}</code> ${info ? `· ${h(info.type ?? '')} · ${h(formatBytes(info.size))}` : '<span class="error">(not in the bucket)</span>'}</li>`;
        }),
      );
      return layout(
        '/submitted',
        'Submitted',
        `<p>The demo server received the form. Title: <strong id="title">${h(form.get('title') ?? '')}</strong></p>
<p>${keys.length} S3 key(s) under <code>attachments</code>:</p>
<ul id="keys">${rows.join('\n')}</ul>
<p><a href="/form-associated">Back</a></p>`,
      );
    },

    'GET /themed': async () =>
      layout(
        '/themed',
        'Themed',
        `<p>Custom properties set the colours, spacing, radius and font; <code>::part()</code> reaches each visual piece; dark mode follows <code>prefers-color-scheme</code>, or the switch below.</p>
<p><label><input type="checkbox" id="dark" /> Dark mode</label></p>
<div class="stage">
  <s3-upload id="themed" class="themed" signer="${h(signer)}" profile="files" multiple>
    <span slot="dropzone">Drop your files on the sunset, or</span>
  </s3-upload>
</div>
<script type="module">
  const stage = document.querySelector('.stage');
  const dark = document.getElementById('dark');
  dark.checked = matchMedia('(prefers-color-scheme: dark)').matches;
  const apply = () => stage.classList.toggle('dark', dark.checked);
  dark.addEventListener('change', apply);
  apply();
</script>`,
        {
          head: `${elementHead({ token })}
<style>
  .stage { padding: 1.5rem; border-radius: 1rem; background: #fff7ed; color: #431407; }
  .stage.dark { background: #1c1917; color: #fde68a; }
  s3-upload.themed {
    --s3-upload-font: 1rem/1.4 Georgia, "DejaVu Serif", serif;
    --s3-upload-accent: #c2410c;
    --s3-upload-on-accent: #fff7ed;
    --s3-upload-bg: #ffedd5;
    --s3-upload-fg: #431407;
    --s3-upload-muted: #9a3412;
    --s3-upload-border: #fb923c;
    --s3-upload-success: #166534;
    --s3-upload-error: #991b1b;
    --s3-upload-track: #fed7aa;
    --s3-upload-radius: 1.25rem;
    --s3-upload-gap: 1rem;
    padding: .5rem;
    border-radius: 1.5rem;
  }
  .stage.dark s3-upload.themed {
    --s3-upload-accent: #f59e0b;
    --s3-upload-on-accent: #1c1917;
    --s3-upload-bg: #292524;
    --s3-upload-fg: #fde68a;
    --s3-upload-muted: #d6d3d1;
    --s3-upload-border: #b45309;
    --s3-upload-success: #86efac;
    --s3-upload-error: #fca5a5;
    --s3-upload-track: #44403c;
  }
  s3-upload.themed::part(dropzone) { border-width: 3px; background: repeating-linear-gradient(135deg, transparent 0 12px, #fb923c22 12px 24px); }
  s3-upload.themed::part(button) { text-transform: uppercase; letter-spacing: .08em; font-weight: 700; border-radius: 999px; }
  s3-upload.themed::part(progress) { block-size: .75rem; }
  s3-upload.themed::part(bar) { background: linear-gradient(90deg, #f59e0b, #c2410c); }
  s3-upload.themed::part(name) { font-style: italic; }
</style>`,
        },
      ),

    'GET /examples/script-tag/': async () => {
      const html = await readFile(SCRIPT_TAG_EXAMPLE, 'utf8');
      return html.replaceAll(EXAMPLE_SIGNER, signer).replaceAll(EXAMPLE_TOKEN, token);
    },
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const route = routes[`${req.method} ${url.pathname}`];
    try {
      if (req.method === 'GET' && (url.pathname === '/s3-upload.bundle.js' || url.pathname === '/examples/script-tag/s3-upload.bundle.js')) {
        let js;
        try {
          js = await readFile(BUNDLE);
        } catch {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('The element is not built yet: run `pnpm --filter @s3-upload/element build`.');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
        res.end(js);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/examples/script-tag') {
        res.writeHead(301, { location: '/examples/script-tag/' });
        res.end();
        return;
      }
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(layout(url.pathname, 'Not found', '<p>No such page. <a href="/">Home</a></p>'));
        return;
      }
      const out = await route(req, url);
      if (out && typeof out === 'object' && 'json' in out) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify(out.json));
      } else {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(out);
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(error.status ?? 500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(layout(url.pathname, 'Error', `<p class="error">${h(error.message)}</p>`));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  boundPort = server.address().port;
  siteUrl = `http://${host}:${boundPort}`;
  return {
    url: siteUrl,
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.destroy();
    },
  };
}
