import t from 'tap';
import { checkFile, isProblem } from '../src/check.js';
import { testConfig } from './support/config.js';

const config = testConfig();
const avatars = config.profiles.get('avatars')!;
const docs = config.profiles.get('docs')!;
const file = { name: 'cat.png', type: 'image/png', size: 48213 };

t.test('an allowed file is accepted with a clean name and type', async (t) => {
  t.same(checkFile(avatars, { ...file, type: 'Image/PNG; charset=binary', metadata: { alt: 'a cat' } }), {
    filename: 'cat.png',
    type: 'image/png',
    size: 48213,
    metadata: { alt: 'a cat' },
  });
  t.match(checkFile(docs, { name: 'r.pdf', type: 'application/pdf', size: 1 }), { type: 'application/pdf' }, 'an extension maps to its type');
  t.match(checkFile(docs, { name: 'r.md', type: 'text/markdown', size: 1 }), { type: 'text/markdown' }, 'a family matches');
});

t.test('each rule has its own code', async (t) => {
  t.match(checkFile(avatars, { ...file, name: '../..' }), { code: 'bad_name' });
  t.match(checkFile(avatars, { ...file, type: 'image/gif' }), { code: 'type_not_allowed', message: /"image\/gif" are not allowed here; allowed: image\/png, image\/jpeg/ });
  t.match(checkFile(avatars, { ...file, type: '' }), { type: 'image/png' }, 'no type: guessed from the name');
  t.match(checkFile(avatars, { ...file, name: 'notes', type: '' }), { code: 'type_not_allowed', message: /"application\/octet-stream"/ });
  t.match(checkFile(avatars, { ...file, type: 'not a type' }), { code: 'type_not_allowed', message: /"unknown"/ });
  t.match(checkFile(avatars, { ...file, type: 'image/png/../x' }), { code: 'type_not_allowed' });
  t.match(checkFile(avatars, { ...file, size: 6 * 1024 * 1024 }), { code: 'too_large', message: 'The file is 6 MB; the largest allowed is 5 MB.' });
  t.match(checkFile(avatars, { ...file, size: 0 }), { code: 'too_small', message: 'The file is 0 B; the smallest allowed is 1 B.' });
  t.match(checkFile(avatars, { ...file, metadata: { owner: 'x' } }), { code: 'metadata_not_allowed', message: 'Metadata "owner" is not allowed here.' });
  t.match(checkFile(avatars, { ...file, metadata: { alt: 'a\nb' } }), { code: 'metadata_not_allowed', message: /control characters/ });
  t.match(checkFile(avatars, { ...file, metadata: { alt: 'x'.repeat(2048) } }), { code: 'metadata_not_allowed', message: /2 KB/ });
  t.ok(isProblem({ code: 'bad_name', message: '' }));
  t.notOk(isProblem({ filename: 'a', type: 'b/c', size: 1, metadata: {} }));
});
