// The broker area's collections: staff_rights (one per employee), mobile_changes (ACC-3), mailing_templates (one per broker and template).
import { Schema, type Connection, type Model } from 'mongoose';
import type { MobileChangeRecord } from '../../domain/mobile-change-log.js';
import type { TemplateCopy } from '../../domain/mailing-template.js';
import { BROKER_RIGHTS, type StaffRights } from '../../domain/staff-rights.js';

export type StaffRightsDoc = Omit<StaffRights, 'employeeId'> & { _id: string };
export type MobileChangeDoc = Omit<MobileChangeRecord, 'id'> & { _id: string };
export type TemplateCopyDoc = TemplateCopy;

function compiled<T>(conn: Connection, name: string, build: () => Schema<T>): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, build());
}

export function staffRightsModel(conn: Connection): Model<StaffRightsDoc> {
  return compiled(conn, 'StaffRights', () => new Schema<StaffRightsDoc>(
    {
      _id: { type: String, required: true },
      brokerId: { type: String, required: true, index: true },
      rights: { type: [String], enum: BROKER_RIGHTS, default: [] },
      updatedAt: { type: Number, required: true },
      updatedBy: { type: String, required: true },
    },
    { collection: 'staff_rights', versionKey: false },
  ));
}

export function mobileChangeModel(conn: Connection): Model<MobileChangeDoc> {
  return compiled(conn, 'MobileChange', () => {
    const schema = new Schema<MobileChangeDoc>(
      {
        _id: { type: String, required: true },
        accountId: { type: String, required: true },
        newMobile: { type: String, required: true },
        requestedBy: { type: String, required: true },
        requestedAt: { type: Number, required: true },
        expiresAt: { type: Number, required: true },
        confirmedAt: { type: Number, default: null },
      },
      { collection: 'mobile_changes', versionKey: false },
    );
    schema.index({ accountId: 1, requestedAt: -1 });
    return schema;
  });
}

export function templateCopyModel(conn: Connection): Model<TemplateCopyDoc> {
  return compiled(conn, 'MailingTemplate', () => {
    const schema = new Schema<TemplateCopyDoc>(
      {
        brokerId: { type: String, required: true },
        templateId: { type: String, required: true },
        subject: { type: String, required: true },
        text: { type: String, required: true },
        updatedAt: { type: Number, required: true },
        updatedBy: { type: String, required: true },
      },
      { collection: 'mailing_templates', versionKey: false },
    );
    schema.index({ brokerId: 1, templateId: 1 }, { unique: true });
    return schema;
  });
}
