// A client on the shared test Redis whose keys live under a random prefix, so test files never collide.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../src/stores/redis/redis-client.js';

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
