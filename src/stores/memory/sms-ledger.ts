// In-memory SmsLedger: one line per idempotency key, copies out.
import type { Random } from '../../shared/random.js';
import { assertValidLedgerLine, type NewSmsLedgerLine, type SmsLedger, type SmsLedgerLine } from '../sms-ledger.js';

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

  async listForBroker(brokerId: string, fromMs: number, toMs: number): Promise<SmsLedgerLine[]> {
    return this.lines
      .filter((l) => l.brokerId === brokerId && l.at >= fromMs && l.at < toMs)
      .sort((a, b) => a.at - b.at) // stable: equal times keep recording order
      .map((l) => ({ ...l }));
  }
}

function pick(line: NewSmsLedgerLine): NewSmsLedgerLine {
  const { idempotencyKey, accountId, brokerId, purpose, at, providerMessageId, netCents } = line;
  return { idempotencyKey, accountId, brokerId, purpose, at, providerMessageId, netCents };
}
