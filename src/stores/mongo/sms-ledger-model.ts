// The sms_ledger collection: unique by idempotency key (a second insert of the same message is a duplicate key).
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { SmsLedgerLine } from '../../domain/sms-ledger.js';

/** A line as stored: `id` is the public line id, `_id` the insertion-ordered ObjectId. */
export type SmsLedgerDoc = SmsLedgerLine & { _id: Types.ObjectId };

function smsLedgerSchema(): Schema<SmsLedgerDoc> {
  const schema = new Schema<SmsLedgerDoc>(
    {
      id: { type: String, required: true },
      idempotencyKey: { type: String, required: true },
      accountId: { type: String, required: true },
      brokerId: { type: String, required: true },
      purpose: { type: String, required: true, enum: ['activation', 'login', 'password', 'mobile_change'] },
      at: { type: Number, required: true },
      providerMessageId: { type: String, default: null },
      state: { type: String, enum: ['accepted', 'unknown', 'failed'], default: 'accepted' },
      netCents: { type: Number, required: true, min: 0, validate: { validator: Number.isSafeInteger, message: 'netCents must be an integer' } },
    },
    { collection: 'sms_ledger', versionKey: false, id: false },
  );
  schema.index({ idempotencyKey: 1 }, { unique: true });
  schema.index({ brokerId: 1, at: 1, _id: 1 });
  schema.index({ state: 1, at: 1 });
  return schema;
}

/** The SmsLedgerLine model on this connection, compiled once per connection. */
export function smsLedgerModel(conn: Connection): Model<SmsLedgerDoc> {
  return (conn.models.SmsLedgerLine as Model<SmsLedgerDoc> | undefined) ?? conn.model<SmsLedgerDoc>('SmsLedgerLine', smsLedgerSchema());
}
