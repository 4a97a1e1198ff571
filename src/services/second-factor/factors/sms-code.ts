// The SMS login code as a second factor (SMS-1…3): sent to the number on file only, met by the right code once.
import type { Clock } from '../../../shared/clock.js';
import { isAppError, type AppError } from '../../../shared/errors.js';
import type { Account, AccountStore } from '../../../domain/account.js';
import type { SmsCodeService } from '../../sms-code-service.js';
import { AMR, proofOf, type LoginAttempt, type PageFactor, type Proof } from '../contract.js';

export interface SmsCodeDeps {
  smsCodes: Pick<SmsCodeService, 'send' | 'current' | 'verify'>;
  accounts: Pick<AccountStore, 'update'>;
  clock: Clock;
  /** SMS-2: may this account use the SMS code (its method, or the fallback for app users)? */
  smsAllowed(account: Account): boolean;
}

/** Starting gives the refusal of the send (cool-down, cap, provider refused), or null when a code is on its way. */
export type SmsStart = AppError | null;

export class SmsCodeFactor implements PageFactor<SmsStart, string> {
  readonly id = 'sms' as const;
  readonly methods = { sms: AMR.sms };
  /** The code page (SMS-1). */
  readonly pages = { page: '/sms' };

  constructor(private readonly deps: SmsCodeDeps) {}

  /** Accounts without a smartphone chose the SMS code (SMS-1). */
  chosenBy(account: Account): boolean {
    return account.twoFactorMethod === 'sms';
  }

  /** Allowed for the account and a number is on file. */
  available(account: Account): boolean {
    return this.deps.smsAllowed(account) && Boolean(account.mobile);
  }

  /**
   * The first view of the code page: sends a code unless this login has one. A simultaneous first view that sent
   * it is no refusal (that code is this page's code).
   */
  async start(attempt: LoginAttempt): Promise<SmsStart> {
    if (await this.deps.smsCodes.current(attempt.login.uid)) return null;
    const error = await this.resend(attempt);
    if (error?.code === 'sms.resendTooSoon' && (await this.deps.smsCodes.current(attempt.login.uid))) return null;
    return error;
  }

  /** Sends a new code (cool-down and caps apply); the refusal as a value, never thrown. */
  async resend(attempt: LoginAttempt): Promise<SmsStart> {
    const { login, account } = attempt;
    try {
      await this.deps.smsCodes.send({ accountId: account.id, mobile: account.mobile ?? '', loginUid: login.uid, ip: attempt.ip, lang: attempt.lang });
      return null;
    } catch (e) {
      if (!isAppError(e)) throw e;
      return e;
    }
  }

  /**
   * Checks `code` for this login (one use; tries counted). The right code also proves the number on file
   * (phone_number_verified). Throws sms.expired, sms.wrong or sms.tooManyTries (AppError).
   */
  async complete(attempt: LoginAttempt, code: string): Promise<Proof> {
    const { login, account } = attempt;
    await this.deps.smsCodes.verify({ loginUid: login.uid, accountId: account.id, code });
    const now = this.deps.clock.now();
    if (account.mobile && account.mobileVerified !== account.mobile) await this.deps.accounts.update(account.id, { mobileVerified: account.mobile }, now);
    return proofOf('sms', now);
  }
}
