// The recording SMS sink: every message kept with its metadata, newest first, once per idempotency key.
import { describe, expect, it } from '@jest/globals';
import { MemorySmsSink } from '../../src/channels/memory-sms-sink.js';
import { ManualClock, SECOND } from '../../src/shared/clock.js';
import type { Random } from '../../src/shared/random.js';

function counterRandom(): Random {
  let n = 0;
  return { token: () => `t${++n}`, digits: (length) => '0'.repeat(length), int: (min) => min };
}

describe('MemorySmsSink', () => {
  it('records each message with id, recipient, text, purpose, key and time', async () => {
    const clock = new ManualClock();
    const sink = new MemorySmsSink(clock, counterRandom());
    const result = await sink.send({ to: '+4915112345678', text: 'Ihr Code: 123456', purpose: 'login', idempotencyKey: 'k1' });
    expect(result).toEqual({ messageId: 'sms_t1' });
    expect(sink.list()).toEqual([
      { id: 'sms_t1', to: '+4915112345678', text: 'Ihr Code: 123456', purpose: 'login', idempotencyKey: 'k1', at: clock.now() },
    ]);
  });

  it('lists newest first and finds the last message to a number', async () => {
    const clock = new ManualClock();
    const sink = new MemorySmsSink(clock, counterRandom());
    await sink.send({ to: '+491701', text: 'one', purpose: 'activation', idempotencyKey: 'a' });
    clock.advance(SECOND);
    await sink.send({ to: '+491702', text: 'two', purpose: 'login', idempotencyKey: 'b' });
    clock.advance(SECOND);
    await sink.send({ to: '+491701', text: 'three', purpose: 'password', idempotencyKey: 'c' });
    expect(sink.list().map((m) => m.text)).toEqual(['three', 'two', 'one']);
    expect(sink.lastTo('+491701')?.text).toBe('three');
    expect(sink.lastTo('+491702')?.text).toBe('two');
    expect(sink.lastTo('+491709')).toBeUndefined();
  });

  it('the same idempotency key returns the first result and records nothing new', async () => {
    const sink = new MemorySmsSink(new ManualClock(), counterRandom());
    const first = await sink.send({ to: '+491701', text: 'Code 111111', purpose: 'login', idempotencyKey: 'same' });
    const again = await sink.send({ to: '+491701', text: 'Code 222222', purpose: 'login', idempotencyKey: 'same' });
    expect(again).toEqual(first);
    expect(sink.list()).toHaveLength(1);
    expect(sink.list()[0]?.text).toBe('Code 111111');
  });

  it('the list is a copy and clear() forgets messages and keys', async () => {
    const sink = new MemorySmsSink(new ManualClock(), counterRandom());
    await sink.send({ to: '+491701', text: 'x', purpose: 'mobile_change', idempotencyKey: 'k' });
    sink.list().length = 0;
    expect(sink.list()).toHaveLength(1);
    sink.clear();
    expect(sink.list()).toEqual([]);
    expect(sink.lastTo('+491701')).toBeUndefined();
    const result = await sink.send({ to: '+491701', text: 'y', purpose: 'mobile_change', idempotencyKey: 'k' });
    expect(result.messageId).toBe('sms_t2');
    expect(sink.list()).toHaveLength(1);
  });
});
