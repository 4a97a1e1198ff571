// Runs the SMS ledger contract against the memory ledger always and MongoDB when MONGODB_URI is set.
import { afterAll, describe, it } from '@jest/globals';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemorySmsLedger } from '../../src/stores/memory/sms-ledger.js';
import { MongoSmsLedger } from '../../src/stores/mongo/sms-ledger.js';
import { smsLedgerModel } from '../../src/stores/mongo/sms-ledger-model.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';
import { smsLedgerContract } from './sms-ledger.contract.js';

smsLedgerContract('MemorySmsLedger contract', async () => ({
  ledger: new MemorySmsLedger(cryptoRandom),
  close: async () => {},
}));

const mongoTarget = mongoContractTarget('sms ledger');
if (mongoTarget.enabled) {
  const database = mongoTestDatabase(mongoTarget.uri, 'sms ledger');
  afterAll(() => database.dropAndClose());

  smsLedgerContract('MongoSmsLedger contract', async () => {
    const conn = await database.connection();
    await smsLedgerModel(conn).deleteMany({});
    return { ledger: new MongoSmsLedger(conn, cryptoRandom), close: async () => {} };
  });
} else {
  describe.skip('MongoSmsLedger contract (skipped: MONGODB_URI not set)', () => {
    it('runs the SMS ledger contract against MongoDB', () => {});
  });
}
