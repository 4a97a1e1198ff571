// MailingStore on MongoDB: the mailing (with its lease) in `mailings`, one document per recipient in
// `mailing_recipients`; every state change is one conditional update (findOneAndUpdate / updateOne on the expected
// state), so a recipient is claimed exactly once even by several instances.
import { Schema, type Connection, type Model } from 'mongoose';
import type { Clock } from '../../shared/clock.js';
import { emptyCounts, RECIPIENT_STATES, type Mailing, type MailingRecipient, type MailingStore, type RecipientCounts, type RecipientState } from '../../domain/mailing.js';

type MailingDoc = Omit<Mailing, 'id'> & { _id: string; leaseBy: string | null; leaseUntil: number };
type RecipientDoc = Omit<MailingRecipient, never> & { _id: string; mailingId: string; seq: number };

function models(conn: Connection): { mailings: Model<MailingDoc>; recipients: Model<RecipientDoc> } {
  const mailings =
    (conn.models.Mailing as Model<MailingDoc> | undefined) ??
    conn.model<MailingDoc>(
      'Mailing',
      (() => {
        const s = new Schema<MailingDoc>(
          {
            _id: { type: String, required: true },
            brokerId: { type: String, required: true },
            templateId: { type: String, required: true },
            subject: { type: String, required: true },
            text: { type: String, required: true },
            filter: { type: Schema.Types.Mixed, default: () => ({}) },
            brokerName: { type: String, default: '' },
            guideLink: { type: String, default: '' },
            createdBy: { type: String, required: true },
            createdAt: { type: Number, required: true },
            leaseBy: { type: String, default: null },
            leaseUntil: { type: Number, default: 0 },
          },
          { collection: 'mailings', versionKey: false, minimize: false },
        );
        s.index({ brokerId: 1, createdAt: -1 });
        return s;
      })(),
    );
  const recipients =
    (conn.models.MailingRecipient as Model<RecipientDoc> | undefined) ??
    conn.model<RecipientDoc>(
      'MailingRecipient',
      (() => {
        const s = new Schema<RecipientDoc>(
          {
            _id: { type: String, required: true },
            mailingId: { type: String, required: true },
            seq: { type: Number, required: true },
            accountId: { type: String, required: true },
            accessNumber: { type: String, required: true },
            name: { type: String, default: '' },
            email: { type: String, default: null },
            state: { type: String, required: true, enum: RECIPIENT_STATES },
            messageId: { type: String, default: null },
            error: { type: String, default: null },
            at: { type: Number, default: null },
          },
          { collection: 'mailing_recipients', versionKey: false },
        );
        s.index({ mailingId: 1, state: 1, seq: 1 });
        s.index({ state: 1, mailingId: 1 });
        return s;
      })(),
    );
  return { mailings, recipients };
}

const OPEN: RecipientState[] = ['pending', 'claimed', 'sending'];

export class MongoMailingStore implements MailingStore {
  private readonly m: ReturnType<typeof models>;

  constructor(conn: Connection, private readonly clock: Clock) {
    this.m = models(conn);
  }

  private static out(d: MailingDoc): Mailing {
    return { id: d._id, brokerId: d.brokerId, templateId: d.templateId, subject: d.subject, text: d.text, filter: { ...d.filter }, brokerName: d.brokerName, guideLink: d.guideLink, createdBy: d.createdBy, createdAt: d.createdAt };
  }

  private static recipient(d: RecipientDoc): MailingRecipient {
    return { accountId: d.accountId, accessNumber: d.accessNumber, name: d.name, email: d.email ?? null, state: d.state, messageId: d.messageId ?? null, error: d.error ?? null, at: d.at ?? null };
  }

  async create(mailing: Mailing, recipients: Omit<MailingRecipient, 'state' | 'messageId' | 'error' | 'at'>[]): Promise<void> {
    const { id, ...rest } = mailing;
    await this.m.mailings.create({ _id: id, ...rest, leaseBy: null, leaseUntil: 0 }); // a duplicate id throws (E11000)
    const docs = recipients.map((r, seq) => ({ _id: `${id}:${r.accountId}`, mailingId: id, seq, ...r, email: r.email ?? null, state: r.email ? 'pending' : 'unreachable', messageId: null, error: null, at: null }));
    for (let i = 0; i < docs.length; i += 1000) await this.m.recipients.insertMany(docs.slice(i, i + 1000), { ordered: true });
  }

  async get(id: string): Promise<Mailing | null> {
    const d = await this.m.mailings.findOne({ _id: id }).lean<MailingDoc>();
    return d ? MongoMailingStore.out(d) : null;
  }

  async listByBroker(brokerId: string, limit = 50): Promise<Mailing[]> {
    return (await this.m.mailings.find({ brokerId }).sort({ createdAt: -1 }).limit(limit).lean<MailingDoc[]>()).map(MongoMailingStore.out);
  }

  async recipients(id: string): Promise<MailingRecipient[]> {
    return (await this.m.recipients.find({ mailingId: id }).sort({ seq: 1 }).lean<RecipientDoc[]>()).map(MongoMailingStore.recipient);
  }

  async counts(id: string): Promise<RecipientCounts> {
    const counts = emptyCounts();
    const grouped = await this.m.recipients.aggregate<{ _id: RecipientState; n: number }>([{ $match: { mailingId: id } }, { $group: { _id: '$state', n: { $sum: 1 } } }]);
    for (const g of grouped) counts[g._id] = g.n;
    return counts;
  }

  async active(): Promise<string[]> {
    return (await this.m.recipients.distinct('mailingId', { state: { $in: OPEN } })) as string[];
  }

  async lease(id: string, runnerId: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const taken = await this.m.mailings.findOneAndUpdate(
      { _id: id, $or: [{ leaseBy: null }, { leaseBy: runnerId }, { leaseUntil: { $lte: now } }] },
      { $set: { leaseBy: runnerId, leaseUntil: now + ttlMs } },
      { returnDocument: 'after' },
    );
    return taken !== null;
  }

  async release(id: string, runnerId: string): Promise<void> {
    await this.m.mailings.updateOne({ _id: id, leaseBy: runnerId }, { $set: { leaseBy: null, leaseUntil: 0 } });
  }

  async recover(id: string): Promise<{ requeued: number; unknown: number }> {
    const requeued = await this.m.recipients.updateMany({ mailingId: id, state: 'claimed' }, { $set: { state: 'pending' } });
    const unknown = await this.m.recipients.updateMany({ mailingId: id, state: 'sending' }, { $set: { state: 'unknown' } });
    return { requeued: requeued.modifiedCount, unknown: unknown.modifiedCount };
  }

  async claimNext(id: string): Promise<MailingRecipient | null> {
    const d = await this.m.recipients
      .findOneAndUpdate({ mailingId: id, state: 'pending' }, { $set: { state: 'claimed' } }, { sort: { seq: 1 }, returnDocument: 'after' })
      .lean<RecipientDoc>();
    return d ? MongoMailingStore.recipient(d) : null;
  }

  async transition(id: string, accountId: string, from: RecipientState, to: RecipientState, info?: { messageId?: string; error?: string; at: number }): Promise<boolean> {
    const set: Record<string, unknown> = { state: to };
    if (info) {
      set.at = info.at;
      if (info.messageId !== undefined) set.messageId = info.messageId;
      if (info.error !== undefined) set.error = info.error;
    }
    const result = await this.m.recipients.updateOne({ _id: `${id}:${accountId}`, state: from }, { $set: set });
    return result.modifiedCount === 1;
  }

  async retryUnknown(id: string): Promise<number> {
    return (await this.m.recipients.updateMany({ mailingId: id, state: 'unknown' }, { $set: { state: 'pending' } })).modifiedCount;
  }

  async remove(id: string): Promise<void> {
    await this.m.recipients.deleteMany({ mailingId: id });
    await this.m.mailings.deleteOne({ _id: id });
  }
}

export { models as mailingModels };
