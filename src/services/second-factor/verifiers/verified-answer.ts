// The one shape every kind of device answer is turned into before the approval service accepts it (APR-4).
import type { Device } from '../../../domain/device.js';
import type { Approval, Decision } from '../../approval-record.js';

/** A device's answer whose signature, signer and freshness its verifier has checked. */
export interface VerifiedAnswer {
  approvalId: string;
  /** The enrolled device that signed the answer. */
  device: Device;
  decision: Decision;
  /** How it was signed: the app's device key (`hwk`) or a WebAuthn assertion of the web app (`webauthn`). */
  method: 'hwk' | 'webauthn';
  /** The number the user chose or typed (approve only), or null. */
  number: string | null;
  /** "This wasn't me" (deny only, APR-6). */
  notMe: boolean;
  /** The record the verifier read (e.g. for the challenge it checked), so the service need not read it again. */
  approval?: Approval;
}
