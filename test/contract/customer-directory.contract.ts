// The customer list contract (BRK-1): scope (broker with sub-brokers, or one sub-broker), search, filters, sort,
// pagination and counts — the same answers from every implementation.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Account, AccountStore } from '../../src/domain/account.js';
import type { CustomerDirectory, CustomerQuery } from '../../src/domain/customer-directory.js';
import type { DeviceStore } from '../../src/domain/device.js';

export interface DirectoryHarness {
  directory: CustomerDirectory;
  accounts: AccountStore;
  devices: DeviceStore;
  close(): Promise<void>;
}

const T = Date.UTC(2026, 10, 1);
export function account(id: string, accessNumber: string, role: Account['role'], brokerId: string | null, extra: Partial<Account> = {}): Account {
  return { id, accessNumber, email: `${id}@example.de`, mobile: '+4915112345678', name: id, role, brokerId, passwordHash: null, twoFactorMethod: 'app', twoFactorIntervalDays: 0, createdAt: T, updatedAt: T, ...extra };
}

export function deviceFor(accountId: string, id = `dev_${accountId}`) {
  return { id, accountId, publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, webauthn: null, pushSubscription: null, name: 'Phone', platform: 'ios' as const, osVersion: '17.0', createdAt: T, lastUsedAt: null };
}

const q = (over: Partial<CustomerQuery> = {}): CustomerQuery => ({
  scope: { ownerId: 'b1', includeSubBrokers: true },
  filter: {},
  sort: { field: 'accessNumber', dir: 'asc' },
  page: 1,
  pageSize: 50,
  ...over,
});

export function customerDirectoryContract(name: string, create: () => Promise<DirectoryHarness>) {
  describe(name, () => {
    let h: DirectoryHarness;
    beforeEach(async () => {
      h = await create();
      await h.accounts.insertMany([
        account('b1', '1001', 'broker', null),
        account('e1', '1002', 'employee', 'b1'),
        account('s1', '1003', 'subBroker', 'b1'),
        account('b2', '1004', 'broker', null),
        account('c1', '2001', 'customer', 'b1', { name: 'Erika Muster', email: 'erika@example.de' }),
        account('c2', '2002', 'customer', 'b1', { name: 'Max Ohne', mobile: null, email: null }),
        account('c3', '2003', 'customer', 'b1', { name: 'anna Sms', twoFactorMethod: 'sms', twoFactorIntervalDays: 30 }),
        account('c4', '2004', 'customer', 's1', { name: 'Paul Unter', mobile: null }),
        account('x1', '3001', 'customer', 'b2', { name: 'Fremd Kunde' }),
      ]);
      await h.devices.add(deviceFor('c1'));
      await h.devices.add(deviceFor('c1', 'dev_c1_b'));
      await h.devices.add(deviceFor('c4'));
    });
    afterEach(async () => h.close());

    it('lists the broker\'s customers and its sub-brokers\', nobody else', async () => {
      const page = await h.directory.query(q());
      expect(page.rows.map((r) => r.accessNumber)).toEqual(['2001', '2002', '2003', '2004']);
      expect(page.matched).toBe(4);
      expect(page.rows[0]).toEqual({ id: 'c1', accessNumber: '2001', name: 'Erika Muster', email: 'erika@example.de', mobile: '+4915112345678', method: 'app', intervalDays: 0, brokerId: 'b1', enrolled: true });
      expect(page.counts).toEqual({ all: 4, mobileYes: 2, mobileNo: 2, enrolledYes: 2, enrolledNo: 2, methodApp: 3, methodSms: 1 });
    });

    it('a sub-broker sees only its own customers', async () => {
      const page = await h.directory.query(q({ scope: { ownerId: 's1', includeSubBrokers: false } }));
      expect(page.rows.map((r) => r.id)).toEqual(['c4']);
      expect(page.counts.all).toBe(1);
    });

    it('filters and counts: counts ignore the yes/no filters but honour the search', async () => {
      const ids = async (over: Partial<CustomerQuery>) => (await h.directory.query(q(over))).rows.map((r) => r.id);
      expect(await ids({ filter: { mobile: 'no' } })).toEqual(['c2', 'c4']);
      expect(await ids({ filter: { mobile: 'yes', enrolled: 'no' } })).toEqual(['c3']);
      expect(await ids({ filter: { method: 'sms' } })).toEqual(['c3']);
      expect(await ids({ filter: { enrolled: 'yes' } })).toEqual(['c1', 'c4']);
      const searched = await h.directory.query(q({ filter: { search: 'ANNA', mobile: 'no' } }));
      expect(searched.rows).toEqual([]);
      expect(searched.counts).toEqual({ all: 1, mobileYes: 1, mobileNo: 0, enrolledYes: 0, enrolledNo: 1, methodApp: 0, methodSms: 1 });
      expect(await ids({ filter: { search: '2004' } })).toEqual(['c4']);
      expect(await ids({ filter: { search: 'erika@' } })).toEqual(['c1']);
      expect(await ids({ filter: { search: '.*' } })).toEqual([]);
    });

    it('sorts both ways with ties broken by access number, and pages', async () => {
      const ids = async (over: Partial<CustomerQuery>) => (await h.directory.query(q(over))).rows.map((r) => r.id);
      expect(await ids({ sort: { field: 'name', dir: 'asc' } })).toEqual(['c3', 'c1', 'c2', 'c4']);
      expect(await ids({ sort: { field: 'interval', dir: 'desc' } })).toEqual(['c3', 'c1', 'c2', 'c4']);
      expect(await ids({ sort: { field: 'enrolled', dir: 'desc' } })).toEqual(['c1', 'c4', 'c2', 'c3']);
      expect(await ids({ sort: { field: 'accessNumber', dir: 'desc' } })).toEqual(['c4', 'c3', 'c2', 'c1']);
      const second = await h.directory.query(q({ page: 2, pageSize: 3 }));
      expect(second.rows.map((r) => r.id)).toEqual(['c4']);
      expect(second.matched).toBe(4);
      expect((await h.directory.query(q({ page: 9, pageSize: 3 }))).rows).toEqual([]);
    });

    it('lists all matching recipients and finds one customer only in scope', async () => {
      expect((await h.directory.listAll({ ownerId: 'b1', includeSubBrokers: true }, { mobile: 'no' })).map((r) => r.id)).toEqual(['c2', 'c4']);
      expect((await h.directory.findInScope({ ownerId: 'b1', includeSubBrokers: true }, 'c4'))?.enrolled).toBe(true);
      expect(await h.directory.findInScope({ ownerId: 'b1', includeSubBrokers: false }, 'c4')).toBeNull();
      expect(await h.directory.findInScope({ ownerId: 'b1', includeSubBrokers: true }, 'x1')).toBeNull();
      expect(await h.directory.findInScope({ ownerId: 'b1', includeSubBrokers: true }, 'e1')).toBeNull();
    });
  });
}
