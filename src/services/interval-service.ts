// The two-factor interval (RD-1, RD-3): an account's own, one customer's, or all customers' of a broker at once.
//
// Who may change a customer's interval: the customer's broker, and every employee of that broker. There is
// no finer rights model yet, so an employee has exactly the broker's rights here ("staff with the right" is
// every employee until such a model exists). A broker's customers are the customers whose brokerId is the
// broker, or a sub-broker of that broker. Sub-brokers and customers change only their own interval.
//
// Shortening takes effect for browsers already remembered without touching them: RememberedBrowserService
// checks every record against the account's current interval (from the record's creation).
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { AuditLog } from '../stores/audit-log.js';
import { customersInScope, managingBrokerId } from './broker/broker-hierarchy.js';

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

  /** The customers `caller` may manage: of its broker directly and of that broker's sub-brokers. 403 for anyone else. */
  async customersOf(caller: Account): Promise<Account[]> {
    const brokerId = managingBrokerId(caller);
    if (!brokerId) throw new AppError('api.forbidden', 403);
    const customers = await customersInScope(this.deps.accounts, { ownerId: brokerId, includeSubBrokers: true });
    return customers.sort((a, b) => a.accessNumber.localeCompare(b.accessNumber));
  }

  /** One of the caller's customers by id; a foreign and an unknown customer look the same (404). */
  async customer(caller: Account, customerId: string): Promise<Account> {
    const found = (await this.customersOf(caller)).find((c) => c.id === customerId);
    if (!found) throw new AppError('account.notFound', 404);
    return found;
  }

  /** The same by access number. */
  async customerByAccessNumber(caller: Account, accessNumber: string): Promise<Account> {
    const found = (await this.customersOf(caller)).find((c) => c.accessNumber === accessNumber);
    if (!found) throw new AppError('account.notFound', 404);
    return found;
  }

  async setCustomerInterval(caller: Account, customerId: string, days: number, source: ChangeSource = {}): Promise<Account> {
    const value = validDays(days);
    const customer = await this.customer(caller, customerId);
    return this.change(customer, value, caller.id, 'customer', source);
  }

  /** All customers of the caller's broker (incl. sub-brokers' customers); returns how many were changed. */
  async setAllCustomersInterval(caller: Account, days: number, source: ChangeSource = {}): Promise<number> {
    const value = validDays(days);
    const customers = (await this.customersOf(caller)).filter((c) => c.twoFactorIntervalDays !== value);
    if (customers.length === 0) return 0;
    const now = this.deps.clock.now();
    const changed = await this.deps.accounts.setIntervalMany(
      customers.map((c) => c.id),
      value,
      now,
    );
    for (const c of customers) await this.audit(c, value, caller.id, 'allCustomers', source, now);
    return changed;
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
