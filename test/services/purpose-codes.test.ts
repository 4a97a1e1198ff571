// SMS codes: two simultaneous sends for one account never both go out (atomic cool-down), on a real Redis.
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
  it('sends once when two requests for the same account arrive together; the other is told to wait', async () => {
    const clock = new ManualClock();
    const sink = new MemorySmsSink(clock, cryptoRandom);
    const codes = new PurposeCodeService({ kv: new RedisKvStore(redis), sms: sink, clock, random: cryptoRandom });
    const send = (flowId: string) => codes.send({ purpose: 'login', flowId, subject: 'acc_1', accountId: 'acc_1', to: '+4915122222201', ip: '198.51.100.7' });
    const results = await Promise.allSettled([send('uid-a'), send('uid-b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'sms.resendTooSoon', status: 429 });
    expect(sink.list()).toHaveLength(1);

    clock.advance(31_000);
    await expect(send('uid-a')).resolves.toMatchObject({ sentAt: clock.now() });
    expect(sink.list()).toHaveLength(2);
  });
});
