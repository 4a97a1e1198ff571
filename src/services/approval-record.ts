// The approval request (APR-1) and the canonical form whose hash a WebAuthn decision must sign (APR-4).
import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors.js';

export type NumberMode = 'off' | 'pick' | 'type';
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
export type Decision = 'approve' | 'deny';

export interface Approval {
  id: string;
  accountId: string;
  interactionUid: string;
  clientId: string;
  clientName: string;
  createdAt: number;
  expiresAt: number;
  ip: string;
  browser: string;
  numberMode: NumberMode;
  /** Shown on the waiting page only; never sent to the device. */
  number: string | null;
  /** In pick mode: three candidates (one is `number`) the app offers. */
  choices: string[] | null;
  status: ApprovalStatus;
}

/** What the decision key holds: the one accepted answer. */
export interface ApprovalOutcome {
  status: Exclude<ApprovalStatus, 'pending' | 'expired'>;
  at: number;
  deviceId: string | null;
  method: 'hwk' | 'webauthn' | null;
  notMe: boolean;
  reason: string | null;
}

/** What a device may see of an approval: no matching number. */
export function approvalForDevice(a: Approval) {
  return {
    id: a.id,
    clientId: a.clientId,
    clientName: a.clientName,
    createdAt: new Date(a.createdAt).toISOString(),
    expiresAt: new Date(a.expiresAt).toISOString(),
    ip: a.ip,
    browser: a.browser,
    numberMode: a.numberMode,
    choices: a.choices,
  };
}

/** SHA-256 over the canonical approval and answer: the WebAuthn challenge that approves exactly this request. */
export function decisionChallenge(
  a: Pick<Approval, 'id' | 'accountId' | 'clientId' | 'createdAt' | 'expiresAt'>,
  decision: Decision,
  number: string | null,
  notMe = false,
): Buffer {
  const answer = decision === 'deny' && notMe ? 'deny-not-me' : decision;
  const canonical = JSON.stringify(['financeident-approval-v1', a.id, a.accountId, a.clientId, a.createdAt, a.expiresAt, answer, number ?? '']);
  return createHash('sha256').update(canonical).digest();
}

/** Throws approval.expired (410) or approval.alreadyDecided (409) unless the approval still waits for its answer. */
export function assertAnswerable(a: Pick<Approval, 'status'>): void {
  if (a.status === 'expired') throw new AppError('approval.expired', 410);
  if (a.status !== 'pending') throw new AppError('approval.alreadyDecided', 409);
}

/** The approval policy (APR-2, APR-7): lifetime (ms), number matching, caps against push bombing, resends. */
export interface ApprovalSettings {
  ttlMs: number;
  numberMode: NumberMode;
  numberDigits: number;
  maxOpenPerAccount: number;
  maxPerAccountPerHour: number;
  /** Pushes again for one approval at most this often. */
  resendCooldownMs: number;
  maxResends: number;
}

/** What a login asks to have approved. */
export interface NewApproval {
  accountId: string;
  interactionUid: string;
  clientId: string;
  clientName: string;
  ip: string;
  browser: string;
}
