// MongoDB AccountStore: all-or-nothing batch inserts, lower-cased emails, plain Account objects out.
import { mongo, type Connection, type Model } from 'mongoose';
import { type Account, type AccountPatch, type AccountStore, DuplicateAccountError } from '../../domain/account.js';
import { type AccountDoc, accountModel } from './account-model.js';

const PATCHABLE = ['email', 'mobile', 'name', 'passwordHash', 'twoFactorMethod', 'twoFactorIntervalDays', 'mobileVerified'] as const;

export class MongoAccountStore implements AccountStore {
  private readonly accounts: Model<AccountDoc>;
  private transactions: boolean | undefined;

  constructor(private readonly conn: Connection) {
    this.accounts = accountModel(conn);
  }

  async findById(id: string): Promise<Account | null> {
    const doc = await this.accounts.findOne({ _id: id }).lean<AccountDoc>();
    return doc ? toAccount(doc) : null;
  }

  async findByAccessNumber(accessNumber: string): Promise<Account | null> {
    const doc = await this.accounts.findOne({ accessNumber }).lean<AccountDoc>();
    return doc ? toAccount(doc) : null;
  }

  async findByEmail(email: string): Promise<Account[]> {
    const docs = await this.accounts.find({ email: email.toLowerCase() }).lean<AccountDoc[]>();
    return docs.map(toAccount);
  }

  async listByBroker(brokerId: string): Promise<Account[]> {
    const docs = await this.accounts.find({ brokerId }).lean<AccountDoc[]>();
    return docs.map(toAccount);
  }

  async insertMany(accounts: Account[]): Promise<void> {
    if (accounts.length === 0) return;
    const clash = findDuplicateInBatch(accounts) ?? (await this.findStoredClash(accounts));
    if (clash) throw clash;
    const docs = accounts.map(toDoc);
    await this.accounts.init(); // the unique index on accessNumber must exist before we rely on it
    try {
      if (await this.supportsTransactions()) {
        await this.conn.transaction(async (session) => {
          await this.accounts.insertMany(docs, { session, ordered: true });
        });
      } else {
        await this.insertOrUndo(docs);
      }
    } catch (err) {
      throw asDuplicateAccountError(err) ?? err;
    }
  }

  async update(id: string, patch: AccountPatch, updatedAt: number): Promise<Account | null> {
    const set: Record<string, unknown> = { updatedAt };
    for (const key of PATCHABLE) if (patch[key] !== undefined) set[key] = patch[key];
    if (patch.email !== undefined) set.email = patch.email?.toLowerCase() ?? null;
    const doc = await this.accounts
      .findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after', runValidators: true })
      .lean<AccountDoc>();
    return doc ? toAccount(doc) : null;
  }

  async setIntervalMany(ids: string[], days: number, updatedAt: number): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.accounts.updateMany(
      { _id: { $in: ids } },
      { $set: { twoFactorIntervalDays: days, updatedAt } },
    );
    return result.matchedCount;
  }

  /** A stored account sharing an id or access number with the batch, as the error to throw. */
  private async findStoredClash(accounts: Account[]): Promise<DuplicateAccountError | null> {
    const ids = accounts.map((a) => a.id);
    const doc = await this.accounts
      .findOne({ $or: [{ _id: { $in: ids } }, { accessNumber: { $in: accounts.map((a) => a.accessNumber) } }] })
      .select({ _id: 1, accessNumber: 1 })
      .lean<Pick<AccountDoc, '_id' | 'accessNumber'>>();
    if (!doc) return null;
    return ids.includes(doc._id)
      ? new DuplicateAccountError('id', doc._id)
      : new DuplicateAccountError('accessNumber', doc.accessNumber);
  }

  /** Without transactions: an ordered insert, and on failure delete what this batch inserted. */
  private async insertOrUndo(docs: AccountDoc[]): Promise<void> {
    try {
      await this.accounts.insertMany(docs, { ordered: true });
    } catch (err) {
      // A server-reported write error tells exactly which documents went in; for any other failure the
      // outcome is unknown, so remove every id of the batch (none of them existed at the check above).
      const inserted =
        err instanceof mongo.MongoBulkWriteError && err.code === 11000
          ? Object.values(err.insertedIds)
          : docs.map((d) => d._id);
      if (inserted.length > 0) await this.accounts.deleteMany({ _id: { $in: inserted } });
      throw err;
    }
  }

  /** Transactions need a replica set member or mongos; a standalone server has neither. */
  private async supportsTransactions(): Promise<boolean> {
    if (this.transactions === undefined) {
      if (!this.conn.db) throw new Error('mongo: connection is not open');
      const hello = await this.conn.db.admin().command({ hello: 1 });
      this.transactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
    }
    return this.transactions;
  }
}

function toDoc(account: Account): AccountDoc {
  const { id, ...rest } = account;
  return { ...rest, _id: id, email: account.email?.toLowerCase() ?? null };
}

/** Copies field by field so nothing of the stored document (or mongoose) leaks out. */
function toAccount(doc: AccountDoc): Account {
  return {
    id: doc._id,
    accessNumber: doc.accessNumber,
    email: doc.email ?? null,
    mobile: doc.mobile ?? null,
    name: doc.name,
    role: doc.role,
    brokerId: doc.brokerId ?? null,
    passwordHash: doc.passwordHash ?? null,
    twoFactorMethod: doc.twoFactorMethod,
    twoFactorIntervalDays: doc.twoFactorIntervalDays,
    ...(doc.mobileVerified ? { mobileVerified: doc.mobileVerified } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function findDuplicateInBatch(accounts: Account[]): DuplicateAccountError | null {
  const ids = new Set<string>();
  const numbers = new Set<string>();
  for (const { id, accessNumber } of accounts) {
    if (ids.has(id)) return new DuplicateAccountError('id', id);
    if (numbers.has(accessNumber)) return new DuplicateAccountError('accessNumber', accessNumber);
    ids.add(id);
    numbers.add(accessNumber);
  }
  return null;
}

/** Maps a duplicate-key error (E11000, from a concurrent insert) to DuplicateAccountError. */
function asDuplicateAccountError(err: unknown): DuplicateAccountError | null {
  if (!(err instanceof mongo.MongoServerError) || err.code !== 11000) return null;
  const raw = err instanceof mongo.MongoBulkWriteError ? [err.writeErrors].flat()[0]?.err : err;
  const key = (raw as { keyValue?: Record<string, unknown> } | undefined)?.keyValue ?? {};
  return 'accessNumber' in key
    ? new DuplicateAccountError('accessNumber', String(key.accessNumber))
    : new DuplicateAccountError('id', String(key._id ?? ''));
}
