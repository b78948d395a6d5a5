import t from 'tap';
import { acceptEntryToPattern, fileMatchesAccept, formatSize, normalizeType, parseSize, typeFromName, typeMatchesAccept } from '../src/rules.js';

t.test('normalizeType', async (t) => {
  t.equal(normalizeType('Image/PNG'), 'image/png');
  t.equal(normalizeType('text/plain; charset=utf-8'), 'text/plain');
  t.equal(normalizeType('image/svg+xml'), 'image/svg+xml');
  t.equal(normalizeType(''), '');
  t.equal(normalizeType('image'), '');
  t.equal(normalizeType('image/png/../x'), '');
  t.equal(normalizeType('image/png\u0000'), '');
  t.equal(normalizeType('../etc/passwd'), '');
});

t.test('accept entries: exact types, families and extensions', async (t) => {
  t.equal(acceptEntryToPattern('image/*'), 'image/*');
  t.equal(acceptEntryToPattern(' .PDF '), 'application/pdf');
  t.equal(acceptEntryToPattern('.unknownext'), '');
  t.equal(acceptEntryToPattern('*'), '*/*');
  t.equal(acceptEntryToPattern('*/*'), '*/*');
  t.equal(acceptEntryToPattern('nonsense'), '');
  t.ok(typeMatchesAccept('image/png', ['image/*']));
  t.ok(typeMatchesAccept('IMAGE/JPEG', ['image/png', 'image/jpeg']));
  t.ok(typeMatchesAccept('application/pdf', ['.pdf']));
  t.ok(typeMatchesAccept('video/mp4', ['*/*']));
  t.notOk(typeMatchesAccept('imagex/png', ['image/*']), 'a family is a whole type prefix');
  t.notOk(typeMatchesAccept('image/png', ['nonsense']));
  t.notOk(typeMatchesAccept('image/png', []));
  t.notOk(typeMatchesAccept('', ['*/*']), 'no type matches nothing');
});

t.test('fileMatchesAccept: extensions by name, the rest by type, no type left to the signer', async (t) => {
  t.ok(fileMatchesAccept('Report.PDF', 'application/pdf', ['.pdf']));
  t.ok(fileMatchesAccept('report.pdf', 'application/x-whatever', ['.pdf']), 'an extension entry matches the name');
  t.notOk(fileMatchesAccept('report.txt', 'application/pdf', ['.pdf']));
  t.ok(fileMatchesAccept('a.png', 'image/png', ['image/*']));
  t.ok(fileMatchesAccept('a.png', 'IMAGE/PNG', ['image/png']));
  t.ok(fileMatchesAccept('a.bin', 'application/zip', ['*/*']));
  t.ok(fileMatchesAccept('a.bin', 'application/zip', ['*']));
  t.notOk(fileMatchesAccept('a.gif', 'image/gif', ['image/png', '.png']));
  t.notOk(fileMatchesAccept('a.gif', 'not a type', ['image/*']));
  t.ok(fileMatchesAccept('a.heic', '', ['image/png']), 'no type: the signer decides');
});

t.test('typeFromName', async (t) => {
  t.equal(typeFromName('Cat.JPG'), 'image/jpeg');
  t.equal(typeFromName('notes'), '');
  t.equal(typeFromName('a.zzz'), '');
});

t.test('parseSize and formatSize', async (t) => {
  t.equal(parseSize(1024), 1024);
  t.equal(parseSize('10MB'), 10 * 1024 * 1024);
  t.equal(parseSize('1.5 GiB'), Math.floor(1.5 * 1024 ** 3));
  t.equal(parseSize('512'), 512);
  t.equal(parseSize('2 tb'), 2 * 1024 ** 4);
  t.ok(Number.isNaN(parseSize(-1)));
  t.ok(Number.isNaN(parseSize(1.5)));
  t.ok(Number.isNaN(parseSize('5 megs')));
  t.ok(Number.isNaN(parseSize('lots')));
  t.ok(Number.isNaN(parseSize('99999999999 TB')));
  t.equal(formatSize(0), '0 B');
  t.equal(formatSize(1023), '1023 B');
  t.equal(formatSize(48213), '47 KB');
  t.equal(formatSize(1536), '1.5 KB');
  t.equal(formatSize(5 * 1024 * 1024), '5 MB');
  t.equal(formatSize(3 * 1024 ** 5), '3072 TB');
});
