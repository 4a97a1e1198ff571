// What the financeIDENT device API needs, passed in from the composition root.
import type { ApprovalService } from '../../services/approval-service.js';
import type { DeviceAuth } from '../../services/device-auth.js';
import type { DeviceService } from '../../services/device-service.js';
import type { EnrolmentService } from '../../services/enrolment-service.js';
import type { AccountStore } from '../../domain/account.js';
import type { DeviceKeyAnswerVerifier } from '../../services/second-factor/verifiers/device-key-answer.js';
import type { WebAuthnAnswerVerifier } from '../../services/second-factor/verifiers/webauthn-answer.js';

export interface IdentDeps {
  enrolment: EnrolmentService;
  approvals: ApprovalService;
  deviceAuth: DeviceAuth;
  devices: DeviceService;
  accounts: AccountStore;
  codeDigits: number;
  /** One verifier per kind of device answer (APR-4). */
  answers: { deviceKey: DeviceKeyAnswerVerifier; webauthn: WebAuthnAnswerVerifier };
}
