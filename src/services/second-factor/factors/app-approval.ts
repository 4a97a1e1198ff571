// The financeIDENT app approval as a second factor (APR-1…7): started by one approval per login, met by an approving device answer.
import type { Account } from '../../../domain/account.js';
import type { Device, DeviceStore } from '../../../domain/device.js';
import { isAppError, type ErrorCode } from '../../../shared/errors.js';
import type { Approval, ApprovalOutcome } from '../../approval-record.js';
import type { ApprovalService } from '../../approval-service.js';
import type { PendingLoginStore } from '../../pending-login.js';
import { AMR, proofOf, type LoginAttempt, type PageFactor, type Proof } from '../contract.js';

export interface AppApprovalDeps {
  approvals: Pick<ApprovalService, 'create' | 'state'>;
  devices: Pick<DeviceStore, 'listByAccount'>;
  pending: Pick<PendingLoginStore, 'save'>;
  /** The relying party's display name (shown on the device). */
  clientName(clientId: string): Promise<string>;
}

/** What starting the app factor gives the page: the approval, no device to ask, or a cap's refusal (APR-7). */
export type AppStart = { kind: 'started'; approval: Approval } | { kind: 'noDevice' } | { kind: 'refused'; code: ErrorCode };

export class AppApprovalFactor implements PageFactor<AppStart, void> {
  readonly id = 'app' as const;
  readonly methods = { hwk: AMR.hwk, webauthn: AMR.webauthn };
  /** The waiting page (APR-3); without an enrolled device, the page that sets one up (or offers SMS). */
  readonly pages = { page: '/approval', setupPage: '/second-factor' };

  constructor(private readonly deps: AppApprovalDeps) {}

  /** Every account that did not choose SMS uses the app (ENR-1). */
  chosenBy(account: Account): boolean {
    return account.twoFactorMethod !== 'sms';
  }

  /** The account uses the app (not SMS) and has at least one enrolled device. */
  async available(account: Account): Promise<boolean> {
    return account.twoFactorMethod !== 'sms' && (await this.deps.devices.listByAccount(account.id)).length > 0;
  }

  /**
   * Creates this login's approval (or joins the one a simultaneous request created) and records it on the login;
   * the push goes out in the background. `noDevice` when nothing can answer; `refused` with approval.tooManyOpen or
   * approval.tooMany when a cap against push bombing says no (nothing was pushed).
   */
  async start(attempt: LoginAttempt): Promise<AppStart> {
    const { login, account } = attempt;
    const devices: Device[] = await this.deps.devices.listByAccount(account.id);
    if (devices.length === 0) return { kind: 'noDevice' };
    let approval: Approval;
    try {
      const clientName = await this.deps.clientName(login.clientId);
      approval = await this.deps.approvals.create(
        { accountId: account.id, interactionUid: login.uid, clientId: login.clientId, clientName, ip: attempt.ip, browser: attempt.browser },
        { devices },
      );
    } catch (e) {
      if (!isAppError(e) || e.status !== 429) throw e;
      return { kind: 'refused', code: e.code };
    }
    login.approvalId = approval.id;
    await this.deps.pending.save(login);
    return { kind: 'started', approval };
  }

  /** The proof once this login's own approval was approved (`hwk` or `webauthn`, at the answer's time); else null. */
  async complete(attempt: LoginAttempt): Promise<Proof | null> {
    const { login, account } = attempt;
    if (!login.approvalId) return null;
    const { approval, outcome } = await this.deps.approvals.state(login.approvalId);
    return approvedProof(approval, outcome, account.id, login.uid);
  }
}

/** The proof an approval gives a login: only its own (account and interaction), only approved. */
export function approvedProof(approval: Approval | null, outcome: ApprovalOutcome | null, accountId: string, uid: string): Proof | null {
  if (!approval || !outcome || approval.accountId !== accountId || approval.interactionUid !== uid || approval.status !== 'approved') return null;
  return proofOf(outcome.method ?? 'hwk', outcome.at);
}
