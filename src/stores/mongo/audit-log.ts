// MongoDB AuditLog: append-only (no update or delete), read newest first, equal times by insertion desc.
import type { Connection, Model } from 'mongoose';
import type { Random } from '../../shared/random.js';
import type { AuditEvent, AuditLog, AuditQuery, NewAuditEvent } from '../../domain/audit-log.js';
import { type AuditDoc, auditModel } from './audit-model.js';

const DEFAULT_LIMIT = 100;

export class MongoAuditLog implements AuditLog {
  private readonly events: Model<AuditDoc>;

  constructor(
    conn: Connection,
    private readonly random: Random,
  ) {
    this.events = auditModel(conn);
  }

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const stored: AuditEvent = {
      id: `aud_${this.random.token(12)}`,
      at: event.at,
      type: event.type,
      accountId: event.accountId,
      deviceId: event.deviceId ?? null,
      ip: event.ip ?? null,
      details: structuredClone(event.details ?? {}),
    };
    await this.events.create({ ...stored, details: structuredClone(stored.details) });
    return stored;
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const limit = Math.floor(query.limit ?? DEFAULT_LIMIT);
    if (!(limit > 0)) return []; // limit(0) would mean "no limit" to MongoDB
    const filter: Record<string, unknown> = {};
    if (query.accountId !== undefined) filter.accountId = query.accountId;
    if (query.type !== undefined) filter.type = query.type;
    const docs = await this.events.find(filter).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditDoc[]>();
    return docs.map(toEvent);
  }
}

/** Copies field by field so nothing of the stored document (or mongoose) leaks out. */
function toEvent(doc: AuditDoc): AuditEvent {
  return {
    id: doc.id,
    at: doc.at,
    type: doc.type,
    accountId: doc.accountId ?? null,
    deviceId: doc.deviceId ?? null,
    ip: doc.ip ?? null,
    details: doc.details ?? {},
  };
}
