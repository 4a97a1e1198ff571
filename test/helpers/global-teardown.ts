// Jest globalTeardown: stops the shared redis-server and Redis Cluster started by global-setup.ts.
import type { RedisServerHandle } from './redis-server.js';
import type { RedisClusterHandle } from './redis-cluster.js';

/** Same symbols as in global-setup.ts (not imported: see the note there on how jest loads these files). */
const REDIS_HANDLE = Symbol.for('test.redisServerHandle');
const CLUSTER_HANDLE = Symbol.for('test.redisClusterHandle');

export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  const server = store[REDIS_HANDLE] as RedisServerHandle | undefined;
  const cluster = store[CLUSTER_HANDLE] as RedisClusterHandle | undefined;
  delete store[REDIS_HANDLE];
  delete store[CLUSTER_HANDLE];
  if (server) delete process.env.TEST_REDIS_URL;
  if (cluster) delete process.env.TEST_REDIS_CLUSTER_NODES;
  await Promise.all([server?.stop(), cluster?.stop()]);
}
