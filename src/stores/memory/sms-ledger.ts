// In-memory SmsLedger: one line per idempotency key, copies out.
import type { Random } from '../../shared/random.js';
import { assertValidLedgerLine, type NewSmsLedgerLine, type SmsLedger, type SmsLedgerLine, type SmsSettlement } from '../../domain/sms-ledger.js';

export class MemorySmsLedger implements SmsLedger {
  /** In recording order. */
  private readonly lines: SmsLedgerLine[] = [];
  private readonly byKey = new Map<string, SmsLedgerLine>();

  constructor(private readonly random: Random) {}

  async record(line: NewSmsLedgerLine): Promise<{ line: SmsLedgerLine; created: boolean }> {
    assertValidLedgerLine(line);
    const earlier = this.byKey.get(line.idempotencyKey);
    if (earlier) return { line: { ...earlier }, created: false };
    const stored: SmsLedgerLine = { id: `sml_${this.random.token(12)}`, ...pick(line) };
    this.lines.push(stored);
    this.byKey.set(stored.idempotencyKey, stored);
    return { line: { ...stored }, created: true };
  }

  /** Synchronous between reading and writing: settling is atomic. */
  async settle(idempotencyKey: string, settlement: SmsSettlement): Promise<SmsLedgerLine | null> {
    const line = this.byKey.get(idempotencyKey);
    if (!line) return null;
    if (settlement.state === 'accepted' && line.state !== 'accepted') {
      Object.assign(line, { state: 'accepted', providerMessageId: settlement.providerMessageId, at: settlement.at });
    } else if (settlement.state === 'failed' && line.state === 'unknown') {
      line.state = 'failed';
    }
    return { ...line };
  }

  async listUnsettled(): Promise<SmsLedgerLine[]> {
    return this.lines.filter((l) => l.state === 'unknown').map((l) => ({ ...l }));
  }

  async listForBroker(brokerId: string, fromMs: number, toMs: number): Promise<SmsLedgerLine[]> {
    return this.lines
      .filter((l) => l.brokerId === brokerId && l.at >= fromMs && l.at < toMs)
      .sort((a, b) => a.at - b.at) // stable: equal times keep recording order
      .map((l) => ({ ...l }));
  }
}

function pick(line: NewSmsLedgerLine): NewSmsLedgerLine {
  const { idempotencyKey, accountId, brokerId, purpose, at, providerMessageId, netCents, state } = line;
  return { idempotencyKey, accountId, brokerId, purpose, at, providerMessageId, netCents, state };
}
