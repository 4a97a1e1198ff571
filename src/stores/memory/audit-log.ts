// In-memory AuditLog: append-only, read newest first (equal times: last appended first), copies out.
import type { Random } from '../../shared/random.js';
import type { AuditEvent, AuditLog, AuditQuery, NewAuditEvent } from '../../domain/audit-log.js';

const DEFAULT_LIMIT = 100;

export class MemoryAuditLog implements AuditLog {
  private readonly events: AuditEvent[] = [];
  private readonly random: Random;

  constructor({ random }: { random: Random }) {
    this.random = random;
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
    this.events.push(stored);
    return copyEvent(stored);
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const limit = Math.floor(query.limit ?? DEFAULT_LIMIT);
    if (!(limit > 0)) return [];
    return this.events
      .filter((e) => query.accountId === undefined || e.accountId === query.accountId)
      .filter((e) => query.type === undefined || e.type === query.type)
      .reverse() // newest append first; the stable sort keeps that order among equal times
      .sort((a, b) => b.at - a.at)
      .slice(0, limit)
      .map(copyEvent);
  }
}

function copyEvent(event: AuditEvent): AuditEvent {
  return { ...event, details: structuredClone(event.details) };
}
