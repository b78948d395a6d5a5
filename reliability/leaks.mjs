#!/usr/bin/env node
// Secret-leak scan of a real signer process: `node packages/signer/dist/cli.js` at LOG_LEVEL=debug,
// credentials in its environment as in production, driven over HTTP with good requests, auth attacks,
// hostile bodies, CORS preflights, rate limits and failures. Every response body, every response header
// and every line the process wrote is scanned for the S3 secret key, the tokens, the JWT secret and every
// Authorization header value sent. Exit 1 on any hit. Also run by test/leaks.test.mjs.
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { findLeaks, SECOND_TOKEN, SECRET_KEY, signerConfig, startSigner, TOKEN } from './lib/signer.mjs';

const JWT_SECRET = 'reliability-jwt-secret-0123456789-abcdefghijkl';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function hs256(payload, secret = JWT_SECRET, header = { alg: 'HS256', typ: 'JWT' }) {
  const head = `${b64url(header)}.${b64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const cat = { name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } };

async function battery(signer, authorizations, texts, good) {
  const send = async (path, { method = 'POST', headers = {}, body } = {}) => {
    if (headers.authorization) authorizations.add(headers.authorization);
    const response = await fetch(`${signer.url}${path}`, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    texts.push(await response.text());
    for (const [name, value] of response.headers) texts.push(`${name}: ${value}`);
    return response.status;
  };
  const statuses = [];
  statuses.push(await send('/v1/sign', { headers: { authorization: good }, body: { profile: 'avatars', files: [cat, { ...cat, name: '../../etc/passwd' }] } }));
  statuses.push(await send('/v1/sign', { headers: { authorization: good, cookie: `session=${SECRET_KEY}` }, body: { files: [cat] } }));
  for (const body of ['{', 'null', '[]', '{"files":[]}', JSON.stringify({ files: Array(100).fill(cat) }), 'x'.repeat(70_000), JSON.stringify({ profile: 'nope', files: [cat] })]) {
    statuses.push(await send('/v1/sign', { headers: { authorization: good }, body }));
  }
  for (const path of ['/v1/profiles', '/v1/profiles/avatars', '/v1/profiles/nope', '/healthz', '/readyz', '/metrics', '/nope']) {
    statuses.push(await send(path, { method: 'GET', headers: { authorization: good } }));
  }
  statuses.push(await send('/v1/sign', { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST', authorization: good } }));
  return statuses;
}

export async function runLeakScan({ log = console.log } = {}) {
  const texts = [];
  const lines = [];
  const authorizations = new Set();
  const now = Math.floor(Date.now() / 1000);

  // Tokens mode, with a rate limit low enough to be hit.
  const tokens = await startSigner({ config: signerConfig({ rateLimit: { max: 30, timeWindow: '1 minute' } }) });
  try {
    const statuses = await battery(tokens, authorizations, texts, `Bearer ${TOKEN}`);
    const attacks = ['', 'Bearer', `Bearer ${TOKEN.slice(0, -2)}`, `Bearer ${TOKEN}x`, `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, TOKEN, `Bearer ${SECOND_TOKEN} ${TOKEN}`];
    for (const authorization of attacks) {
      authorizations.add(authorization);
      const response = await fetch(`${tokens.url}/v1/sign`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ files: [cat] }) });
      texts.push(await response.text());
      statuses.push(response.status);
    }
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(`${tokens.url}/v1/sign`, { method: 'POST', headers: { authorization: `Bearer ${SECOND_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ files: [cat] }) });
      texts.push(await response.text(), `retry-after: ${response.headers.get('retry-after')}`);
      statuses.push(response.status);
    }
    authorizations.add(`Bearer ${SECOND_TOKEN}`);
    if (!statuses.includes(429)) throw new Error('the rate limit was never hit');
  } finally {
    await tokens.stop();
    lines.push(...tokens.lines);
  }

  // JWT (HS256) mode, with the secret in the environment as the README shows.
  const jwt = await startSigner({
    config: signerConfig({ auth: { mode: 'jwt', issuer: 'https://issuer.test', audience: 's3-upload' } }),
    env: { JWT_SECRET },
  });
  try {
    const good = `Bearer ${hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now + 300 })}`;
    await battery(jwt, authorizations, texts, good);
    const attacks = [
      hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now - 60 }),
      hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now + 300, nbf: now + 600 }),
      hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 'other', exp: now + 300 }),
      hs256({ sub: 'alice', iss: 'https://evil.test', aud: 's3-upload', exp: now + 300 }),
      `${b64url({ alg: 'none' })}.${b64url({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now + 300 })}.`,
      hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now + 300 }, 'another-secret-of-sufficient-length-0123456'),
      hs256({ sub: 'alice', iss: 'https://issuer.test', aud: 's3-upload', exp: now + 300, profiles: ['other'] }),
    ];
    for (const token of attacks) {
      const authorization = `Bearer ${token}`;
      authorizations.add(authorization);
      const response = await fetch(`${jwt.url}/v1/sign`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ files: [cat] }) });
      const text = await response.text();
      texts.push(text);
      if (response.status !== 401 && response.status !== 403) throw new Error(`an attack got ${response.status}: ${text}`);
    }
  } finally {
    await jwt.stop();
    lines.push(...jwt.lines);
  }

  const secrets = [SECRET_KEY, TOKEN, SECOND_TOKEN, JWT_SECRET, ...authorizations];
  const leakedInResponses = findLeaks(texts, secrets);
  const leakedInLog = findLeaks(lines, secrets);
  const debugLevel = lines.some((line) => line.includes('"level":20') || line.includes('"level":30'));
  log(`leaks: ${secrets.length} secrets (S3 secret key, 2 tokens, JWT secret, ${authorizations.size} Authorization values) scanned in ${texts.length} response bodies/headers and ${lines.length} log lines at debug: ${leakedInResponses.length + leakedInLog.length} hits`);
  return { leakedInResponses, leakedInLog, responses: texts.length, logLines: lines.length, secrets: secrets.length, debugLevel };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runLeakScan();
  if (result.leakedInResponses.length + result.leakedInLog.length > 0) {
    console.error('LEAKED:', result);
    process.exit(1);
  }
}
