// The two-factor interval (RD-1, RD-3): every account sets its own; the days are validated here for everyone.
// A broker's changes for customers (one or all, with the staff rights) are BrokerCustomerService's.
//
// Shortening takes effect for browsers already remembered without touching them: RememberedBrowserService
// checks every record against the account's current interval (from the record's creation).
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Account, AccountStore } from '../domain/account.js';
import type { AuditLog } from '../domain/audit-log.js';

export const MAX_INTERVAL_DAYS = 90;

export interface IntervalServiceDeps {
  accounts: AccountStore;
  audit: AuditLog;
  clock: Clock;
}

/** Who made a change, for the audit log. */
export interface ChangeSource {
  ip?: string | null;
}

/** Whole days 0..90, else AppError('interval.invalid', 400). Accepts numbers only (a JSON string is no number). */
export function validDays(days: unknown): number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_INTERVAL_DAYS) {
    throw new AppError('interval.invalid', 400);
  }
  return days;
}

export class IntervalService {
  constructor(private readonly deps: IntervalServiceDeps) {}

  /** RD-3: every account sets its own interval. */
  async setOwnInterval(accountId: string, days: number, source: ChangeSource = {}): Promise<Account> {
    const value = validDays(days);
    const account = await this.deps.accounts.findById(accountId);
    if (!account) throw new AppError('account.notFound', 404);
    return this.change(account, value, accountId, 'own', source);
  }

  private async change(account: Account, days: number, by: string, scope: string, source: ChangeSource): Promise<Account> {
    if (account.twoFactorIntervalDays === days) return account;
    const now = this.deps.clock.now();
    const updated = await this.deps.accounts.update(account.id, { twoFactorIntervalDays: days }, now);
    if (!updated) throw new AppError('account.notFound', 404);
    await this.audit(account, days, by, scope, source, now);
    return updated;
  }

  private async audit(account: Account, days: number, by: string, scope: string, source: ChangeSource, at: number): Promise<void> {
    await this.deps.audit.append({
      at,
      type: 'interval.changed',
      accountId: account.id,
      ip: source.ip ?? null,
      details: { from: account.twoFactorIntervalDays, to: days, by, scope },
    });
  }
}
