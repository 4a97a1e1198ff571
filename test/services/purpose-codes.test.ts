// SMS codes: the resend cool-down belongs to one login and is taken atomically, also when the store has not yet
// expired a cool-down the injected clock says is over (compare-and-set), on a real Redis.
import { afterAll, describe, expect, it } from '@jest/globals';
import { PurposeCodeService } from '../../src/services/purpose-codes.js';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import { RedisKvStore } from '../../src/stores/redis/kv-store.js';
import { ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';
import { testRedis } from '../helpers/redis.js';

const redis = testRedis();
afterAll(async () => {
  await redis.quit();
});

describe('PurposeCodeService', () => {
  it('sends once when 30 requests for the same login arrive together; the others are told to wait; another login sends at once', async () => {
    const clock = new ManualClock();
    const sink = new MemorySmsSink(clock, cryptoRandom);
    const codes = new PurposeCodeService({ kv: new RedisKvStore(redis), sms: sink, clock, random: cryptoRandom, settings: { maxPerAccountPerHour: 100, maxPerAccountPerDay: 100, maxPerIpPerHour: 100, maxPerIpPerDay: 100 } });
    const send = (flowId: string) => codes.send({ purpose: 'login', flowId, subject: 'acc_1', accountId: 'acc_1', to: '+4915122222201', ip: '198.51.100.7' });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => send('uid-a')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; params: { retryAt: number } });
    expect(refused).toHaveLength(29);
    expect(refused.every((e) => e.code === 'sms.resendTooSoon' && e.params.retryAt === clock.now() + 30_000)).toBe(true);
    expect(sink.list()).toHaveLength(1);

    // A new login of the same account gets its first code at once.
    await expect(send('uid-b')).resolves.toMatchObject({ sentAt: clock.now() });
    expect(sink.list()).toHaveLength(2);

    // 31 s later by the injected clock (Redis still holds the cool-down): again exactly one of 30 goes out.
    clock.advance(31_000);
    const again = await Promise.allSettled(Array.from({ length: 30 }, () => send('uid-a')));
    expect(again.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(sink.list()).toHaveLength(3);
  });
});
