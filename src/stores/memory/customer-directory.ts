// In-memory CustomerDirectory over the memory account and device stores: one call per page, no per-customer reads.
import type { AccountStore } from '../../domain/account.js';
import type {
  CustomerDirectory,
  CustomerFilter,
  CustomerPage,
  CustomerQuery,
  CustomerRow,
  CustomerScope,
  CustomerSortField,
} from '../../domain/customer-directory.js';
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

/** Rows sorted as the query asks, ties broken by access number (this memory implementation). */
export function compareRows(field: CustomerSortField, dir: 'asc' | 'desc') {
  const key = (r: CustomerRow): string | number => {
    switch (field) {
      case 'accessNumber': return r.accessNumber;
      case 'name': return r.name.toLowerCase();
      case 'email': return r.email ?? '';
      case 'mobile': return r.mobile ?? '';
      case 'enrolled': return r.enrolled ? 1 : 0;
      case 'method': return r.method;
      case 'interval': return r.intervalDays;
    }
  };
  const sign = dir === 'asc' ? 1 : -1;
  return (a: CustomerRow, b: CustomerRow): number => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a.accessNumber < b.accessNumber ? -1 : a.accessNumber > b.accessNumber ? 1 : 0;
  };
}

/** Whether a row passes the yes/no filters (not the search). */
export function passesFilter(row: CustomerRow, filter: CustomerFilter): boolean {
  if (filter.mobile && (row.mobile ? 'yes' : 'no') !== filter.mobile) return false;
  if (filter.enrolled && (row.enrolled ? 'yes' : 'no') !== filter.enrolled) return false;
  if (filter.method && row.method !== filter.method) return false;
  return true;
}

export function matchesSearch(row: CustomerRow, search: string | undefined): boolean {
  if (!search) return true;
  const s = search.toLowerCase();
  return row.name.toLowerCase().includes(s) || row.accessNumber.toLowerCase().includes(s) || (row.email ?? '').includes(s);
}
