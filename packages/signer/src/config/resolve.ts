import { acceptEntryToPattern, parseSize } from '@s3-upload/protocol';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from '../errors.js';
import { parseKeyTemplate, type KeyTemplate } from '../keys.js';
import { AuthConfig, FileConfig, type ProfileConfig } from './schema.js';

/** The largest object a single POST upload may carry (S3's limit). */
export const S3_POST_MAX_SIZE = 5 * 1024 ** 3;

export interface ResolvedProfile {
  name: string;
  template: KeyTemplate;
  accept: string[];
  minSize: number;
  maxSize: number;
  maxFiles: number;
  expiresIn: number;
  metadata: string[];
  form: boolean;
  allowOverwrite: boolean;
  acl?: string;
  cacheControl?: string;
  contentDisposition?: 'inline' | 'attachment';
  serverSideEncryption?: string;
  storageClass?: string;
}

export interface TokenIdentity {
  token: string;
  subject: string;
  profiles?: string[];
}

export type ResolvedAuth =
  | { mode: 'none' }
  | { mode: 'tokens'; tokens: TokenIdentity[] }
  | {
      mode: 'jwt';
      secret?: string;
      jwksUrl?: string;
      issuer?: string;
      audience?: string;
      profilesClaim: string;
      clockTolerance: number;
    };

export interface ResolvedConfig {
  s3: { bucket: string; region: string; endpoint?: string; forcePathStyle: boolean };
  cors: { origins: string[]; credentials: boolean; maxAge: number };
  auth: ResolvedAuth;
  rateLimit: { enabled: boolean; max: number; timeWindow: number; redis?: string; onStoreError: 'open' | 'closed' };
  server: {
    host: string;
    port: number;
    bodyLimit: number;
    trustProxy: boolean;
    logLevel: string;
    shutdownTimeout: number;
  };
  metrics: { enabled: boolean; port?: number; host: string };
  defaultProfile: string | null;
  profiles: ReadonlyMap<string, ResolvedProfile>;
}

export const DEFAULTS = {
  region: 'us-east-1',
  host: '127.0.0.1',
  port: 8787,
  bodyLimit: 64 * 1024,
  maxFiles: 20,
  expiresIn: 300,
  rateLimitMax: 120,
  rateLimitWindow: 60_000,
  shutdownTimeout: 10_000,
  corsMaxAge: 600,
} as const;

type Env = Readonly<Record<string, string | undefined>>;
type Json = Record<string, unknown>;

function pathOf(instancePath: string): string {
  return instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
}

/** The property names a schema allows at a path; empty for a record of named entries. */
function knownKeys(schema: TSchema, instancePath: string): string[] {
  let node = schema as SchemaNode;
  for (const segment of instancePath.split('/').filter(Boolean)) {
    node = node.properties?.[segment] ?? Object.values(node.patternProperties!)[0]!;
  }
  return Object.keys(node.properties ?? {});
}

function schemaAt(schema: TSchema, schemaPath: string): { description?: string } {
  let node: unknown = schema;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as Json)[decodeURIComponent(segment.replace(/~1/g, '/').replace(/~0/g, '~'))];
  }
  return node as { description?: string };
}

/** Turns schema errors into sentences that name the field and say what would fix it. */
export function describeSchemaErrors(schema: TSchema, value: unknown, prefix = ''): string[] {
  const problems: string[] = [];
  for (const error of Value.Errors(schema, value)) {
    const where = `${prefix}${pathOf(error.instancePath)}`;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'boolean':
        break;
      case 'additionalProperties':
        for (const extra of params.additionalProperties as string[]) {
          const keys = knownKeys(schema, error.instancePath);
          const near = keys.find((key) => distance(key.toLowerCase(), extra.toLowerCase()) <= 2);
          const at = `${where === '(top level)' ? '' : `${where}.`}${extra}`;
          if (keys.length === 0) problems.push(`${at}: is not a valid name; use letters, digits, ".", "_" and "-"`);
          else problems.push(`${at}: unknown key ${near ? `(did you mean "${near}"?)` : `(known keys: ${keys.join(', ')})`}`);
        }
        break;
      case 'required':
        for (const name of params.requiredProperties as string[]) {
          problems.push(`${where === '(top level)' ? '' : `${where}.`}${name}: is required`);
        }
        break;
      case 'anyOf':
        problems.push(`${where}: expected ${schemaAt(schema, error.schemaPath).description ?? 'one of the allowed forms'}`);
        break;
      default:
        if (!error.schemaPath.includes('anyOf')) problems.push(`${where}: ${error.message}`);
    }
  }
  return [...new Set(problems)];
}

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Json;
  }
  node[path.at(-1)!] = value;
}

function envBoolean(name: string, value: string, problems: string[]): boolean | undefined {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  problems.push(`${name}: expected true or false (got "${value}")`);
  return undefined;
}

function envInteger(name: string, value: string, problems: string[]): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  problems.push(`${name}: expected a whole number (got "${value}")`);
  return undefined;
}

function envList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function envJson(name: string, value: string, problems: string[]): unknown {
  try {
    return JSON.parse(value);
  } catch {
    problems.push(`${name}: is not valid JSON`);
    return undefined;
  }
}

function parseTokensEnv(value: string, problems: string[]): unknown {
  if (value.trim().startsWith('[')) return envJson('AUTH_TOKENS', value, problems);
  return envList(value).map((entry) => {
    const colon = entry.indexOf(':');
    return colon > 0 ? { subject: entry.slice(0, colon), token: entry.slice(colon + 1) } : { token: entry };
  });
}

/**
 * Applies the environment variables for the common cases on top of the file config, so that the
 * container can run from env alone.
 */
export function applyEnv(raw: unknown, env: Env, problems: string[]): Json {
  const config: Json = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? structuredClone(raw as Json) : {};
  const set = (path: string, value: unknown): void => {
    if (value !== undefined) setPath(config, path.split('.'), value);
  };
  const has = (name: string): string | undefined => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  let v: string | undefined;
  if ((v = has('S3_BUCKET'))) set('s3.bucket', v);
  if ((v = has('S3_REGION') ?? has('AWS_REGION'))) set('s3.region', v);
  if ((v = has('S3_ENDPOINT'))) set('s3.endpoint', v);
  if ((v = has('S3_FORCE_PATH_STYLE'))) set('s3.forcePathStyle', envBoolean('S3_FORCE_PATH_STYLE', v, problems));
  if ((v = has('ALLOWED_ORIGINS'))) set('cors.origins', envList(v));
  if ((v = has('CORS_CREDENTIALS'))) set('cors.credentials', envBoolean('CORS_CREDENTIALS', v, problems));
  if ((v = has('HOST'))) set('server.host', v);
  if ((v = has('PORT'))) set('server.port', envInteger('PORT', v, problems));
  if ((v = has('LOG_LEVEL'))) set('server.logLevel', v);
  if ((v = has('TRUST_PROXY'))) set('server.trustProxy', envBoolean('TRUST_PROXY', v, problems));
  if ((v = has('METRICS_PORT'))) set('metrics.port', envInteger('METRICS_PORT', v, problems));
  if ((v = has('RATE_LIMIT_MAX'))) set('rateLimit.max', envInteger('RATE_LIMIT_MAX', v, problems));
  if ((v = has('RATE_LIMIT_WINDOW'))) set('rateLimit.timeWindow', /^\d+$/.test(v) ? Number(v) : v);
  if ((v = has('REDIS_URL'))) set('rateLimit.redis', v);
  if ((v = has('RATE_LIMIT_ON_STORE_ERROR'))) set('rateLimit.onStoreError', v);
  if ((v = has('DEFAULT_PROFILE'))) set('defaultProfile', v);
  if ((v = has('AUTH_MODE'))) {
    const auth = typeof config.auth === 'object' && config.auth !== null ? (config.auth as Json) : {};
    if (auth.mode !== v) config.auth = { mode: v };
  }
  if ((v = has('AUTH_PUBLIC'))) set('auth.public', envBoolean('AUTH_PUBLIC', v, problems));
  if ((v = has('AUTH_TOKENS'))) set('auth.tokens', parseTokensEnv(v, problems));
  if ((v = has('JWT_SECRET'))) set('auth.secret', v);
  if ((v = has('JWT_JWKS_URL'))) set('auth.jwksUrl', v);
  if ((v = has('JWT_ISSUER'))) set('auth.issuer', v);
  if ((v = has('JWT_AUDIENCE'))) set('auth.audience', v);
  if ((v = has('JWT_PROFILES_CLAIM'))) set('auth.profilesClaim', v);
  if ((v = has('S3_UPLOAD_PROFILES'))) set('profiles', envJson('S3_UPLOAD_PROFILES', v, problems));
  const single: Array<[string, string, (value: string) => unknown]> = [
    ['UPLOAD_KEY_TEMPLATE', 'keyTemplate', (x) => x],
    ['UPLOAD_ACCEPT', 'accept', envList],
    ['UPLOAD_MIN_SIZE', 'minSize', (x) => (/^\d+$/.test(x) ? Number(x) : x)],
    ['UPLOAD_MAX_SIZE', 'maxSize', (x) => (/^\d+$/.test(x) ? Number(x) : x)],
    ['UPLOAD_MAX_FILES', 'maxFiles', (x) => envInteger('UPLOAD_MAX_FILES', x, problems)],
    ['UPLOAD_EXPIRES_IN', 'expiresIn', (x) => envInteger('UPLOAD_EXPIRES_IN', x, problems)],
    ['UPLOAD_METADATA', 'metadata', envList],
    ['UPLOAD_FORM', 'form', (x) => envBoolean('UPLOAD_FORM', x, problems)],
  ];
  for (const [name, key, convert] of single) {
    if ((v = has(name))) set(`profiles.default.${key}`, convert(v));
  }
  return config;
}

/** Parses `60000`, `"30 seconds"`, `"1 minute"`, `"2h"` into milliseconds; NaN when it can't. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+)\s*(ms|s|sec|second|seconds|m|min|minute|minutes|h|hour|hours)?\s*$/i.exec(value);
  if (!match) return Number.NaN;
  const unit = (match[2] ?? 'ms').toLowerCase();
  const scale = unit === 'ms' ? 1 : unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : 3_600_000;
  return Number(match[1]) * scale;
}

function checkOrigin(origin: string): boolean {
  if (origin === '*') return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
  } catch {
    return false;
  }
}

function resolveProfile(name: string, profile: ProfileConfig, problems: string[]): ResolvedProfile | undefined {
  const at = `profiles.${name}`;
  const before = problems.length;
  const parsed = parseKeyTemplate(profile.keyTemplate);
  if ('problems' in parsed) {
    for (const problem of parsed.problems) problems.push(`${at}.keyTemplate: ${problem}`);
  } else {
    const { placeholders } = parsed.template;
    if (!placeholders.has('uuid') && !profile.allowOverwrite) {
      problems.push(
        `${at}.keyTemplate: has no {uuid}, so one upload could overwrite another's; add {uuid} or set "allowOverwrite": true`,
      );
    }
    if (profile.form) {
      const last = parsed.template.parts.at(-1);
      if (!last || !('placeholder' in last) || last.placeholder !== 'filename' || placeholders.has('basename') || placeholders.has('ext')) {
        problems.push(`${at}.keyTemplate: a form profile's template must end with {filename} and use neither {basename} nor {ext}`);
      }
    }
  }
  for (const entry of profile.accept) {
    if (!acceptEntryToPattern(entry)) {
      problems.push(`${at}.accept: "${entry}" is not a MIME type (image/png), a family (image/*) or a known extension (.pdf)`);
    }
  }
  const minSize = parseSize(profile.minSize ?? 0);
  const maxSize = parseSize(profile.maxSize);
  if (Number.isNaN(minSize)) problems.push(`${at}.minSize: expected bytes or a size like "1KB" (got ${JSON.stringify(profile.minSize)})`);
  if (Number.isNaN(maxSize)) problems.push(`${at}.maxSize: expected bytes or a size like "5MB" (got ${JSON.stringify(profile.maxSize)})`);
  if (maxSize > S3_POST_MAX_SIZE) problems.push(`${at}.maxSize: S3 POST uploads are limited to 5GB; lower it`);
  if (minSize > maxSize) problems.push(`${at}.minSize: is larger than maxSize`);
  const metadata = profile.metadata ?? [];
  if (new Set(metadata).size !== metadata.length) problems.push(`${at}.metadata: lists a name twice`);
  if (problems.length > before || 'problems' in parsed) return undefined;
  return {
    name,
    template: parsed.template,
    accept: profile.accept,
    minSize,
    maxSize,
    maxFiles: profile.maxFiles ?? DEFAULTS.maxFiles,
    expiresIn: profile.expiresIn ?? DEFAULTS.expiresIn,
    metadata,
    form: profile.form ?? false,
    allowOverwrite: profile.allowOverwrite ?? false,
    ...(profile.acl && { acl: profile.acl }),
    ...(profile.cacheControl && { cacheControl: profile.cacheControl }),
    ...(profile.contentDisposition && { contentDisposition: profile.contentDisposition }),
    ...(profile.serverSideEncryption && { serverSideEncryption: profile.serverSideEncryption }),
    ...(profile.storageClass && { storageClass: profile.storageClass }),
  };
}

function resolveAuth(auth: AuthConfig, profiles: ReadonlyMap<string, ResolvedProfile>, problems: string[]): ResolvedAuth {
  switch (auth.mode) {
    case 'none':
      if (auth.public !== true) {
        problems.push('auth.public: auth mode "none" lets anyone sign uploads; set "public": true to confirm that this is intended');
      }
      return { mode: 'none' };
    case 'tokens': {
      const seen = new Set<string>();
      const tokens = auth.tokens.map((entry, index) => {
        if (seen.has(entry.token)) problems.push(`auth.tokens.${index}.token: the same token is listed twice`);
        seen.add(entry.token);
        for (const profile of entry.profiles ?? []) {
          if (!profiles.has(profile)) problems.push(`auth.tokens.${index}.profiles: unknown profile "${profile}"`);
        }
        return {
          token: entry.token,
          subject: entry.subject ?? `token-${index + 1}`,
          ...(entry.profiles && { profiles: entry.profiles }),
        };
      });
      return { mode: 'tokens', tokens };
    }
    case 'jwt':
      if (Boolean(auth.secret) === Boolean(auth.jwksUrl)) {
        problems.push('auth: jwt mode needs exactly one of "secret" (HS256) or "jwksUrl" (RS256, ES256, EdDSA)');
      }
      if (auth.jwksUrl && !/^https?:\/\//.test(auth.jwksUrl)) problems.push('auth.jwksUrl: expected an http(s) URL');
      if (auth.jwksUrl && !auth.audience) {
        problems.push(
          'auth.audience: is required with jwksUrl: an identity provider signs tokens for many apps, and without an audience any of them would be accepted here',
        );
      }
      return {
        mode: 'jwt',
        ...(auth.secret && { secret: auth.secret }),
        ...(auth.jwksUrl && { jwksUrl: auth.jwksUrl }),
        ...(auth.issuer && { issuer: auth.issuer }),
        ...(auth.audience && { audience: auth.audience }),
        profilesClaim: auth.profilesClaim ?? 'profiles',
        clockTolerance: auth.clockTolerance ?? 5,
      };
  }
}

/**
 * Validates and completes a raw config (from a file, env or code). Throws a ConfigError listing every
 * problem, each naming the field and the fix.
 */
export function resolveConfig(raw: unknown, env: Env = {}): ResolvedConfig {
  const problems: string[] = [];
  const merged = applyEnv(raw, env, problems);
  const authRaw = merged.auth as Json | undefined;
  const authModes = ['none', 'tokens', 'jwt'];
  if (authRaw === undefined || typeof authRaw !== 'object') {
    problems.push('auth: is required; set "mode" to "tokens", "jwt" or "none" (with "public": true)');
  } else if (!authModes.includes(authRaw.mode as string)) {
    problems.push(`auth.mode: must be one of ${authModes.join(', ')} (got ${JSON.stringify(authRaw.mode)})`);
  } else {
    const branch = AuthConfig.anyOf[authModes.indexOf(authRaw.mode as string)]!;
    problems.push(...describeSchemaErrors(branch, authRaw, 'auth.'));
  }
  const withoutAuth = { ...merged, auth: { mode: 'none' } };
  problems.push(...describeSchemaErrors(FileConfig, withoutAuth).map((p) => p.replace(/^\(top level\)\./, '')));
  if (problems.length > 0) throw new ConfigError(problems);

  const file = merged as unknown as FileConfig;
  const profiles = new Map<string, ResolvedProfile>();
  for (const [name, profile] of Object.entries(file.profiles)) {
    const resolved = resolveProfile(name, profile, problems);
    if (resolved) profiles.set(name, resolved);
  }
  if (Object.keys(file.profiles).length === 0) problems.push('profiles: define at least one upload profile');
  const defaultProfile = file.defaultProfile ?? (profiles.size === 1 ? [...profiles.keys()][0]! : null);
  if (file.defaultProfile && !(file.defaultProfile in file.profiles)) {
    problems.push(`defaultProfile: no profile is named "${file.defaultProfile}"`);
  }
  const auth = resolveAuth(file.auth, profiles, problems);
  const origins = file.cors?.origins ?? [];
  for (const origin of origins) {
    if (!checkOrigin(origin)) problems.push(`cors.origins: "${origin}" is not an origin like https://www.example.com (no path, no trailing slash)`);
  }
  const credentials = file.cors?.credentials ?? false;
  if (credentials && origins.includes('*')) problems.push('cors.credentials: cookies are allowed only with explicit origins, not "*"');
  if (file.s3.endpoint && !/^https?:\/\/[^/]+/.test(file.s3.endpoint)) problems.push('s3.endpoint: expected a URL like http://127.0.0.1:7480');
  const timeWindow = parseDuration(file.rateLimit?.timeWindow ?? DEFAULTS.rateLimitWindow);
  if (Number.isNaN(timeWindow) || timeWindow <= 0) problems.push('rateLimit.timeWindow: expected milliseconds or a duration like "1 minute"');
  const bodyLimit = parseSize(file.server?.bodyLimit ?? DEFAULTS.bodyLimit);
  if (Number.isNaN(bodyLimit) || bodyLimit < 1024) problems.push('server.bodyLimit: expected a size of at least 1KB, like "64KB"');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    s3: {
      bucket: file.s3.bucket,
      region: file.s3.region ?? DEFAULTS.region,
      ...(file.s3.endpoint && { endpoint: file.s3.endpoint.replace(/\/+$/, '') }),
      forcePathStyle: file.s3.forcePathStyle ?? false,
    },
    cors: { origins, credentials, maxAge: file.cors?.maxAge ?? DEFAULTS.corsMaxAge },
    auth,
    rateLimit: {
      enabled: file.rateLimit?.enabled ?? true,
      max: file.rateLimit?.max ?? DEFAULTS.rateLimitMax,
      timeWindow,
      ...(file.rateLimit?.redis && { redis: file.rateLimit.redis }),
      onStoreError: file.rateLimit?.onStoreError ?? 'closed',
    },
    server: {
      host: file.server?.host ?? DEFAULTS.host,
      port: file.server?.port ?? DEFAULTS.port,
      bodyLimit,
      trustProxy: file.server?.trustProxy ?? false,
      logLevel: file.server?.logLevel ?? 'info',
      shutdownTimeout: file.server?.shutdownTimeout ?? DEFAULTS.shutdownTimeout,
    },
    metrics: {
      enabled: file.metrics?.enabled ?? true,
      ...(file.metrics?.port !== undefined && { port: file.metrics.port }),
      host: file.metrics?.host ?? file.server?.host ?? DEFAULTS.host,
    },
    defaultProfile,
    profiles,
  };
}
