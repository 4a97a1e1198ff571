// Unit rules of the broker hierarchy (BRK-1, RD-3, ACC-3, SMS-4): who manages whom among broker, employee,
// sub-broker and customer, whose customers each one sees, who may change whose mobile number, and who is charged
// for a customer's SMS. One small tree on the memory stores.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { MemorySmsSink } from '../../../src/channels/memory-sms-sink.js';
import { brokerContext } from '../../../src/services/broker/broker-access.js';
import {
  BrokerHierarchyError, brokerAreaOf, chargedBrokerId, customersInScope, isEmployeeOf, managingBrokerId, mayChangeMobile,
} from '../../../src/services/broker/broker-hierarchy.js';
import { LedgerRecordingSmsChannel, SmsBillingError } from '../../../src/services/sms-billing.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { cryptoRandom } from '../../../src/shared/random.js';
import { MemoryAccountStore } from '../../../src/stores/memory/account-store.js';
import { MemoryCustomerDirectory } from '../../../src/stores/memory/customer-directory.js';
import { MemoryDeviceStore } from '../../../src/stores/memory/device-store.js';
import { MemorySmsLedger } from '../../../src/stores/memory/sms-ledger.js';
import { MemoryStaffRightsStore } from '../../../src/stores/memory/staff-rights.js';
import { account } from '../unit-kit.js';

// b1 ← e1 (employee), s1 (sub-broker), c1 (customer); s1 ← c2. b2 ← s2, c3; s2 ← c4. e0, s0 and c0 belong to no
// one; sx is a sub-broker under a sub-broker (broken trees).
const TREE = [
  account('b1', 'broker', null), account('e1', 'employee', 'b1'), account('s1', 'subBroker', 'b1'), account('c1', 'customer', 'b1'), account('c2', 'customer', 's1'),
  account('b2', 'broker', null), account('s2', 'subBroker', 'b2'), account('c3', 'customer', 'b2'), account('c4', 'customer', 's2'),
  account('e0', 'employee', null), account('s0', 'subBroker', null), account('c0', 'customer', null), account('sx', 'subBroker', 's1'),
];
let accounts: MemoryAccountStore;
const get = async (id: string) => (await accounts.findById(id))!;
beforeEach(async () => {
  accounts = new MemoryAccountStore();
  await accounts.insertMany(TREE.map((a) => ({ ...a })));
});
const ids = (list: { id: string }[]) => list.map((a) => a.id).sort();

describe('rule: who sees whose customers', () => {
  it.each([
    ['b1', ['c1', 'c2']], // a broker: its own and its sub-brokers' customers
    ['e1', ['c1', 'c2']], // an employee: its broker's
    ['s1', ['c2']], // a sub-broker: only its own
    ['b2', ['c3', 'c4']],
  ])('%s sees %j', async (actor, customers) => {
    const place = brokerAreaOf(await get(actor))!;
    expect(ids(await customersInScope(accounts, place.scope))).toEqual(customers);
  });

  it('customers, and employees or sub-brokers without a broker, have no broker area (broker.notBroker, 403)', async () => {
    const rights = new MemoryStaffRightsStore();
    for (const id of ['c1', 'e0', 's0']) {
      expect(brokerAreaOf(await get(id))).toBeNull();
      await expect(brokerContext(await get(id), rights)).rejects.toMatchObject({ code: 'broker.notBroker', status: 403 });
    }
  });

  it('the memory customer directory answers each scope with exactly the customers of the rule', async () => {
    const directory = new MemoryCustomerDirectory({ accounts, devices: new MemoryDeviceStore() });
    for (const actor of ['b1', 'e1', 's1', 'b2', 's2']) {
      const { scope } = brokerAreaOf(await get(actor))!;
      expect(ids(await directory.listAll(scope, {}))).toEqual(ids(await customersInScope(accounts, scope)));
    }
  });

  it('the managing broker: an employee has its broker, a broker itself; a sub-broker manages none', async () => {
    expect(managingBrokerId(await get('s1'))).toBeNull();
    expect(managingBrokerId(await get('e1'))).toBe('b1');
    expect(managingBrokerId(await get('b1'))).toBe('b1');
  });
});

describe('rule: staff rights — granted by its own broker only', () => {
  it('a broker has every right and manages staff; a sub-broker every right but no staff; an employee only what its broker granted', async () => {
    const rights = new MemoryStaffRightsStore();
    await rights.set({ employeeId: 'e1', brokerId: 'b1', rights: ['customers', 'costs'], updatedAt: 0, updatedBy: 'b1' });
    const b1 = await brokerContext(await get('b1'), rights);
    const s1 = await brokerContext(await get('s1'), rights);
    const e1 = await brokerContext(await get('e1'), rights);
    expect({ brokerId: b1.brokerId, staff: b1.mayManageStaff, rights: b1.rights.size }).toEqual({ brokerId: 'b1', staff: true, rights: 6 });
    expect({ brokerId: s1.brokerId, staff: s1.mayManageStaff, rights: s1.rights.size }).toEqual({ brokerId: 's1', staff: false, rights: 6 });
    expect({ brokerId: e1.brokerId, staff: e1.mayManageStaff, rights: [...e1.rights].sort() }).toEqual({ brokerId: 'b1', staff: false, rights: ['costs', 'customers'] });
  });

  it('rights recorded under another broker grant nothing', async () => {
    const rights = new MemoryStaffRightsStore();
    await rights.set({ employeeId: 'e1', brokerId: 'b2', rights: ['customers'], updatedAt: 0, updatedBy: 'b2' });
    expect((await brokerContext(await get('e1'), rights)).rights.size).toBe(0);
    expect(isEmployeeOf(await get('e1'), 'b1')).toBe(true);
    expect(isEmployeeOf(await get('e1'), 'b2')).toBe(false);
    expect(isEmployeeOf(await get('s1'), 'b1')).toBe(false);
  });
});

describe('rule: who may change whose mobile number (ACC-3)', () => {
  it.each([
    ['b1', 'c1', true], ['b1', 'c2', true], ['e1', 'c2', true], ['s1', 'c2', true], // a customer's broker (also through its sub-broker), its employees, its sub-broker
    ['s1', 'c1', false], ['b2', 'c1', false], ['b2', 'c2', false], ['e1', 'c3', false], // nobody else's customers
    ['c1', 'c1', false], // never a customer, not even its own
    ['b1', 'e1', false], ['e1', 'e1', true], ['s1', 's1', true], // staff and brokers: only themselves
  ])('%s → %s: %s', async (actor, target, allowed) => {
    expect(await mayChangeMobile(await get(actor), await get(target), accounts)).toBe(allowed);
  });
});

describe('rule: who is charged for an SMS (SMS-4)', () => {
  it.each([
    ['b1', 'b1', 'b1'], ['e1', 'b1', 'b1'], ['s1', 'b1', 'b1'], ['c1', 'b1', 'b1'],
    ['c2', 'b1', 's1'], // a sub-broker's customer: the broker above, or the sub-broker when configured so
    ['c4', 'b2', 's2'],
  ])('an SMS to %s is charged to %s (rule broker) or %s (rule subBroker)', async (to, byBroker, bySubBroker) => {
    expect(await chargedBrokerId(await get(to), accounts, 'broker')).toBe(byBroker);
    expect(await chargedBrokerId(await get(to), accounts, 'subBroker')).toBe(bySubBroker);
  });

  it('a broken tree charges no one: BrokerHierarchyError; through the SMS channel an SmsBillingError, and nothing is sent', async () => {
    for (const id of ['e0', 's0', 'c0', 'sx']) await expect(chargedBrokerId(await get(id), accounts, 'broker')).rejects.toBeInstanceOf(BrokerHierarchyError);
    const clock = new ManualClock();
    const sink = new MemorySmsSink(clock, cryptoRandom);
    const channel = new LedgerRecordingSmsChannel({ inner: sink, ledger: new MemorySmsLedger(cryptoRandom), accounts, clock, settings: { priceCents: { login: 9, activation: 7, password: 7, mobile_change: 7 }, chargeSubBrokerCustomersTo: 'broker' } });
    await expect(channel.send({ to: '+4915100000001', text: 'x', purpose: 'login', idempotencyKey: 'k1', accountId: 'sx' })).rejects.toBeInstanceOf(SmsBillingError);
    expect(sink.list()).toHaveLength(0);
  });
});
