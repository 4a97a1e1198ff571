// MongoDB CustomerDirectory: one aggregation per page — the owner (and its sub-brokers) → their customers
// (brokerId index) → one device each at most (accountId index) → a $facet with counts, total and the page.
import type { Connection, Model, PipelineStage } from 'mongoose';
import type {
  CustomerDirectory,
  CustomerFilter,
  CustomerPage,
  CustomerQuery,
  CustomerRow,
  CustomerScope,
  CustomerSortField,
} from '../../domain/customer-directory.js';
import { type AccountDoc, accountModel } from './account-model.js';

const SORT_KEYS: Record<CustomerSortField, string> = {
  accessNumber: 'accessNumber',
  name: 'nameLower',
  email: 'email',
  mobile: 'mobile',
  enrolled: 'enrolled',
  method: 'twoFactorMethod',
  interval: 'twoFactorIntervalDays',
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface RowDoc {
  _id: string;
  accessNumber: string;
  name: string;
  email: string | null;
  mobile: string | null;
  twoFactorMethod: 'app' | 'sms';
  twoFactorIntervalDays: number;
  brokerId: string;
  enrolled: boolean;
}

const toRow = (d: RowDoc): CustomerRow => ({
  id: d._id,
  accessNumber: d.accessNumber,
  name: d.name,
  email: d.email ?? null,
  mobile: d.mobile ?? null,
  method: d.twoFactorMethod,
  intervalDays: d.twoFactorIntervalDays,
  brokerId: d.brokerId,
  enrolled: Boolean(d.enrolled),
});

function filterMatch(filter: CustomerFilter): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (filter.mobile) m.hasMobile = filter.mobile === 'yes';
  if (filter.enrolled) m.enrolled = filter.enrolled === 'yes';
  if (filter.method) m.twoFactorMethod = filter.method;
  return m;
}

export class MongoCustomerDirectory implements CustomerDirectory {
  private readonly accounts: Model<AccountDoc>;

  constructor(conn: Connection) {
    this.accounts = accountModel(conn);
  }

  /** Stages that produce the customers in scope, searched, with `enrolled` and `hasMobile`. */
  private customers(scope: CustomerScope, search: string | undefined, extra: Record<string, unknown> = {}): PipelineStage[] {
    const owners = scope.includeSubBrokers ? { $or: [{ _id: scope.ownerId }, { brokerId: scope.ownerId, role: 'subBroker' }] } : { _id: scope.ownerId };
    const customerMatch: Record<string, unknown> = { role: 'customer', ...extra };
    if (search) {
      const re = new RegExp(escapeRegex(search), 'i');
      customerMatch.$or = [{ name: re }, { accessNumber: re }, { email: re }];
    }
    return [
      { $match: owners },
      { $project: { _id: 1 } },
      { $lookup: { from: 'accounts', localField: '_id', foreignField: 'brokerId', as: 'c', pipeline: [{ $match: customerMatch }] } },
      { $unwind: '$c' },
      { $replaceRoot: { newRoot: '$c' } },
      { $lookup: { from: 'devices', localField: '_id', foreignField: 'accountId', as: 'd', pipeline: [{ $limit: 1 }, { $project: { _id: 1 } }] } },
      {
        $project: {
          accessNumber: 1, name: 1, email: 1, mobile: 1, twoFactorMethod: 1, twoFactorIntervalDays: 1, brokerId: 1,
          nameLower: { $toLower: '$name' },
          enrolled: { $gt: [{ $size: '$d' }, 0] },
          hasMobile: { $ne: [{ $ifNull: ['$mobile', null] }, null] },
        },
      },
    ];
  }

  async query(q: CustomerQuery): Promise<CustomerPage> {
    const sortKey = SORT_KEYS[q.sort.field];
    const dir = q.sort.dir === 'asc' ? 1 : -1;
    const sort: Record<string, 1 | -1> = sortKey === 'accessNumber' ? { accessNumber: dir } : { [sortKey]: dir, accessNumber: 1 };
    const sumIf = (cond: unknown) => ({ $sum: { $cond: [cond, 1, 0] } });
    const [result] = await this.accounts.aggregate<{ counts: Record<string, number>[]; matched: { n: number }[]; rows: RowDoc[] }>([
      ...this.customers(q.scope, q.filter.search),
      {
        $facet: {
          counts: [
            {
              $group: {
                _id: null,
                all: { $sum: 1 },
                mobileYes: sumIf('$hasMobile'),
                enrolledYes: sumIf('$enrolled'),
                methodSms: sumIf({ $eq: ['$twoFactorMethod', 'sms'] }),
              },
            },
          ],
          matched: [{ $match: filterMatch(q.filter) }, { $count: 'n' }],
          rows: [{ $match: filterMatch(q.filter) }, { $sort: sort }, { $skip: (q.page - 1) * q.pageSize }, { $limit: q.pageSize }],
        },
      },
    ]);
    const c = result?.counts[0] ?? { all: 0, mobileYes: 0, enrolledYes: 0, methodSms: 0 };
    const all = c.all ?? 0;
    return {
      rows: (result?.rows ?? []).map(toRow),
      matched: result?.matched[0]?.n ?? 0,
      counts: {
        all,
        mobileYes: c.mobileYes ?? 0,
        mobileNo: all - (c.mobileYes ?? 0),
        enrolledYes: c.enrolledYes ?? 0,
        enrolledNo: all - (c.enrolledYes ?? 0),
        methodSms: c.methodSms ?? 0,
        methodApp: all - (c.methodSms ?? 0),
      },
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async listAll(scope: CustomerScope, filter: CustomerFilter): Promise<CustomerRow[]> {
    const docs = await this.accounts.aggregate<RowDoc>([...this.customers(scope, filter.search), { $match: filterMatch(filter) }, { $sort: { accessNumber: 1 } }]);
    return docs.map(toRow);
  }

  async findInScope(scope: CustomerScope, customerId: string): Promise<CustomerRow | null> {
    const [doc] = await this.accounts.aggregate<RowDoc>([...this.customers(scope, undefined, { _id: customerId }), { $limit: 1 }]);
    return doc ? toRow(doc) : null;
  }
}
