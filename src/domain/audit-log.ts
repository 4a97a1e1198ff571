// AuditLog and AuditEvent — the audit log contract: an append-only record of security events, newest first when read.
export interface AuditEvent {
  id: string;
  at: number;
  /** e.g. device.enrolled, device.removed, approval.created, approval.approved, approval.denied, approval.not_me, approval.refused */
  type: string;
  accountId: string | null;
  deviceId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'deviceId' | 'ip' | 'details'> &
  Partial<Pick<AuditEvent, 'deviceId' | 'ip' | 'details'>>;

export interface AuditQuery {
  accountId?: string;
  type?: string;
  /** Default 100. */
  limit?: number;
}

export interface AuditLog {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  list(query: AuditQuery): Promise<AuditEvent[]>;
}
