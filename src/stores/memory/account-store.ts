// In-memory AccountStore for the embedded default and unit tests.
import { type Account, type AccountPatch, type AccountStore, DuplicateAccountError } from '../../domain/account.js';

export class MemoryAccountStore implements AccountStore {
  private readonly byId = new Map<string, Account>();

  async findById(id: string): Promise<Account | null> {
    const account = this.byId.get(id);
    return account ? { ...account } : null;
  }

  async findByAccessNumber(accessNumber: string): Promise<Account | null> {
    for (const account of this.byId.values()) if (account.accessNumber === accessNumber) return { ...account };
    return null;
  }

  async findByEmail(email: string): Promise<Account[]> {
    const wanted = email.toLowerCase();
    return [...this.byId.values()].filter((a) => a.email === wanted).map((a) => ({ ...a }));
  }

  async listByBroker(brokerId: string): Promise<Account[]> {
    return [...this.byId.values()].filter((a) => a.brokerId === brokerId).map((a) => ({ ...a }));
  }

  async insertMany(accounts: Account[]): Promise<void> {
    const ids = new Set(this.byId.keys());
    const numbers = new Set([...this.byId.values()].map((a) => a.accessNumber));
    for (const account of accounts) {
      if (ids.has(account.id)) throw new DuplicateAccountError('id', account.id);
      if (numbers.has(account.accessNumber)) throw new DuplicateAccountError('accessNumber', account.accessNumber);
      ids.add(account.id);
      numbers.add(account.accessNumber);
    }
    for (const account of accounts) this.byId.set(account.id, { ...account, email: account.email?.toLowerCase() ?? null });
  }

  async update(id: string, patch: AccountPatch, updatedAt: number): Promise<Account | null> {
    const current = this.byId.get(id);
    if (!current) return null;
    const next = { ...current, ...patch, updatedAt };
    if (patch.email !== undefined) next.email = patch.email?.toLowerCase() ?? null;
    this.byId.set(id, next);
    return { ...next };
  }

  async setIntervalMany(ids: string[], days: number, updatedAt: number): Promise<number> {
    let changed = 0;
    for (const id of ids) {
      const current = this.byId.get(id);
      if (!current) continue;
      this.byId.set(id, { ...current, twoFactorIntervalDays: days, updatedAt });
      changed++;
    }
    return changed;
  }
}
