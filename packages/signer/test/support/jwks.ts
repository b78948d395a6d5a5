import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface LocalJwks {
  url: string;
  privateKey: CryptoKey;
  kid: string;
  /** Signs a token with the served key (RS256). */
  sign(payload: JWTPayload, options?: { kid?: string; expiresIn?: string | number; notBefore?: string | number }): Promise<string>;
  publicJwk: JWK;
  close(): Promise<void>;
}

/** A JWKS endpoint on loopback, as an identity provider would serve it. */
export async function startJwks(): Promise<LocalJwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer((request, response) => {
    if (request.url === '/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    privateKey,
    kid,
    publicJwk,
    sign: (payload, options = {}) => {
      const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid }).setIssuedAt();
      if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      return jwt.sign(privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
