// Runs the audit log contract against the memory log always and MongoDB when MONGODB_URI is set.
import { afterAll, describe, it } from '@jest/globals';
import { cryptoRandom } from '../../src/shared/random.js';
import { MemoryAuditLog } from '../../src/stores/memory/audit-log.js';
import { auditModel } from '../../src/stores/mongo/audit-model.js';
import { MongoAuditLog } from '../../src/stores/mongo/audit-log.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';
import { auditLogContract } from './audit-log.contract.js';

auditLogContract('MemoryAuditLog contract', async () => ({
  log: new MemoryAuditLog({ random: cryptoRandom }),
  close: async () => {},
}));

const mongoTarget = mongoContractTarget('audit log');
if (mongoTarget.enabled) {
  const database = mongoTestDatabase(mongoTarget.uri, 'audit');
  afterAll(() => database.dropAndClose());

  auditLogContract('MongoAuditLog contract', async () => {
    const conn = await database.connection();
    await auditModel(conn).deleteMany({});
    return { log: new MongoAuditLog(conn, cryptoRandom), close: async () => {} };
  });
} else {
  describe.skip('MongoAuditLog contract (skipped: MONGODB_URI not set)', () => {
    it('runs the audit log contract against MongoDB', () => {});
  });
}
