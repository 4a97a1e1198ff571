// A small broker hierarchy in a memory account store, for the SMS billing and statement tests.
import type { Account, Role } from '../../src/domain/account.js';
import { MemoryAccountStore } from '../../src/stores/memory/account-store.js';

function account(id: string, accessNumber: string, role: Role, brokerId: string | null): Account {
  return {
    id,
    accessNumber,
    email: null,
    mobile: `+4915100000${accessNumber.slice(-3)}`,
    name: id,
    role,
    brokerId,
    passwordHash: null,
    twoFactorMethod: 'sms',
    twoFactorIntervalDays: 0,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** broker ← employee, subBroker ← subCustomer; broker ← customer; a second broker with its own customer. */
export async function smsAccounts(): Promise<MemoryAccountStore> {
  const accounts = new MemoryAccountStore();
  await accounts.insertMany([
    account('broker', '100001', 'broker', null),
    account('employee', '100002', 'employee', 'broker'),
    account('subBroker', '100003', 'subBroker', 'broker'),
    account('customer', '200001', 'customer', 'broker'),
    account('subCustomer', '200006', 'customer', 'subBroker'),
    account('broker2', '300001', 'broker', null),
    account('customer2', '400001', 'customer', 'broker2'),
  ]);
  return accounts;
}
