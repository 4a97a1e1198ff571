// FailureLimiter's own rules: a slot is taken before the check runs, so no burst passes more checks than allowed.
import { describe, expect, it } from '@jest/globals';
import { FailureLimiter } from '../../../src/services/failure-limiter.js';
import { ManualClock, MINUTE } from '../../../src/shared/clock.js';
import { MemoryKvStore } from '../../../src/stores/memory/kv-store.js';

const policy = { maxFailures: 3, windowMs: 15 * MINUTE, lockMs: 10 * MINUTE };
const alice = [{ subject: 'id:alice', policy }];

function limiter() {
  const clock = new ManualClock();
  return { clock, limiter: new FailureLimiter(new MemoryKvStore(clock), clock, 'limit') };
}

describe('slots before the check', () => {
  it('lets at most maxFailures of a simultaneous burst run; the rest wait a lock length and hold nothing', async () => {
    const { limiter: l, clock } = limiter();
    const burst = await Promise.all(Array.from({ length: 30 }, () => l.begin(alice)));
    expect(burst.filter((a) => a.kind === 'allowed')).toHaveLength(3);
    expect(burst.filter((a) => a.kind === 'locked')).toEqual(Array(27).fill({ kind: 'locked', until: clock.now() + policy.lockMs }));
    // The refused ones gave their slots back: once the three running checks end well, checks run again.
    for (const a of burst) if (a.kind === 'allowed') await l.succeed(a.ticket, ['id:alice']);
    expect((await l.begin(alice)).kind).toBe('allowed');
  });

  it('gives the slot back when the check could not run (release), without counting a failure', async () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 10; i++) {
      const a = await l.begin(alice);
      if (a.kind !== 'allowed') throw new Error('refused');
      await l.release(a.ticket);
    }
    const a = await l.begin(alice);
    if (a.kind !== 'allowed') throw new Error('refused');
    expect((await l.fail(a.ticket)).left.get('id:alice')).toBe(2);
  });

  it('refuses all subjects of an attempt when one of them is locked, and takes no slot from the others', async () => {
    const { limiter: l } = limiter();
    const bob = { subject: 'id:bob', policy };
    for (let i = 0; i < 3; i++) {
      const a = await l.begin([bob]);
      if (a.kind === 'allowed') await l.fail(a.ticket);
    }
    for (let i = 0; i < 5; i++) expect((await l.begin([...alice, bob])).kind).toBe('locked');
    const a = await l.begin(alice);
    if (a.kind !== 'allowed') throw new Error('refused');
    expect((await l.fail(a.ticket)).left.get('id:alice')).toBe(2);
  });
});

describe('fail', () => {
  it('reports the failures left per subject and the lock end of the failure that locks', async () => {
    const { limiter: l, clock } = limiter();
    const loose = { subject: 'ip:x', policy: { ...policy, maxFailures: 10 } };
    const lefts: (number | undefined)[] = [];
    let lockedUntil: number | null = null;
    for (let i = 0; i < 3; i++) {
      const a = await l.begin([...alice, loose]);
      if (a.kind !== 'allowed') throw new Error('refused');
      const result = await l.fail(a.ticket);
      lefts.push(result.left.get('id:alice'));
      lockedUntil = result.lockedUntil;
    }
    expect(lefts).toEqual([2, 1, 0]);
    expect(lockedUntil).toBe(clock.now() + policy.lockMs);
    expect(await l.begin([loose])).toMatchObject({ kind: 'allowed' });
  });
});

describe('succeed', () => {
  it('forgives only the subjects it names', async () => {
    const { limiter: l } = limiter();
    const ip = { subject: 'ip:x', policy };
    for (let i = 0; i < 2; i++) {
      const a = await l.begin([...alice, ip]);
      if (a.kind === 'allowed') await l.fail(a.ticket);
    }
    const ok = await l.begin([...alice, ip]);
    if (ok.kind !== 'allowed') throw new Error('refused');
    await l.succeed(ok.ticket, ['id:alice']);
    const next = await l.begin([...alice, ip]);
    if (next.kind !== 'allowed') throw new Error('refused');
    const { left, lockedUntil } = await l.fail(next.ticket);
    expect(left.get('id:alice')).toBe(2);
    expect(lockedUntil).not.toBeNull(); // the IP kept its two failures: this third one locks it
  });
});
