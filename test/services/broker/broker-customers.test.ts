// The broker's customer work (BRK-1): rights and scope decide, 10,000 customers are listed with ONE store query per
// page (counted), and every change is audited with who, what, for whom, when and IP.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/shared/clock.js';
import { cryptoRandom } from '../../../src/shared/random.js';
import { brokerContext } from '../../../src/services/broker/broker-access.js';
import { BrokerCustomerService } from '../../../src/services/broker/broker-customers.js';
import { StaffRightsService } from '../../../src/services/broker/staff-rights-service.js';
import { DeviceService } from '../../../src/services/device-service.js';
import { RememberedBrowserService } from '../../../src/services/remembered-browsers.js';
import type { CustomerDirectory } from '../../../src/domain/customer-directory.js';
import { MemoryAccountStore } from '../../../src/stores/memory/account-store.js';
import { MemoryAuditLog } from '../../../src/stores/memory/audit-log.js';
import { MemoryCustomerDirectory } from '../../../src/stores/memory/customer-directory.js';
import { MemoryDeviceStore } from '../../../src/stores/memory/device-store.js';
import { MemoryKvStore } from '../../../src/stores/memory/kv-store.js';
import { MemoryStaffRightsStore } from '../../../src/stores/memory/staff-rights.js';
import type { AccountStore } from '../../../src/domain/account.js';
import type { DeviceStore } from '../../../src/domain/device.js';
import { account, deviceFor } from '../../contract/customer-directory.contract.js';

/** Counts every call on an object's methods (a store "query" is one call). */
export function counting<T extends object>(target: T): { proxy: T; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
  return { proxy, calls };
}

const clock = new ManualClock();
const accounts = new MemoryAccountStore();
const devices = new MemoryDeviceStore();
const audit = new MemoryAuditLog({ random: cryptoRandom });
const rights = new MemoryStaffRightsStore();
const directory = counting<CustomerDirectory>(new MemoryCustomerDirectory({ accounts, devices }));
// The service sees counting stores: any per-customer read would show up here.
const accountCalls = counting<AccountStore>(accounts);
const deviceCalls = counting<DeviceStore>(devices);
const service = new BrokerCustomerService({
  accounts: accountCalls.proxy,
  directory: directory.proxy,
  devices: new DeviceService({ devices: deviceCalls.proxy, audit, clock }),
  rememberedBrowsers: new RememberedBrowserService({ kv: new MemoryKvStore(clock), clock, random: cryptoRandom }),
  audit,
  clock,
});
const N = 10_000;

beforeAll(async () => {
  const customers = Array.from({ length: N }, (_, i) =>
    account(`c${i}`, `${500000 + i}`, 'customer', i % 10 === 9 ? 's1' : 'b1', { mobile: i % 3 === 0 ? null : '+4915112345678', twoFactorMethod: i % 7 === 0 ? 'sms' : 'app', name: `Kunde ${i}` }),
  );
  await accounts.insertMany([account('b1', '1001', 'broker', null), account('e1', '1002', 'employee', 'b1'), account('e2', '1003', 'employee', 'b1'), account('s1', '1004', 'subBroker', 'b1'), account('b2', '1005', 'broker', null), ...customers, account('x1', '9001', 'customer', 'b2')]);
  for (let i = 0; i < N; i += 4) await devices.add(deviceFor(`c${i}`));
  await rights.set({ employeeId: 'e1', brokerId: 'b1', rights: ['customers', 'settings'], updatedAt: 0, updatedBy: 'b1' });
});

describe('BrokerCustomerService', () => {
  it('lists 10,000 customers page by page with one store query per page and counts per filter', async () => {
    const ctx = await brokerContext((await accounts.findById('b1'))!, rights);
    directory.calls.length = 0;
    accountCalls.calls.length = 0;
    deviceCalls.calls.length = 0;
    const seen = new Set<string>();
    let pages = 0;
    for (let page = 1; ; page++) {
      const result = await service.list(ctx, { filter: { mobile: 'no' }, sort: { field: 'name', dir: 'asc' }, page, pageSize: 500 });
      if (!result.rows.length) break;
      pages++;
      for (const r of result.rows) seen.add(r.id);
      expect(result.counts.all).toBe(N);
      expect(result.counts.mobileNo).toBe(Math.ceil(N / 3));
      expect(result.counts.enrolledYes).toBe(N / 4);
    }
    expect(seen.size).toBe(Math.ceil(N / 3));
    expect(directory.calls).toEqual(Array.from({ length: pages + 1 }, () => 'query'));
    expect(accountCalls.calls).toEqual([]);
    expect(deviceCalls.calls).toEqual([]);
  });

  it('a sub-broker sees only its own customers; a foreign customer is not found', async () => {
    const sub = await brokerContext((await accounts.findById('s1'))!, rights);
    const page = await service.list(sub, { filter: {}, sort: { field: 'accessNumber', dir: 'asc' }, page: 1, pageSize: 10_000 });
    expect(page.matched).toBe(N / 10);
    expect(page.rows.every((r) => r.brokerId === 's1')).toBe(true);
    await expect(service.get(sub, 'c0')).rejects.toMatchObject({ code: 'account.notFound', status: 404 });
    const broker = await brokerContext((await accounts.findById('b1'))!, rights);
    await expect(service.get(broker, 'x1')).rejects.toMatchObject({ code: 'account.notFound' });
  });

  it('an employee does only what was granted; without a record, nothing', async () => {
    const e1 = await brokerContext((await accounts.findById('e1'))!, rights);
    const e2 = await brokerContext((await accounts.findById('e2'))!, rights);
    await service.setMethod(e1, 'c1', 'sms', '192.0.2.7');
    expect((await accounts.findById('c1'))!.twoFactorMethod).toBe('sms');
    await expect(service.removeDevice(e1, 'c0', 'dev_c0', '192.0.2.7')).rejects.toMatchObject({ code: 'broker.forbidden', status: 403 });
    await expect(service.list(e2, { filter: {}, sort: { field: 'name', dir: 'asc' }, page: 1, pageSize: 10 })).rejects.toMatchObject({ code: 'broker.forbidden' });
    const customer = (await accounts.findById('x1'))!;
    await expect(brokerContext(customer, rights)).rejects.toMatchObject({ code: 'broker.notBroker', status: 403 });
  });

  it('sets one interval for all customers at once and audits each change (who, what, for whom, when, IP)', async () => {
    const e1 = await brokerContext((await accounts.findById('e1'))!, rights);
    clock.advance(60_000);
    expect(await service.countIntervalChanges(e1, 14)).toEqual({ total: N, changing: N });
    expect(await service.setIntervalForAll(e1, 14, '192.0.2.8')).toBe(N);
    expect((await accounts.findById('c77'))!.twoFactorIntervalDays).toBe(14);
    expect((await accounts.findById('x1'))!.twoFactorIntervalDays).toBe(0);
    const [event] = await audit.list({ accountId: 'c77', type: 'interval.changed' });
    expect(event).toMatchObject({ at: clock.now(), accountId: 'c77', ip: '192.0.2.8', details: { from: 0, to: 14, by: 'e1', scope: 'allCustomers' } });
    await expect(service.setIntervalForAll(e1, 91, 'x')).rejects.toMatchObject({ code: 'interval.invalid' });
    expect(await service.setIntervalForAll(e1, 14, '192.0.2.8')).toBe(0);
  });

  it('a broker grants rights; the change is audited; an employee cannot grant', async () => {
    const broker = await brokerContext((await accounts.findById('b1'))!, rights);
    const staff = new StaffRightsService({ accounts, rights, audit, clock });
    expect(await staff.set(broker, 'e2', ['mailings', 'nonsense', 'customers'], '192.0.2.9')).toEqual(['customers', 'mailings']);
    const e2 = await brokerContext((await accounts.findById('e2'))!, rights);
    expect([...e2.rights].sort()).toEqual(['customers', 'mailings']);
    const [event] = await audit.list({ accountId: 'e2', type: 'rights.changed' });
    expect(event).toMatchObject({ ip: '192.0.2.9', details: { from: [], to: ['customers', 'mailings'], by: 'b1' } });
    await expect(staff.set(e2, 'e1', ['costs'], 'x')).rejects.toMatchObject({ code: 'broker.forbidden' });
    await expect(staff.set(broker, 'x1', ['costs'], 'x')).rejects.toMatchObject({ code: 'account.notFound' });
    expect((await staff.list(broker)).map((e) => e.employee.id)).toEqual(['e1', 'e2']);
  });
});
