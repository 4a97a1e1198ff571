// Runs the customer list contract against memory always and MongoDB when MONGODB_URI is set.
import { afterAll, describe, it } from '@jest/globals';
import { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { MemoryCustomerDirectory } from '../../src/stores/memory/customer-directory.js';
import { MemoryDeviceStore } from '../../src/stores/memory/device-store.js';
import { MongoAccountStore } from '../../src/stores/mongo/account-store.js';
import { accountModel } from '../../src/stores/mongo/account-model.js';
import { MongoCustomerDirectory } from '../../src/stores/mongo/customer-directory.js';
import { deviceModel } from '../../src/stores/mongo/device-model.js';
import { MongoDeviceStore } from '../../src/stores/mongo/device-store.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';
import { customerDirectoryContract } from './customer-directory.contract.js';

customerDirectoryContract('MemoryCustomerDirectory contract', async () => {
  const accounts = new MemoryAccountStore();
  const devices = new MemoryDeviceStore();
  return { directory: new MemoryCustomerDirectory({ accounts, devices }), accounts, devices, close: async () => {} };
});

const target = mongoContractTarget('customer directory');
if (target.enabled) {
  const database = mongoTestDatabase(target.uri, 'customers');
  afterAll(() => database.dropAndClose());
  customerDirectoryContract('MongoCustomerDirectory contract', async () => {
    const conn = await database.connection();
    await accountModel(conn).deleteMany({});
    await deviceModel(conn).deleteMany({});
    return { directory: new MongoCustomerDirectory(conn), accounts: new MongoAccountStore(conn), devices: new MongoDeviceStore(conn), close: async () => {} };
  });
} else {
  describe.skip('MongoCustomerDirectory contract (skipped: MONGODB_URI not set)', () => {
    it('runs the customer list contract against MongoDB', () => {});
  });
}
