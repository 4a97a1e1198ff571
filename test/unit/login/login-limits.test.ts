// The login limits (ACC-2, ACC-5) as named rules: LoginService on the in-memory stores with the manual clock.
import { describe, expect, it } from '@jest/globals';
import { SECOND } from '../../../src/shared/clock.js';
import { IP, LOCK_MS, loginFixture, OTHER_IP, PASSWORD, WINDOW_MS, WRONG } from './login-fixture.js';

describe('per login id', () => {
  it('locks the id after maxFailures wrong passwords, for lockMs from the failure that locked it', async () => {
    const { login, clock } = await loginFixture({ perAccount: 3 });
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 1 });
    clock.advance(5 * SECOND);
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'locked', until: clock.now() + LOCK_MS });
  });

  it('refuses the right password while the id is locked, with the same answer as a wrong one', async () => {
    const { login } = await loginFixture({ perAccount: 2 });
    await login.authenticate('100001', WRONG, IP);
    const locked = await login.authenticate('100001', WRONG, IP);
    expect(locked.kind).toBe('locked');
    expect(await login.authenticate('100001', PASSWORD, IP)).toEqual(locked);
    expect(await login.authenticate('100001', WRONG, IP)).toEqual(locked);
  });

  it('treats the id as typed after trimming, and an email in any letter case as the same id', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    await login.authenticate('erika@example.org', WRONG, IP);
    expect(await login.authenticate('  Erika@Example.ORG ', WRONG, IP)).toEqual({ kind: 'invalid', left: 1 });
  });

  it('leaves other ids alone', async () => {
    const { login } = await loginFixture({ perAccount: 2 });
    await login.authenticate('999999', WRONG, IP);
    await login.authenticate('999999', WRONG, IP);
    expect(await login.authenticate('100001', PASSWORD, IP)).toMatchObject({ kind: 'ok', account: { id: 'acc-100001' } });
  });
});

describe('per account', () => {
  it('counts wrong passwords by access number and by email together, and locks the account for both ids', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 1 });
    // The email is a fresh login id (its own countdown), but its failure is the account's third.
    expect((await login.authenticate('erika@example.org', WRONG, IP)).kind).toBe('locked');
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('locked');
    expect((await login.authenticate('erika@example.org', PASSWORD, OTHER_IP)).kind).toBe('locked');
  });

  it('counts a wrong password for a shared email against every account with that email', async () => {
    const { login } = await loginFixture({ perAccount: 2 });
    await login.authenticate('team@example.org', WRONG, IP);
    expect((await login.authenticate('team@example.org', WRONG, IP)).kind).toBe('locked');
    expect((await login.authenticate('100002', PASSWORD, OTHER_IP)).kind).toBe('locked');
    expect((await login.authenticate('100003', 'Ein-anderes-Passwort-2026', OTHER_IP)).kind).toBe('locked');
    expect((await login.authenticate('100001', PASSWORD, OTHER_IP)).kind).toBe('ok');
  });
});

describe('per IP', () => {
  it('locks an IP after maxFailures for the IP across many ids; other IPs still sign in', async () => {
    const { login, clock } = await loginFixture({ perAccount: 5, perIp: 4 });
    for (const id of ['900001', '900002', '900003']) expect((await login.authenticate(id, WRONG, IP)).kind).toBe('invalid');
    expect(await login.authenticate('900004', WRONG, IP)).toEqual({ kind: 'locked', until: clock.now() + LOCK_MS });
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('locked');
    expect((await login.authenticate('100001', PASSWORD, OTHER_IP)).kind).toBe('ok');
  });

  it('does not forgive the IP its failures when someone there signs in', async () => {
    const { login } = await loginFixture({ perAccount: 5, perIp: 3 });
    await login.authenticate('900001', WRONG, IP);
    await login.authenticate('900002', WRONG, IP);
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('ok');
    expect((await login.authenticate('900003', WRONG, IP)).kind).toBe('locked');
  });
});

describe('lock length', () => {
  it('refuses until the lock ends and lets the right password in from then on', async () => {
    const { login, clock } = await loginFixture({ perAccount: 2 });
    await login.authenticate('100001', WRONG, IP);
    const locked = await login.authenticate('100001', WRONG, IP);
    expect(locked).toEqual({ kind: 'locked', until: clock.now() + LOCK_MS });
    clock.advance(LOCK_MS - 1);
    expect(await login.authenticate('100001', PASSWORD, IP)).toEqual(locked);
    clock.advance(1);
    expect(await login.authenticate('100001', PASSWORD, IP)).toMatchObject({ kind: 'ok', account: { id: 'acc-100001' } });
  });

  it('starts afresh after a lock: the full countdown again', async () => {
    const { login, clock } = await loginFixture({ perAccount: 3 });
    for (let i = 0; i < 3; i++) await login.authenticate('100001', WRONG, IP);
    clock.advance(LOCK_MS);
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
  });

  it('does not lengthen the lock with attempts made while locked', async () => {
    const { login, clock } = await loginFixture({ perAccount: 2 });
    await login.authenticate('100001', WRONG, IP);
    const locked = await login.authenticate('100001', WRONG, IP);
    clock.advance(LOCK_MS / 2);
    for (let i = 0; i < 5; i++) expect(await login.authenticate('100001', WRONG, IP)).toEqual(locked);
    clock.advance(LOCK_MS / 2);
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('ok');
  });
});

describe('window reset', () => {
  it('forgets failures of an earlier window', async () => {
    const { login, clock } = await loginFixture({ perAccount: 3 });
    await login.authenticate('100001', WRONG, IP);
    await login.authenticate('100001', WRONG, IP);
    clock.advance(WINDOW_MS);
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
  });

  it('counts failures within one window however far apart', async () => {
    const { login, clock } = await loginFixture({ perAccount: 3 });
    const windowStart = Math.floor(clock.now() / WINDOW_MS) * WINDOW_MS;
    clock.set(windowStart);
    await login.authenticate('100001', WRONG, IP);
    clock.set(windowStart + WINDOW_MS / 2);
    await login.authenticate('100001', WRONG, IP);
    clock.set(windowStart + WINDOW_MS - 1);
    expect((await login.authenticate('100001', WRONG, IP)).kind).toBe('locked');
  });
});

describe('success forgives finished failures', () => {
  it('restarts the countdown of the login id and the account after the right password', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    await login.authenticate('100001', WRONG, IP);
    await login.authenticate('100001', WRONG, IP);
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('ok');
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 1 });
  });

  it('forgives the account through the id that signed in, not the other id\'s own countdown', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    await login.authenticate('erika@example.org', WRONG, IP);
    await login.authenticate('erika@example.org', WRONG, IP);
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('ok');
    // The account forgot both failures; the email as a login id still has its own two.
    expect((await login.authenticate('erika@example.org', WRONG, IP)).kind).toBe('locked');
  });

  it('does not give back the slots of checks still running when the success finishes', async () => {
    const { login, limiter, perAccount, perIp, clock } = await loginFixture({ perAccount: 3 });
    // Two guesses for the account have taken their slots (their password checks are still running)...
    for (const ip of ['192.0.2.1', '192.0.2.2']) {
      expect((await limiter.begin([{ subject: `ip:${ip}`, policy: perIp }, { subject: 'acct:acc-100001', policy: perAccount }])).kind).toBe('allowed');
    }
    // ...when the right password arrives: it signs in, but the two running checks keep their slots.
    expect((await login.authenticate('100001', PASSWORD, IP)).kind).toBe('ok');
    expect(await login.authenticate('100001', WRONG, IP)).toEqual({ kind: 'invalid', left: 2 });
    // Three slots of three are taken (two running, one failure): the next check has to wait a lock length.
    expect(await login.authenticate('100001', PASSWORD, OTHER_IP)).toEqual({ kind: 'locked', until: clock.now() + LOCK_MS });
  });
});

describe('unknown ids lock the same way', () => {
  it('answers an unknown id, a known id and an account without password with the same countdown and lock', async () => {
    const answers = async (id: string) => {
      const { login } = await loginFixture({ perAccount: 3 });
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await login.authenticate(id, WRONG, IP));
      return seen;
    };
    const known = await answers('100001');
    expect(known.map((a) => a.kind)).toEqual(['invalid', 'invalid', 'locked', 'locked']);
    expect(await answers('999999')).toEqual(known);
    expect(await answers('nobody@example.org')).toEqual(known);
    expect(await answers('100004')).toEqual(known);
  });

  it('gives an account without a password no way in, not even with an empty-looking guess', async () => {
    const { login } = await loginFixture();
    expect(await login.authenticate('100004', '', IP)).toEqual({ kind: 'invalid', left: 2 });
  });
});

describe('`left` countdown before the last try', () => {
  it('counts down to 1 (the last try) and then locks, for any limit', async () => {
    for (const max of [1, 2, 5]) {
      const { login } = await loginFixture({ perAccount: max });
      const seen = [];
      for (let i = 0; i < max; i++) seen.push(await login.authenticate('100001', WRONG, IP));
      const countdown = Array.from({ length: max - 1 }, (_, i) => ({ kind: 'invalid', left: max - 1 - i }));
      expect(seen.slice(0, -1)).toEqual(countdown);
      expect(seen.at(-1)!.kind).toBe('locked');
    }
  });

  it('counts down per login id as typed, not per account (the account\'s count would reveal the email)', async () => {
    const { login } = await loginFixture({ perAccount: 4 });
    await login.authenticate('100001', WRONG, IP);
    await login.authenticate('100001', WRONG, IP);
    // The account has two failures, but erika@example.org as a fresh id says 3 left — like any unknown email.
    expect(await login.authenticate('erika@example.org', WRONG, IP)).toEqual({ kind: 'invalid', left: 3 });
    expect(await login.authenticate('someone@example.org', WRONG, IP)).toEqual({ kind: 'invalid', left: 3 });
  });
});

describe('ambiguous email only after a correct password (ACC-2)', () => {
  it('answers a wrong password for a shared email like any wrong password', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    const shared = await login.authenticate('team@example.org', WRONG, IP);
    const unknown = await login.authenticate('stranger@example.org', WRONG, IP);
    expect(shared).toEqual({ kind: 'invalid', left: 2 });
    expect(unknown).toEqual(shared);
  });

  it('says the email is shared once the password fits one of its accounts', async () => {
    const { login } = await loginFixture();
    expect(await login.authenticate('team@example.org', PASSWORD, IP)).toEqual({ kind: 'ambiguousEmail' });
    expect(await login.authenticate('team@example.org', 'Ein-anderes-Passwort-2026', IP)).toEqual({ kind: 'ambiguousEmail' });
  });

  it('neither counts the ambiguous answer as a failure nor forgives earlier ones', async () => {
    const { login } = await loginFixture({ perAccount: 3 });
    await login.authenticate('team@example.org', WRONG, IP);
    for (let i = 0; i < 5; i++) expect(await login.authenticate('team@example.org', PASSWORD, IP)).toEqual({ kind: 'ambiguousEmail' });
    expect(await login.authenticate('team@example.org', WRONG, IP)).toEqual({ kind: 'invalid', left: 1 });
  });

  it('signs in with the access number of an account that shares its email', async () => {
    const { login } = await loginFixture();
    expect(await login.authenticate('100002', PASSWORD, IP)).toMatchObject({ kind: 'ok', account: { id: 'acc-100002', email: 'team@example.org' } });
  });

  it('says nothing about the shared email while it is locked, even with the right password', async () => {
    const { login } = await loginFixture({ perAccount: 2 });
    await login.authenticate('team@example.org', WRONG, IP);
    await login.authenticate('team@example.org', WRONG, IP);
    expect((await login.authenticate('team@example.org', PASSWORD, IP)).kind).toBe('locked');
  });
});
