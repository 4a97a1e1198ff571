// Issue 9: a remembered browser ended (new password, removed device, "this wasn't me") while it is being used at the
// same moment is never brought back by that use — on the real Redis and on the memory store.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RedisConnection } from '../../src/stores/redis/redis-client.js';
import { ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { RememberedBrowserService } from '../../src/services/remembered-browsers.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';
import { RedisKvStore } from '../../src/stores/redis/kv-store.js';
import type { KvStore } from '../../src/domain/kv-store.js';
import { testRedis, testRedisCluster } from '../helpers/redis.js';

const N = 30;
let client: RedisConnection | undefined;
afterEach(async () => {
  await client?.quit();
  client = undefined;
});

const stores: [string, () => KvStore][] = [
  ['redis', () => new RedisKvStore((client = testRedis()))],
  ['redis cluster', () => new RedisKvStore((client = testRedisCluster()))],
  ['memory (its calls interleave like Redis round trips)', () => new MemoryKvStore(new ManualClock())],
];

describe.each(stores)('remembered browsers under simultaneous use (%s)', (_name, create) => {
  it(`${N} logins check the browser while every remembered browser of the account ends: it stays ended`, async () => {
    const service = new RememberedBrowserService({ kv: create(), clock: new ManualClock(), random: cryptoRandom });
    const token = await service.remember('acc_1', 7, 'Firefox');
    const ending = service.endAll('acc_1');
    const checks = await Promise.all(Array.from({ length: N }, () => service.check('acc_1', token, 7)));
    expect(await ending).toBe(1);
    // Whatever the checks answered while it ended, afterwards the browser is not remembered and not listed.
    expect(checks.every((c) => typeof c === 'boolean')).toBe(true);
    expect(await service.check('acc_1', token, 7)).toBe(false);
    expect(await service.list('acc_1', 7)).toEqual([]);
  });
});
