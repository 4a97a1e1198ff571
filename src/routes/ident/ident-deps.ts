// What the financeIDENT device API needs, passed in from the composition root.
import type { ApprovalService } from '../../services/approval-service.js';
import type { DeviceAuth } from '../../services/device-auth.js';
import type { DeviceService } from '../../services/device-service.js';
import type { EnrolmentService } from '../../services/enrolment-service.js';
import type { WebAuthnRp } from '../../services/webauthn.js';
import type { AccountStore } from '../../stores/account-store.js';

export interface IdentDeps {
  enrolment: EnrolmentService;
  approvals: ApprovalService;
  deviceAuth: DeviceAuth;
  devices: DeviceService;
  accounts: AccountStore;
  codeDigits: number;
  /** The web app's WebAuthn relying party. */
  webauthn: WebAuthnRp;
}
