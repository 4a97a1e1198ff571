// In-memory MailingStore (embedded default: one process; a restart forgets everything anyway).
import type { Clock } from '../../shared/clock.js';
import { emptyCounts, type Mailing, type MailingRecipient, type MailingStore, type RecipientCounts, type RecipientState } from '../../domain/mailing.js';

interface Entry {
  mailing: Mailing;
  order: string[];
  recipients: Map<string, MailingRecipient>;
  lease: { runnerId: string; until: number } | null;
}

export class MemoryMailingStore implements MailingStore {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly clock: Clock) {}

  async create(mailing: Mailing, recipients: Omit<MailingRecipient, 'state' | 'messageId' | 'error' | 'at'>[]): Promise<void> {
    if (this.entries.has(mailing.id)) throw new Error(`duplicate mailing id: ${mailing.id}`);
    const map = new Map<string, MailingRecipient>();
    for (const r of recipients) map.set(r.accountId, { ...r, state: r.email ? 'pending' : 'unreachable', messageId: null, error: null, at: null });
    this.entries.set(mailing.id, { mailing: { ...mailing, filter: { ...mailing.filter } }, order: recipients.map((r) => r.accountId), recipients: map, lease: null });
  }

  async get(id: string): Promise<Mailing | null> {
    const e = this.entries.get(id);
    return e ? { ...e.mailing, filter: { ...e.mailing.filter } } : null;
  }

  async listByBroker(brokerId: string, limit = 50): Promise<Mailing[]> {
    return [...this.entries.values()]
      .map((e) => e.mailing)
      .filter((m) => m.brokerId === brokerId)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map((m) => ({ ...m }));
  }

  async recipients(id: string): Promise<MailingRecipient[]> {
    const e = this.entries.get(id);
    return e ? e.order.map((a) => ({ ...e.recipients.get(a)! })) : [];
  }

  async counts(id: string): Promise<RecipientCounts> {
    const counts = emptyCounts();
    for (const r of this.entries.get(id)?.recipients.values() ?? []) counts[r.state]++;
    return counts;
  }

  async active(): Promise<string[]> {
    const out: string[] = [];
    for (const [id, e] of this.entries) {
      if ([...e.recipients.values()].some((r) => r.state === 'pending' || r.state === 'claimed' || r.state === 'sending')) out.push(id);
    }
    return out;
  }

  async lease(id: string, runnerId: string, ttlMs: number): Promise<boolean> {
    const e = this.entries.get(id);
    if (!e) return false;
    const now = this.clock.now();
    if (e.lease && e.lease.runnerId !== runnerId && e.lease.until > now) return false;
    e.lease = { runnerId, until: now + ttlMs };
    return true;
  }

  async release(id: string, runnerId: string): Promise<void> {
    const e = this.entries.get(id);
    if (e?.lease?.runnerId === runnerId) e.lease = null;
  }

  async recover(id: string): Promise<{ requeued: number; unknown: number }> {
    let requeued = 0;
    let unknown = 0;
    for (const r of this.entries.get(id)?.recipients.values() ?? []) {
      if (r.state === 'claimed') {
        r.state = 'pending';
        requeued++;
      } else if (r.state === 'sending') {
        r.state = 'unknown';
        unknown++;
      }
    }
    return { requeued, unknown };
  }

  async claimNext(id: string): Promise<MailingRecipient | null> {
    const e = this.entries.get(id);
    if (!e) return null;
    for (const accountId of e.order) {
      const r = e.recipients.get(accountId)!;
      if (r.state === 'pending') {
        r.state = 'claimed';
        return { ...r };
      }
    }
    return null;
  }

  async transition(id: string, accountId: string, from: RecipientState, to: RecipientState, info?: { messageId?: string; error?: string; at: number }): Promise<boolean> {
    const r = this.entries.get(id)?.recipients.get(accountId);
    if (!r || r.state !== from) return false;
    r.state = to;
    if (info) {
      r.at = info.at;
      if (info.messageId !== undefined) r.messageId = info.messageId;
      if (info.error !== undefined) r.error = info.error;
    }
    return true;
  }

  async retryUnknown(id: string): Promise<number> {
    let n = 0;
    for (const r of this.entries.get(id)?.recipients.values() ?? []) {
      if (r.state === 'unknown') {
        r.state = 'pending';
        n++;
      }
    }
    return n;
  }

  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }
}
