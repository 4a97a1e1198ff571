// In-memory MobileChangeLog.
import type { MobileChangeLog, MobileChangeRecord } from '../../domain/mobile-change-log.js';

export class MemoryMobileChangeLog implements MobileChangeLog {
  private readonly byId = new Map<string, MobileChangeRecord>();

  async add(record: MobileChangeRecord): Promise<void> {
    if (this.byId.has(record.id)) throw new Error(`duplicate mobile change id: ${record.id}`);
    this.byId.set(record.id, { ...record });
  }

  async latest(accountId: string): Promise<MobileChangeRecord | null> {
    let best: MobileChangeRecord | null = null;
    for (const r of this.byId.values()) if (r.accountId === accountId && (!best || r.requestedAt >= best.requestedAt)) best = r;
    return best ? { ...best } : null;
  }

  async confirm(id: string, at: number): Promise<boolean> {
    const r = this.byId.get(id);
    if (!r || r.confirmedAt !== null) return false;
    r.confirmedAt = at;
    return true;
  }
}
