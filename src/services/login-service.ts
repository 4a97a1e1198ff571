// Checks a login id and password (ACC-2, ACC-5) with lockout per login id, per account and per IP.
import { createHash } from 'node:crypto';
import type { Account, AccountStore } from '../domain/account.js';
import type { FailureLimiter, FailureLimitPolicy } from './failure-limiter.js';
import type { PasswordHasher } from './password-hasher.js';

export type LoginResult =
  /**
   * The password is right. `settled`: the limiter's success step (finished failures forgiven, slots given back),
   * already sent to the store when this result is returned, so it travels with the caller's next reads; the caller
   * awaits it before answering (it rejects when the store fails: answer 503 as for any store failure).
   */
  | { kind: 'ok'; account: Account; settled: Promise<void> }
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

  /**
   * Checks the password against every account the id can mean. Each check first takes a slot per login id,
   * account and IP (FailureLimiter.begin): a burst can never get more checks past the limits than they allow,
   * and a success forgives only failures already finished, not guesses still in flight.
   * `whileVerifying(account)`: called once when the login id names exactly one account with a password, before the
   * limits are checked and the password verified, so the caller can start the reads it will need if the password is
   * right (they travel with the limiter's step; their answers must wait for this result).
   */
  async authenticate(loginId: string, password: string, ip: string, opts: { whileVerifying?(account: Account): void } = {}): Promise<LoginResult> {
    const { limiter, hasher, perAccount, perIp } = this.deps;
    const idSubject = `id:${digest(normaliseLoginId(loginId))}`;
    const ipSubject = `ip:${ip}`;
    const candidates = await this.candidates(loginId);
    const accountSubjects = candidates.map((a) => `acct:${a.id}`);

    if (candidates.length === 1 && candidates[0]!.passwordHash) opts.whileVerifying?.(candidates[0]!);
    const attempt = await limiter.begin([
      { subject: ipSubject, policy: perIp },
      { subject: idSubject, policy: perAccount },
      ...accountSubjects.map((subject) => ({ subject, policy: perAccount })),
    ]);
    if (attempt.kind === 'locked') {
      await hasher.verifyNothing(password);
      return { kind: 'locked', until: attempt.until };
    }

    const matches: Account[] = [];
    try {
      if (candidates.length === 0) await hasher.verifyNothing(password);
      for (const account of candidates) {
        const ok = account.passwordHash
          ? await hasher.verify(account.passwordHash, password)
          : await hasher.verifyNothing(password);
        if (ok) matches.push(account);
      }
    } catch (err) {
      // The check's own error is what the caller must hear; a store that also refuses the release is failing anyway,
      // and the slots it holds expire with the window.
      await limiter.release(attempt.ticket).catch(() => undefined);
      throw err;
    }

    if (matches.length === 0) {
      const { lockedUntil, left } = await limiter.fail(attempt.ticket);
      // Counted for the login id as typed only: the account's own count would tell whether an email belongs to it.
      return lockedUntil !== null ? { kind: 'locked', until: lockedUntil } : { kind: 'invalid', left: left.get(idSubject) };
    }
    if (candidates.length > 1) {
      await limiter.release(attempt.ticket);
      return { kind: 'ambiguousEmail' };
    }

    const account = matches[0]!;
    // Each subject's success step is one atomic store step either way; only the caller's wait for it moves.
    const settled = limiter.succeed(attempt.ticket, [idSubject, `acct:${account.id}`]);
    settled.catch(() => undefined); // the rejection is the caller's (awaited there); this only keeps it from being "unhandled"
    return { kind: 'ok', account, settled };
  }
}
