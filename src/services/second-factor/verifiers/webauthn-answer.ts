// Turns the web app's WebAuthn assertion over one approval and answer (APR-4) into a verified answer; also issues its options.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { AppError } from '../../../shared/errors.js';
import type { Device } from '../../../domain/device.js';
import { assertAnswerable, decisionChallenge, type Approval, type Decision } from '../../approval-record.js';
import type { ApprovalService } from '../../approval-service.js';
import type { WebAuthnRp } from '../../webauthn.js';
import type { VerifiedAnswer } from './verified-answer.js';

export interface WebAuthnAnswerDeps {
  approvals: Pick<ApprovalService, 'get'>;
  webauthn: Pick<WebAuthnRp, 'authenticationOptions' | 'verifyAssertion'>;
  /** Stores the authenticator's signature counter after a verified assertion. */
  devices: { recordWebAuthnUse(deviceId: string, counter: number): Promise<unknown> };
}

/** The answer the user chose: what the challenge covers (the number only when approving, "not me" only when denying). */
export interface WebAuthnChoice {
  decision: Decision;
  number: string | null;
  notMe: boolean;
}

const canonical = (c: WebAuthnChoice) => ({
  decision: c.decision,
  number: c.decision === 'approve' ? c.number : null,
  notMe: c.decision === 'deny' && c.notMe,
});

export class WebAuthnAnswerVerifier {
  constructor(private readonly deps: WebAuthnAnswerDeps) {}

  /**
   * The request options for answering `approvalId` with `choice` (the challenge is SHA-256 over the approval and the
   * answer). Throws approval.notFound (404), webauthn.notRegistered (409), approval.expired (410), approval.alreadyDecided (409).
   */
  async options(device: Device, approvalId: string, choice: WebAuthnChoice): Promise<unknown> {
    const credential = device.webauthn;
    const approval = await this.deps.approvals.get(approvalId);
    if (!approval || approval.accountId !== device.accountId) throw new AppError('approval.notFound', 404);
    if (!credential) throw new AppError('webauthn.notRegistered', 409);
    assertAnswerable(approval);
    const c = canonical(choice);
    return this.deps.webauthn.authenticationOptions(credential, decisionChallenge(approval, c.decision, c.number, c.notMe));
  }

  /**
   * Verifies `assertion` against this approval and `choice` (a signed plain deny cannot become "not me", or back)
   * and records the counter. Throws approval.notFound (404), webauthn.notRegistered (409) or the assertion's error.
   */
  async verify(device: Device, approvalId: string, choice: WebAuthnChoice, assertion: AuthenticationResponseJSON): Promise<VerifiedAnswer> {
    const credential = device.webauthn;
    const approval: Approval | null = await this.deps.approvals.get(approvalId);
    if (!approval || approval.accountId !== device.accountId) throw new AppError('approval.notFound', 404);
    if (!credential) throw new AppError('webauthn.notRegistered', 409);
    const c = canonical(choice);
    const counter = await this.deps.webauthn.verifyAssertion(assertion, credential, decisionChallenge(approval, c.decision, c.number, c.notMe));
    await this.deps.devices.recordWebAuthnUse(device.id, counter);
    return { approvalId: approval.id, device, decision: c.decision, method: 'webauthn', number: c.number, notMe: c.notMe, approval };
  }
}
