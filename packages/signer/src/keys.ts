/**
 * Key templates and file-name sanitizing. Pure: no clock, no randomness, no I/O of its own.
 */
import { createHash } from 'node:crypto';

export const KEY_PLACEHOLDERS = [
  'uuid',
  'filename',
  'basename',
  'ext',
  'user',
  'yyyy',
  'mm',
  'dd',
  'profile',
] as const;
export type KeyPlaceholder = (typeof KEY_PLACEHOLDERS)[number];

export type KeyTemplatePart = { literal: string } | { placeholder: KeyPlaceholder };

export interface KeyTemplate {
  source: string;
  parts: readonly KeyTemplatePart[];
  placeholders: ReadonlySet<KeyPlaceholder>;
}

/** S3's own key limit, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** A file name longer than this (in UTF-8 bytes) is shortened, keeping its extension. */
export const MAX_FILENAME_BYTES = 255;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const UNSAFE_LITERAL = /[\u0000-\u001f\u007f\\{}^%`\]["<>~#|]/;

/** Parses a key template, returning the parsed template or the list of problems with it. */
export function parseKeyTemplate(source: string): { template: KeyTemplate } | { problems: string[] } {
  const problems: string[] = [];
  const parts: KeyTemplatePart[] = [];
  const placeholders = new Set<KeyPlaceholder>();
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const literal = source.slice(last, match.index);
    if (literal) parts.push({ literal });
    const name = match[1]!;
    if ((KEY_PLACEHOLDERS as readonly string[]).includes(name)) {
      placeholders.add(name as KeyPlaceholder);
      parts.push({ placeholder: name as KeyPlaceholder });
    } else {
      problems.push(`unknown placeholder {${name}}; use one of ${KEY_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`);
    }
    last = match.index + match[0].length;
  }
  const tail = source.slice(last);
  if (tail) parts.push({ literal: tail });
  for (const part of parts) {
    if ('literal' in part && (UNSAFE_LITERAL.test(part.literal) || part.literal.split('/').includes('..'))) {
      problems.push(`the literal text "${part.literal}" has characters that are unsafe in S3 keys`);
    }
  }
  if (source.startsWith('/')) problems.push('a key must not start with "/"');
  if (parts.length === 0) problems.push('the template is empty');
  return problems.length > 0 ? { problems } : { template: { source, parts, placeholders } };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Half of a UTF-16 surrogate pair on its own: not text, and not encodable as UTF-8. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const S3_AVOID = /[\\/{}^%`\]["<>~#|*?:]/g;

/**
 * Makes a user-supplied file name safe to use inside an S3 key: Unicode NFC; no control characters,
 * bidi overrides or zero-width characters; no path separators or `..`; no characters S3 advises
 * against; shortened to MAX_FILENAME_BYTES keeping the extension. Returns '' when nothing is left.
 */
export function sanitizeFilename(name: string): string {
  let clean = name
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(S3_AVOID, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (/^_*$/.test(clean)) return '';
  clean = truncateFilename(clean, MAX_FILENAME_BYTES);
  return clean;
}

/** Splits `photo.tar.gz` into `photo.tar` and `gz`; names without a dot have an empty extension. */
export function splitExtension(filename: string): { basename: string; ext: string } {
  const dot = filename.lastIndexOf('.');
  if (dot <= 0 || dot === filename.length - 1) return { basename: filename, ext: '' };
  return { basename: filename.slice(0, dot), ext: filename.slice(dot + 1) };
}

const encoder = new TextEncoder();

/** The UTF-8 length of a string, in bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a code point. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

/** Shortens a file name to `maxBytes`, keeping its extension when the extension is short. */
export function truncateFilename(filename: string, maxBytes: number): string {
  if (utf8Length(filename) <= maxBytes) return filename;
  const { basename, ext } = splitExtension(filename);
  const suffix = ext && utf8Length(ext) < 16 ? `.${ext}` : '';
  const room = maxBytes - utf8Length(suffix);
  const head = truncateUtf8(suffix ? basename : filename, room).replace(/[\s.]+$/, '');
  return head ? `${head}${suffix}` : truncateUtf8(filename, maxBytes);
}

const SUBJECT_UNSAFE = /[^\p{L}\p{N}._@+=-]/gu;

/**
 * Makes an authenticated subject safe as one key segment. A subject that is safe as it is stays as it is;
 * any other gets a hash of the original appended, so that two subjects never share a `{user}` prefix.
 */
export function sanitizeSubject(subject: string): string {
  const clean = subject.replace(LONE_SURROGATE, '').normalize('NFC').replace(SUBJECT_UNSAFE, '_').replace(/\.{2,}/g, '_');
  if (clean && clean === subject && utf8Length(clean) <= 128) return clean;
  return `${truncateUtf8(clean, 100)}-${createHash('sha256').update(subject).digest('hex').slice(0, 16)}`;
}

export interface KeyValues {
  uuid: string;
  filename: string;
  user: string;
  profile: string;
  date: Date;
}

const pad = (value: number): string => String(value).padStart(2, '0');

function placeholderValue(placeholder: KeyPlaceholder, values: KeyValues, filename: string): string {
  switch (placeholder) {
    case 'uuid':
      return values.uuid;
    case 'filename':
      return filename;
    case 'basename':
      return splitExtension(filename).basename;
    case 'ext':
      return splitExtension(filename).ext;
    case 'user':
      return sanitizeSubject(values.user);
    case 'profile':
      return values.profile;
    case 'yyyy':
      return String(values.date.getUTCFullYear());
    case 'mm':
      return pad(values.date.getUTCMonth() + 1);
    case 'dd':
      return pad(values.date.getUTCDate());
  }
}

function renderWith(template: KeyTemplate, values: KeyValues, filename: string): string {
  let key = '';
  for (const part of template.parts) {
    key += 'literal' in part ? part.literal : placeholderValue(part.placeholder, values, filename);
  }
  return key;
}

/**
 * Renders a key. `values.filename` must already be sanitized. When the key would pass S3's 1024-byte
 * limit, the file name is shortened (keeping its extension) until it fits; returns '' if it can't.
 */
export function renderKey(template: KeyTemplate, values: KeyValues): string {
  const key = renderWith(template, values, values.filename);
  const overflow = utf8Length(key) - MAX_KEY_BYTES;
  if (overflow <= 0) return key;
  const uses = ['filename', 'basename', 'ext'].filter((p) => template.placeholders.has(p as KeyPlaceholder)).length;
  const room = utf8Length(values.filename) - Math.ceil(overflow / Math.max(uses, 1));
  const shorter = room > 0 ? truncateFilename(values.filename, room) : '';
  if (!shorter) return '';
  const retried = renderWith(template, values, shorter);
  return utf8Length(retried) <= MAX_KEY_BYTES ? retried : '';
}

/**
 * For form uploads: renders everything before `{filename}` (which must end the template) as the
 * unique prefix that S3's `${filename}` substitution is appended to.
 */
export function renderKeyPrefix(template: KeyTemplate, values: Omit<KeyValues, 'filename'>): string {
  const before: KeyTemplate = { ...template, parts: template.parts.slice(0, -1) };
  return renderWith(before, { ...values, filename: '' }, '');
}

/** Encodes a file name for a Content-Disposition header (RFC 6266 with an RFC 5987 `filename*`). */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
