// The login after its password: which step comes next (or done), and what the finished login claims (acr, amr, auth_time).
import type { Account } from '../../stores/account-store.js';
import type { PendingLogin, PendingLoginStore } from '../pending-login.js';
import type { Proof } from './contract.js';
import type { AppApprovalFactor } from './factors/app-approval.js';
import type { RememberedBrowserFactor } from './factors/remembered-browser.js';

/**
 * What follows the password: the mobile-number confirmation (ACC-3), done (a remembered browser stood in), or the
 * page of the account's factor — the app's waiting page, the SMS code page, or the page for an account without a device.
 */
export type NextStep =
  | { step: 'mobileChange' }
  | { step: 'done'; proof: Proof }
  | { step: 'app' }
  | { step: 'sms' }
  | { step: 'noDevice' };

/** What the provider is told about a finished login (OIDC Core 2: acr, amr; auth_time in seconds). */
export interface LoginResult {
  accountId: string;
  acr: string;
  amr: string[];
  /** Seconds since the epoch: when the second factor (or its stand-in) was met. */
  auth_time: number;
}

export interface LoginFlowDeps {
  pending: Pick<PendingLoginStore, 'save'>;
  app: Pick<AppApprovalFactor, 'available'>;
  remembered: Pick<RememberedBrowserFactor, 'complete'>;
  /** The acr values from the configuration (ACR_PASSWORD, ACR_TWO_FACTOR). */
  acr: { password: string; twoFactor: string };
  /** ACC-3: whether a new mobile number waits for this account's confirmation. */
  mobileChangePending?(accountId: string): Promise<boolean>;
}

export class LoginFlow {
  constructor(private readonly deps: LoginFlowDeps) {}

  /**
   * The step after the password (and again after the mobile-number step). `rememberedToken` is the browser's
   * remembered-browser cookie for this account, if any; it counts only when the relying party did not ask for a
   * fresh second factor. Every step but `done` stores the login (its page loads it); `done` leaves the store alone.
   */
  async afterPassword(login: PendingLogin, account: Account, rememberedToken: string | undefined): Promise<NextStep> {
    // Both questions are asked at once (one round trip); the mobile-number step wins over a remembered browser.
    const [mobileChange, proof] = await Promise.all([
      login.mobileChangeAsked ? false : (this.deps.mobileChangePending?.(account.id) ?? false),
      login.freshSecondFactor ? null : this.deps.remembered.complete({ account }, rememberedToken),
    ]);
    if (mobileChange) {
      await this.deps.pending.save(login);
      return { step: 'mobileChange' };
    }
    if (proof) return { step: 'done', proof };
    await this.deps.pending.save(login);
    return { step: await this.factorStep(account) };
  }

  /** The page of the account's second factor: SMS for SMS accounts, the app when a device is enrolled, else the no-device page. */
  async factorStep(account: Account): Promise<'app' | 'sms' | 'noDevice'> {
    if (this.pageFor(account) === 'sms') return 'sms';
    return (await this.deps.app.available(account)) ? 'app' : 'noDevice';
  }

  /** The factor the account chose (its method), before asking whether a device is enrolled. */
  pageFor(account: Pick<Account, 'twoFactorMethod'>): 'app' | 'sms' {
    return account.twoFactorMethod === 'sms' ? 'sms' : 'app';
  }

  /** The claims of the finished login: the two-factor acr only when the proof includes a second factor (`mfa`). */
  result(login: Pick<PendingLogin, 'accountId'>, proof: Proof): LoginResult {
    return {
      accountId: login.accountId,
      acr: proof.amr.includes('mfa') ? this.deps.acr.twoFactor : this.deps.acr.password,
      amr: [...proof.amr],
      auth_time: Math.floor(proof.at / 1000),
    };
  }
}
