// MobileChangeLog and MobileChangeRecord — the pending mobile numbers contract (ACC-3): each requested change with its expiry and, once the owner typed the
// code, its confirmation — so a broker sees pending, confirmed or expired even after the code itself is gone.
export interface MobileChangeRecord {
  id: string;
  accountId: string;
  /** E.164; becomes the number on file only when confirmed. */
  newMobile: string;
  requestedBy: string;
  requestedAt: number;
  expiresAt: number;
  confirmedAt: number | null;
}

export type MobileChangeState = 'pending' | 'confirmed' | 'expired';

export function mobileChangeState(record: MobileChangeRecord, now: number): MobileChangeState {
  if (record.confirmedAt !== null) return 'confirmed';
  return now >= record.expiresAt ? 'expired' : 'pending';
}

export interface MobileChangeLog {
  add(record: MobileChangeRecord): Promise<void>;
  /** The newest request of the account (by requestedAt), or null. */
  latest(accountId: string): Promise<MobileChangeRecord | null>;
  /** Marks the record confirmed once; false when it is unknown or already confirmed. */
  confirm(id: string, at: number): Promise<boolean>;
}
