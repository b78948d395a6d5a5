/**
 * Pure file-acceptance rules shared by the signer and the element. No dependencies, so the element
 * can import them without pulling in the schema library.
 */

/** Common extensions, mapped to the MIME type that browsers report for them. */
export const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.heic': 'image/heic',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** Lower-cases a MIME type and drops parameters; returns '' when it is not a valid `type/subtype`. */
export function normalizeType(type: string): string {
  const bare = type.split(';', 1)[0]!.trim().toLowerCase();
  return MIME_TYPE.test(bare) ? bare : '';
}

/** Turns one accept entry (`image/*`, `image/png` or `.png`) into a MIME pattern, or '' if invalid. */
export function acceptEntryToPattern(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed.startsWith('.')) return EXTENSION_TYPES[trimmed] ?? '';
  if (trimmed === '*/*' || trimmed === '*') return '*/*';
  if (/^[a-z0-9][a-z0-9!#$&^_.+-]*\/\*$/.test(trimmed)) return trimmed;
  return normalizeType(trimmed);
}

/** True when `type` is allowed by any of the accept entries. An empty list accepts nothing. */
export function typeMatchesAccept(type: string, accept: readonly string[]): boolean {
  const normalized = normalizeType(type);
  if (!normalized) return false;
  return accept.some((entry) => {
    const pattern = acceptEntryToPattern(entry);
    if (!pattern) return false;
    if (pattern === '*/*') return true;
    if (pattern.endsWith('/*')) return normalized.startsWith(pattern.slice(0, -1));
    return normalized === pattern;
  });
}

/**
 * The browser-side check, like the HTML `accept` attribute: `.ext` entries match the file name,
 * the others its type. A file with no type is left to the signer, which guesses it from the name.
 * Needs no extension table, so pages don't download one.
 */
export function fileMatchesAccept(name: string, type: string, accept: readonly string[]): boolean {
  if (!type) return true;
  const lowerName = name.toLowerCase();
  return accept.some((entry) => {
    const trimmed = entry.trim().toLowerCase();
    return trimmed.startsWith('.') ? lowerName.endsWith(trimmed) : !trimmed.startsWith('.') && typeMatchesPattern(type, trimmed);
  });
}

function typeMatchesPattern(type: string, entry: string): boolean {
  const normalized = normalizeType(type);
  if (!normalized) return false;
  if (entry === '*/*' || entry === '*') return true;
  if (entry.endsWith('/*')) return normalized.startsWith(entry.slice(0, -1));
  return normalized === normalizeType(entry);
}

/** Guesses a MIME type from a file name, for files whose browser-reported type is empty. */
export function typeFromName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : (EXTENSION_TYPES[name.slice(dot).toLowerCase()] ?? '');
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** Parses `123`, `"10MB"`, `"1.5 GiB"` (binary units) into bytes; returns NaN when it can't. */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : Number.NaN;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!match) return Number.NaN;
  const unit = SIZE_UNITS[(match[2] || 'B').toUpperCase()];
  if (unit === undefined) return Number.NaN;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : Number.NaN;
}

/** Formats bytes for people: `48.2 KB`, `5 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}
