// On a Redis Cluster with a master (or every node) gone, store calls reject instead of hanging (callers fail closed),
// /readyz's cluster check says the slots are not covered, and the same clients recover by themselves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from 'ioredis';
import { RedisEventBus } from '../../src/stores/redis/event-bus.js';
import { RedisKvStore } from '../../src/stores/redis/kv-store.js';
import { checkClusterHealth } from '../../src/stores/redis/cluster-health.js';
import { createClusterSubscriberClient, createRedisClusterClient, type ClusterNode } from '../../src/stores/redis/redis-client.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ignore = () => undefined;

/** Settles with the outcome of `promise`, or 'still pending' after `ms` (a hang, for these tests). */
async function outcome(promise: Promise<unknown>, ms = 5000): Promise<'resolved' | 'rejected' | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  try {
    return await Promise.race([promise.then(() => 'resolved' as const, () => 'rejected' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `attempt` until it resolves, for at most `ms`. */
async function eventually<T>(attempt: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe('Redis Cluster stores fail closed and recover', () => {
  let cluster: RedisClusterHandle;
  let nodes: ClusterNode[];
  let client: Cluster;
  let store: RedisKvStore;
  let publisher: Cluster;
  let bus: RedisEventBus;
  /** A key whose slot lives on master 0 (the one stopped), and one on master 1. */
  let onVictim: string;
  let onSurvivor: string;

  /** A key (without the client's prefix: this client has none) whose slot master `index` serves. */
  async function keyOn(index: number): Promise<string> {
    const ranges = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
    const port = cluster.nodes[index]!.port;
    for (let i = 0; i < 10_000; i++) {
      const key = `probe:${i}`;
      const slot = (await client.cluster('KEYSLOT', key)) as number;
      if (ranges.some(([from, to, [, p]]) => slot >= from && slot <= to && p === port)) return key;
    }
    throw new Error(`no key found on master ${index}`);
  }

  beforeAll(async () => {
    cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
    nodes = cluster.seeds.split(',').map((s) => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) }));
    client = createRedisClusterClient(nodes, { onError: ignore });
    store = new RedisKvStore(client);
    publisher = createRedisClusterClient(nodes, { onError: ignore });
    bus = new RedisEventBus(publisher, createClusterSubscriberClient(nodes, { onError: ignore }));
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    client?.disconnect();
    publisher?.disconnect();
    await cluster?.stop();
  });

  it('works right after construction (commands wait for the first connection) and reports every slot covered', async () => {
    await store.set('k', 'before', 60_000);
    expect(await store.get('k')).toBe('before');
    expect(await checkClusterHealth(client)).toBe('all 16384 slots covered, 3 masters');
    onVictim = await keyOn(0);
    onSurvivor = await keyOn(1);
  });

  it('with one master stopped (no replica): its keys, then all keys, are refused; readiness fails; it recovers by itself', async () => {
    const received: string[] = [];
    await bus.subscribe('cluster-fail-closed', (message) => received.push(message));
    await store.set(onSurvivor, 'kept', 120_000);

    await cluster.killNode(0);

    // The stopped master's keys are refused (after the client's failover retries), never left hanging.
    expect(await outcome(store.get(onVictim))).toBe('rejected');
    expect(await outcome(store.incr(onVictim, 1000))).toBe('rejected');
    // Readiness says so from the start, also before the other nodes have noticed (and keeps saying it).
    for (let i = 0; i < 10; i++) {
      await expect(checkClusterHealth(client)).rejects.toMatchObject({ code: 'CLUSTER_NOT_READY' });
      await sleep(50);
    }

    // Once the cluster has failed the node, every node refuses every key (cluster-require-full-coverage).
    await eventually(async () => {
      if ((await cluster.clusterInfo(1)).cluster_state !== 'fail') throw new Error('cluster still ok');
    });
    const later = [store.get(onSurvivor), store.setIfAbsent(onSurvivor, 'x', 1000), store.get(onVictim), store.del(onVictim)];
    expect(await Promise.all(later.map((p) => outcome(p)))).toEqual(later.map(() => 'rejected'));
    const health = await checkClusterHealth(client).then(String, (e: { publicReason?: string }) => `failed: ${e.publicReason}`);
    expect(health).toMatch(/^failed: (\d+ of 16384 slots covered \(cluster_state fail\)|1 of 3 masters unreachable)$/);

    await cluster.restartNode(0);

    // The same clients find the cluster whole again by themselves (the restarted master is empty: no persistence).
    await eventually(() => checkClusterHealth(client));
    await eventually(() => store.get(onVictim));
    expect(await store.get(onSurvivor)).toBe('kept');
    expect(await store.incr(onVictim, 60_000)).toBe(1);
    await eventually(async () => {
      await bus.publish('cluster-fail-closed', 'back');
      await sleep(50);
      if (!received.includes('back')) throw new Error('message not received yet');
    });
  }, 90_000);

  it('with every node stopped, calls are rejected at once; a client created meanwhile connects once the cluster is back', async () => {
    await Promise.all(cluster.nodes.map((_, i) => cluster.killNode(i)));
    const late = createRedisClusterClient(nodes, { onError: ignore });
    try {
      const lateStore = new RedisKvStore(late);
      expect(await outcome(lateStore.get('k'))).toBe('rejected');
      await eventually(async () => {
        if (client.status === 'ready') throw new Error('client has not noticed yet');
      });
      const calls = [store.get('k'), store.set('k', 'v', 1000), store.ping(), bus.publish('cluster-fail-closed', 'lost'), bus.subscribe('other', ignore)];
      expect(await Promise.all(calls.map((p) => outcome(p, 2000)))).toEqual(calls.map(() => 'rejected'));
      await expect(checkClusterHealth(client)).rejects.toMatchObject({ code: 'CLUSTER_NOT_READY' });

      await Promise.all(cluster.nodes.map((_, i) => cluster.restartNode(i)));
      await eventually(() => store.ping());
      await eventually(() => lateStore.ping());
      await eventually(() => store.set('k', 'after', 60_000));
      expect(await lateStore.get('k')).toBe('after');
    } finally {
      late.disconnect();
    }
  }, 90_000);
});
