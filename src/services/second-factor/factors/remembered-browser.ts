// The remembered browser as a stand-in for the second factor (RD-1…4): met by a valid token of this account within its interval.
import type { Clock } from '../../../shared/clock.js';
import type { TaskLog } from '../../../shared/background-tasks.js';
import type { Account } from '../../../domain/account.js';
import type { RememberedBrowser, RememberedBrowserService } from '../../remembered-browsers.js';
import { AMR, proofOf, type LoginAttempt, type Proof, type SecondFactor } from '../contract.js';

export class RememberedBrowserFactor implements SecondFactor<void, string | undefined> {
  readonly id = 'remembered' as const;
  readonly methods = { remembered: AMR.remembered };

  constructor(private readonly deps: { browsers: Pick<RememberedBrowserService, 'read' | 'honour' | 'remember'>; clock: Clock; log?: TaskLog }) {}

  /** The account has an interval (> 0 days): browsers may be remembered. */
  available(account: Account): boolean {
    return account.twoFactorIntervalDays > 0;
  }

  /** Nothing to start: the browser brings its token with it. */
  async start(): Promise<void> {}

  /**
   * Starts reading this browser's record for the account ahead of `complete` (while the password is verified). It
   * decides nothing and never rejects (a store failure reads as "not remembered" and is logged).
   */
  lookAhead(account: Account, token: string | undefined): Promise<RememberedBrowser | null> {
    return this.available(account) ? this.deps.browsers.read(account.id, token, account.twoFactorIntervalDays) : Promise.resolve(null);
  }

  /**
   * The proof when `token` (the browser's cookie) was issued to this account and is within its current interval; else
   * null. `early`: the record `lookAhead` read for the same account and token (else it is read now); the deciding
   * step (SET XX in `RememberedBrowserService.honour`) runs here either way.
   */
  async complete(attempt: Pick<LoginAttempt, 'account'>, token: string | undefined, early?: Promise<RememberedBrowser | null>): Promise<Proof | null> {
    const { account } = attempt;
    if (!this.available(account)) return null;
    const record = await (early ?? this.deps.browsers.read(account.id, token, account.twoFactorIntervalDays));
    if (!(await this.deps.browsers.honour(account.id, record, account.twoFactorIntervalDays))) return null;
    return proofOf('remembered', this.deps.clock.now());
  }

  /**
   * After another factor's proof: remembers this browser for the account's interval and returns the token for its
   * cookie; null when the account has no interval or the store failed (not remembering is the safe failure).
   */
  async remember(account: Account, browser: string): Promise<string | null> {
    if (!this.available(account)) return null;
    try {
      return await this.deps.browsers.remember(account.id, account.twoFactorIntervalDays, browser);
    } catch (err) {
      this.deps.log?.warn({ err: (err as Error)?.message, accountId: account.id }, 'browser not remembered; the next login asks for the second factor');
      return null;
    }
  }
}
