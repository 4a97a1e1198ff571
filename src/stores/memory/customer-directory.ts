// In-memory CustomerDirectory over the memory account and device stores: one call per page, no per-customer reads.
import type { AccountStore } from '../../domain/account.js';
import {
  type CustomerDirectory,
  type CustomerFilter,
  type CustomerPage,
  type CustomerQuery,
  type CustomerRow,
  type CustomerScope,
  compareRows,
  matchesSearch,
  passesFilter,
} from '../customer-directory.js';
import type { DeviceStore } from '../../domain/device.js';

export class MemoryCustomerDirectory implements CustomerDirectory {
  constructor(private readonly stores: { accounts: AccountStore; devices: DeviceStore }) {}

  private async inScope(scope: CustomerScope): Promise<CustomerRow[]> {
    const direct = await this.stores.accounts.listByBroker(scope.ownerId);
    const customers = direct.filter((a) => a.role === 'customer');
    if (scope.includeSubBrokers) {
      for (const sub of direct.filter((a) => a.role === 'subBroker')) {
        customers.push(...(await this.stores.accounts.listByBroker(sub.id)).filter((a) => a.role === 'customer'));
      }
    }
    const enrolled = await this.stores.devices.accountsWithDevices(customers.map((c) => c.id));
    return customers.map((c) => ({
      id: c.id,
      accessNumber: c.accessNumber,
      name: c.name,
      email: c.email,
      mobile: c.mobile,
      method: c.twoFactorMethod,
      intervalDays: c.twoFactorIntervalDays,
      brokerId: c.brokerId!,
      enrolled: enrolled.has(c.id),
    }));
  }

  async query(q: CustomerQuery): Promise<CustomerPage> {
    const searched = (await this.inScope(q.scope)).filter((r) => matchesSearch(r, q.filter.search));
    const counts = {
      all: searched.length,
      mobileYes: searched.filter((r) => r.mobile).length,
      mobileNo: searched.filter((r) => !r.mobile).length,
      enrolledYes: searched.filter((r) => r.enrolled).length,
      enrolledNo: searched.filter((r) => !r.enrolled).length,
      methodApp: searched.filter((r) => r.method === 'app').length,
      methodSms: searched.filter((r) => r.method === 'sms').length,
    };
    const matched = searched.filter((r) => passesFilter(r, q.filter)).sort(compareRows(q.sort.field, q.sort.dir));
    const start = (q.page - 1) * q.pageSize;
    return { rows: matched.slice(start, start + q.pageSize), matched: matched.length, counts, page: q.page, pageSize: q.pageSize };
  }

  async listAll(scope: CustomerScope, filter: CustomerFilter): Promise<CustomerRow[]> {
    return (await this.inScope(scope))
      .filter((r) => matchesSearch(r, filter.search) && passesFilter(r, filter))
      .sort(compareRows('accessNumber', 'asc'));
  }

  async findInScope(scope: CustomerScope, customerId: string): Promise<CustomerRow | null> {
    return (await this.inScope(scope)).find((r) => r.id === customerId) ?? null;
  }
}
