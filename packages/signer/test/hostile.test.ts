/**
 * Hostile input, generated: at least 10,000 requests (FC_RUNS for more, FC_SEED to replay) of random
 * JSON, huge and deep bodies, odd Unicode, path tricks, MIME tricks, odd sizes, metadata floods and
 * unknown profiles. The signer must answer 4xx with an error body, or 200 with one entry per file; never
 * 5xx. Every policy it signs is decoded here and checked by an oracle written independently of the
 * signer's code (its own key shapes, type rules and condition list): it never allows more than the
 * profile does.
 */
import { FILE_ERROR_CODES, REQUEST_ERROR_CODES, typeFromName } from '@s3-upload/protocol';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import t from 'tap';
import { resolveConfig } from '../src/config/resolve.js';
import { createSignerServer } from '../src/server.js';
import { rawConfig, TEST_CREDENTIALS } from './support/config.js';

/** Profiles the other signer tests use too. */
const SHARED_PROFILES = rawConfig().profiles as Record<'docs' | 'reports', { keyTemplate: string }>;
import { decodePolicy, expectedSignature, type DecodedPolicy } from './support/policy.js';

/** Total generated requests; split between the properties below in fixed shares. */
const TOTAL_RUNS = Math.max(10_000, Number(process.env.FC_RUNS ?? 10_000));
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const runs = (share: number): { numRuns: number; seed?: number; endOnFailure: boolean } => ({
  numRuns: Math.ceil(TOTAL_RUNS * share),
  ...(SEED !== undefined && { seed: SEED }),
  endOnFailure: true,
});

const ALICE = 'hostile-alice-token-0123456789abcdef';
const BOB = 'hostile-bob-token-0123456789abcdef';
const MB = 1024 ** 2;
const GB = 1024 ** 3;

const raw = {
  s3: { bucket: 'uploads', region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true },
  cors: { origins: ['https://www.example.com'] },
  auth: {
    mode: 'tokens',
    tokens: [
      { token: ALICE, subject: 'alice' },
      { token: BOB, subject: 'bob/../../admin', profiles: ['avatars'] },
    ],
  },
  rateLimit: { enabled: false },
  defaultProfile: 'avatars',
  profiles: {
    avatars: {
      keyTemplate: 'avatars/{user}/{uuid}/{filename}',
      accept: ['image/png', 'image/jpeg'],
      minSize: 1,
      maxSize: '5MB',
      maxFiles: 5,
      expiresIn: 300,
      metadata: ['alt'],
    },
    docs: SHARED_PROFILES.docs,
    files: {
      keyTemplate: 'files/{profile}/{mm}/{dd}/{basename}-{uuid}.{ext}',
      accept: ['image/*', 'application/zip'],
      minSize: 10,
      maxSize: '5GB',
      maxFiles: 50,
      expiresIn: 5,
      metadata: ['a', 'b-c', 'note'],
    },
    reports: SHARED_PROFILES.reports,
    pics: { keyTemplate: 'forms/{user}/{uuid}/{filename}', accept: ['image/*'], minSize: 1, maxSize: '1MB', form: true },
  },
};

/* ---------- the oracle: what each profile allows, written out by hand ---------- */

interface Rules {
  /** The key's shape; the named group `name` is the user's file name part. */
  key: RegExp;
  types: (type: string) => boolean;
  minSize: number;
  maxSize: number;
  metadata: string[];
  expiresIn: number;
  /** Extra fields the profile adds, with their exact values (Content-Disposition checked by pattern). */
  fixed: Record<string, string | RegExp>;
  formPrefix?: RegExp;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
/** A file name part: no separators, control, bidi or zero-width characters, no characters S3 advises against. */
const NAME = '[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069\\ufeff{}^%`\\[\\]"<>~#|*?:]+';
/** The `{user}` segment: one segment of safe characters, never `..`. */
const USER = '(?<user>[\\p{L}\\p{N}._@+=-]{1,128})';
const MIME_PART = '[a-z0-9][a-z0-9!#$&^_.+-]{0,126}';

const RULES: Record<string, Rules> = {
  avatars: {
    key: new RegExp(`^avatars/${USER}/${UUID}/(?<name>${NAME})$`, 'u'),
    types: (type) => type === 'image/png' || type === 'image/jpeg',
    minSize: 1,
    maxSize: 5 * MB,
    metadata: ['alt'],
    expiresIn: 300,
    fixed: {},
  },
  docs: {
    key: new RegExp(`^docs/${USER}/\\d{4}/${UUID}/(?<name>${NAME})$`, 'u'),
    types: (type) => type === 'application/pdf' || new RegExp(`^text/${MIME_PART}$`).test(type),
    minSize: 0,
    maxSize: 1024,
    metadata: [],
    expiresIn: 300,
    fixed: {
      acl: 'private',
      'Cache-Control': 'max-age=60',
      'Content-Disposition': /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]*$/,
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-storage-class': 'STANDARD',
    },
  },
  files: {
    key: new RegExp(`^files/files/\\d{2}/\\d{2}/(?<name>${NAME})-${UUID}\\.(?:${NAME})?$`, 'u'),
    types: (type) => type === 'application/zip' || new RegExp(`^image/${MIME_PART}$`).test(type),
    minSize: 10,
    maxSize: 5 * GB,
    metadata: ['a', 'b-c', 'note'],
    expiresIn: 5,
    fixed: {},
  },
  reports: {
    key: new RegExp(`^reports/${UUID}/(?<name>${NAME})$`, 'u'),
    types: (type) => type === 'application/pdf',
    minSize: 0,
    maxSize: 20 * MB,
    metadata: [],
    expiresIn: 300,
    fixed: {},
    formPrefix: new RegExp(`^reports/${UUID}/$`),
  },
  pics: {
    key: new RegExp(`^forms/${USER}/${UUID}/(?<name>${NAME})$`, 'u'),
    types: (type) => new RegExp(`^image/${MIME_PART}$`).test(type),
    minSize: 1,
    maxSize: 1 * MB,
    metadata: [],
    expiresIn: 300,
    fixed: {},
    formPrefix: new RegExp(`^forms/${USER}/${UUID}/$`, 'u'),
  },
};

/** The declared type as S3 will see it: lower case, no parameters, surrounding space trimmed. */
const bareType = (type: string): string => type.split(';', 1)[0]!.trim().toLowerCase();
const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\ufffd');

interface Seen {
  bucket?: string;
  key?: string;
  keyPrefix?: string;
  type?: string;
  typePrefix?: string;
  range?: [number, number];
  meta: Record<string, string>;
  fixed: Record<string, string>;
}

/** Reads every condition of a policy; throws on any it does not know. */
function readConditions(policy: DecodedPolicy, signed: Record<string, string>): Seen {
  const seen: Seen = { meta: {}, fixed: {} };
  const once = <K extends keyof Seen>(field: K, value: Seen[K]): void => {
    if (seen[field] !== undefined && JSON.stringify(seen[field]) !== JSON.stringify(value)) {
      throw new Error(`the policy binds ${String(field)} to two values`);
    }
    seen[field] = value;
  };
  for (const condition of policy.conditions) {
    let name: string;
    let value: string;
    if (Array.isArray(condition)) {
      const [op, a, b] = condition;
      if (op === 'content-length-range') {
        once('range', [Number(a), Number(b)]);
        continue;
      }
      if (op === 'starts-with') {
        if (a === '$key') once('keyPrefix', String(b));
        else if (String(a).toLowerCase() === '$content-type') once('typePrefix', String(b));
        else throw new Error(`unexpected starts-with on ${String(a)}`);
        continue;
      }
      if (op !== 'eq') throw new Error(`unexpected operator ${String(op)}`);
      name = String(a).replace(/^\$/, '');
      value = String(b);
    } else {
      const entries = Object.entries(condition);
      if (entries.length !== 1) throw new Error('a condition object must bind one field');
      [name, value] = entries[0]!;
    }
    const lower = name.toLowerCase();
    if (lower === 'bucket') once('bucket', value);
    else if (lower === 'key') once('key', value);
    else if (lower === 'content-type') once('type', value);
    else if (lower.startsWith('x-amz-meta-')) {
      if (lower.slice(11) in seen.meta && seen.meta[lower.slice(11)] !== value) throw new Error(`metadata ${lower} bound to two values`);
      seen.meta[lower.slice(11)] = value;
    } else if (['x-amz-algorithm', 'x-amz-credential', 'x-amz-date'].includes(lower)) {
      if (signed[name] !== value) throw new Error(`${name} differs from its field`);
    } else {
      if (name in seen.fixed && seen.fixed[name] !== value) throw new Error(`${name} bound to two values`);
      seen.fixed[name] = value;
    }
  }
  return seen;
}

function checkCommon(policy: DecodedPolicy, seen: Seen, rules: Rules, requestedAt: number): void {
  if (seen.bucket !== 'uploads') throw new Error(`bucket is ${seen.bucket}`);
  const expires = Date.parse(policy.expiration);
  if (!(expires > requestedAt - 1000)) throw new Error('the policy is already expired');
  if (expires - requestedAt > rules.expiresIn * 1000 + 1000) throw new Error(`expiry ${policy.expiration} is more than ${rules.expiresIn} s away`);
  for (const [name, value] of Object.entries(seen.fixed)) {
    if (name === 'success_action_status' && value === '201') continue;
    const allowed = rules.fixed[name];
    if (allowed === undefined) throw new Error(`the policy allows an unexpected field ${name}`);
    if (typeof allowed === 'string' ? allowed !== value : !allowed.test(value)) throw new Error(`${name} is ${value}`);
  }
  for (const name of Object.keys(rules.fixed)) {
    if (!(name in seen.fixed)) throw new Error(`the profile's ${name} is missing`);
  }
}

interface FileLike {
  name: unknown;
  type: unknown;
  size: unknown;
  metadata?: unknown;
}

/** The `{user}` segment is the caller's own, made safe: never another user's, never a path trick. */
function checkUser(user: string | undefined, profileName: string, subject: string): void {
  const usesUser = /\{user\}/.test((raw.profiles as Record<string, { keyTemplate: string }>)[profileName]!.keyTemplate);
  if (!usesUser) return;
  if (user === undefined || user.includes('..')) throw new Error(`unsafe user segment ${String(user)}`);
  if (subject === 'alice' ? user !== 'alice' : !user.startsWith('bob') || user.includes('/')) throw new Error(`user segment ${user} is not the caller's`);
}

/** Checks one signed entry of /v1/sign against the profile and the file as declared. */
function checkSigned(entry: Record<string, unknown>, file: FileLike, profileName: string, requestedAt: number, subject = 'alice'): void {
  const rules = RULES[profileName]!;
  const fields = entry.fields as Record<string, string>;
  const key = entry.key as string;
  if (entry.bucket !== 'uploads' || entry.url !== 'http://127.0.0.1:7480/uploads') throw new Error('wrong bucket or URL');
  if (fields.key !== key) throw new Error('the key field differs from the key');
  if (fields['X-Amz-Signature'] !== expectedSignature(fields, TEST_CREDENTIALS.secretAccessKey)) throw new Error('bad signature');
  const policy = decodePolicy(fields);
  const seen = readConditions(policy, fields);
  checkCommon(policy, seen, rules, requestedAt);
  if (seen.keyPrefix !== undefined || seen.typePrefix !== undefined) throw new Error('an upload policy must not use starts-with');
  if (seen.key !== key) throw new Error('the policy does not pin the key');
  if (utf8(key) > 1024) throw new Error('the key is longer than S3 allows');
  if (wellFormed(key) !== key) throw new Error('the key has a lone surrogate: its UTF-8 in the policy differs from the key sent');
  const shape = rules.key.exec(key);
  if (!shape) throw new Error(`key ${JSON.stringify(key)} does not match ${rules.key}`);
  const name = shape.groups!.name!;
  checkUser(shape.groups!.user, profileName, subject);
  const wholeName = profileName !== 'files';
  if (utf8(name) > 255 || name === '.' || name.includes('..') || (wholeName && /^[\s.]|[\s.]$/.test(name))) {
    throw new Error(`unsafe file name part ${JSON.stringify(name)}`);
  }
  if (seen.type === undefined || !rules.types(seen.type)) throw new Error(`type ${seen.type} is not allowed`);
  // The declared type, or with none declared, the contract's guess from the name (every key here ends with the name's extension).
  const declaredType = file.type === '' ? typeFromName(key) || 'application/octet-stream' : typeof file.type === 'string' ? bareType(file.type) : undefined;
  if (seen.type !== declaredType) throw new Error(`type ${seen.type} is not the declared ${String(file.type)}`);
  if (fields['Content-Type'] !== seen.type) throw new Error('the Content-Type field differs');
  const size = file.size as number;
  if (!seen.range || seen.range[0] !== size || seen.range[1] !== size) throw new Error(`range ${seen.range} is not the declared size ${size}`);
  if (size < rules.minSize || size > rules.maxSize) throw new Error(`size ${size} is outside the profile`);
  if (entry.maxSize !== size) throw new Error('maxSize differs from the declared size');
  const declared = (file.metadata ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(seen.meta)) {
    if (!rules.metadata.includes(name)) throw new Error(`metadata ${name} is not allowed`);
    if (declared[name] !== value || /[\u0000-\u001f\u007f]/.test(value)) throw new Error(`metadata ${name} is not as declared`);
  }
  if (Object.keys(declared).some((name) => !(name in seen.meta))) throw new Error('declared metadata is missing from the policy');
}

/** Checks a /v1/form policy: the prefix under the template, the profile's size range and its types. */
function checkForm(body: Record<string, unknown>, profileName: string, redirect: unknown, requestedAt: number): void {
  const rules = RULES[profileName]!;
  const fields = body.fields as Record<string, string>;
  if (fields['X-Amz-Signature'] !== expectedSignature(fields, TEST_CREDENTIALS.secretAccessKey)) throw new Error('bad signature');
  const policy = decodePolicy(fields);
  const seen = readConditions(policy, fields);
  const redirectField = seen.fixed.success_action_redirect;
  delete seen.fixed.success_action_redirect;
  checkCommon(policy, seen, rules, requestedAt);
  if (redirectField !== undefined && (redirectField !== redirect || new URL(redirectField).origin !== 'https://www.example.com')) {
    throw new Error(`redirect ${redirectField} is not an allowed origin`);
  }
  const prefix = seen.keyPrefix === undefined ? null : rules.formPrefix!.exec(seen.keyPrefix);
  if (seen.key !== undefined || !prefix) throw new Error(`bad key prefix ${seen.keyPrefix}`);
  checkUser(prefix.groups?.user, profileName, 'alice');
  if (body.prefix !== seen.keyPrefix || fields.key !== `${seen.keyPrefix}\${filename}`) throw new Error('the prefix differs');
  if (!seen.range || seen.range[0] !== rules.minSize || seen.range[1] !== rules.maxSize) throw new Error(`range ${seen.range} is not the profile's`);
  if (seen.type !== undefined) {
    if (!rules.types(seen.type) || seen.typePrefix !== undefined) throw new Error(`type ${seen.type} is not allowed`);
  } else if (seen.typePrefix === undefined || !['image/'].includes(seen.typePrefix) || profileName !== 'pics') {
    throw new Error(`type prefix ${seen.typePrefix} is too wide`);
  }
  if (Object.keys(seen.meta).length > 0) throw new Error('a form policy allows metadata');
}

/* ---------- generators ---------- */

/** Set from probes once the app is up (see "Bugs this suite found" below). */

const tricks = [
  '../', '..', '%2e%2e', '%2e%2e%2f', '..%2f', '%252e', '\u0000', '%00', '\u202e', '\u202d', '\u2066', '\u200b', '\ufeff', '\u061c',
  '/', '\\', '//', './', '~', '$', '${filename}', '{uuid}', '{user}', '\r\n', '\t', ' ', '.', '\u0085', '\u2028', '\ud800', '\udfff',
  'e\u0301', '\u00e9', '\u1e9b\u0323', '\uff0e\uff0e\uff0f', '\u2024\u2024', '😀', '👩‍👩‍👧', 'ｃｏｎ', 'CON', 'NUL', 'x-amz-meta-', '"', "'",
  '<script>', '%', '#', '?', '*', ':', '|', 'a', 'photo', '.png', '.jpg', '.pdf', '.exe', '.PNG', '.tar.gz',
];
const longName = fc.constantFrom('a'.repeat(5000), `${'é'.repeat(5000)}.png`, `${'😀'.repeat(2000)}.jpg`, `${'../'.repeat(1500)}x.png`, `x.${'p'.repeat(4000)}`);
const hostileName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...tricks), { minLength: 0, maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: longName },
  { weight: 2, arbitrary: fc.constantFrom('cat.png', 'photo.jpeg', 'report.pdf', 'notes.txt', 'archive.zip', 'a.b.c.png', 'no-extension') },
);

const types = [
  'image/png', 'image/jpeg', 'IMAGE/PNG', ' image/png ', 'image/png; charset=utf-8', 'image/png;', 'image/png, text/html', 'image/png\u0000',
  'image/png\r\nx-amz-meta-evil: 1', 'image/svg+xml', 'image/', 'image/*', '*/*', '*', '', ' ', 'text/html', 'text/plain', 'text/csv;q=1',
  'application/pdf', 'application/zip', 'application/x-msdownload', 'application/octet-stream', 'image/p\u00e9ng', 'image/png\u202e',
  'image//png', 'image/png/x', '/png', 'x'.repeat(255), `image/${'p'.repeat(200)}`, 'text/\u0000', 'multipart/form-data; boundary=x',
];
const hostileType = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...types) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });

const hostileSize: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 * MB }) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 20 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0, 1, 9, 10, 1023, 1024, 1025, 5 * MB, 5 * MB + 1, MB, MB + 1, 5 * GB, 5 * GB + 1, 20 * MB, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 64, 1e21, 1e308, -0, -1, -(2 ** 53)),
  },
  { weight: 1, arbitrary: fc.double({ noNaN: false }) },
  { weight: 1, arbitrary: fc.constantFrom('5', '1e3', '0x10', null, true, [], {}, '5MB', 1.5, 0.1, 1023.999) },
);

const metaKeys = ['alt', 'ALT', 'Alt', 'a', 'b-c', 'note', 'x', 'x-amz-meta-alt', '__proto__', 'constructor', 'alt\u0000', 'alt ', 'b_c', '', 'ünï', 'content-type', 'key', 'policy'];
const metaValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(2048), 'x'.repeat(2049), '\r\nX-Evil: 1', '\u0000', '😀'.repeat(600), 7, null, ['a'], { a: 1 }) },
);
const hostileMetadata: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.dictionary(fc.constantFrom(...metaKeys), metaValue, { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 8 }), { minKeys: 20, maxKeys: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'alt=1', 7) },
);

const profiles = ['avatars', 'docs', 'files', 'reports', 'pics'];
const hostileProfile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.constantFrom(...profiles) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('nope', 'AVATARS', '../avatars', 'avatars/..', 'avatars\u0000', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'a'.repeat(129), 'avatars ', 7, null, ['avatars']),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const fullyHostileFile = fc.record(
  {
    name: fc.oneof({ weight: 12, arbitrary: hostileName }, { weight: 1, arbitrary: fc.constantFrom(null, 7, ['a']) }),
    type: hostileType,
    size: hostileSize,
    metadata: hostileMetadata,
  },
  { requiredKeys: ['name', 'type', 'size'] },
);
/** A file that passes every rule but its name, which is hostile: so that tricky names do get signed. */
const hostileNamedFile = fc.record(
  {
    name: hostileName,
    type: fc.constantFrom('image/png', 'image/jpeg', 'Image/PNG; x=1', 'application/pdf', 'text/plain', 'text/csv', 'application/zip', 'image/gif'),
    size: fc.integer({ min: 10, max: 1024 }),
    metadata: fc.constantFrom(undefined, { alt: 'a cat' }, { note: 'n', a: '1' }, { alt: '' }),
  },
  { requiredKeys: ['name', 'type', 'size'] },
);
const hostileFile = fc
  .oneof({ weight: 1, arbitrary: fullyHostileFile }, { weight: 3, arbitrary: hostileNamedFile })
  .chain((file) => fc.oneof({ weight: 20, arbitrary: fc.constant(file as FileLike) }, { weight: 1, arbitrary: fc.constant({ ...file, extra: 'x' } as unknown as FileLike) }));

const signBody = fc.record({
  profile: hostileProfile,
  files: fc.oneof({ weight: 12, arbitrary: fc.array(hostileFile, { minLength: 1, maxLength: 6 }) }, { weight: 1, arbitrary: fc.array(hostileFile, { minLength: 0, maxLength: 60 }) }),
  token: fc.constantFrom(ALICE, ALICE, ALICE, ALICE, BOB, 'garbage', ''),
});

/* ---------- the checks on every answer ---------- */

function checkErrorBody(status: number, body: unknown): void {
  if (status < 400 || status >= 500) throw new Error(`status ${status}`);
  const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || Object.keys(body as object).length !== 1) {
    throw new Error(`a ${status} without a proper error body: ${JSON.stringify(body).slice(0, 300)}`);
  }
  if (![...REQUEST_ERROR_CODES, ...FILE_ERROR_CODES].includes(error.code as never)) throw new Error(`unknown error code ${error.code}`);
  if (error.message.length > 600) throw new Error('an error message that long echoes too much of the input');
}

async function send(app: FastifyInstance, options: InjectOptions): Promise<{ status: number; body: unknown; at: number }> {
  const at = Date.now();
  const response = await app.inject(options);
  if (response.statusCode >= 500) throw new Error(`5xx: ${response.statusCode} ${response.body.slice(0, 300)}`);
  let body: unknown;
  try {
    body = response.json();
  } catch {
    throw new Error(`a non-JSON answer (${response.statusCode}): ${response.body.slice(0, 200)}`);
  }
  return { status: response.statusCode, body, at };
}

function checkSignAnswer(status: number, body: unknown, request: { profile?: unknown; files?: unknown }, token: string, at: number): void {
  if (status !== 200) return checkErrorBody(status, body);
  if (token !== ALICE && token !== BOB) throw new Error('signed without a valid token');
  const profile = (request.profile ?? 'avatars') as string;
  if (!RULES[profile]) throw new Error(`signed for an unknown profile ${String(profile)}`);
  if (token === BOB && profile !== 'avatars') throw new Error('bob signed for a profile he may not use');
  const files = request.files as FileLike[];
  const uploads = (body as { uploads: Array<Record<string, unknown>> }).uploads;
  if (!Array.isArray(uploads) || uploads.length !== files.length) throw new Error('not one entry per file');
  uploads.forEach((entry, index) => {
    if ('error' in entry) {
      const error = entry.error as { code: string; message: string };
      if (!(FILE_ERROR_CODES as readonly string[]).includes(error.code) || typeof error.message !== 'string') throw new Error(`bad file error ${JSON.stringify(error)}`);
      return;
    }
    checkSigned(entry, files[index]!, profile, at, token === BOB ? 'bob' : 'alice');
  });
}

/* ---------- the properties ---------- */

const config = resolveConfig(raw);
const server = await createSignerServer(config, { logger: false, credentials: TEST_CREDENTIALS });
const app: FastifyInstance = server.app;
await app.ready();
t.teardown(() => server.close());
let requests = 0;

const aliceHeaders = { authorization: `Bearer ${ALICE}` };
const probeSurrogate = async (profile: string, name: string) =>
  app.inject({ method: 'POST', url: '/v1/sign', headers: aliceHeaders, payload: { profile, files: [{ name, type: 'application/pdf', size: 10 }] } });

t.test('a lone surrogate in a file name is dropped: never a 500, never a key mangled in the policy', async (t) => {
  for (const profile of ['docs', 'avatars']) {
    for (const name of ['a\ud800b.pdf', '\udfff.pdf', 'x\ud83d.pdf']) {
      const response = await probeSurrogate(profile, name);
      t.ok(response.statusCode < 500, `${profile} ${JSON.stringify(name)}: ${response.statusCode}`);
      const entry = response.json<{ uploads?: Array<{ key?: string }> }>().uploads?.[0];
      if (entry?.key !== undefined) t.equal(wellFormed(entry.key), entry.key, 'the key is well-formed UTF-16');
    }
  }
});

t.test('a malformed URL escape or an overlong path parameter gets the error shape', async (t) => {
  for (const url of ['/v1/profiles/%', '/v1/profiles/%ff', '/v1/profiles/%E0%A4%A', `/v1/profiles/${'a'.repeat(101)}`]) {
    const response = await app.inject({ method: 'GET', url });
    t.ok(response.statusCode === 400 || response.statusCode === 414, `${url.slice(0, 40)}: ${response.statusCode}`);
    t.match(response.json(), { error: { code: String, message: String } }, url);
  }
});

t.test('structured sign requests with hostile files: 4xx or 200, every policy within its profile', async (t) => {
  let signed = 0;
  await fc.assert(
    fc.asyncProperty(signBody, async ({ token, ...request }) => {
      requests += 1;
      const payload = request.profile === undefined ? { files: request.files } : request;
      const { status, body, at } = await send(app, { method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${token}` }, payload });
      checkSignAnswer(status, body, payload, token, at);
      if (status === 200) signed += (body as { uploads: object[] }).uploads.filter((entry) => !('error' in entry)).length;
    }),
    runs(0.5),
  );
  t.ok(signed > 100, `${signed} policies were signed and checked`);
});

t.test('valid files are signed: the oracle is not vacuous', async (t) => {
  const good = fc.record({
    profile: fc.constantFrom('avatars', 'files'),
    name: fc.stringMatching(/^[a-z0-9][a-z0-9 _-]{0,30}$/),
    ext: fc.constantFrom('png', 'jpeg'),
    size: fc.integer({ min: 10, max: 5 * MB }),
    alt: fc.stringMatching(/^[ -~]{0,40}$/),
  });
  await fc.assert(
    fc.asyncProperty(good, async ({ profile, name, ext, size, alt }) => {
      requests += 1;
      const file = { name: `${name}.${ext}`, type: `image/${ext}`, size, metadata: profile === 'avatars' ? { alt } : { note: alt } };
      const payload = { profile, files: [file] };
      const { status, body, at } = await send(app, { method: 'POST', url: '/v1/sign', headers: { authorization: `Bearer ${ALICE}` }, payload });
      if (status !== 200) throw new Error(`a valid file was refused: ${JSON.stringify(body)}`);
      const entry = (body as { uploads: Array<Record<string, unknown>> }).uploads[0]!;
      if ('error' in entry) throw new Error(`a valid file was refused: ${JSON.stringify(entry)}`);
      checkSigned(entry, file, profile, at);
    }),
    runs(0.05),
  );
  t.pass();
});

t.test('random JSON and random shapes: never a 5xx, always an error body', async (t) => {
  const shapes = fc.oneof(
    fc.jsonValue(),
    fc.record({ profile: fc.jsonValue(), files: fc.jsonValue() }, { requiredKeys: [] }),
    fc.record({ files: fc.array(fc.dictionary(fc.constantFrom('name', 'type', 'size', 'metadata', 'x'), fc.jsonValue(), { maxKeys: 5 }), { maxLength: 4 }) }),
    fc.anything({ withNullPrototype: false, maxDepth: 3 }).map((value) => ({ files: [value] })),
  );
  await fc.assert(
    fc.asyncProperty(shapes, fc.constantFrom('/v1/sign', '/v1/form'), async (value, url) => {
      requests += 1;
      const text = JSON.stringify(value) ?? 'null';
      const { status, body, at } = await send(app, {
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
        payload: text,
      });
      if (status === 200 && url === '/v1/sign') checkSignAnswer(status, body, value as object, ALICE, at);
      else if (status === 200) checkForm(body as Record<string, unknown>, (value as { profile: string }).profile, (value as { redirect?: unknown }).redirect, at);
      else checkErrorBody(status, body);
    }),
    runs(0.2),
  );
  t.pass();
});

t.test('huge, deep, broken and oddly typed bodies', async (t) => {
  const depth = fc.integer({ min: 1, max: 40_000 });
  const bodies = fc.oneof(
    depth.map((n) => '['.repeat(n) + ']'.repeat(n)),
    depth.map((n) => `{"files":[{"name":${'{"a":'.repeat(Math.min(n, 10_000))}1${'}'.repeat(Math.min(n, 10_000))},"type":"image/png","size":1}]}`),
    depth.map((n) => '['.repeat(n)),
    fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ files: [{ name: 'x'.repeat(n), type: 'image/png', size: 1 }] })),
    fc.integer({ min: 1, max: 3000 }).map((n) => JSON.stringify({ files: Array.from({ length: n }, () => ({ name: 'a.png', type: 'image/png', size: 1 })) })),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', ' ', 'null', '{', '{"files":', '\u0000', '{"__proto__":{"admin":true},"files":[]}', '{"files":[{"name":"a","type":"image/png","size":1,"__proto__":{"x":1}}]}', '\ufeff{"files":[]}'),
  );
  const contentTypes = fc.constantFrom(
    'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'text/plain', 'text/html',
    'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json\u0000',
  );
  await fc.assert(
    fc.asyncProperty(bodies, contentTypes, fc.constantFrom('/v1/sign', '/v1/form'), async (payload, contentType, url) => {
      requests += 1;
      const headers: Record<string, string> = { authorization: `Bearer ${ALICE}` };
      if (contentType) headers['content-type'] = contentType;
      const { status, body, at } = await send(app, { method: 'POST', url, headers, payload });
      if (status === 200 && url === '/v1/sign') checkSignAnswer(status, body, JSON.parse(payload), ALICE, at);
      else if (status !== 200) checkErrorBody(status, body);
    }),
    runs(0.05),
  );
  t.pass();
});

t.test('form requests: the prefix, range and types of the profile, redirects only to allowed origins', async (t) => {
  const form = fc.record(
    {
      profile: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('reports', 'pics') }, { weight: 1, arbitrary: hostileProfile }),
      type: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('application/pdf', 'image/png', 'IMAGE/GIF') }, { weight: 2, arbitrary: hostileType }),
      redirect: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'https://www.example.com/done', 'https://www.example.com/done?x=${filename}', 'https://www.example.com.evil.test/', 'https://evil.test/',
            'javascript:alert(1)', '//evil.test', 'http://www.example.com/', 'https://www.example.com@evil.test/', '', 'not a url',
          ),
        },
        { weight: 1, arbitrary: fc.webUrl() },
      ),
      extra: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('x') }),
    },
    { requiredKeys: [] },
  );
  let signed = 0;
  await fc.assert(
    fc.asyncProperty(form, fc.constantFrom(ALICE, ALICE, BOB, 'nope'), async (request, token) => {
      requests += 1;
      const payload = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
      const { status, body, at } = await send(app, { method: 'POST', url: '/v1/form', headers: { authorization: `Bearer ${token}` }, payload });
      if (status !== 200) return checkErrorBody(status, body);
      if (token !== ALICE) throw new Error('a form was signed for a caller who may not use it');
      signed += 1;
      checkForm(body as Record<string, unknown>, (payload.profile ?? 'avatars') as string, payload.redirect, at);
    }),
    runs(0.1),
  );
  t.ok(signed > 10, `${signed} form policies were signed and checked`);
});

t.test('profile lookups with path tricks: 200 with public rules only, or 4xx', async (t) => {
  const names = fc.oneof(hostileProfile.map((name) => encodeURIComponent(wellFormed(String(name)))), hostileName.map((name) => encodeURIComponent(wellFormed(name))), fc.constantFrom('%', '%ff', '%E0%A4%A', 'a'.repeat(101)));
  const raws = fc.constantFrom(
    '/v1/profiles/../sign', '/v1/profiles/%2e%2e/sign', '/v1/profiles/%2e%2e%2fsign', '/v1/profiles/avatars/../docs', '/v1/profiles/avatars%00',
    '/v1/profiles/avatars?x=1', '/v1//profiles//avatars', '/v1/profiles/avatars/', '/v1/profiles/', '/v1/profiles/%E2%80%AEavatars', '/v1/profiles/%ff',
    '/v1/profiles/%', '/v1/profiles/__proto__', '/v1/profiles/constructor', '/V1/PROFILES/AVATARS', '/v1/profiles/avatars;docs', '/v1/profiles/avatars%2fdocs',
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(names.map((name) => `/v1/profiles/${name}`), raws), async (url) => {
      requests += 1;
      const { status, body } = await send(app, { method: 'GET', url });
      if (status !== 200) return checkErrorBody(status, body);
      const info = body as Record<string, unknown>;
      const keys = Object.keys(info).sort().join(',');
      if (keys !== 'defaultProfile,profiles' && keys !== 'accept,expiresIn,form,maxFiles,maxSize,metadata,minSize,name') throw new Error(`profile info has ${keys}`);
      if (/keyTemplate|acl|secret|token|bucket/i.test(JSON.stringify(info))) throw new Error('profile info shows more than the public rules');
      if (keys.startsWith('accept') && !RULES[info.name as string]) throw new Error(`an unknown profile was served: ${String(info.name)}`);
    }),
    runs(0.1),
  );
  t.pass();
});

t.test('the oracle itself rejects policies that allow more (tampered, then re-signed)', async (t) => {
  const file = { name: 'cat.png', type: 'image/png', size: 100, metadata: { alt: 'a cat' } };
  const { body, at } = await send(app, { method: 'POST', url: '/v1/sign', headers: aliceHeaders, payload: { profile: 'avatars', files: [file] } });
  const entry = (body as { uploads: Array<Record<string, unknown>> }).uploads[0]!;
  checkSigned(entry, file, 'avatars', at);
  type Tamper = (policy: DecodedPolicy, entry: Record<string, unknown>) => void;
  const replace = (policy: DecodedPolicy, test: (c: DecodedPolicy['conditions'][number]) => boolean, by: DecodedPolicy['conditions'][number]) => {
    policy.conditions = policy.conditions.map((c) => (test(c) ? by : c));
  };
  const isRange = (c: DecodedPolicy['conditions'][number]) => Array.isArray(c) && c[0] === 'content-length-range';
  const isKeyEq = (c: DecodedPolicy['conditions'][number]) => Array.isArray(c) && c[1] === '$key';
  const tampers: Record<string, Tamper> = {
    'a wider size range': (p) => replace(p, isRange, ['content-length-range', 0, 5 * MB]),
    'a size over the profile max': (p) => replace(p, isRange, ['content-length-range', 6 * MB, 6 * MB]),
    'a key prefix instead of the key': (p) => replace(p, isKeyEq, ['starts-with', '$key', 'avatars/']),
    'another user\'s key': (p, e) => {
      const key = (e.key as string).replace('/alice/', '/bob/');
      replace(p, isKeyEq, ['eq', '$key', key]);
      p.conditions = p.conditions.map((c) => (!Array.isArray(c) && 'key' in c ? { key } : c));
      e.key = key;
      (e.fields as Record<string, string>).key = key;
    },
    'a path trick in the key': (p, e) => {
      const key = `avatars/alice/../../etc/${(e.key as string).split('/').slice(2).join('/')}`;
      replace(p, isKeyEq, ['eq', '$key', key]);
      p.conditions = p.conditions.map((c) => (!Array.isArray(c) && 'key' in c ? { key } : c));
      e.key = key;
      (e.fields as Record<string, string>).key = key;
    },
    'any content type': (p) => p.conditions.push(['starts-with', '$Content-Type', '']),
    'a type the profile refuses': (p) => {
      p.conditions = p.conditions.map((c) => (Array.isArray(c) && c[1] === '$Content-Type' ? ['eq', '$Content-Type', 'text/html'] : !Array.isArray(c) && 'Content-Type' in c ? { 'Content-Type': 'text/html' } : c));
    },
    'metadata the profile does not allow': (p) => p.conditions.push({ 'x-amz-meta-owner': 'mallory' }),
    'a field the profile does not set': (p) => p.conditions.push({ acl: 'public-read' }),
    'an expiry past expiresIn': (p) => {
      p.expiration = new Date(Date.now() + 3600_000).toISOString();
    },
    'another bucket': (p) => replace(p, (c) => !Array.isArray(c) && 'bucket' in c, { bucket: 'other' }),
  };
  for (const [what, tamper] of Object.entries(tampers)) {
    const copy = structuredClone(entry);
    const fields = copy.fields as Record<string, string>;
    const policy = decodePolicy(fields);
    tamper(policy, copy);
    fields.Policy = Buffer.from(JSON.stringify(policy)).toString('base64');
    fields['X-Amz-Signature'] = expectedSignature(fields, TEST_CREDENTIALS.secretAccessKey);
    t.throws(() => checkSigned(copy, file, 'avatars', at), what);
  }
  const unsigned = structuredClone(entry);
  (unsigned.fields as Record<string, string>)['X-Amz-Signature'] = '0'.repeat(64);
  t.throws(() => checkSigned(unsigned, file, 'avatars', at), /bad signature/);
});

t.test(`at least ${TOTAL_RUNS} requests were generated`, async (t) => {
  t.ok(requests >= TOTAL_RUNS, `${requests} requests`);
});
