// MongoDB implementations of the broker area's small stores: staff rights, mobile changes, template copies.
import type { Connection, Model } from 'mongoose';
import type { MailingTemplateStore, TemplateCopy } from '../../domain/mailing-template.js';
import type { MobileChangeLog, MobileChangeRecord } from '../../domain/mobile-change-log.js';
import { normaliseRights, type StaffRights, type StaffRightsStore } from '../../domain/staff-rights.js';
import {
  type MobileChangeDoc,
  type StaffRightsDoc,
  type TemplateCopyDoc,
  mobileChangeModel,
  staffRightsModel,
  templateCopyModel,
} from './broker-models.js';

export class MongoStaffRightsStore implements StaffRightsStore {
  private readonly model: Model<StaffRightsDoc>;
  constructor(conn: Connection) {
    this.model = staffRightsModel(conn);
  }

  private static out(d: StaffRightsDoc): StaffRights {
    return { employeeId: d._id, brokerId: d.brokerId, rights: normaliseRights(d.rights), updatedAt: d.updatedAt, updatedBy: d.updatedBy };
  }

  async get(employeeId: string): Promise<StaffRights | null> {
    const d = await this.model.findOne({ _id: employeeId }).lean<StaffRightsDoc>();
    return d ? MongoStaffRightsStore.out(d) : null;
  }

  async listByBroker(brokerId: string): Promise<StaffRights[]> {
    return (await this.model.find({ brokerId }).lean<StaffRightsDoc[]>()).map(MongoStaffRightsStore.out);
  }

  async set(r: StaffRights): Promise<void> {
    await this.model.updateOne(
      { _id: r.employeeId },
      { $set: { brokerId: r.brokerId, rights: normaliseRights(r.rights), updatedAt: r.updatedAt, updatedBy: r.updatedBy } },
      { upsert: true },
    );
  }
}

export class MongoMobileChangeLog implements MobileChangeLog {
  private readonly model: Model<MobileChangeDoc>;
  constructor(conn: Connection) {
    this.model = mobileChangeModel(conn);
  }

  async add(r: MobileChangeRecord): Promise<void> {
    const { id, ...rest } = r;
    await this.model.create({ _id: id, ...rest });
  }

  async latest(accountId: string): Promise<MobileChangeRecord | null> {
    const d = await this.model.findOne({ accountId }).sort({ requestedAt: -1 }).lean<MobileChangeDoc>();
    if (!d) return null;
    return { id: d._id, accountId: d.accountId, newMobile: d.newMobile, requestedBy: d.requestedBy, requestedAt: d.requestedAt, expiresAt: d.expiresAt, confirmedAt: d.confirmedAt ?? null };
  }

  async confirm(id: string, at: number): Promise<boolean> {
    const result = await this.model.updateOne({ _id: id, confirmedAt: null }, { $set: { confirmedAt: at } });
    return result.modifiedCount === 1;
  }
}

export class MongoMailingTemplateStore implements MailingTemplateStore {
  private readonly model: Model<TemplateCopyDoc>;
  constructor(conn: Connection) {
    this.model = templateCopyModel(conn);
  }

  private static out(d: TemplateCopyDoc): TemplateCopy {
    return { brokerId: d.brokerId, templateId: d.templateId, subject: d.subject, text: d.text, updatedAt: d.updatedAt, updatedBy: d.updatedBy };
  }

  async get(brokerId: string, templateId: string): Promise<TemplateCopy | null> {
    const d = await this.model.findOne({ brokerId, templateId }).lean<TemplateCopyDoc>();
    return d ? MongoMailingTemplateStore.out(d) : null;
  }

  async listByBroker(brokerId: string): Promise<TemplateCopy[]> {
    return (await this.model.find({ brokerId }).lean<TemplateCopyDoc[]>()).map(MongoMailingTemplateStore.out);
  }

  async save(c: TemplateCopy): Promise<void> {
    await this.model.updateOne({ brokerId: c.brokerId, templateId: c.templateId }, { $set: { subject: c.subject, text: c.text, updatedAt: c.updatedAt, updatedBy: c.updatedBy } }, { upsert: true });
  }

  async remove(brokerId: string, templateId: string): Promise<boolean> {
    return (await this.model.deleteOne({ brokerId, templateId })).deletedCount === 1;
  }
}
