import t from 'tap';
import { defaultMessages } from '../../src/messages.js';
import { decodeXml, parseFailure, parseSuccess, unquote, xmlTag } from '../../src/core/s3-response.js';

const signed = { url: 'http://127.0.0.1:7480/bucket', key: 'u/a b/c&d.png', bucket: 'bucket' };
const none = () => null;
const error = (code: string, message = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>tx1</RequestId></Error>`;

t.test('XML helpers', async (t) => {
  t.equal(decodeXml('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233; &#x1F600; &#X41; &bogus;'), `a & b <c> "d" 'e' é 😀 A &bogus;`);
  t.equal(xmlTag('<A><Key> k </Key></A>', 'Key'), 'k');
  t.equal(xmlTag('<A></A>', 'Key'), undefined);
  t.equal(unquote('"abc"'), 'abc');
  t.equal(unquote('W/"abc"'), 'abc');
  t.equal(unquote('abc'), 'abc');
  t.equal(unquote(null), '');
});

t.test('the 201 PostResponse XML', async (t) => {
  const xml =
    '<PostResponse><Location>http://127.0.0.1:7480/bucket/u%2Fa%20b%2Fc%26d.png</Location><Bucket>bucket</Bucket><Key>u/a b/c&amp;d.png</Key><ETag>"5d41402abc4b2a76b9719d911017c592"</ETag></PostResponse>';
  t.same(parseSuccess(xml, signed, none), {
    key: 'u/a b/c&d.png',
    bucket: 'bucket',
    location: 'http://127.0.0.1:7480/bucket/u%2Fa%20b%2Fc%26d.png',
    etag: '5d41402abc4b2a76b9719d911017c592',
  });
});

t.test('a 204 without a body: what was signed plus headers', async (t) => {
  t.same(parseSuccess('', signed, none), {
    key: 'u/a b/c&d.png',
    bucket: 'bucket',
    location: 'http://127.0.0.1:7480/bucket/u/a%20b/c%26d.png',
    etag: '',
  });
  const headers: Record<string, string> = { ETag: '"e"', Location: 'https://x/y' };
  t.same(parseSuccess('', { ...signed, url: 'https://s3.example.com/b/' }, (h) => headers[h] ?? null), {
    key: 'u/a b/c&d.png',
    bucket: 'bucket',
    location: 'https://x/y',
    etag: 'e',
  });
});

t.test('S3 errors become readable, classified failures', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const fail = (status: number, body: string, retryAfter: string | null = null) => parseFailure(status, body, retryAfter, defaultMessages, now);

  t.same(fail(400, error('EntityTooLarge')), {
    code: 'EntityTooLarge',
    message: defaultMessages.EntityTooLarge,
    status: 400,
    retryable: false,
    retryAfter: undefined,
    expired: false,
  });
  t.match(fail(400, error('EntityTooSmall')), { message: defaultMessages.EntityTooSmall, retryable: false });
  t.match(fail(403, error('AccessDenied', 'Policy expired')), { code: 'AccessDenied', message: defaultMessages.expired, expired: true, retryable: false });
  t.match(fail(403, error('AccessDenied', 'Policy check failed, variable not met condition: key')), {
    message: defaultMessages.AccessDenied,
    expired: false,
  });
  t.match(fail(503, error('SlowDown', 'Please reduce your request rate.'), '3'), {
    message: defaultMessages.SlowDown,
    retryable: true,
    retryAfter: 3000,
  });
  t.match(fail(500, error('InternalError')), { retryable: true, message: defaultMessages.InternalError });
  t.match(fail(400, error('RequestTimeout')), { retryable: true, message: 'Storage refused the upload (RequestTimeout).' });
  t.match(fail(400, error('InvalidPolicyDocument')), { retryable: false, message: defaultMessages.InvalidPolicyDocument });
  t.match(fail(502, '<html>Bad gateway</html>'), { code: 'HTTP 502', retryable: true, message: 'Storage is unavailable right now (HTTP 502).' });
  t.match(fail(502, error('BadGateway')), { retryable: true, message: 'Storage is unavailable right now (BadGateway).' }, 'a 5xx is no refusal');
  const raw = fail(400, error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.'));
  t.equal(raw.message, 'Storage refused the upload (MalformedPOSTRequest).', 'unknown codes name the code, never raw XML');
  t.equal(fail(400, error('hint')).message, 'Storage refused the upload (hint).', 'lower-case codes never pick UI strings');
  t.equal(fail(400, error('Constructor')).message, 'Storage refused the upload (Constructor).', 'only own message keys');
  const custom = parseFailure(400, error('EntityTooLarge'), null, { ...defaultMessages, EntityTooLarge: 'Trop grand.' }, now);
  t.equal(custom.message, 'Trop grand.', 'messages are overridable');
});
