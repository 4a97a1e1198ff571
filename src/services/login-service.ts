// Checks a login id and password (ACC-2, ACC-5) with lockout per login id, per account and per IP.
import { createHash } from 'node:crypto';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { FailureLimiter, FailureLimitPolicy } from './failure-limiter.js';
import type { PasswordHasher } from './password-hasher.js';

export type LoginResult =
  | { kind: 'ok'; account: Account }
  /**
   * Wrong password, unknown id or no password set: indistinguishable on purpose. `left`: failures left before the
   * lock (counted per login id, so an unknown id counts down the same way).
   */
  | { kind: 'invalid'; left?: number }
  | { kind: 'locked'; until: number }
  /** A correct password for one of several accounts sharing this email: use the access number (ACC-2). */
  | { kind: 'ambiguousEmail' };

export interface LoginServiceDeps {
  accounts: AccountStore;
  hasher: PasswordHasher;
  limiter: FailureLimiter;
  perAccount: FailureLimitPolicy;
  perIp: FailureLimitPolicy;
}

export function normaliseLoginId(loginId: string): string {
  const trimmed = loginId.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed;
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

export class LoginService {
  constructor(private readonly deps: LoginServiceDeps) {}

  /** The accounts a login id can mean: one by access number, or every account with that email. */
  async candidates(loginId: string): Promise<Account[]> {
    const id = normaliseLoginId(loginId);
    if (!id) return [];
    const byNumber = await this.deps.accounts.findByAccessNumber(id);
    if (byNumber) return [byNumber];
    return id.includes('@') ? this.deps.accounts.findByEmail(id) : [];
  }

  async authenticate(loginId: string, password: string, ip: string): Promise<LoginResult> {
    const { limiter, hasher, perAccount, perIp } = this.deps;
    const idSubject = `id:${digest(normaliseLoginId(loginId))}`;
    const ipSubject = `ip:${ip}`;
    const candidates = await this.candidates(loginId);
    const accountSubjects = candidates.map((a) => `acct:${a.id}`);

    const lockedUntil = await limiter.lockedUntil(ipSubject, idSubject, ...accountSubjects);
    if (lockedUntil !== null) {
      await hasher.verifyNothing(password);
      return { kind: 'locked', until: lockedUntil };
    }

    const matches: Account[] = [];
    if (candidates.length === 0) await hasher.verifyNothing(password);
    for (const account of candidates) {
      const ok = account.passwordHash
        ? await hasher.verify(account.passwordHash, password)
        : await hasher.verifyNothing(password);
      if (ok) matches.push(account);
    }

    if (matches.length === 0) {
      const [byIp, ...byId] = await Promise.all([
        limiter.record(ipSubject, perIp),
        limiter.record(idSubject, perAccount),
        ...accountSubjects.map((s) => limiter.record(s, perAccount)),
      ]);
      const until = Math.max(0, byIp!.lockedUntil ?? 0, ...byId.map((r) => r.lockedUntil ?? 0));
      // Counted for the login id as typed only: the account's own count would tell whether an email belongs to it.
      return until > 0 ? { kind: 'locked', until } : { kind: 'invalid', left: byId[0]!.left };
    }
    if (candidates.length > 1) return { kind: 'ambiguousEmail' };

    const account = matches[0]!;
    await limiter.reset(perAccount, idSubject, `acct:${account.id}`);
    return { kind: 'ok', account };
  }
}
