// Runs the device store contract against the memory store always and MongoDB when MONGODB_URI is set.
import { afterAll, describe, it } from '@jest/globals';
import { MemoryDeviceStore } from '../../src/stores/memory/device-store.js';
import { deviceModel } from '../../src/stores/mongo/device-model.js';
import { MongoDeviceStore } from '../../src/stores/mongo/device-store.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';
import { deviceStoreContract } from './device-store.contract.js';

deviceStoreContract('MemoryDeviceStore contract', async () => ({
  store: new MemoryDeviceStore(),
  close: async () => {},
}));

const mongoTarget = mongoContractTarget('device store');
if (mongoTarget.enabled) {
  const database = mongoTestDatabase(mongoTarget.uri, 'devices');
  afterAll(() => database.dropAndClose());

  deviceStoreContract('MongoDeviceStore contract', async () => {
    const conn = await database.connection();
    await deviceModel(conn).deleteMany({});
    return { store: new MongoDeviceStore(conn), close: async () => {} };
  });
} else {
  describe.skip('MongoDeviceStore contract (skipped: MONGODB_URI not set)', () => {
    it('runs the device store contract against MongoDB', () => {});
  });
}
