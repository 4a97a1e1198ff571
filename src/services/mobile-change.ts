// Changing a mobile number (ACC-3): a customer's number only by their broker (or the broker's employees); brokers,
// employees and sub-brokers change their own. The new number counts as a new authenticator: a code goes to the
// NEW number, and only its confirmation stores it (E.164) and writes `mobile.changed` to the audit log.
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { Account, AccountStore } from '../stores/account-store.js';
import type { AuditLog } from '../stores/audit-log.js';
import type { KvStore } from '../stores/kv-store.js';
import { maskMobile, normaliseMobile } from './mobile-number.js';
import type { PurposeCodeService } from './purpose-codes.js';

export interface MobileChangeDeps {
  accounts: AccountStore;
  codes: PurposeCodeService;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
}

interface PendingChange {
  newMobile: string;
  actorId: string;
  requestedAt: number;
}

/**
 * Whether `actor` may set the mobile number of `target`. A customer's: its broker (also through a sub-broker
 * of that broker, as in the broker API), that broker's employees, and the sub-broker the customer belongs to.
 * Anyone else's (broker, employee, sub-broker): only they themselves. Never a customer, not even their own.
 */
export async function mayChangeMobile(actor: Account, target: Account, accounts: AccountStore): Promise<boolean> {
  if (actor.role === 'customer') return false;
  if (target.role !== 'customer') return actor.id === target.id;
  if (!target.brokerId) return false;
  if (actor.role === 'subBroker') return actor.id === target.brokerId;
  const managed = actor.role === 'broker' ? actor.id : actor.brokerId;
  if (!managed) return false;
  if (target.brokerId === managed) return true;
  const owner = await accounts.findById(target.brokerId);
  return owner?.role === 'subBroker' && owner.brokerId === managed;
}

export class MobileChangeService {
  constructor(private readonly deps: MobileChangeDeps) {}

  private key = (accountId: string) => `mobilechange:${accountId}`;

  private async authorised(actor: Account, accountId: string): Promise<Account> {
    if (actor.role === 'customer') throw new AppError('mobile.brokerOnly', 403);
    const target = await this.deps.accounts.findById(accountId);
    // A foreign and an unknown account look the same.
    if (!target || !(await mayChangeMobile(actor, target, this.deps.accounts))) throw new AppError('account.notFound', 404);
    return target;
  }

  /** Checks the right and the number, then sends a code to the NEW number (caps and cool-down as for SMS codes). */
  async requestMobileChange(actor: Account, accountId: string, newMobile: string, ip = 'unknown'): Promise<{ mobileMasked: string; expiresAt: number; delivery: 'sent' | 'unknown' }> {
    const target = await this.authorised(actor, accountId);
    const e164 = normaliseMobile(newMobile);
    if (!e164) throw new AppError('mobile.invalid', 400);
    if (e164 === target.mobile) throw new AppError('mobile.unchanged', 400);
    const now = this.deps.clock.now();
    let expiresAt: number;
    let delivery: 'sent' | 'unknown' = 'sent';
    try {
      // The number travels with the code (one record): a confirmation stores exactly the number its code went to.
      ({ expiresAt } = await this.deps.codes.send({ purpose: 'mobile_change', flowId: target.id, subject: target.id, accountId: target.id, to: e164, ip, data: e164 }));
    } catch (err) {
      // No answer from the provider: the SMS may still arrive, and its code must then work; anything else went nowhere.
      if (!isAppError(err) || err.code !== 'sms.deliveryUnknown') throw err;
      delivery = 'unknown';
      expiresAt = now + this.deps.codes.settings.codeTtlMs;
    }
    const pending: PendingChange = { newMobile: e164, actorId: actor.id, requestedAt: now };
    await this.deps.kv.set(this.key(target.id), JSON.stringify(pending), Math.max(1, expiresAt - now));
    return { mobileMasked: maskMobile(e164), expiresAt, delivery };
  }

  /** Accepts the code sent to the new number once, stores the number and audits the change (old and new masked). */
  async confirmMobileChange(accountId: string, code: string, opts: { actor?: Account; ip?: string } = {}): Promise<Account> {
    if (opts.actor) await this.authorised(opts.actor, accountId);
    const raw = await this.deps.kv.get(this.key(accountId));
    if (!raw) throw new AppError('mobile.noPendingChange', 410);
    const verified = await this.deps.codes.verify({ purpose: 'mobile_change', flowId: accountId, subject: accountId, code });
    if (!verified.data) throw new AppError('mobile.noPendingChange', 410);
    // Who asked for it is looked up after the code; the number itself comes from the code's own record.
    const pending: PendingChange = { ...(JSON.parse((await this.deps.kv.take(this.key(accountId))) ?? raw) as PendingChange), newMobile: verified.data };

    const before = await this.deps.accounts.findById(accountId);
    const now = this.deps.clock.now();
    const updated = await this.deps.accounts.update(accountId, { mobile: pending.newMobile }, now);
    if (!before || !updated) throw new AppError('account.notFound', 404);
    await this.deps.audit.append({
      type: 'mobile.changed',
      at: now,
      accountId,
      ip: opts.ip ?? null,
      details: {
        old: before.mobile ? maskMobile(before.mobile) : null,
        new: maskMobile(pending.newMobile),
        requestedBy: pending.actorId,
        confirmedBy: opts.actor?.id ?? null,
      },
    });
    return updated;
  }
}
