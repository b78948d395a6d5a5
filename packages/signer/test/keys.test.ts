import t from 'tap';
import {
  contentDisposition,
  MAX_KEY_BYTES,
  parseKeyTemplate,
  renderKey,
  renderKeyPrefix,
  sanitizeFilename,
  sanitizeSubject,
  splitExtension,
  truncateFilename,
  truncateUtf8,
  utf8Length,
  type KeyTemplate,
} from '../src/keys.js';

const template = (source: string): KeyTemplate => {
  const parsed = parseKeyTemplate(source);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.template;
};
const values = { uuid: '0f8b6c3e-1111-4222-8333-444455556666', filename: 'cat.png', user: 'alice', profile: 'avatars', date: new Date('2026-03-07T10:00:00Z') };

t.test('parseKeyTemplate', async (t) => {
  const parsed = template('avatars/{user}/{yyyy}/{mm}/{uuid}/{filename}');
  t.same([...parsed.placeholders].sort(), ['filename', 'mm', 'user', 'uuid', 'yyyy']);
  t.match(parseKeyTemplate('x/{nope}/{uuid}'), { problems: [/unknown placeholder \{nope\}/] });
  t.match(parseKeyTemplate('/abs/{uuid}'), { problems: [/must not start with "\/"/] });
  t.match(parseKeyTemplate(''), { problems: [/empty/] });
  t.match(parseKeyTemplate('a/../{uuid}'), { problems: [/unsafe/] });
  t.match(parseKeyTemplate('a%b/{uuid}'), { problems: [/unsafe/] });
});

t.test('renderKey fills every placeholder', async (t) => {
  t.equal(
    renderKey(template('{profile}/{user}/{yyyy}/{mm}/{dd}/{uuid}/{basename}.{ext}'), { ...values, filename: 'photo.tar.gz' }),
    'avatars/alice/2026/03/07/0f8b6c3e-1111-4222-8333-444455556666/photo.tar.gz',
  );
  t.equal(renderKey(template('u/{uuid}/{filename}'), values), `u/${values.uuid}/cat.png`);
  t.match(renderKey(template('u/{user}/{uuid}'), { ...values, user: '../../root' }), new RegExp(`^u/____root-[0-9a-f]{16}/${values.uuid}$`));
});

t.test('renderKey keeps keys within 1024 UTF-8 bytes', async (t) => {
  const long = `${'é'.repeat(200)}.png`;
  const deep = template(`${'d/'.repeat(300)}{uuid}/{filename}`);
  const key = renderKey(deep, { ...values, filename: sanitizeFilename(long) });
  t.ok(utf8Length(key) <= MAX_KEY_BYTES, `key is ${utf8Length(key)} bytes`);
  t.ok(key.endsWith('.png'), 'the extension survives');
  const twice = template(`${'d/'.repeat(250)}{uuid}/{basename}/{filename}`);
  t.ok(utf8Length(renderKey(twice, { ...values, filename: sanitizeFilename(long) })) <= MAX_KEY_BYTES);
  const lopsided = template(`${'d/'.repeat(400)}{uuid}/{basename}/{ext}/{filename}`);
  t.equal(renderKey(lopsided, { ...values, filename: `${'a'.repeat(200)}.${'e'.repeat(15)}` }), '', 'gives up when shortening once is not enough');
  const hopeless = template(`${'d/'.repeat(520)}{uuid}/{filename}`);
  t.equal(renderKey(hopeless, values), '', 'a template that cannot fit gives an empty key');
  const literalOnly = template(`${'x'.repeat(1030)}{uuid}`);
  t.equal(renderKey(literalOnly, values), '', 'no file name to shorten');
});

t.test('renderKeyPrefix renders everything before {filename}', async (t) => {
  t.equal(renderKeyPrefix(template('reports/{user}/{uuid}/{filename}'), values), `reports/alice/${values.uuid}/`);
});

t.test('sanitizeFilename removes every path and display trick', async (t) => {
  t.equal(sanitizeFilename('cat.png'), 'cat.png');
  t.equal(sanitizeFilename('../../etc/passwd'), '_._etc_passwd');
  t.equal(sanitizeFilename('..\\..\\boot.ini'), '_._boot.ini');
  t.equal(sanitizeFilename('%2e%2e%2fsecret'), '_2e_2e_2fsecret');
  t.equal(sanitizeFilename('a\u0000b\u0007c.txt'), 'abc.txt');
  t.equal(sanitizeFilename('invoice\u202Egnp.exe'), 'invoicegnp.exe', 'bidi override removed');
  t.equal(sanitizeFilename('zero\u200Bwidth.txt'), 'zerowidth.txt');
  t.equal(sanitizeFilename('Cafe\u0301.txt'), 'Café.txt', 'NFC');
  t.equal(sanitizeFilename('  spaced   out .txt '), 'spaced out .txt');
  t.equal(sanitizeFilename('.hidden'), 'hidden');
  t.equal(sanitizeFilename('...'), '');
  t.equal(sanitizeFilename('///'), '');
  t.equal(sanitizeFilename('\u202E\u0000'), '');
  t.equal(sanitizeFilename('a<b>c|d"e.txt'), 'a_b_c_d_e.txt');
  const long = sanitizeFilename(`${'x'.repeat(5000)}.jpeg`);
  t.ok(utf8Length(long) <= 255);
  t.ok(long.endsWith('.jpeg'));
});

t.test('truncation never splits a code point', async (t) => {
  t.equal(truncateUtf8('😀😀😀', 9), '😀😀');
  t.equal(truncateUtf8('abc', 10), 'abc');
  t.equal(utf8Length('a\u00e9\u4e2d😀'), 1 + 2 + 3 + 4);
  t.equal(utf8Length('\ud800'), 3, 'a lone surrogate counts as 3 bytes');
  t.equal(truncateFilename('short.txt', 100), 'short.txt');
  t.equal(truncateFilename(`${'a'.repeat(50)}.${'b'.repeat(40)}`, 20), 'a'.repeat(20), 'a long extension is not kept');
  t.equal(truncateFilename(`${'.'.repeat(30)}.png`, 10), '.'.repeat(10), 'falls back when only dots are left');
});

t.test('splitExtension', async (t) => {
  t.same(splitExtension('a.b.c'), { basename: 'a.b', ext: 'c' });
  t.same(splitExtension('noext'), { basename: 'noext', ext: '' });
  t.same(splitExtension('trailing.'), { basename: 'trailing.', ext: '' });
});

t.test('sanitizeSubject: safe subjects stay, others never collide', async (t) => {
  t.equal(sanitizeSubject('alice'), 'alice');
  t.equal(sanitizeSubject('user@example.com'), 'user@example.com');
  t.match(sanitizeSubject('auth0|123/abc'), /^auth0_123_abc-[0-9a-f]{16}$/);
  t.match(sanitizeSubject(''), /^-[0-9a-f]{16}$/);
  t.match(sanitizeSubject('a..b'), /^a_b-[0-9a-f]{16}$/);
  const alike = ['a/b', 'a|b', 'a_b', 'a\\b'].map(sanitizeSubject);
  t.equal(new Set(alike).size, 4, 'subjects that clean to the same text stay apart');
  t.equal(sanitizeSubject('a_b'), 'a_b');
  const long = sanitizeSubject('x'.repeat(200));
  t.ok(utf8Length(long) <= 128 && long !== sanitizeSubject(`${'x'.repeat(199)}y`), 'long subjects are cut and still told apart');
});

t.test('contentDisposition encodes any name safely', async (t) => {
  t.equal(contentDisposition('attachment', 'report.pdf'), `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  t.equal(
    contentDisposition('inline', 'naïve "q" (1)*.pdf'),
    `inline; filename="na_ve _q_ (1)*.pdf"; filename*=UTF-8''na%C3%AFve%20%22q%22%20%281%29%2A.pdf`,
  );
});

t.test('lone surrogates are dropped from names and subjects', async (t) => {
  t.equal(sanitizeFilename('a\ud800b.pdf'), 'ab.pdf');
  t.equal(sanitizeFilename('\udfff.pdf'), 'pdf');
  t.equal(sanitizeFilename('x\ud83d.pdf'), 'x.pdf');
  t.equal(sanitizeFilename('😀.png'), '😀.png', 'a real pair stays');
  t.match(sanitizeSubject('u\udc00ser'), /^user-[0-9a-f]{16}$/);
});
