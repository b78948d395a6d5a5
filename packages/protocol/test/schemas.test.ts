import t from 'tap';
import { Value } from 'typebox/value';
import {
  ErrorResponse,
  FILE_ERROR_CODES,
  FormRequest,
  ProfileInfo,
  SignRequest,
  SignResponse,
  type SignRequest as SignRequestType,
  type SignResponse as SignResponseType,
  type UploadEntry,
} from '../src/index.js';

// The static types are checked by the compiler: these values must type-check as written.
const request = {
  profile: 'avatars',
  files: [{ name: 'cat.png', type: 'image/png', size: 48213, metadata: { alt: 'a cat' } }],
} satisfies SignRequestType;
const response = {
  uploads: [
    { url: 'http://127.0.0.1:7480/uploads', fields: { key: 'k' }, key: 'k', bucket: 'uploads', expiresAt: '2026-12-04T17:00:00.000Z', expiresIn: 300, maxSize: 48213 },
    { error: { code: 'too_large', message: 'The file is 6 MB; the largest allowed is 5 MB.' } },
  ],
} satisfies SignResponseType;
function isError(entry: UploadEntry): entry is Extract<UploadEntry, { error: unknown }> {
  return 'error' in entry;
}

t.test('the README request and response are valid', async (t) => {
  t.ok(Value.Check(SignRequest, request));
  t.ok(Value.Check(SignResponse, response));
  t.ok(isError(response.uploads[1]!));
  t.notOk(isError(response.uploads[0]!));
  t.ok(Value.Check(SignRequest, { files: [{ name: 'a', type: 'b/c', size: 0 }] }), 'profile is optional');
});

t.test('the request schema refuses what the signer must never see', async (t) => {
  const file = request.files[0]!;
  t.notOk(Value.Check(SignRequest, { files: [] }), 'no files');
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, size: -1 }] }), 'negative size');
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, size: 1.5 }] }), 'fractional size');
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, size: 2 ** 60 }] }), 'enormous size');
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, extra: 1 }] }), 'unknown property');
  t.notOk(Value.Check(SignRequest, { profile: '../x', files: [file] }), 'path in a profile name');
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, metadata: { alt: 1 } }] }), 'non-string metadata');
  const flood = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
  t.notOk(Value.Check(SignRequest, { files: [{ ...file, metadata: flood }] }), 'metadata flood');
  t.notOk(Value.Check(FormRequest, { redirect: '' }));
});

t.test('errors and profiles', async (t) => {
  t.ok(Value.Check(ErrorResponse, { error: { code: 'unauthorized', message: 'Missing or invalid credentials.' } }));
  t.notOk(Value.Check(ErrorResponse, { error: { code: 'x' } }));
  t.same(FILE_ERROR_CODES, ['type_not_allowed', 'too_large', 'too_small', 'bad_name', 'metadata_not_allowed']);
  t.ok(Value.Check(ProfileInfo, { name: 'a', accept: ['image/*'], minSize: 0, maxSize: 1, maxFiles: 1, metadata: [], expiresIn: 300, form: false }));
});
