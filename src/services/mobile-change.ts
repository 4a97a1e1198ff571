// Changing a mobile number (ACC-3): a customer's number only by their broker (or the broker's employees); brokers,
// employees and sub-brokers change their own. The new number counts as a new authenticator: a code goes to the
// NEW number, and only its confirmation stores it (E.164) and writes `mobile.changed` to the audit log.
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError } from '../shared/errors.js';
import type { Account, AccountStore } from '../domain/account.js';
import type { AuditLog } from '../domain/audit-log.js';
import type { KvStore } from '../domain/kv-store.js';
import { mobileChangeState, type MobileChangeLog, type MobileChangeState } from '../domain/mobile-change-log.js';
import type { Random } from '../shared/random.js';
import { maskMobile, normaliseMobile } from './mobile-number.js';
import type { PurposeCodeService } from './purpose-codes.js';
import { mayChangeMobile } from './broker/broker-hierarchy.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export interface MobileChangeDeps {
  accounts: AccountStore;
  codes: PurposeCodeService;
  audit: AuditLog;
  kv: KvStore;
  clock: Clock;
  /** Keeps each request and its confirmation, so brokers see pending / confirmed / expired (optional). */
  log?: MobileChangeLog;
  random?: Random;
  /** The hosted confirmation page for a link token; with it, the SMS carries the link (optional). */
  confirmUrl?: (token: string) => string;
  /** How long a requested number waits for its owner (new codes can be sent meanwhile); default: the code's lifetime. */
  pendingTtlMs?: number;
}

interface PendingChange {
  newMobile: string;
  actorId: string;
  requestedAt: number;
  recordId?: string;
  linkToken?: string;
}

/** What the owner of the account is asked to confirm. */
export interface PendingMobile {
  mobileMasked: string;
  expiresAt: number;
  linkToken: string | null;
}

export class MobileChangeService {
  constructor(private readonly deps: MobileChangeDeps) {}

  private key = REDIS_KEYS.mobileChanges.pending;
  private linkKey = REDIS_KEYS.mobileChanges.link;

  /** The change waiting for the account owner's code, or null (none, expired or already confirmed). */
  async pendingFor(accountId: string): Promise<PendingMobile | null> {
    const raw = await this.deps.kv.get(this.key(accountId));
    if (!raw) return null;
    const pending = JSON.parse(raw) as PendingChange;
    const ttl = await this.deps.kv.ttl(this.key(accountId));
    return { mobileMasked: maskMobile(pending.newMobile), expiresAt: this.deps.clock.now() + (ttl ?? 0), linkToken: pending.linkToken ?? null };
  }

  /**
   * Sends a new code to the pending number (cool-down and caps as for every code); mobile.noPendingChange when none.
   * Throws sms.notSent / sms.deliveryUnknown (503, param retryAt) as PurposeCodeService.send does: nothing is claimed sent.
   */
  async resendCode(accountId: string, ip: string): Promise<{ mobileMasked: string; expiresAt: number }> {
    const raw = await this.deps.kv.get(this.key(accountId));
    if (!raw) throw new AppError('mobile.noPendingChange', 410);
    const pending = JSON.parse(raw) as PendingChange;
    const link = pending.linkToken && this.deps.confirmUrl ? this.deps.confirmUrl(pending.linkToken) : undefined;
    const sent = await this.deps.codes.send({ purpose: 'mobile_change', flowId: accountId, subject: accountId, accountId, to: pending.newMobile, ip, data: pending.newMobile, ...(link ? { link } : {}) });
    return { mobileMasked: maskMobile(pending.newMobile), expiresAt: sent.expiresAt };
  }

  /** The account a confirmation link belongs to while its change is pending, else null. */
  async accountForLink(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
    return this.deps.kv.get(this.linkKey(token));
  }

  /** The latest request's state for the broker (pending / confirmed / expired) with the new number masked, or null. */
  async stateFor(accountId: string): Promise<{ state: MobileChangeState; mobileMasked: string; requestedAt: number; expiresAt: number } | null> {
    const record = await this.deps.log?.latest(accountId);
    if (!record) return null;
    return { state: mobileChangeState(record, this.deps.clock.now()), mobileMasked: maskMobile(record.newMobile), requestedAt: record.requestedAt, expiresAt: record.expiresAt };
  }

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
    const linkToken = this.deps.random && this.deps.confirmUrl ? this.deps.random.token(24) : undefined;
    const link = linkToken ? this.deps.confirmUrl!(linkToken) : undefined;
    let expiresAt: number;
    let delivery: 'sent' | 'unknown' = 'sent';
    try {
      // The number travels with the code (one record): a confirmation stores exactly the number its code went to.
      ({ expiresAt } = await this.deps.codes.send({ purpose: 'mobile_change', flowId: target.id, subject: target.id, accountId: target.id, to: e164, ip, data: e164, ...(link ? { link } : {}) }));
    } catch (err) {
      // No answer from the provider: the SMS may still arrive, and its code must then work; anything else went nowhere.
      if (!isAppError(err) || err.code !== 'sms.deliveryUnknown') throw err;
      delivery = 'unknown';
      expiresAt = now + this.deps.codes.settingsFor('mobile_change').codeTtlMs;
    }
    const recordId = this.deps.log && this.deps.random ? `mc_${this.deps.random.token(12)}` : undefined;
    const pending: PendingChange = { newMobile: e164, actorId: actor.id, requestedAt: now, ...(recordId ? { recordId } : {}), ...(linkToken ? { linkToken } : {}) };
    const ttl = this.deps.pendingTtlMs ?? Math.max(1, expiresAt - now);
    await this.deps.kv.set(this.key(target.id), JSON.stringify(pending), ttl);
    if (linkToken) await this.deps.kv.set(this.linkKey(linkToken), target.id, ttl);
    if (recordId) await this.deps.log!.add({ id: recordId, accountId: target.id, newMobile: e164, requestedBy: actor.id, requestedAt: now, expiresAt: now + ttl, confirmedAt: null });
    await this.deps.audit.append({ type: 'mobile.changeRequested', at: now, accountId: target.id, ip, details: { new: maskMobile(e164), by: actor.id, delivery } });
    return { mobileMasked: maskMobile(e164), expiresAt, delivery };
  }

  /**
   * Accepts the code sent to the new number once, stores the number and audits the change (old and new masked).
   * The code is the owner's (ACC-3): with an `actor`, only the account itself confirms; a broker or employee
   * confirming a customer's number gets 403 mobile.ownerConfirms (the customer uses the SMS link or the next login).
   */
  async confirmMobileChange(accountId: string, code: string, opts: { actor?: Account; ip?: string } = {}): Promise<Account> {
    if (opts.actor) {
      await this.authorised(opts.actor, accountId);
      if (opts.actor.id !== accountId) throw new AppError('mobile.ownerConfirms', 403);
    }
    const raw = await this.deps.kv.get(this.key(accountId));
    if (!raw) throw new AppError('mobile.noPendingChange', 410);
    const verified = await this.deps.codes.verify({ purpose: 'mobile_change', flowId: accountId, subject: accountId, code });
    if (!verified.data) throw new AppError('mobile.noPendingChange', 410);
    // Who asked for it is looked up after the code (taken once); the number itself comes from the code's own record.
    const pending: PendingChange = { ...(JSON.parse((await this.deps.kv.take(this.key(accountId))) ?? raw) as PendingChange), newMobile: verified.data };
    if (pending.linkToken) await this.deps.kv.del(this.linkKey(pending.linkToken));
    if (pending.recordId) await this.deps.log?.confirm(pending.recordId, this.deps.clock.now());

    const before = await this.deps.accounts.findById(accountId);
    const now = this.deps.clock.now();
    // The code went to the new number: it is confirmed (phone_number_verified).
    const updated = await this.deps.accounts.update(accountId, { mobile: pending.newMobile, mobileVerified: pending.newMobile }, now);
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
