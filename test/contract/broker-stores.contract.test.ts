// Contracts of the broker area's small stores (staff rights, pending mobile numbers, template copies): memory always,
// MongoDB when MONGODB_URI is set.
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { MailingTemplateStore } from '../../src/domain/mailing-template.js';
import { mobileChangeState, type MobileChangeLog } from '../../src/domain/mobile-change-log.js';
import type { StaffRightsStore } from '../../src/domain/staff-rights.js';
import { MemoryMailingTemplateStore } from '../../src/stores/memory/mailing-templates.js';
import { MemoryMobileChangeLog } from '../../src/stores/memory/mobile-change-log.js';
import { MemoryStaffRightsStore } from '../../src/stores/memory/staff-rights.js';
import { mobileChangeModel, staffRightsModel, templateCopyModel } from '../../src/stores/mongo/broker-models.js';
import { MongoMailingTemplateStore, MongoMobileChangeLog, MongoStaffRightsStore } from '../../src/stores/mongo/broker-stores.js';
import { mongoContractTarget, mongoTestDatabase } from '../helpers/mongo.js';

interface Stores {
  rights: StaffRightsStore;
  mobiles: MobileChangeLog;
  templates: MailingTemplateStore;
}

function brokerStoresContract(name: string, create: () => Promise<Stores>) {
  describe(name, () => {
    let s: Stores;
    beforeEach(async () => {
      s = await create();
    });

    it('staff rights: none until granted, replaced as a whole, normalised, listed per broker', async () => {
      expect(await s.rights.get('e1')).toBeNull();
      await s.rights.set({ employeeId: 'e1', brokerId: 'b1', rights: ['mailings', 'customers', 'customers'], updatedAt: 1, updatedBy: 'b1' });
      await s.rights.set({ employeeId: 'e2', brokerId: 'b1', rights: [], updatedAt: 2, updatedBy: 'b1' });
      await s.rights.set({ employeeId: 'e3', brokerId: 'b2', rights: ['costs'], updatedAt: 3, updatedBy: 'b2' });
      expect(await s.rights.get('e1')).toEqual({ employeeId: 'e1', brokerId: 'b1', rights: ['customers', 'mailings'], updatedAt: 1, updatedBy: 'b1' });
      await s.rights.set({ employeeId: 'e1', brokerId: 'b1', rights: ['costs'], updatedAt: 5, updatedBy: 'b1' });
      expect((await s.rights.get('e1'))?.rights).toEqual(['costs']);
      expect((await s.rights.listByBroker('b1')).map((r) => r.employeeId).sort()).toEqual(['e1', 'e2']);
    });

    it('mobile changes: the newest request wins; confirmed once; state by time', async () => {
      expect(await s.mobiles.latest('a1')).toBeNull();
      await s.mobiles.add({ id: 'm1', accountId: 'a1', newMobile: '+4915100000001', requestedBy: 'b1', requestedAt: 100, expiresAt: 400, confirmedAt: null });
      await s.mobiles.add({ id: 'm2', accountId: 'a1', newMobile: '+4915100000002', requestedBy: 'b1', requestedAt: 200, expiresAt: 500, confirmedAt: null });
      const latest = (await s.mobiles.latest('a1'))!;
      expect(latest.id).toBe('m2');
      expect(mobileChangeState(latest, 499)).toBe('pending');
      expect(mobileChangeState(latest, 500)).toBe('expired');
      expect(await s.mobiles.confirm('m2', 300)).toBe(true);
      expect(await s.mobiles.confirm('m2', 301)).toBe(false);
      expect(await s.mobiles.confirm('nope', 301)).toBe(false);
      const confirmed = (await s.mobiles.latest('a1'))!;
      expect(confirmed.confirmedAt).toBe(300);
      expect(mobileChangeState(confirmed, 10_000)).toBe('confirmed');
    });

    it('template copies: per broker and template, replaced, removed (reset)', async () => {
      expect(await s.templates.get('b1', 't1')).toBeNull();
      await s.templates.save({ brokerId: 'b1', templateId: 't1', subject: 'S1', text: 'T1', updatedAt: 1, updatedBy: 'b1' });
      await s.templates.save({ brokerId: 'b1', templateId: 't1', subject: 'S2', text: 'T2', updatedAt: 2, updatedBy: 'e1' });
      await s.templates.save({ brokerId: 'b2', templateId: 't1', subject: 'X', text: 'X', updatedAt: 3, updatedBy: 'b2' });
      expect(await s.templates.get('b1', 't1')).toEqual({ brokerId: 'b1', templateId: 't1', subject: 'S2', text: 'T2', updatedAt: 2, updatedBy: 'e1' });
      expect(await s.templates.listByBroker('b1')).toHaveLength(1);
      expect(await s.templates.remove('b1', 't1')).toBe(true);
      expect(await s.templates.remove('b1', 't1')).toBe(false);
      expect(await s.templates.get('b1', 't1')).toBeNull();
      expect((await s.templates.get('b2', 't1'))?.subject).toBe('X');
    });
  });
}

brokerStoresContract('memory broker stores contract', async () => ({
  rights: new MemoryStaffRightsStore(),
  mobiles: new MemoryMobileChangeLog(),
  templates: new MemoryMailingTemplateStore(),
}));

const target = mongoContractTarget('broker stores');
if (target.enabled) {
  const database = mongoTestDatabase(target.uri, 'broker');
  afterAll(() => database.dropAndClose());
  brokerStoresContract('MongoDB broker stores contract', async () => {
    const conn = await database.connection();
    await Promise.all([staffRightsModel(conn).deleteMany({}), mobileChangeModel(conn).deleteMany({}), templateCopyModel(conn).deleteMany({})]);
    await templateCopyModel(conn).init();
    return { rights: new MongoStaffRightsStore(conn), mobiles: new MongoMobileChangeLog(conn), templates: new MongoMailingTemplateStore(conn) };
  });
} else {
  describe.skip('MongoDB broker stores contract (skipped: MONGODB_URI not set)', () => {
    it('runs the broker stores contract against MongoDB', () => {});
  });
}
