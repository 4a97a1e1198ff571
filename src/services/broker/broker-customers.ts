// The broker's work on its customers (BRK-1, RD-3, SMS-2, ENR-4, RD-4): list, one customer, method, interval (one or
// all), devices, remembered browsers. Every call checks the right and the scope first; every change is audited
// with who (by), what (type), for whom (accountId), when (at) and from where (ip).
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { AppError } from '../../shared/errors.js';
import type { AccountStore, TwoFactorMethod } from '../../domain/account.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { CustomerDirectory, CustomerFilter, CustomerPage, CustomerQuery, CustomerRow } from '../../domain/customer-directory.js';
import type { DeviceService } from '../device-service.js';
import { validDays } from '../interval-service.js';
import type { RememberedBrowserService } from '../remembered-browsers.js';
import { type BrokerContext, requireRight } from './broker-access.js';

export interface BrokerCustomerDeps {
  accounts: AccountStore;
  directory: CustomerDirectory;
  devices: DeviceService;
  rememberedBrowsers: RememberedBrowserService;
  audit: AuditLog;
  clock: Clock;
  log?: Pick<Logger, 'warn'>;
}

export class BrokerCustomerService {
  constructor(private readonly deps: BrokerCustomerDeps) {}

  /** One page with counts (one store query). Needs the right `customers`. */
  async list(ctx: BrokerContext, query: Omit<CustomerQuery, 'scope'>): Promise<CustomerPage> {
    requireRight(ctx, 'customers');
    return this.deps.directory.query({ ...query, scope: ctx.scope });
  }

  /** Every customer matching the filter (mailing recipients, CSV). Needs `customers`. */
  async listAll(ctx: BrokerContext, filter: CustomerFilter): Promise<CustomerRow[]> {
    requireRight(ctx, 'customers');
    return this.deps.directory.listAll(ctx.scope, filter);
  }

  /** One customer in scope; a foreign and an unknown one both throw account.notFound (404). */
  async get(ctx: BrokerContext, customerId: string): Promise<CustomerRow> {
    requireRight(ctx, 'customers');
    const row = /^[A-Za-z0-9_.:-]{1,100}$/.test(customerId) ? await this.deps.directory.findInScope(ctx.scope, customerId) : null;
    if (!row) throw new AppError('account.notFound', 404);
    return row;
  }

  async byAccessNumber(ctx: BrokerContext, accessNumber: string): Promise<CustomerRow> {
    const account = /^[A-Za-z0-9_-]{1,64}$/.test(accessNumber) ? await this.deps.accounts.findByAccessNumber(accessNumber) : null;
    return this.get(ctx, account?.id ?? 'unknown');
  }

  /** SMS-2: app or SMS. Needs `settings`. */
  async setMethod(ctx: BrokerContext, customerId: string, method: string, ip: string): Promise<void> {
    requireRight(ctx, 'settings');
    if (method !== 'app' && method !== 'sms') throw new AppError('broker.methodInvalid', 400);
    const customer = await this.get(ctx, customerId);
    if (customer.method === method) return;
    const now = this.deps.clock.now();
    await this.deps.accounts.update(customer.id, { twoFactorMethod: method as TwoFactorMethod }, now);
    await this.deps.audit.append({ at: now, type: 'method.changed', accountId: customer.id, ip, details: { from: customer.method, to: method, by: ctx.actor.id } });
  }

  /** RD-3 for one customer. Needs `settings`. */
  async setInterval(ctx: BrokerContext, customerId: string, days: unknown, ip: string): Promise<void> {
    requireRight(ctx, 'settings');
    const value = validDays(days);
    const customer = await this.get(ctx, customerId);
    if (customer.intervalDays === value) return;
    const now = this.deps.clock.now();
    await this.deps.accounts.update(customer.id, { twoFactorIntervalDays: value }, now);
    await this.deps.audit.append({ at: now, type: 'interval.changed', accountId: customer.id, ip, details: { from: customer.intervalDays, to: value, by: ctx.actor.id, scope: 'customer' } });
  }

  /** How many customers an interval for all would change (for the confirmation). Needs `settings`. */
  async countIntervalChanges(ctx: BrokerContext, days: unknown): Promise<{ total: number; changing: number }> {
    requireRight(ctx, 'settings');
    const value = validDays(days);
    const all = await this.deps.directory.listAll(ctx.scope, {});
    return { total: all.length, changing: all.filter((c) => c.intervalDays !== value).length };
  }

  /** RD-3 "2FA Intervall ändern" for all customers in scope at once; returns how many changed. Needs `settings`. */
  async setIntervalForAll(ctx: BrokerContext, days: unknown, ip: string): Promise<number> {
    requireRight(ctx, 'settings');
    const value = validDays(days);
    const changing = (await this.deps.directory.listAll(ctx.scope, {})).filter((c) => c.intervalDays !== value);
    if (!changing.length) return 0;
    const now = this.deps.clock.now();
    const changed = await this.deps.accounts.setIntervalMany(changing.map((c) => c.id), value, now);
    for (const c of changing) {
      await this.deps.audit.append({ at: now, type: 'interval.changed', accountId: c.id, ip, details: { from: c.intervalDays, to: value, by: ctx.actor.id, scope: 'allCustomers' } });
    }
    return changed;
  }

  /** ENR-4: the customer's devices. Needs `devices`. */
  async devices(ctx: BrokerContext, customerId: string) {
    requireRight(ctx, 'devices');
    const customer = await this.get(ctx, customerId);
    return this.deps.devices.list(customer.id);
  }

  /** Removes one device (ends the remembered browsers too); audited by DeviceService. Needs `devices`. */
  async removeDevice(ctx: BrokerContext, customerId: string, deviceId: string, ip: string): Promise<void> {
    requireRight(ctx, 'devices');
    const customer = await this.get(ctx, customerId);
    await this.deps.devices.remove(customer.id, deviceId, { accountId: ctx.actor.id, ip });
  }

  /** How many browsers are remembered for the customer; null when the store cannot say (Redis down). Needs `settings`. */
  async rememberedCount(ctx: BrokerContext, customerId: string): Promise<number | null> {
    requireRight(ctx, 'settings');
    const customer = await this.get(ctx, customerId);
    try {
      return (await this.deps.rememberedBrowsers.list(customer.id, customer.intervalDays)).length;
    } catch (err) {
      this.deps.log?.warn({ err: (err as Error)?.message, accountId: customer.id }, 'remembered browsers not counted; the page says so');
      return null;
    }
  }

  /**
   * The customer's latest audited changes (newest first) with who made them: what (event type), when (ms), by whom
   * (name and access number, or null when not recorded), from which IP. Needs `customers`.
   */
  async history(ctx: BrokerContext, customerId: string, limit = 10): Promise<{ type: string; at: number; by: string | null; ip: string | null }[]> {
    const customer = await this.get(ctx, customerId);
    const events = await this.deps.audit.list({ accountId: customer.id, limit });
    const names = new Map<string, string>();
    for (const id of new Set(events.map((e) => e.details.by ?? e.details.requestedBy).filter((x): x is string => typeof x === 'string'))) {
      const a = await this.deps.accounts.findById(id);
      if (a) names.set(id, `${a.name} (${a.accessNumber})`);
    }
    return events.map((e) => {
      const by = (e.details.by ?? e.details.requestedBy) as string | undefined;
      return { type: e.type, at: e.at, by: by ? (names.get(by) ?? by) : null, ip: e.ip };
    });
  }

  /** RD-4: ends every remembered browser of the customer; returns how many. Needs `settings`. */
  async endRememberedBrowsers(ctx: BrokerContext, customerId: string, ip: string): Promise<number> {
    requireRight(ctx, 'settings');
    const customer = await this.get(ctx, customerId);
    const ended = await this.deps.rememberedBrowsers.endAll(customer.id);
    await this.deps.audit.append({ at: this.deps.clock.now(), type: 'browsers.ended', accountId: customer.id, ip, details: { count: ended, by: ctx.actor.id } });
    return ended;
  }
}
