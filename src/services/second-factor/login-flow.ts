// The login after its password: which step comes next (or done), and what the finished login claims (acr, amr, auth_time).
import type { Account } from '../../domain/account.js';
import type { PendingLogin, PendingLoginStore } from '../pending-login.js';
import type { FactorId, PageFactor, Proof } from './contract.js';
import type { RememberedBrowserFactor } from './factors/remembered-browser.js';
import type { RememberedBrowser } from '../remembered-browsers.js';

/**
 * What follows the password: the mobile-number confirmation (ACC-3), done (a remembered browser stood in), or the
 * page of the account's chosen factor (its `pages.page`, e.g. the app's waiting page or the SMS code page; its
 * `pages.setupPage` when the account cannot use it yet, e.g. no device enrolled).
 */
export type NextStep =
  | { step: 'mobileChange' }
  | { step: 'done'; proof: Proof }
  | { step: 'factor'; factor: FactorId; page: string };

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
  /** The factors an account can choose, each with its page, asked in order (chosenBy); the first is the default. */
  factors: readonly Pick<PageFactor, 'id' | 'pages' | 'chosenBy' | 'available'>[];
  remembered: Pick<RememberedBrowserFactor, 'complete' | 'lookAhead'>;
  /** The acr values from the configuration (ACR_PASSWORD, ACR_TWO_FACTOR). */
  acr: { password: string; twoFactor: string };
  /** ACC-3: whether a new mobile number waits for this account's confirmation. */
  mobileChangePending?(accountId: string): Promise<boolean>;
}

/** The reads `afterPassword` needs, started early for one account (`LoginFlow.lookAhead`). */
export interface LookAhead {
  accountId: string;
  mobileChange: Promise<boolean> | null;
  remembered: Promise<RememberedBrowser | null> | null;
}

export class LoginFlow {
  constructor(private readonly deps: LoginFlowDeps) {}

  /**
   * Starts the reads `afterPassword` will need — is a new mobile number waiting (ACC-3)? this browser's remembered
   * record — while the password is still being verified, so they cost the login no round trip of their own. They
   * decide nothing and nobody learns their answers before the password is proven; a failed mobile-change read
   * surfaces (and is answered) in `afterPassword`, as it would have there.
   */
  lookAhead(account: Account, rememberedToken: string | undefined, freshSecondFactor: boolean): LookAhead {
    const mobileChange = this.deps.mobileChangePending ? this.deps.mobileChangePending(account.id) : null;
    mobileChange?.catch(() => undefined); // handled where it is awaited; dropped unawaited after a wrong password
    return { accountId: account.id, mobileChange, remembered: freshSecondFactor ? null : this.deps.remembered.lookAhead(account, rememberedToken) };
  }

  /**
   * The step after the password (and again after the mobile-number step). `rememberedToken` is the browser's
   * remembered-browser cookie for this account, if any; it counts only when the relying party did not ask for a
   * fresh second factor. Every step but `done` stores the login (its page loads it); `done` leaves the store alone.
   * `ahead`: the reads `lookAhead` started for this account (used only when its account is this one).
   */
  async afterPassword(login: PendingLogin, account: Account, rememberedToken: string | undefined, ahead?: LookAhead): Promise<NextStep> {
    const early = ahead?.accountId === account.id ? ahead : undefined;
    // Both questions are asked at once (one round trip, or none left when looked ahead); the mobile-number step wins.
    const [mobileChange, proof] = await Promise.all([
      login.mobileChangeAsked ? false : (early?.mobileChange ?? this.deps.mobileChangePending?.(account.id) ?? false),
      login.freshSecondFactor ? null : this.deps.remembered.complete({ account }, rememberedToken, early?.remembered ?? undefined),
    ]);
    if (mobileChange) {
      await this.deps.pending.save(login);
      return { step: 'mobileChange' };
    }
    if (proof) return { step: 'done', proof };
    await this.deps.pending.save(login);
    return this.factorStep(account);
  }

  /** The page of the account's chosen factor: its page when the account can use it now, else its setup page. */
  async factorStep(account: Account): Promise<NextStep & { step: 'factor' }> {
    const factor = this.chosen(account);
    const usable = await factor.available(account);
    return { step: 'factor', factor: factor.id, page: usable ? factor.pages.page : (factor.pages.setupPage ?? factor.pages.page) };
  }

  /** The factor the account chose (its method), before asking whether it can be used now. */
  chosen(account: Account): Pick<PageFactor, 'id' | 'pages' | 'available'> {
    const factor = this.deps.factors.find((f) => f.chosenBy(account)) ?? this.deps.factors[0];
    if (!factor) throw new Error('LoginFlow: no second factor configured');
    return factor;
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
