import { normalizeType, typeMatchesAccept } from '@s3-upload/protocol';
import type { AcceptedFile } from '../check.js';
import type { ResolvedProfile } from '../config/resolve.js';
import { contentDisposition } from '../keys.js';

/** A POST policy condition, as S3 defines them. */
export type PolicyCondition =
  | Record<string, string>
  | ['eq' | 'starts-with', string, string]
  | ['content-length-range', number, number];

/** What to sign: the form fields to send (in order) and the extra conditions that bind them. */
export interface PolicyRequest {
  bucket: string;
  key: string;
  fields: Record<string, string>;
  conditions: PolicyCondition[];
  expiresIn: number;
}

function profileFields(profile: ResolvedProfile, filename: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (profile.acl) fields.acl = profile.acl;
  if (profile.cacheControl) fields['Cache-Control'] = profile.cacheControl;
  if (profile.contentDisposition && filename) fields['Content-Disposition'] = contentDisposition(profile.contentDisposition, filename);
  if (profile.serverSideEncryption) fields['x-amz-server-side-encryption'] = profile.serverSideEncryption;
  if (profile.storageClass) fields['x-amz-storage-class'] = profile.storageClass;
  return fields;
}

/**
 * The policy for one file: exactly this key, this type, this size and this metadata, nothing else.
 * Every field is also bound by an exact-match condition when it is signed.
 */
export function buildUploadPolicy(bucket: string, profile: ResolvedProfile, file: AcceptedFile, key: string): PolicyRequest {
  const fields: Record<string, string> = {
    'Content-Type': file.type,
    success_action_status: '201',
    ...profileFields(profile, file.filename),
  };
  for (const [name, value] of Object.entries(file.metadata)) fields[`x-amz-meta-${name}`] = value;
  return {
    bucket,
    key,
    fields,
    conditions: [
      ['eq', '$key', key],
      ['eq', '$Content-Type', file.type],
      ['content-length-range', file.size, file.size],
    ],
    expiresIn: profile.expiresIn,
  };
}

/** How a form upload's Content-Type is bound: fixed, or any type in one family. */
export type FormContentType = { eq: string } | { startsWith: string };

/** Chooses the Content-Type rule of a form upload, or returns undefined when the caller must name a type. */
export function formContentType(profile: ResolvedProfile, requested?: string): FormContentType | 'not_allowed' | undefined {
  if (requested !== undefined) {
    const type = normalizeType(requested);
    return type && typeMatchesAccept(type, profile.accept) ? { eq: type } : 'not_allowed';
  }
  if (profile.accept.length !== 1) return undefined;
  const only = profile.accept[0]!.trim().toLowerCase();
  if (only === '*/*' || only === '*') return { startsWith: '' };
  if (only.endsWith('/*')) return { startsWith: only.slice(0, -1) };
  const exact = normalizeType(only);
  return exact ? { eq: exact } : undefined;
}

/**
 * The policy for a plain HTML form: S3 substitutes `${filename}` after the unique prefix, the size is
 * within the profile's range, and the Content-Type follows the profile.
 */
export function buildFormPolicy(
  bucket: string,
  profile: ResolvedProfile,
  prefix: string,
  contentType: FormContentType,
  redirect?: string,
): PolicyRequest {
  const fields: Record<string, string> = {};
  if ('eq' in contentType) fields['Content-Type'] = contentType.eq;
  if (redirect) fields.success_action_redirect = redirect;
  else fields.success_action_status = '201';
  Object.assign(fields, profileFields(profile, ''));
  const conditions: PolicyCondition[] = [['content-length-range', profile.minSize, profile.maxSize]];
  if ('startsWith' in contentType) conditions.push(['starts-with', '$Content-Type', contentType.startsWith]);
  return { bucket, key: `${prefix}\${filename}`, fields, conditions, expiresIn: profile.expiresIn };
}
