// Clients on the shared test Redis and Redis Cluster whose keys live under a random prefix, so test files never collide.
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { createRedisClient, createRedisClusterClient, type ClusterNode } from '../../src/stores/redis/redis-client.js';

export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: test/helpers/global-setup.ts starts the test redis-server');
  return url;
}

/**
 * A fresh client (production settings) with a unique keyPrefix; the caller quits it.
 * The prefix is not applied to KEYS/SCAN patterns nor to pub/sub channels: use random channel names.
 */
export function testRedis(): Redis {
  return createRedisClient(testRedisUrl(), { keyPrefix: `test:${randomBytes(8).toString('hex')}:` });
}

/** The shared test Redis Cluster's seed nodes as REDIS_CLUSTER_NODES takes them (global-setup.ts starts it; three masters). */
export function testRedisClusterSeeds(): string {
  const seeds = process.env.TEST_REDIS_CLUSTER_NODES;
  if (!seeds) throw new Error('TEST_REDIS_CLUSTER_NODES is not set: test/helpers/global-setup.ts starts the test Redis Cluster');
  return seeds;
}

/** The shared test Redis Cluster's seed nodes. */
export function testRedisClusterNodes(): ClusterNode[] {
  return testRedisClusterSeeds().split(',').map((seed) => {
    const [host, port] = seed.split(':');
    return { host: host!, port: Number(port) };
  });
}

/** A fresh cluster client (production settings) with a unique keyPrefix; the caller quits it. */
export function testRedisCluster(): Cluster {
  return createRedisClusterClient(testRedisClusterNodes(), { keyPrefix: `test:${randomBytes(8).toString('hex')}:` });
}
