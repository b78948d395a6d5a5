// Graceful shutdown under load: a real signer process (dist/cli.js) gets SIGTERM while 40 clients keep
// it busy and 8 requests are half-sent. Every in-flight request completes, new connections are refused,
// and the process exits 0 within 10 s.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { findLeaks, SECRET_KEY, startSigner, TOKEN } from '../lib/signer.mjs';

const body = JSON.stringify({ profile: 'avatars', files: [{ name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } }] });

function post(url, agent) {
  return new Promise((resolve) => {
    const started = Date.now();
    const request = http.request(`${url}/v1/sign`, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    let written = Number.POSITIVE_INFINITY;
    request.on('finish', () => (written = Date.now()));
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ started, written, status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      response.on('error', (error) => resolve({ started, written, error: error.code ?? error.message }));
    });
    request.on('error', (error) => resolve({ started, written, error: error.code ?? error.message }));
    request.end(body);
  });
}

/** A request whose headers and first half of the body are sent now; `finish()` sends the rest and resolves with the raw answer. */
function halfSent(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      const head = `POST /v1/sign HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      socket.write(head + body.slice(0, 40));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (answer += chunk));
      const done = new Promise((resolveDone) => {
        socket.on('close', () => resolveDone(answer));
        socket.on('error', (error) => resolveDone(`ERROR ${error.code}`));
      });
      resolve({
        finish() {
          socket.end(body.slice(40));
          return done;
        },
      });
    });
    socket.on('error', reject);
  });
}

function tryConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error) => resolve(error.code));
  });
}

test('SIGTERM under load: in-flight requests complete, new connections are refused, exit 0 within 10 s', async () => {
  const signer = await startSigner();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
  const results = [];
  let loading = true;
  const workers = Array.from({ length: 40 }, async () => {
    while (loading) results.push(await post(signer.url, agent));
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const slow = await Promise.all(Array.from({ length: 8 }, () => halfSent(signer.port)));
  // Let the signer parse their headers (it is busy: 40 clients on 2 cores).
  await new Promise((resolve) => setTimeout(resolve, 600));

  const sigterm = Date.now();
  signer.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const refused = [await tryConnect(signer.port)];
  const slowAnswers = await Promise.all(slow.map((request) => request.finish()));
  refused.push(await tryConnect(signer.port));
  const exit = await Promise.race([signer.exited, new Promise((resolve) => setTimeout(() => resolve(null), 12_000))]);
  loading = false;
  await Promise.all(workers);
  agent.destroy();
  if (!exit) signer.child.kill('SIGKILL');

  assert.ok(exit, 'the signer exited');
  assert.equal(exit.code, 0, `exit code ${exit.code}`);
  const took = exit.at - sigterm;
  assert.ok(took < 10_000, `exited ${took} ms after SIGTERM`);

  for (const answer of slowAnswers) {
    assert.match(answer, /^HTTP\/1\.1 200 /, `a request half-sent at SIGTERM completes: ${answer.slice(0, 80)}`);
    assert.match(answer, /"uploads":\[\{"url"/);
  }
  assert.deepEqual(refused, ['ECONNREFUSED', 'ECONNREFUSED'], 'new connections are refused once shutdown starts');

  const before = results.filter((r) => r.written < sigterm - 50);
  const after = results.filter((r) => r.written >= sigterm - 50);
  const beforeFailures = before.filter((r) => r.status !== 200);
  assert.ok(before.length > 200, `${before.length} requests under load before SIGTERM`);
  assert.deepEqual(beforeFailures.slice(0, 3), [], 'every request sent before SIGTERM got its 200');
  for (const r of after) {
    assert.ok(r.status === 200 || r.status === 503 || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(r.error), `after SIGTERM: ${JSON.stringify(r).slice(0, 200)}`);
  }
  const count = (predicate) => after.filter(predicate).length;
  console.log(
    `shutdown: ${before.length} requests before SIGTERM, all 200; ${slowAnswers.length} half-sent requests completed with 200; ` +
      `after: ${count((r) => r.status === 200)} x 200, ${count((r) => r.status === 503)} x 503, ${count((r) => r.error)} refused/reset; exit 0 in ${took} ms`,
  );
  assert.ok(signer.lines.some((line) => line.includes('shutting down: finishing in-flight requests')));
  assert.deepEqual(findLeaks(signer.lines, [SECRET_KEY, TOKEN, `Bearer ${TOKEN}`]), [], 'no secret in the debug log');
});
