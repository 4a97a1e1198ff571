// A LoginService on the in-memory stores and the manual clock, with small limits, for the login-limit rule suites.
import { FailureLimiter, type FailureLimitPolicy } from '../../../src/services/failure-limiter.js';
import { LoginService } from '../../../src/services/login-service.js';
import { argon2Hasher } from '../../../src/services/password-hasher.js';
import { ManualClock, MINUTE } from '../../../src/shared/clock.js';
import type { Account } from '../../../src/domain/account.js';
import { MemoryAccountStore } from '../../../src/stores/memory/account-store.js';
import { MemoryKvStore } from '../../../src/stores/memory/kv-store.js';

/** argon2id at its cheapest: these suites test the limits, not the hash (test/services/password-hasher.test.ts does). */
export const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });

export const PASSWORD = 'Richtig-2026-Passwort';
export const WRONG = 'falsch-falsch-falsch';
export const IP = '203.0.113.7';
export const OTHER_IP = '198.51.100.20';

export const WINDOW_MS = 15 * MINUTE;
export const LOCK_MS = 10 * MINUTE;

export interface LoginFixture {
  clock: ManualClock;
  kv: MemoryKvStore;
  limiter: FailureLimiter;
  login: LoginService;
  perAccount: FailureLimitPolicy;
  perIp: FailureLimitPolicy;
}

/**
 * Accounts: 100001 (erika@example.org, unique email), 100002 and 100003 sharing team@example.org, all with PASSWORD
 * (100003 with another one), and 100004 without a password yet.
 */
export async function loginFixture(limits: { perAccount?: number; perIp?: number } = {}): Promise<LoginFixture> {
  const clock = new ManualClock();
  const kv = new MemoryKvStore(clock);
  const accounts = new MemoryAccountStore();
  const hash = await hasher.hash(PASSWORD);
  const other = await hasher.hash('Ein-anderes-Passwort-2026');
  const account = (id: string, email: string | null, passwordHash: string | null): Account => ({
    id,
    accessNumber: id.replace('acc-', ''),
    email,
    mobile: '+491511111101',
    name: `Konto ${id}`,
    role: 'customer',
    brokerId: null,
    passwordHash,
    twoFactorMethod: 'app',
    twoFactorIntervalDays: 0,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  await accounts.insertMany([
    account('acc-100001', 'erika@example.org', hash),
    account('acc-100002', 'team@example.org', hash),
    account('acc-100003', 'team@example.org', other),
    account('acc-100004', null, null),
  ]);
  const limiter = new FailureLimiter(kv, clock, 'limit');
  const perAccount = { maxFailures: limits.perAccount ?? 3, windowMs: WINDOW_MS, lockMs: LOCK_MS };
  const perIp = { maxFailures: limits.perIp ?? 50, windowMs: WINDOW_MS, lockMs: LOCK_MS };
  const login = new LoginService({ accounts, hasher, limiter, perAccount, perIp });
  return { clock, kv, limiter, login, perAccount, perIp };
}
