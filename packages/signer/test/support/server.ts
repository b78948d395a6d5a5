import type { Test } from 'tap';
import type { ResolvedConfig } from '../../src/config/resolve.js';
import { createSignerServer, type SignerServer, type SignerServerOptions } from '../../src/server.js';
import { TEST_CREDENTIALS } from './config.js';

/** A signer server for one test, closed when the test ends. */
export async function serverFor(t: Test, config: ResolvedConfig, options: SignerServerOptions = {}): Promise<SignerServer> {
  const server = await createSignerServer(config, { logger: false, credentials: TEST_CREDENTIALS, ...options });
  t.teardown(() => server.close());
  return server;
}
