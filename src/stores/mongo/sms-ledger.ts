// MongoDB SmsLedger: the unique index on idempotencyKey makes recording idempotent, also across instances.
import { mongo, type Connection, type Model } from 'mongoose';
import type { Random } from '../../shared/random.js';
import { assertValidLedgerLine, type NewSmsLedgerLine, type SmsLedger, type SmsLedgerLine, type SmsSettlement } from '../../domain/sms-ledger.js';
import { type SmsLedgerDoc, smsLedgerModel } from './sms-ledger-model.js';

export class MongoSmsLedger implements SmsLedger {
  private readonly lines: Model<SmsLedgerDoc>;
  private indexes: Promise<unknown> | undefined;

  constructor(
    conn: Connection,
    private readonly random: Random,
  ) {
    this.lines = smsLedgerModel(conn);
  }

  async record(line: NewSmsLedgerLine): Promise<{ line: SmsLedgerLine; created: boolean }> {
    assertValidLedgerLine(line);
    // The unique index must exist before we rely on it for "exactly once".
    this.indexes ??= this.lines.init().catch((err: unknown) => {
      this.indexes = undefined;
      throw err;
    });
    await this.indexes;
    const stored: SmsLedgerLine = {
      id: `sml_${this.random.token(12)}`,
      idempotencyKey: line.idempotencyKey,
      accountId: line.accountId,
      brokerId: line.brokerId,
      purpose: line.purpose,
      at: line.at,
      providerMessageId: line.providerMessageId,
      netCents: line.netCents,
      state: line.state,
    };
    try {
      await this.lines.create(stored);
      return { line: stored, created: true };
    } catch (err) {
      if (!(err instanceof mongo.MongoServerError) || err.code !== 11000) throw err;
      const earlier = await this.lines.findOne({ idempotencyKey: line.idempotencyKey }).lean<SmsLedgerDoc>();
      if (!earlier) throw err;
      return { line: toLine(earlier), created: false };
    }
  }

  /** One conditional update (findOneAndUpdate) per transition: an accepted line is never touched again. */
  async settle(idempotencyKey: string, settlement: SmsSettlement): Promise<SmsLedgerLine | null> {
    if (settlement.state === 'accepted') {
      await this.lines.updateOne(
        { idempotencyKey, state: { $in: ['unknown', 'failed'] } },
        { $set: { state: 'accepted', providerMessageId: settlement.providerMessageId, at: settlement.at } },
      );
    } else {
      await this.lines.updateOne({ idempotencyKey, state: 'unknown' }, { $set: { state: 'failed' } });
    }
    const doc = await this.lines.findOne({ idempotencyKey }).lean<SmsLedgerDoc>();
    return doc ? toLine(doc) : null;
  }

  async listUnsettled(): Promise<SmsLedgerLine[]> {
    const docs = await this.lines.find({ state: 'unknown' }).sort({ at: 1, _id: 1 }).lean<SmsLedgerDoc[]>();
    return docs.map(toLine);
  }

  async listForBroker(brokerId: string, fromMs: number, toMs: number): Promise<SmsLedgerLine[]> {
    const docs = await this.lines.find({ brokerId, at: { $gte: fromMs, $lt: toMs } }).sort({ at: 1, _id: 1 }).lean<SmsLedgerDoc[]>();
    return docs.map(toLine);
  }
}

/** Copies field by field so nothing of the stored document (or mongoose) leaks out. */
function toLine(doc: SmsLedgerDoc): SmsLedgerLine {
  return {
    id: doc.id,
    idempotencyKey: doc.idempotencyKey,
    accountId: doc.accountId,
    brokerId: doc.brokerId,
    purpose: doc.purpose,
    at: doc.at,
    providerMessageId: doc.providerMessageId ?? null,
    netCents: doc.netCents,
    // Lines written before states existed were recorded only after the provider accepted them.
    state: doc.state ?? 'accepted',
  };
}
