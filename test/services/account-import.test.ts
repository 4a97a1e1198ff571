// Account import (seed file): E.164 mobiles, broker relations, and all or nothing with the bad record named.
import { beforeEach, describe, expect, it } from '@jest/globals';
import { AccountImportError, importAccounts, type AccountRecord, type ImportDeps } from '../../src/services/account-import.js';
import type { PasswordHasher } from '../../src/services/password-hasher.js';
import { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { ManualClock } from '../../src/shared/clock.js';
import { cryptoRandom } from '../../src/shared/random.js';

/** A fast stand-in for argon2: enough to tell the stored hash came from the password. */
const fakeHasher: PasswordHasher = {
  hash: async (password) => `$argon2id$fake$${Buffer.from(password).toString('base64url')}`,
  verify: async (hash, password) => hash === `$argon2id$fake$${Buffer.from(password).toString('base64url')}`,
  verifyNothing: async () => false,
};

let accounts: MemoryAccountStore;
let deps: ImportDeps;
beforeEach(() => {
  accounts = new MemoryAccountStore();
  deps = { accounts, hasher: fakeHasher, clock: new ManualClock(), random: cryptoRandom, defaultIntervalDays: 0 };
});

const goodFile = (): AccountRecord[] => [
  { id: 'b1', accessNumber: '100001', email: 'Makler@Example.de', password: 'pw-broker', role: 'broker', mobile: '0151 11111101', name: 'Maklerbüro Sommer' },
  { accessNumber: '100002', email: 'mitarbeiter@example.de', password: 'pw-employee', role: 'employee', brokerAccessNumber: '100001', mobile: '+49 151 11111102', name: 'Jana Winter' },
  { id: 'sb', accessNumber: '100003', role: 'subBroker', brokerAccessNumber: '100001', mobile: '+4915111111103', name: 'Tom Herbst' },
  { id: 'c1', accessNumber: '200001', email: 'erika@example.de', password: 'pw-customer', role: 'customer', brokerAccessNumber: '100003', mobile: '(0151) 222-222-01', name: 'Erika Mustermann', twoFactorInterval: 7 },
  { id: 'c2', accessNumber: '200002', email: null, password: 'pw-2', role: 'customer', brokerAccessNumber: '100001', mobile: null, name: 'Max Ohnehandy', twoFactorMethod: 'sms' },
];

async function storedCount(numbers: string[]): Promise<number> {
  let n = 0;
  for (const number of numbers) if (await accounts.findByAccessNumber(number)) n++;
  return n;
}

async function refusal(file: unknown): Promise<AccountImportError> {
  const error = await importAccounts(file, deps).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountImportError);
  return error as AccountImportError;
}

describe('importAccounts: a good file', () => {
  it('imports every record with E.164 mobiles, hashed passwords and broker relations', async () => {
    await expect(importAccounts(goodFile(), deps)).resolves.toBe(5);

    const broker = await accounts.findByAccessNumber('100001');
    expect(broker).toMatchObject({ id: 'b1', email: 'makler@example.de', mobile: '+4915111111101', role: 'broker', brokerId: null });
    await expect(fakeHasher.verify(broker!.passwordHash!, 'pw-broker')).resolves.toBe(true);

    const employee = await accounts.findByAccessNumber('100002');
    expect(employee!.id).toMatch(/^acc_/);
    expect(employee).toMatchObject({ mobile: '+4915111111102', brokerId: 'b1', role: 'employee' });

    const subBroker = await accounts.findByAccessNumber('100003');
    expect(subBroker).toMatchObject({ mobile: '+4915111111103', brokerId: 'b1', passwordHash: null, email: null });

    const customer = await accounts.findByAccessNumber('200001');
    expect(customer).toMatchObject({ mobile: '+4915122222201', brokerId: 'sb', twoFactorIntervalDays: 7, twoFactorMethod: 'app' });

    const noMobile = await accounts.findByAccessNumber('200002');
    expect(noMobile).toMatchObject({ mobile: null, brokerId: 'b1', twoFactorMethod: 'sms', twoFactorIntervalDays: 0 });

    expect((await accounts.listByBroker('b1')).map((a) => a.accessNumber).sort()).toEqual(['100002', '100003', '200002']);
  });

  it('links to a broker that is already stored', async () => {
    await importAccounts([goodFile()[0]!], deps);
    await expect(
      importAccounts([{ id: 'later', accessNumber: '300001', role: 'customer', brokerAccessNumber: '100001', mobile: '+49 160 1234567', name: 'Spät' }], deps),
    ).resolves.toBe(1);
    expect(await accounts.findByAccessNumber('300001')).toMatchObject({ brokerId: 'b1', mobile: '+491601234567' });
  });
});

describe('importAccounts: a bad record refuses the whole file', () => {
  const cases: [string, (file: AccountRecord[]) => void, number, string, string][] = [
    // [what, how to break the good file, record number (1-based), access number, field]
    ['bad role', (f) => void ((f[3] as Record<string, unknown>).role = 'admin'), 4, '200001', 'role'],
    ['bad mobile (not a number)', (f) => void (f[1]!.mobile = 'kein Handy'), 2, '100002', 'mobile'],
    ['landline instead of a mobile', (f) => void (f[1]!.mobile = '+49 30 12345678'), 2, '100002', 'mobile'],
    ['customer without brokerAccessNumber', (f) => void delete f[3]!.brokerAccessNumber, 4, '200001', 'brokerAccessNumber'],
    ['unknown broker', (f) => void (f[4]!.brokerAccessNumber = '999999'), 5, '200002', 'brokerAccessNumber'],
    ['duplicate accessNumber', (f) => void (f[4]!.accessNumber = '200001'), 5, '200001', 'accessNumber'],
    ['customer under an employee', (f) => void (f[4]!.brokerAccessNumber = '100002'), 5, '200002', 'brokerAccessNumber'],
    ['broker with a broker', (f) => void (f[0]!.brokerAccessNumber = '100003'), 1, '100001', 'brokerAccessNumber'],
    ['bad email', (f) => void (f[3]!.email = 'not-an-email'), 4, '200001', 'email'],
    ['unknown field', (f) => void ((f[2] as Record<string, unknown>).iban = 'DE00'), 3, '100003', '(record)'],
  ];

  it.each(cases)('%s: named by record number, access number and field; nothing stored', async (_what, breakIt, index, number, field) => {
    const file = goodFile();
    breakIt(file);
    const error = await refusal(file);
    const problem = error.problems.find((p) => p.startsWith(`record ${index} (${number})`));
    expect(problem).toBeDefined();
    expect(problem).toContain(`field ${field}`);
    expect(error.message).toContain(`record ${index} (${number})`);
    expect(error.message).toContain('nothing was loaded');
    expect(await storedCount(['100001', '100002', '100003', '200001', '200002'])).toBe(0);
  });

  it('an access number that is already stored refuses the file and leaves the stored account alone', async () => {
    await importAccounts([{ id: 'old', accessNumber: '100001', role: 'broker', name: 'Alt', mobile: '+49 151 99999999' }], deps);
    const error = await refusal(goodFile());
    expect(error.problems.find((p) => p.startsWith('record 1 (100001)'))).toContain('field accessNumber');
    expect(await accounts.findByAccessNumber('100001')).toMatchObject({ id: 'old', name: 'Alt' });
    expect(await storedCount(['100002', '100003', '200001', '200002'])).toBe(0);
  });

  it('lists every bad record, not just the first', async () => {
    const file = goodFile();
    file[1]!.mobile = 'kein Handy';
    file[4]!.brokerAccessNumber = '999999';
    const error = await refusal(file);
    expect(error.problems.some((p) => p.startsWith('record 2 (100002), field mobile'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('record 5 (200002), field brokerAccessNumber'))).toBe(true);
  });

  it('refuses a file that is not an array', async () => {
    const error = await refusal({ accounts: goodFile() });
    expect(error.message).toContain('JSON array');
  });
});
