// One contract for every KvStore and EventBus implementation: memory (manual clock) and Redis (real server).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis, type Cluster } from 'ioredis';
import { ManualClock } from '../../src/shared/clock.js';
import type { EventBus, KvStore } from '../../src/domain/kv-store.js';
import { MemoryEventBus } from '../../src/stores/memory/event-bus.js';
import { MemoryKvStore } from '../../src/stores/memory/kv-store.js';
import { RedisEventBus } from '../../src/stores/redis/event-bus.js';
import { RedisKvStore } from '../../src/stores/redis/kv-store.js';
import { createClusterSubscriberClient, createSubscriberClient, type RedisConnection } from '../../src/stores/redis/redis-client.js';
import { testRedis, testRedisCluster, testRedisClusterNodes, testRedisUrl } from '../helpers/redis.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface KvHarness {
  store: KvStore;
  /** Lets `ms` pass for the store: moves the manual clock, or really waits for Redis. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Short enough to wait for on a real Redis, long enough not to expire before the next command. */
const SHORT_TTL = 80;

function kvStoreContract(name: string, create: () => KvHarness) {
  describe(`KvStore contract: ${name}`, () => {
    let h: KvHarness;
    let store: KvStore;
    beforeEach(() => {
      h = create();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    it('gets null for a missing key and what was set otherwise', async () => {
      expect(await store.get('missing')).toBeNull();
      await store.set('k', 'v1');
      expect(await store.get('k')).toBe('v1');
      await store.set('k', 'v2');
      expect(await store.get('k')).toBe('v2');
    });

    it('reports the remaining lifetime, and null without expiry or key', async () => {
      expect(await store.ttl('missing')).toBeNull();
      await store.set('forever', 'v');
      expect(await store.ttl('forever')).toBeNull();
      await store.set('k', 'v', 60_000);
      const ttl = await store.ttl('k');
      expect(ttl).toBeGreaterThan(59_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('expires a key after its ttl', async () => {
      await store.set('k', 'v', SHORT_TTL);
      expect(await store.get('k')).toBe('v');
      await h.elapse(SHORT_TTL + 40);
      expect(await store.get('k')).toBeNull();
      expect(await store.ttl('k')).toBeNull();
    });

    it('set without ttl removes an earlier expiry', async () => {
      await store.set('k', 'v', 60_000);
      await store.set('k', 'w');
      expect(await store.ttl('k')).toBeNull();
      expect(await store.get('k')).toBe('w');
    });

    it('setIfAbsent stores only the first value, until it expires', async () => {
      expect(await store.setIfAbsent('k', 'first', SHORT_TTL)).toBe(true);
      expect(await store.setIfAbsent('k', 'second', SHORT_TTL)).toBe(false);
      expect(await store.get('k')).toBe('first');
      const ttl = await store.ttl('k');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(SHORT_TTL);
      await h.elapse(SHORT_TTL + 40);
      expect(await store.setIfAbsent('k', 'third', 60_000)).toBe(true);
      expect(await store.get('k')).toBe('third');
    });

    it('setIfAbsent is atomic: of many concurrent calls exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.setIfAbsent('lock', String(i), 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('deletes several keys at once, and tolerates missing ones and none', async () => {
      await store.set('a', '1');
      await store.set('b', '2');
      await store.set('c', '3');
      await store.del('a', 'b', 'missing');
      await store.del();
      expect(await store.get('a')).toBeNull();
      expect(await store.get('b')).toBeNull();
      expect(await store.get('c')).toBe('3');
    });

    it('incr counts from 1 and only the first increment sets the expiry', async () => {
      expect(await store.incr('n', 60_000)).toBe(1);
      const first = await store.ttl('n');
      expect(first).toBeGreaterThan(59_000);
      expect(first).toBeLessThanOrEqual(60_000);
      expect(await store.incr('n', 3_600_000)).toBe(2);
      expect(await store.incr('n', 3_600_000)).toBe(3);
      expect(await store.ttl('n')).toBeLessThanOrEqual(60_000);
      expect(await store.get('n')).toBe('3');
    });

    it('incr starts again at 1 once the counter expired', async () => {
      expect(await store.incr('n', SHORT_TTL)).toBe(1);
      expect(await store.incr('n', SHORT_TTL)).toBe(2);
      await h.elapse(SHORT_TTL + 40);
      expect(await store.incr('n', 60_000)).toBe(1);
    });

    it('incr is atomic under concurrency', async () => {
      const values = await Promise.all(Array.from({ length: 50 }, () => store.incr('n', 60_000)));
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await store.ttl('n')).toBeGreaterThan(0);
    });

    it('incrAndGet counts like incr and reads the other key in the same step; 50 at once get 1…50', async () => {
      expect(await store.incrAndGet('{t}:n', 60_000, '{t}:lock')).toEqual({ count: 1, value: null });
      await store.set('{t}:lock', '12345', 60_000);
      expect(await store.incrAndGet('{t}:n', 60_000, '{t}:lock')).toEqual({ count: 2, value: '12345' });
      expect(await store.ttl('{t}:n')).toBeGreaterThan(0);
      const steps = await Promise.all(Array.from({ length: 50 }, () => store.incrAndGet('{u}:n', 60_000, '{u}:lock')));
      expect(steps.map((s) => s.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('takeAndDecrBy takes a counter and lowers another by it plus n in one step, never below 0', async () => {
      expect(await store.takeAndDecrBy('{f}:fail', '{f}:try', 1)).toBe(0);
      expect(await store.get('{f}:try')).toBeNull();
      for (let i = 0; i < 5; i++) await store.incr('{f}:try', 60_000);
      await store.incr('{f}:fail', 60_000);
      await store.incr('{f}:fail', 60_000);
      expect(await store.takeAndDecrBy('{f}:fail', '{f}:try', 1)).toBe(2);
      expect(await store.get('{f}:fail')).toBeNull();
      expect(await store.get('{f}:try')).toBe('2');
      expect(await store.ttl('{f}:try')).toBeGreaterThan(0);
      expect(await store.takeAndDecrBy('{f}:fail', '{f}:try', 5)).toBe(0);
      expect(await store.get('{f}:try')).toBe('0');
      await store.incr('{g}:fail', 60_000);
      for (let i = 0; i < 30; i++) await store.incr('{g}:try', 60_000);
      const taken = await Promise.all(Array.from({ length: 30 }, () => store.takeAndDecrBy('{g}:fail', '{g}:try', 0)));
      expect(taken.filter((t) => t === 1)).toHaveLength(1);
      expect(await store.get('{g}:try')).toBe('29');
    });

    it('keeps a set of members', async () => {
      expect(await store.smembers('s')).toEqual([]);
      await store.sadd('s', 'a', 60_000);
      await store.sadd('s', 'b', 60_000);
      await store.sadd('s', 'a', 60_000);
      expect((await store.smembers('s')).sort()).toEqual(['a', 'b']);
      await store.srem('s', 'a');
      await store.srem('s', 'missing');
      await store.srem('missing', 'a');
      expect(await store.smembers('s')).toEqual(['b']);
    });

    it('sadd raises the expiry of the set but never lowers it', async () => {
      await store.sadd('s', 'a', 10_000);
      const first = await store.ttl('s');
      expect(first).toBeGreaterThan(9_000);
      expect(first).toBeLessThanOrEqual(10_000);
      await store.sadd('s', 'b', 60_000);
      expect(await store.ttl('s')).toBeGreaterThan(59_000);
      await store.sadd('s', 'c', 1_000);
      expect(await store.ttl('s')).toBeGreaterThan(59_000);
    });

    it('expires a set after its ttl', async () => {
      await store.sadd('s', 'a', SHORT_TTL);
      await h.elapse(SHORT_TTL + 40);
      expect(await store.smembers('s')).toEqual([]);
      expect(await store.ttl('s')).toBeNull();
    });

    it('decrBy lowers a counter, never below 0, keeps its expiry and creates nothing', async () => {
      expect(await store.decrBy('missing', 1)).toBe(0);
      expect(await store.get('missing')).toBeNull();
      await store.incr('n', 60_000);
      await store.incr('n', 60_000);
      await store.incr('n', 60_000);
      expect(await store.decrBy('n', 2)).toBe(1);
      expect(await store.decrBy('n', 5)).toBe(0);
      expect(await store.get('n')).toBe('0');
      expect(await store.ttl('n')).toBeGreaterThan(50_000);
      expect(await store.incr('n', 60_000)).toBe(1);
    });

    it('take returns the value once and deletes it; of many simultaneous takes exactly one gets it', async () => {
      expect(await store.take('missing')).toBeNull();
      await store.set('k', 'v', 60_000);
      const results = await Promise.all(Array.from({ length: 40 }, () => store.take('k')));
      expect(results.filter((r) => r === 'v')).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(39);
      expect(await store.get('k')).toBeNull();
    });

    it('setIfPresent replaces an existing key only, and never brings back a deleted one', async () => {
      expect(await store.setIfPresent('k', 'v', 60_000)).toBe(false);
      expect(await store.get('k')).toBeNull();
      await store.set('k', 'v1', 60_000);
      expect(await store.setIfPresent('k', 'v2', 30_000)).toBe(true);
      expect(await store.get('k')).toBe('v2');
      expect(await store.ttl('k')).toBeLessThanOrEqual(30_000);
      await store.del('k');
      expect(await store.setIfPresent('k', 'v3', 60_000)).toBe(false);
      expect(await store.get('k')).toBeNull();
    });

    it('compareAndSet replaces only the expected value (or a missing key), one winner under concurrency', async () => {
      expect(await store.compareAndSet('k', 'x', 'v', 60_000)).toBe(false);
      expect(await store.compareAndSet('k', null, 'v1', 60_000)).toBe(true);
      expect(await store.compareAndSet('k', null, 'v2', 60_000)).toBe(false);
      expect(await store.compareAndSet('k', 'v0', 'v2', 60_000)).toBe(false);
      expect(await store.get('k')).toBe('v1');
      const wins = await Promise.all(Array.from({ length: 40 }, (_, i) => store.compareAndSet('k', 'v1', `w${i}`, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.get('k')).toBe(`w${wins.indexOf(true)}`);
    });

    it('claimSlot gives at most max slots at once, also to simultaneous callers; released and ended slots free up', async () => {
      const now = 1_000_000;
      const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => store.claimSlot('slots', `m${i}`, { max: 3, now, ttlMs: 60_000 })));
      expect(claims.filter(Boolean)).toHaveLength(3);
      const holders = claims.flatMap((won, i) => (won ? [`m${i}`] : []));
      // A holder claiming again keeps its slot; nobody else gets one.
      expect(await store.claimSlot('slots', holders[0]!, { max: 3, now, ttlMs: 60_000 })).toBe(true);
      expect(await store.claimSlot('slots', 'other', { max: 3, now, ttlMs: 60_000 })).toBe(false);
      await store.releaseSlot('slots', holders[1]!);
      await store.releaseSlot('slots', 'not-a-holder');
      expect(await store.claimSlot('slots', 'other', { max: 3, now, ttlMs: 60_000 })).toBe(true);
      expect(await store.claimSlot('slots', 'late', { max: 3, now: now + 1000, ttlMs: 60_000 })).toBe(false);
      // By the caller's clock every slot has ended a minute later.
      expect(await store.claimSlot('slots', 'later', { max: 3, now: now + 61_000, ttlMs: 60_000 })).toBe(true);
      expect(await store.ttl('slots')).toBeGreaterThan(50_000);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

kvStoreContract('memory', () => {
  const clock = new ManualClock();
  return {
    store: new MemoryKvStore(clock),
    elapse: async (ms) => clock.advance(ms),
    close: async () => undefined,
  };
});

kvStoreContract('redis', () => {
  const client: Redis = testRedis();
  return {
    store: new RedisKvStore(client),
    elapse: sleep,
    close: async () => {
      await client.quit();
    },
  };
});

kvStoreContract('redis cluster (three masters)', () => {
  const client: Cluster = testRedisCluster();
  return {
    store: new RedisKvStore(client),
    elapse: sleep,
    close: async () => {
      await client.quit();
    },
  };
});

// ---------------------------------------------------------------------------------------------

interface BusHarness {
  /** Publishes; on Redis a different instance (own connections) than `receiver`. */
  sender: EventBus;
  receiver: EventBus;
  close(): Promise<void>;
}

/** Records messages; `until(n)` resolves once n have arrived. */
function recorder() {
  const messages: string[] = [];
  let waiting: { n: number; resolve: () => void } | undefined;
  return {
    messages,
    handler: (message: string) => {
      messages.push(message);
      if (waiting && messages.length >= waiting.n) waiting.resolve();
    },
    until(n: number, timeoutMs = 5000): Promise<void> {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${messages.length} of ${n} messages`)), timeoutMs);
        waiting = {
          n,
          resolve: () => {
            clearTimeout(timer);
            waiting = undefined;
            resolve();
          },
        };
      });
    },
  };
}

const channelName = () => `test-channel:${randomBytes(6).toString('hex')}`;

function eventBusContract(name: string, create: () => BusHarness) {
  describe(`EventBus contract: ${name}`, () => {
    let h: BusHarness;
    beforeEach(() => {
      h = create();
    });
    afterEach(async () => {
      await h.close();
    });

    it('delivers a message published right after subscribe resolved, in order', async () => {
      const channel = channelName();
      const r = recorder();
      await h.receiver.subscribe(channel, r.handler);
      await h.sender.publish(channel, 'one');
      await h.sender.publish(channel, 'two');
      await r.until(2);
      expect(r.messages).toEqual(['one', 'two']);
    });

    it('delivers to every handler of the channel and to no other channel', async () => {
      const channel = channelName();
      const other = channelName();
      const a = recorder();
      const b = recorder();
      const c = recorder();
      await h.receiver.subscribe(channel, a.handler);
      await h.receiver.subscribe(channel, b.handler);
      await h.receiver.subscribe(other, c.handler);
      await h.sender.publish(channel, 'm');
      await h.sender.publish(other, 'x');
      await Promise.all([a.until(1), b.until(1), c.until(1)]);
      expect(a.messages).toEqual(['m']);
      expect(b.messages).toEqual(['m']);
      expect(c.messages).toEqual(['x']);
    });

    it('stops delivering to an unsubscribed handler and keeps the others', async () => {
      const channel = channelName();
      const gone = recorder();
      const stays = recorder();
      const unsubscribe = await h.receiver.subscribe(channel, gone.handler);
      await h.receiver.subscribe(channel, stays.handler);
      await unsubscribe();
      await unsubscribe(); // idempotent
      await h.sender.publish(channel, 'after');
      await stays.until(1);
      expect(stays.messages).toEqual(['after']);
      expect(gone.messages).toEqual([]);
    });

    it('can subscribe to a channel again after its last handler left', async () => {
      const channel = channelName();
      const first = recorder();
      const unsubscribe = await h.receiver.subscribe(channel, first.handler);
      await unsubscribe();
      const second = recorder();
      await h.receiver.subscribe(channel, second.handler);
      await h.sender.publish(channel, 'again');
      await second.until(1);
      expect(second.messages).toEqual(['again']);
      expect(first.messages).toEqual([]);
    });

    it('survives thousands of concurrent subscriptions and unsubscriptions', async () => {
      const channels = Array.from({ length: 2000 }, channelName);
      const r = recorder();
      const unsubscribes = await Promise.all(channels.map((channel) => h.receiver.subscribe(channel, r.handler)));
      await Promise.all([channels[0], channels[999], channels[1999]].map((channel) => h.sender.publish(channel!, channel!)));
      await r.until(3);
      expect(r.messages.sort()).toEqual([channels[0], channels[999], channels[1999]].sort());
      await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
      // Everything left: a message on a formerly subscribed channel reaches nobody.
      const probe = recorder();
      const probeChannel = channelName();
      await h.receiver.subscribe(probeChannel, probe.handler);
      await h.sender.publish(channels[5]!, 'late');
      await h.sender.publish(probeChannel, 'probe');
      await probe.until(1);
      expect(r.messages).toHaveLength(3);
    });
  });
}

eventBusContract('memory', () => {
  const bus = new MemoryEventBus();
  return { sender: bus, receiver: bus, close: async () => undefined };
});

/** Two service instances, each with its own publishing and subscribing connection: one sends, the other hears. */
function twoInstances(publisher: () => RedisConnection, subscriber: () => RedisConnection) {
  const publishers = [publisher(), publisher()];
  const buses = publishers.map((p) => new RedisEventBus(p, subscriber()));
  return {
    sender: buses[0]!,
    receiver: buses[1]!,
    close: async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await Promise.all(publishers.map((p) => p.quit()));
    },
  };
}

eventBusContract('redis (two instances on one server)', () => twoInstances(testRedis, () => createSubscriberClient(testRedisUrl())));

eventBusContract('redis cluster (two instances on a three-master cluster)', () =>
  twoInstances(testRedisCluster, () => createClusterSubscriberClient(testRedisClusterNodes())),
);

describe('EventBus on a Redis Cluster', () => {
  it('a subscriber hears what is published on every master, whichever node it subscribed on', async () => {
    const nodes = testRedisClusterNodes();
    const publisher = testRedisCluster();
    const bus = new RedisEventBus(publisher, createClusterSubscriberClient(nodes));
    // One plain connection per master: each PUBLISH enters the cluster at a known node.
    const direct = nodes.map((node) => new Redis({ host: node.host, port: node.port, lazyConnect: false }));
    try {
      const channel = channelName();
      const r = recorder();
      await bus.subscribe(channel, r.handler);
      for (const [i, connection] of direct.entries()) await connection.publish(channel, `via-${i}`);
      await r.until(nodes.length);
      expect(r.messages.sort()).toEqual(nodes.map((_, i) => `via-${i}`).sort());
    } finally {
      await bus.close();
      await publisher.quit();
      await Promise.all(direct.map((connection) => connection.quit()));
    }
  });
});
