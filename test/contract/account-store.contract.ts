// The account store contract: every AccountStore implementation must pass these same tests.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type Account, type AccountStore, DuplicateAccountError } from '../../src/domain/account.js';

export interface AccountStoreHandle {
  store: AccountStore;
  close(): Promise<void>;
}

function account(id: string, overrides: Partial<Account> = {}): Account {
  return {
    id,
    accessNumber: `AN-${id}`,
    email: `${id}@example.test`,
    mobile: '+4915112345678',
    name: `Name ${id}`,
    role: 'customer',
    brokerId: null,
    passwordHash: null,
    twoFactorMethod: 'sms',
    twoFactorIntervalDays: 0,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

const sortById = (accounts: Account[]): Account[] => [...accounts].sort((a, b) => a.id.localeCompare(b.id));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

export function accountStoreContract(name: string, makeStore: () => Promise<AccountStoreHandle>): void {
  describe(name, () => {
    let handle: AccountStoreHandle;
    let store: AccountStore;

    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close();
    });

    describe('findById', () => {
      it('returns the stored account as a plain copy, null for an unknown id', async () => {
        const a = account('a', { brokerId: 'b1', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y' });
        await store.insertMany([a, account('b')]);

        const found = await store.findById('a');
        expect(found).toStrictEqual(a);
        found!.name = 'changed';
        expect((await store.findById('a'))?.name).toBe('Name a');
        expect(await store.findById('unknown')).toBeNull();
      });
    });

    describe('findByAccessNumber', () => {
      it('finds by the exact access number, null when unknown', async () => {
        await store.insertMany([account('a', { accessNumber: '100200' }), account('b', { accessNumber: '100300' })]);

        expect((await store.findByAccessNumber('100300'))?.id).toBe('b');
        expect(await store.findByAccessNumber('999999')).toBeNull();
      });
    });

    describe('findByEmail', () => {
      it('finds every account with the email, case-insensitively, stored lower-cased', async () => {
        await store.insertMany([
          account('a', { email: 'Shared@Example.TEST' }),
          account('b', { email: 'shared@example.test' }),
          account('c', { email: 'other@example.test' }),
          account('d', { email: null }),
        ]);

        const found = sortById(await store.findByEmail('SHARED@example.test'));
        expect(found.map((x) => x.id)).toEqual(['a', 'b']);
        expect(found.map((x) => x.email)).toEqual(['shared@example.test', 'shared@example.test']);
        expect(await store.findByEmail('nobody@example.test')).toEqual([]);
      });
    });

    describe('listByBroker', () => {
      it('lists only the accounts belonging to the broker', async () => {
        await store.insertMany([
          account('broker1', { role: 'broker' }),
          account('c1', { brokerId: 'broker1' }),
          account('e1', { role: 'employee', brokerId: 'broker1' }),
          account('c2', { brokerId: 'broker2' }),
        ]);

        expect(sortById(await store.listByBroker('broker1')).map((x) => x.id)).toEqual(['c1', 'e1']);
        expect(await store.listByBroker('nobody')).toEqual([]);
      });
    });

    describe('insertMany', () => {
      it('accepts an empty batch', async () => {
        await expect(store.insertMany([])).resolves.toBeUndefined();
      });

      it('rejects a batch with a duplicate access number and stores none of it', async () => {
        const batch = [
          account('a', { accessNumber: '1' }),
          account('b', { accessNumber: '2' }),
          account('c', { accessNumber: '1' }),
        ];

        const err = await rejectionOf(store.insertMany(batch));
        expect(err).toBeInstanceOf(DuplicateAccountError);
        expect(err).toMatchObject({ field: 'accessNumber', value: '1' });
        for (const id of ['a', 'b', 'c']) expect(await store.findById(id)).toBeNull();
      });

      it('rejects a batch with a duplicate id and stores none of it', async () => {
        const err = await rejectionOf(store.insertMany([account('a'), account('b'), account('a', { accessNumber: 'other' })]));
        expect(err).toBeInstanceOf(DuplicateAccountError);
        expect(err).toMatchObject({ field: 'id', value: 'a' });
        expect(await store.findById('a')).toBeNull();
        expect(await store.findById('b')).toBeNull();
      });

      it('rejects a batch clashing with a stored access number and stores none of it', async () => {
        const stored = account('s', { accessNumber: '500' });
        await store.insertMany([stored]);

        const err = await rejectionOf(store.insertMany([account('a'), account('b', { accessNumber: '500' }), account('c')]));
        expect(err).toBeInstanceOf(DuplicateAccountError);
        expect(err).toMatchObject({ field: 'accessNumber', value: '500' });
        for (const id of ['a', 'b', 'c']) expect(await store.findById(id)).toBeNull();
        expect(await store.findByAccessNumber('500')).toStrictEqual(stored);
      });

      it('rejects a batch clashing with a stored id and stores none of it', async () => {
        const stored = account('s');
        await store.insertMany([stored]);

        const err = await rejectionOf(store.insertMany([account('a'), account('s', { accessNumber: 'new' })]));
        expect(err).toBeInstanceOf(DuplicateAccountError);
        expect(err).toMatchObject({ field: 'id', value: 's' });
        expect(await store.findById('a')).toBeNull();
        expect(await store.findByAccessNumber('new')).toBeNull();
        expect(await store.findById('s')).toStrictEqual(stored);
      });
    });

    describe('update', () => {
      it('applies the patch and the updatedAt, leaving other fields alone', async () => {
        const a = account('a');
        await store.insertMany([a, account('b')]);

        const updated = await store.update('a', { name: 'New Name', mobile: '+491701234567', twoFactorMethod: 'app' }, 2_000);
        const expected = { ...a, name: 'New Name', mobile: '+491701234567', twoFactorMethod: 'app', updatedAt: 2_000 };
        expect(updated).toStrictEqual(expected);
        expect(await store.findById('a')).toStrictEqual(expected);
        expect(await store.findById('b')).toStrictEqual(account('b'));
      });

      it('lower-cases a new email and can clear it', async () => {
        await store.insertMany([account('a')]);

        expect((await store.update('a', { email: 'New@Example.TEST' }, 2_000))?.email).toBe('new@example.test');
        expect((await store.findByEmail('new@example.test')).map((x) => x.id)).toEqual(['a']);
        expect((await store.update('a', { email: null }, 3_000))?.email).toBeNull();
        expect(await store.findByEmail('new@example.test')).toEqual([]);
      });

      it('keeps the number an SMS code confirmed (mobileVerified); a new mobile does not touch it', async () => {
        await store.insertMany([account('a')]);
        expect((await store.findById('a'))?.mobileVerified ?? null).toBeNull();
        const confirmed = await store.update('a', { mobileVerified: '+491701234567', mobile: '+491701234567' }, 2_000);
        expect(confirmed).toMatchObject({ mobile: '+491701234567', mobileVerified: '+491701234567' });
        const moved = await store.update('a', { mobile: '+491709999999' }, 3_000);
        expect(moved).toMatchObject({ mobile: '+491709999999', mobileVerified: '+491701234567' });
        expect(await store.findById('a')).toMatchObject({ mobileVerified: '+491701234567' });
      });

      it('returns null for an unknown id and creates nothing', async () => {
        expect(await store.update('unknown', { name: 'x' }, 2_000)).toBeNull();
        expect(await store.findById('unknown')).toBeNull();
      });
    });

    describe('setIntervalMany', () => {
      it('changes only the given accounts and counts them', async () => {
        await store.insertMany([account('c1'), account('c2'), account('c3')]);

        expect(await store.setIntervalMany(['c1', 'c3', 'unknown'], 30, 2_000)).toBe(2);
        expect(await store.findById('c1')).toMatchObject({ twoFactorIntervalDays: 30, updatedAt: 2_000 });
        expect(await store.findById('c3')).toMatchObject({ twoFactorIntervalDays: 30, updatedAt: 2_000 });
        expect(await store.findById('c2')).toStrictEqual(account('c2'));
        expect(await store.setIntervalMany([], 7, 3_000)).toBe(0);
      });
    });
  });
}
