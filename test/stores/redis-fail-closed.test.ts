// With Redis gone, store calls reject quickly (callers fail closed) instead of hanging; the same clients recover by themselves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { RedisEventBus } from '../../src/stores/redis/event-bus.js';
import { RedisKvStore } from '../../src/stores/redis/kv-store.js';
import { createRedisClient, createSubscriberClient } from '../../src/stores/redis/redis-client.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ignore = () => undefined;

/** Settles with the outcome of `promise`, or 'still pending' after `ms` (a hang, for these tests). */
async function outcome(promise: Promise<unknown>, ms = 2000): Promise<'resolved' | 'rejected' | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  try {
    return await Promise.race([promise.then(() => 'resolved' as const, () => 'rejected' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `attempt` until it resolves, for at most `ms`. */
async function eventually<T>(attempt: () => Promise<T>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe('Redis stores fail closed and recover', () => {
  let server: RedisServerHandle;
  let client: Redis;
  let store: RedisKvStore;
  let publisher: Redis;
  let bus: RedisEventBus;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClient(server.url, { onError: ignore });
    store = new RedisKvStore(client);
    publisher = createRedisClient(server.url, { onError: ignore });
    bus = new RedisEventBus(publisher, createSubscriberClient(server.url, { onError: ignore }));
  });
  afterAll(async () => {
    await bus?.close();
    client?.disconnect();
    publisher?.disconnect();
    await server?.stop();
  });

  it('works right after construction (commands wait for the first connection)', async () => {
    await store.set('k', 'before', 60_000);
    expect(await store.get('k')).toBe('before');
  });

  it('rejects every call quickly while Redis is down, then recovers by itself', async () => {
    const received: string[] = [];
    await bus.subscribe('fail-closed', (message) => received.push(message));

    await server.kill();

    // Calls issued at once, before the client may even have noticed, and a little later.
    const immediate = [store.get('k'), store.set('k', 'v', 1000), store.incr('n', 1000), store.ping()];
    expect(await Promise.all(immediate.map((p) => outcome(p)))).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    await sleep(300);
    const later = [
      store.get('k'),
      store.setIfAbsent('lock', 'me', 1000),
      store.sadd('s', 'm', 1000),
      store.smembers('s'),
      store.ttl('k'),
      store.del('k'),
      store.ping(),
      bus.publish('fail-closed', 'lost'),
      bus.subscribe('other', ignore),
    ];
    expect(await Promise.all(later.map((p) => outcome(p)))).toEqual(later.map(() => 'rejected'));

    await server.restart();

    // The same client reconnects by itself (an empty server: no persistence).
    await eventually(() => store.ping());
    expect(await store.get('k')).toBeNull();
    await store.set('k', 'after', 60_000);
    expect(await store.get('k')).toBe('after');
    expect(await store.incr('n', 60_000)).toBe(1);

    // The subscription made before the crash is restored by itself.
    await eventually(async () => {
      await bus.publish('fail-closed', 'back');
      await sleep(50);
      if (!received.includes('back')) throw new Error('not yet resubscribed');
    });
    expect(received).not.toContain('lost');
  });

  it('a client created while Redis is down fails fast, then connects once it is up', async () => {
    await server.kill();
    const late = createRedisClient(server.url, { onError: ignore });
    try {
      const lateStore = new RedisKvStore(late);
      expect(await outcome(lateStore.get('k'))).toBe('rejected');
      await sleep(300);
      expect(await outcome(lateStore.ping())).toBe('rejected');
      await server.restart();
      await eventually(() => lateStore.ping());
      await lateStore.set('x', 'y');
      expect(await lateStore.get('x')).toBe('y');
    } finally {
      late.disconnect();
    }
  });
});
