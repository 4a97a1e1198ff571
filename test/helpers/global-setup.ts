// Jest globalSetup: one shared redis-server for the whole run, its URL in TEST_REDIS_URL.
import type { RedisServerHandle } from './redis-server.js';

// Jest loads globalSetup/globalTeardown through require() (transpiled to CommonJS), where
// moduleNameMapper does not apply and the NodeNext `./x.js` specifier cannot resolve to `x.ts`:
// so the helper is required by its extensionless name. Keep these two files free of other imports.
const { startRedisServer } = require('./redis-server') as typeof import('./redis-server.js');

/** Where the handle waits for global-teardown.ts (globalSetup and globalTeardown share this realm). */
const REDIS_HANDLE = Symbol.for('test.redisServerHandle');

export default async function globalSetup(): Promise<void> {
  // An externally provided Redis (e.g. a CI service) is used as it is.
  if (process.env.TEST_REDIS_URL) return;
  const handle: RedisServerHandle = await startRedisServer();
  (globalThis as Record<symbol, unknown>)[REDIS_HANDLE] = handle;
  process.env.TEST_REDIS_URL = handle.url;
}
