// The audit collection: append-only events; the ObjectId `_id` gives insertion order among events of equal time.
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AuditEvent } from '../../domain/audit-log.js';

/** An event as stored: `id` is the public event id, `_id` the insertion-ordered ObjectId. */
export type AuditDoc = AuditEvent & { _id: Types.ObjectId };

function auditSchema(): Schema<AuditDoc> {
  const schema = new Schema<AuditDoc>(
    {
      id: { type: String, required: true },
      at: { type: Number, required: true },
      type: { type: String, required: true },
      accountId: { type: String, default: null },
      deviceId: { type: String, default: null },
      ip: { type: String, default: null },
      details: { type: Schema.Types.Mixed, default: () => ({}) },
    },
    // id: false: `id` is a stored field, not mongoose's virtual; minimize: false keeps an empty `details`.
    { collection: 'audit_events', versionKey: false, id: false, minimize: false },
  );
  // Each list query (by account, by type, or all) reads one index in its sort order: at desc, then _id desc.
  schema.index({ accountId: 1, at: -1, _id: -1 });
  schema.index({ type: 1, at: -1, _id: -1 });
  schema.index({ at: -1, _id: -1 });
  return schema;
}

/** The AuditEvent model on this connection, compiled once per connection. */
export function auditModel(conn: Connection): Model<AuditDoc> {
  return (conn.models.AuditEvent as Model<AuditDoc> | undefined) ?? conn.model<AuditDoc>('AuditEvent', auditSchema());
}
