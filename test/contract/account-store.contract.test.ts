// Runs the account store contract against the memory store always and MongoDB when MONGODB_URI is set.
import { afterAll, describe, it } from '@jest/globals';
import { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { accountModel } from '../../src/stores/mongo/account-model.js';
import { MongoAccountStore } from '../../src/stores/mongo/account-store.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';
import { accountStoreContract } from './account-store.contract.js';

accountStoreContract('MemoryAccountStore contract', async () => ({
  store: new MemoryAccountStore(),
  close: async () => {},
}));

const mongoTarget = mongoContractTarget('account store');
if (mongoTarget.enabled) {
  const database = mongoTestDatabase(mongoTarget.uri, 'accounts');
  afterAll(() => database.dropAndClose());

  accountStoreContract('MongoAccountStore contract', async () => {
    const conn = await database.connection();
    await accountModel(conn).deleteMany({});
    return { store: new MongoAccountStore(conn), close: async () => {} };
  });
} else {
  describe.skip('MongoAccountStore contract (skipped: MONGODB_URI not set)', () => {
    it('runs the account store contract against MongoDB', () => {});
  });
}
