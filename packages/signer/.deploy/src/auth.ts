import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ResolvedAuth, TokenIdentity } from './config/resolve.js';
import { SignerError } from './errors.js';

/** Who is asking: the subject becomes `{user}` in key templates. `profiles` limits what it may use. */
export interface Identity {
  subject: string;
  profiles?: readonly string[];
}

/** The request parts an authenticator may read. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Resolves the caller's identity. Returns null when the caller presents no valid credential;
 * throws a SignerError for anything else worth a status of its own.
 */
export type Authenticate<R extends AuthRequest = AuthRequest> = (request: R) => Promise<Identity | null>;

export const ANONYMOUS: Identity = Object.freeze({ subject: 'anonymous' });

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The bearer token of a request, or undefined. */
export function bearerToken(request: AuthRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Static bearer tokens, compared in constant time against every configured token. */
export function tokenAuthenticator(tokens: readonly TokenIdentity[]): Authenticate {
  const known = tokens.map((entry) => ({ digest: digest(entry.token), identity: identityOf(entry) }));
  return async (request) => {
    const token = bearerToken(request);
    if (token === undefined) return null;
    const presented = digest(token);
    let found: Identity | null = null;
    for (const entry of known) {
      if (timingSafeEqual(presented, entry.digest)) found = entry.identity;
    }
    return found;
  };
}

function identityOf(entry: TokenIdentity): Identity {
  return entry.profiles ? { subject: entry.subject, profiles: entry.profiles } : { subject: entry.subject };
}

function profilesFromClaim(payload: JWTPayload, claim: string): readonly string[] | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** JWTs verified with `jose`: an HS secret, or a JWKS URL with asymmetric algorithms only. */
export function jwtAuthenticator(auth: Extract<ResolvedAuth, { mode: 'jwt' }>): Authenticate {
  const key: Uint8Array | JWTVerifyGetKey = auth.secret
    ? new TextEncoder().encode(auth.secret)
    : createRemoteJWKSet(new URL(auth.jwksUrl!), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  const algorithms = auth.secret ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  return async (request) => {
    const token = bearerToken(request);
    if (token === undefined) return null;
    try {
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        algorithms,
        clockTolerance: auth.clockTolerance,
        ...(auth.issuer && { issuer: auth.issuer }),
        ...(auth.audience && { audience: auth.audience }),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') return null;
      const profiles = profilesFromClaim(payload, auth.profilesClaim);
      return profiles ? { subject: payload.sub, profiles } : { subject: payload.sub };
    } catch (error) {
      if (isJwksUnavailable(error)) {
        throw new SignerError(503, 'not_ready', 'Credentials cannot be checked right now; try again shortly.', { 'retry-after': '5' });
      }
      return null;
    }
  };
}

/** The key set could not be fetched: a fault of ours or the issuer's, not of the caller. */
function isJwksUnavailable(error: unknown): boolean {
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof TypeError ||
    (error instanceof joseErrors.JOSEError && error.message.startsWith('Expected 200 OK'))
  );
}

/** The authenticator for a resolved auth config. */
export function createAuthenticator(auth: ResolvedAuth): Authenticate {
  switch (auth.mode) {
    case 'none':
      return async () => ANONYMOUS;
    case 'tokens':
      return tokenAuthenticator(auth.tokens);
    case 'jwt':
      return jwtAuthenticator(auth);
  }
}

/** True when the identity may use the profile. */
export function mayUseProfile(identity: Identity, profile: string): boolean {
  return identity.profiles === undefined || identity.profiles.includes(profile);
}
