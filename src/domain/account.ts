// Account, AccountStore, roles and 2FA methods — the account contract: what every account store (memory, MongoDB) must keep and find.
export const ROLES = ['broker', 'employee', 'subBroker', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export const TWO_FACTOR_METHODS = ['app', 'sms'] as const;
export type TwoFactorMethod = (typeof TWO_FACTOR_METHODS)[number];

export interface Account {
  /** Stable opaque id; the OIDC `sub`. */
  id: string;
  /** The unique login id (Zugangsnummer). */
  accessNumber: string;
  /** Lower-cased; not unique across accounts (ACC-2). */
  email: string | null;
  /** E.164 (ACC-3). */
  mobile: string | null;
  name: string;
  role: Role;
  /** The account this one belongs to: the broker of an employee or sub-broker, the broker or sub-broker of a customer. */
  brokerId: string | null;
  /** argon2id PHC string; null until a password has been set (PWD-1). */
  passwordHash: string | null;
  twoFactorMethod: TwoFactorMethod;
  /** 0 = ask always, else 1..90 days (RD-1). */
  twoFactorIntervalDays: number;
  /**
   * The E.164 number at which an SMS code was last confirmed (login code, activation code, mobile number change);
   * absent or null = never. `phone_number_verified` is true while it equals `mobile`, so a new number starts unverified.
   */
  mobileVerified?: string | null;
  createdAt: number;
  updatedAt: number;
}

export type AccountPatch = Partial<
  Pick<Account, 'email' | 'mobile' | 'name' | 'passwordHash' | 'twoFactorMethod' | 'twoFactorIntervalDays' | 'mobileVerified'>
>;

export interface AccountStore {
  findById(id: string): Promise<Account | null>;
  findByAccessNumber(accessNumber: string): Promise<Account | null>;
  /** Every account with this email (case-insensitive); several are possible (ACC-2). */
  findByEmail(email: string): Promise<Account[]>;
  /** Accounts whose `brokerId` is the given id. */
  listByBroker(brokerId: string): Promise<Account[]>;
  /** Inserts all or none: a duplicate id or access number (among them or stored) rejects the whole batch. */
  insertMany(accounts: Account[]): Promise<void>;
  /** Applies the patch and returns the stored account; null when the id is unknown. */
  update(id: string, patch: AccountPatch, updatedAt: number): Promise<Account | null>;
  /** Sets the interval of every account in `ids` (one broker's customers); returns how many changed. */
  setIntervalMany(ids: string[], days: number, updatedAt: number): Promise<number>;
}

export class DuplicateAccountError extends Error {
  constructor(readonly field: 'id' | 'accessNumber', readonly value: string) {
    super(`duplicate ${field}: ${value}`);
    this.name = 'DuplicateAccountError';
  }
}
