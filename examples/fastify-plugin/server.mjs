#!/usr/bin/env node
// An existing Fastify app (its own login and cookie sessions) that mounts the s3-upload signer as a
// plugin under /uploads. The signer uses the app's auth: `authenticate` reads the session, and the
// session's user becomes `{user}` in the key template, so alice's files land under users/alice/.
//
//   S3_ENDPOINT=http://127.0.0.1:7480 S3_BUCKET=s3-upload-dev AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//     node examples/fastify-plugin/server.mjs
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import { s3UploadSigner } from '@s3-upload/signer';
import Fastify from 'fastify';

const BUNDLE = new URL('../../packages/element/dist/s3-upload.bundle.js', import.meta.url);

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(title)}</title><link rel="icon" href="data:," />
<style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }</style>
</head><body>${body}</body></html>`;

/**
 * Builds the app. `s3` is the signer's s3 config; `credentials` defaults to the AWS provider chain.
 * @param {{ s3: { bucket: string, region?: string, endpoint?: string, forcePathStyle?: boolean },
 *           credentials?: { accessKeyId: string, secretAccessKey: string }, cookieSecret?: string, logger?: boolean }} options
 */
export async function buildApp({ s3, credentials, cookieSecret = randomBytes(32).toString('hex'), logger = false }) {
  const app = Fastify({ logger });
  /** The app's own session store: session id -> user. A real app would use its database or Redis. */
  const sessions = new Map();

  await app.register(fastifyCookie, { secret: cookieSecret });
  await app.register(fastifyFormbody);

  const userOf = (request) => {
    const raw = request.cookies.sid;
    if (!raw) return null;
    const { valid, value } = request.unsignCookie(raw);
    return valid ? (sessions.get(value) ?? null) : null;
  };

  // The signer, mounted like any other plugin. Its routes become /uploads/v1/sign, /uploads/v1/profiles, ...
  await app.register(s3UploadSigner, {
    prefix: '/uploads',
    s3,
    ...(credentials && { credentials }),
    // Same origin as the pages, so no CORS is needed; leave it to the app.
    registerCors: false,
    // The app's auth: the logged-in user becomes {user}. null means 401.
    authenticate: async (request) => {
      const user = userOf(request);
      return user ? { subject: user } : null;
    },
    profiles: {
      documents: {
        keyTemplate: 'users/{user}/{yyyy}/{uuid}/{filename}',
        accept: ['image/*', 'application/pdf', 'text/plain'],
        maxSize: '20MB',
        maxFiles: 10,
      },
    },
  });

  app.get('/s3-upload.bundle.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(await readFile(BUNDLE)));

  app.get('/login', async (_request, reply) =>
    reply.type('text/html').send(
      page(
        'Log in',
        `<h1>Log in</h1>
<form method="post" action="/login">
  <label>User name <input name="user" required pattern="[a-z0-9\\-]{1,32}" autocomplete="username" /></label>
  <button type="submit">Log in</button>
</form>`,
      ),
    ),
  );

  app.post('/login', async (request, reply) => {
    const user = String(request.body?.user ?? '').trim().toLowerCase();
    if (!/^[a-z0-9-]{1,32}$/.test(user)) return reply.code(400).type('text/html').send(page('Log in', '<p>Pick a user name of letters, digits and dashes.</p>'));
    const sid = randomBytes(24).toString('hex');
    sessions.set(sid, user);
    reply.setCookie('sid', sid, { path: '/', httpOnly: true, sameSite: 'lax', signed: true });
    return reply.redirect('/', 303);
  });

  app.post('/logout', async (request, reply) => {
    const raw = request.cookies.sid;
    if (raw) sessions.delete(request.unsignCookie(raw).value);
    reply.clearCookie('sid', { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.get('/', async (request, reply) => {
    const user = userOf(request);
    if (!user) return reply.redirect('/login', 303);
    return reply.type('text/html').send(
      page(
        'Your documents',
        `<h1>Hello, <span id="user">${escapeHtml(user)}</span></h1>
<form method="post" action="/logout"><button type="submit">Log out</button></form>
<p>Files go straight to S3 under <code>users/${escapeHtml(user)}/</code>. The signer lives in this app, at <code>/uploads</code>, and knows you from your session cookie.</p>
<s3-upload id="uploader" signer="${escapeHtml(`${request.protocol}://${request.host}/uploads`)}" profile="documents" multiple></s3-upload>
<h2>Uploaded</h2>
<ul id="uploaded"></ul>
<script type="module" src="/s3-upload.bundle.js"></script>
<script type="module">
  // Same origin: the session cookie goes along with every signer request; no token in the page.
  const el = document.getElementById('uploader');
  el.addEventListener('s3-upload-success', (event) => {
    const li = document.createElement('li');
    li.textContent = event.detail.key;
    document.getElementById('uploaded').append(li);
  });
</script>`,
      ),
    );
  });

  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const bucket = process.env.S3_BUCKET;
  if (!bucket) {
    console.error('Set S3_BUCKET (and S3_ENDPOINT for a local S3, and AWS credentials).');
    process.exit(2);
  }
  const app = await buildApp({
    s3: {
      bucket,
      region: process.env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(process.env.S3_ENDPOINT && { endpoint: process.env.S3_ENDPOINT, forcePathStyle: true }),
    },
    ...(process.env.COOKIE_SECRET && { cookieSecret: process.env.COOKIE_SECRET }),
    logger: true,
  });
  const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
  console.log(`Fastify app with the signer plugin at ${address}/ (log in with any name). Ctrl-C to stop.`);
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
