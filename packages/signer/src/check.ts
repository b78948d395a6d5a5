import { formatSize, normalizeType, typeFromName, typeMatchesAccept, type FileRequest } from '@s3-upload/protocol';
import type { ResolvedProfile } from './config/resolve.js';
import type { FileProblem } from './errors.js';
import { LONE_SURROGATE, sanitizeFilename } from './keys.js';

/** A file that passed its profile's rules, with its name sanitized and its type normalized. */
export interface AcceptedFile {
  filename: string;
  type: string;
  size: number;
  metadata: Record<string, string>;
}

/** S3 allows at most 2 KB of user metadata per object. */
export const MAX_METADATA_BYTES = 2048;
const METADATA_VALUE_UNSAFE = new RegExp(`[\\u0000-\\u001f\\u007f]|${LONE_SURROGATE.source}`);

/** Checks one requested file against a profile's rules. Pure. */
export function checkFile(profile: ResolvedProfile, file: FileRequest): AcceptedFile | FileProblem {
  const filename = sanitizeFilename(file.name);
  if (!filename) return { code: 'bad_name', message: 'The file name is empty once unsafe characters are removed.' };
  const type = file.type ? normalizeType(file.type) : typeFromName(filename) || 'application/octet-stream';
  if (!type || !typeMatchesAccept(type, profile.accept)) {
    return {
      code: 'type_not_allowed',
      message: `Files of type "${type || 'unknown'}" are not allowed here; allowed: ${profile.accept.join(', ')}.`,
    };
  }
  if (file.size > profile.maxSize) {
    return { code: 'too_large', message: `The file is ${formatSize(file.size)}; the largest allowed is ${formatSize(profile.maxSize)}.` };
  }
  if (file.size < profile.minSize) {
    return { code: 'too_small', message: `The file is ${formatSize(file.size)}; the smallest allowed is ${formatSize(profile.minSize)}.` };
  }
  const metadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(file.metadata ?? {})) {
    if (!profile.metadata.includes(name)) {
      return { code: 'metadata_not_allowed', message: `Metadata "${name.slice(0, 64)}" is not allowed here.` };
    }
    if (METADATA_VALUE_UNSAFE.test(value)) {
      return { code: 'metadata_not_allowed', message: `Metadata "${name}" has control characters or broken Unicode.` };
    }
    metadataBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    metadata[name] = value;
  }
  if (metadataBytes > MAX_METADATA_BYTES) {
    return { code: 'metadata_not_allowed', message: 'The metadata is larger than S3 allows (2 KB).' };
  }
  return { filename, type, size: file.size, metadata };
}

export function isProblem(result: AcceptedFile | FileProblem): result is FileProblem {
  return 'code' in result;
}
