// Jest globalSetup: one shared redis-server (TEST_REDIS_URL) and one shared local Redis Cluster
// (TEST_REDIS_CLUSTER_NODES, three masters) for the whole run.
import type { RedisServerHandle } from './redis-server.js';
import type { RedisClusterHandle } from './redis-cluster.js';

// Jest loads globalSetup/globalTeardown through require() (transpiled to CommonJS), where
// moduleNameMapper does not apply and the NodeNext `./x.js` specifier cannot resolve to `x.ts`:
// so the helpers are required by their extensionless names. Keep these two files free of other imports.
const { startRedisServer } = require('./redis-server') as typeof import('./redis-server.js');
const { startRedisCluster } = require('./redis-cluster') as typeof import('./redis-cluster.js');

/** Where the handles wait for global-teardown.ts (globalSetup and globalTeardown share this realm). */
const REDIS_HANDLE = Symbol.for('test.redisServerHandle');
const CLUSTER_HANDLE = Symbol.for('test.redisClusterHandle');

export default async function globalSetup(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  // Externally provided servers (e.g. CI services) are used as they are.
  const [server, cluster] = await Promise.all([
    process.env.TEST_REDIS_URL ? undefined : startRedisServer(),
    process.env.TEST_REDIS_CLUSTER_NODES ? undefined : startRedisCluster(),
  ]);
  if (server) {
    store[REDIS_HANDLE] = server satisfies RedisServerHandle;
    process.env.TEST_REDIS_URL = server.url;
  }
  if (cluster) {
    store[CLUSTER_HANDLE] = cluster satisfies RedisClusterHandle;
    process.env.TEST_REDIS_CLUSTER_NODES = cluster.seeds;
  }
}
