// The state of one hosted login between the password and the finish, bound to the provider's interaction uid.
import type { KvStore } from '../domain/kv-store.js';
import { REDIS_KEYS } from '../stores/key-layout.js';

export interface PendingLogin {
  uid: string;
  accountId: string;
  clientId: string;
  passwordAt: number;
  /** The relying party asked for a fresh second factor (acr_values, max_age, prompt=login): nothing remembered counts. */
  freshSecondFactor: boolean;
  /** The open financeIDENT approval of this login, if any. */
  approvalId?: string;
  /** The missing-email notice was dismissed. */
  emailNoticeDismissed?: boolean;
  /** The owner was asked to confirm a new mobile number (ACC-3) in this login. */
  mobileChangeAsked?: boolean;
}

export class PendingLoginStore {
  constructor(
    private readonly kv: KvStore,
    private readonly ttlMs: number,
  ) {}

  async get(uid: string): Promise<PendingLogin | null> {
    const raw = await this.kv.get(REDIS_KEYS.pendingLogin.login(uid));
    return raw ? (JSON.parse(raw) as PendingLogin) : null;
  }

  async save(login: PendingLogin): Promise<void> {
    await this.kv.set(REDIS_KEYS.pendingLogin.login(login.uid), JSON.stringify(login), this.ttlMs);
  }

  async delete(uid: string): Promise<void> {
    await this.kv.del(REDIS_KEYS.pendingLogin.login(uid));
  }
}
