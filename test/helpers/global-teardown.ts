// Jest globalTeardown: stops the shared redis-server started by global-setup.ts.
import type { RedisServerHandle } from './redis-server.js';

/** Same symbol as in global-setup.ts (not imported: see the note there on how jest loads these files). */
const REDIS_HANDLE = Symbol.for('test.redisServerHandle');

export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  const handle = store[REDIS_HANDLE] as RedisServerHandle | undefined;
  if (!handle) return;
  delete store[REDIS_HANDLE];
  delete process.env.TEST_REDIS_URL;
  await handle.stop();
}
