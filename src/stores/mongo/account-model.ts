// The accounts collection: `_id` is the account id, access numbers are unique, email and brokerId are indexed.
import { Schema, type Connection, type Model } from 'mongoose';
import { type Account, ROLES, TWO_FACTOR_METHODS } from '../../domain/account.js';

/** An account as stored: the id lives in `_id`. */
export type AccountDoc = Omit<Account, 'id'> & { _id: string };

function accountSchema(): Schema<AccountDoc> {
  return new Schema<AccountDoc>(
    {
      _id: { type: String, required: true },
      accessNumber: { type: String, required: true, unique: true },
      email: { type: String, default: null, index: true },
      mobile: { type: String, default: null },
      name: { type: String, default: '' },
      role: { type: String, required: true, enum: ROLES },
      brokerId: { type: String, default: null, index: true },
      passwordHash: { type: String, default: null },
      twoFactorMethod: { type: String, required: true, enum: TWO_FACTOR_METHODS },
      twoFactorIntervalDays: { type: Number, required: true },
      mobileVerified: { type: String, default: null },
      createdAt: { type: Number, required: true },
      updatedAt: { type: Number, required: true },
    },
    { collection: 'accounts', versionKey: false },
  );
}

/** The Account model on this connection, compiled once per connection. */
export function accountModel(conn: Connection): Model<AccountDoc> {
  return (conn.models.Account as Model<AccountDoc> | undefined) ?? conn.model<AccountDoc>('Account', accountSchema());
}
