// The mailing job contract against memory, the real Redis, the test Redis Cluster and (with MONGODB_URI) MongoDB: each recipient is claimed once even by 30 simultaneous
// runners; a crash leaves claimed → pending (nothing was sent) and sending → unknown (never sent again by itself).
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Cluster, Redis } from 'ioredis';
import { ManualClock } from '../../src/shared/clock.js';
import type { Mailing, MailingStore } from '../../src/domain/mailing.js';
import { MemoryMailingStore } from '../../src/stores/memory/mailings.js';
import { RedisMailingStore } from '../../src/stores/redis/mailings.js';
import { testRedis, testRedisCluster } from '../helpers/redis.js';
import { MongoMailingStore, mailingModels } from '../../src/stores/mongo/mailings.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';

const mailing = (id: string, brokerId = 'b1', createdAt = 1): Mailing => ({ id, brokerId, templateId: 't', subject: 'S', text: 'T', filter: { mobile: 'yes' }, brokerName: 'Makler', guideLink: 'https://example.de/guide', createdBy: brokerId, createdAt });
const recipients = (n: number, withoutEmail: number[] = []) =>
  Array.from({ length: n }, (_, i) => ({ accountId: `a${i}`, accessNumber: `${2000 + i}`, name: `Kunde ${i}`, email: withoutEmail.includes(i) ? null : `k${i}@example.de` }));

function mailingStoreContract(name: string, create: () => Promise<{ store: MailingStore; close(): Promise<void> }>) {
  describe(name, () => {
    let store: MailingStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await create());
    });
    afterEach(async () => close());

    it('keeps the mailing, its recipients in order and the counts; lists per broker, newest first', async () => {
      await store.create(mailing('m1', 'b1', 10), recipients(3, [1]));
      await store.create(mailing('m2', 'b1', 20), recipients(1));
      await store.create(mailing('m3', 'b2', 30), recipients(1));
      await expect(store.create(mailing('m1'), recipients(1))).rejects.toThrow();
      expect(await store.get('m1')).toEqual(mailing('m1', 'b1', 10));
      expect((await store.listByBroker('b1')).map((m) => m.id)).toEqual(['m2', 'm1']);
      const list = await store.recipients('m1');
      expect(list.map((r) => [r.accountId, r.state])).toEqual([['a0', 'pending'], ['a1', 'unreachable'], ['a2', 'pending']]);
      expect(await store.counts('m1')).toMatchObject({ pending: 2, unreachable: 1, sent: 0 });
      expect((await store.active()).sort()).toEqual(['m1', 'm2', 'm3']);
    });

    it('claims each recipient exactly once under 30 simultaneous claims', async () => {
      await store.create(mailing('m1'), recipients(20));
      const claimed = await Promise.all(Array.from({ length: 30 }, () => store.claimNext('m1')));
      const ids = claimed.filter((r) => r !== null).map((r) => r!.accountId);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      expect(await store.counts('m1')).toMatchObject({ pending: 0, claimed: 20 });
    });

    it('moves states only from the expected one; the mailing is no longer active when nothing is open', async () => {
      await store.create(mailing('m1'), recipients(2));
      const r = (await store.claimNext('m1'))!;
      expect(await store.transition('m1', r.accountId, 'pending', 'sending')).toBe(false);
      expect(await store.transition('m1', r.accountId, 'claimed', 'sending')).toBe(true);
      const simultaneous = await Promise.all(Array.from({ length: 30 }, () => store.transition('m1', r.accountId, 'sending', 'sent', { messageId: '<x@y>', at: 5 })));
      expect(simultaneous.filter(Boolean)).toHaveLength(1);
      const r2 = (await store.claimNext('m1'))!;
      expect(await store.transition('m1', r2.accountId, 'claimed', 'failed', { error: 'smtp 550', at: 6 })).toBe(true);
      expect(await store.active()).toEqual([]);
      const list = await store.recipients('m1');
      expect(list[0]).toMatchObject({ state: 'sent', messageId: '<x@y>', at: 5 });
      expect(list[1]).toMatchObject({ state: 'failed', error: 'smtp 550' });
      expect(await store.counts('m1')).toMatchObject({ sent: 1, failed: 1, claimed: 0, sending: 0 });
    });

    it('recovers after a crash: claimed back to pending, sending to unknown; unknown only by explicit retry', async () => {
      await store.create(mailing('m1'), recipients(3));
      const a = (await store.claimNext('m1'))!;
      const b = (await store.claimNext('m1'))!;
      await store.transition('m1', b.accountId, 'claimed', 'sending');
      expect(await store.recover('m1')).toEqual({ requeued: 1, unknown: 1 });
      expect(await store.counts('m1')).toMatchObject({ pending: 2, unknown: 1, claimed: 0, sending: 0 });
      const next = [(await store.claimNext('m1'))!.accountId, (await store.claimNext('m1'))!.accountId];
      expect(next.sort()).toEqual([a.accountId, 'a2'].sort());
      expect(await store.claimNext('m1')).toBeNull();
      expect(await store.retryUnknown('m1')).toBe(1);
      expect((await store.claimNext('m1'))!.accountId).toBe(b.accountId);
    });

    it('a mailing whose last open recipient ends while the broker retries the unknown ones stays active (the runner finds it)', async () => {
      const ids = Array.from({ length: 15 }, (_, i) => `m${i}`);
      await Promise.all(
        ids.map(async (id) => {
          await store.create(mailing(id), recipients(2));
          const a = (await store.claimNext(id))!;
          const b = (await store.claimNext(id))!;
          await store.transition(id, b.accountId, 'claimed', 'sending');
          await store.recover(id); // a pending, b unknown
          expect((await store.claimNext(id))!.accountId).toBe(a.accountId);
        }),
      );
      // Per mailing at once: the last open recipient is sent (nothing open) and the unknown one is put back (open again).
      await Promise.all(ids.flatMap((id) => [store.transition(id, 'a0', 'claimed', 'sent', { messageId: '<m@x>', at: 1 }), store.retryUnknown(id)]));
      expect((await store.active()).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(await store.counts(id)).toMatchObject({ pending: 1, sent: 1, unknown: 0, claimed: 0 });
    });

    it('leases a mailing to one runner at a time', async () => {
      await store.create(mailing('m1'), recipients(1));
      const got = await Promise.all(Array.from({ length: 30 }, (_, i) => store.lease('m1', `r${i}`, 60_000)));
      expect(got.filter(Boolean)).toHaveLength(1);
      const holder = `r${got.indexOf(true)}`;
      expect(await store.lease('m1', holder, 60_000)).toBe(true);
      await store.release('m1', 'someone-else');
      expect(await store.lease('m1', 'other', 60_000)).toBe(false);
      await store.release('m1', holder);
      expect(await store.lease('m1', 'other', 60_000)).toBe(true);
    });
  });
}

mailingStoreContract('MemoryMailingStore contract', async () => ({ store: new MemoryMailingStore(new ManualClock()), close: async () => {} }));

let redis: Redis;
mailingStoreContract('RedisMailingStore contract (real redis-server)', async () => {
  redis = testRedis();
  return { store: new RedisMailingStore(redis), close: async () => void (await redis.quit()) };
});

// On a Redis Cluster a script or MULTI over keys of two slots fails (CROSSSLOT): the suite proves a mailing's keys share one.
let cluster: Cluster;
mailingStoreContract('RedisMailingStore contract (Redis Cluster, three masters)', async () => {
  cluster = testRedisCluster();
  return { store: new RedisMailingStore(cluster), close: async () => void (await cluster.quit()) };
});

const mongoTarget = mongoContractTarget('mailing store');
if (mongoTarget.enabled) {
  const database = mongoTestDatabase(mongoTarget.uri, 'mailings');
  afterAll(() => database.dropAndClose());
  mailingStoreContract('MongoMailingStore contract', async () => {
    const conn = await database.connection();
    const m = mailingModels(conn);
    await Promise.all([m.mailings.deleteMany({}), m.recipients.deleteMany({})]);
    return { store: new MongoMailingStore(conn, new ManualClock()), close: async () => {} };
  });
} else {
  describe.skip('MongoMailingStore contract (skipped: MONGODB_URI not set)', () => {
    it('runs the mailing store contract against MongoDB', () => {});
  });
}
