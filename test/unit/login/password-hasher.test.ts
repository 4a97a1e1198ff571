// Rule: at most `concurrency` argon2id computations run at once; the rest wait their turn and still get their answer.
import { describe, expect, it } from '@jest/globals';
import { argon2Hasher, type Argon2Functions } from '../../../src/services/password-hasher.js';

/** Fake argon2 computations that finish only when released, counting how many run at once. */
function watchedArgon2() {
  let running = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const run = <T>(value: T) =>
    new Promise<T>((resolve) => {
      running += 1;
      most = Math.max(most, running);
      waiting.push(() => {
        running -= 1;
        resolve(value);
      });
    });
  const fns: Argon2Functions = {
    hash: (password) => run(`hash-of-${password}`),
    verify: (stored, password) => run(stored === `hash-of-${password}`),
  };
  return {
    fns,
    most: () => most,
    running: () => running,
    /** Finishes the computations running now; returns how many. */
    releaseRunning: async () => {
      const now = waiting.splice(0, waiting.length);
      for (const done of now) done();
      await new Promise((resolve) => setImmediate(resolve));
      return now.length;
    },
  };
}

describe('argon2Hasher: at most `concurrency` computations at once', () => {
  it('twelve verifications with concurrency 2 run two at a time, and each gets its own answer', async () => {
    const argon2 = watchedArgon2();
    const hasher = argon2Hasher({ memoryCost: 19456, timeCost: 2, concurrency: 2 }, argon2.fns);
    const answers = Array.from({ length: 12 }, (_, i) => hasher.verify('hash-of-right', i % 3 === 0 ? 'right' : 'wrong'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(argon2.running()).toBe(2);
    let finished = 0;
    while (finished < 12) finished += await argon2.releaseRunning();
    expect(argon2.most()).toBe(2);
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 === 0));
  });

  it('hashing, verifying and the unknown-id decoy share the same limit', async () => {
    const argon2 = watchedArgon2();
    const hasher = argon2Hasher({ memoryCost: 19456, timeCost: 2, concurrency: 1 }, argon2.fns);
    const all = Promise.all([hasher.hash('a'), hasher.verify('hash-of-b', 'b'), hasher.verifyNothing('c'), hasher.hash('d')]);
    let finished = 0;
    while (finished < 5) finished += await argon2.releaseRunning(); // the decoy is one hash plus one verification
    expect(argon2.most()).toBe(1);
    expect(await all).toEqual(['hash-of-a', true, false, 'hash-of-d']);
  });

  it('the real argon2id: six verifications at once with concurrency 2 all answer right', async () => {
    const hasher = argon2Hasher({ memoryCost: 19456, timeCost: 2, concurrency: 2 });
    const stored = await hasher.hash('Richtiges-Passwort-1');
    const answers = await Promise.all(['Richtiges-Passwort-1', 'falsch', 'Richtiges-Passwort-1', 'falsch', 'Richtiges-Passwort-1', 'falsch'].map((p) => hasher.verify(stored, p)));
    expect(answers).toEqual([true, false, true, false, true, false]);
  });
});
