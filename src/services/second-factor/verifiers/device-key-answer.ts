// Turns the financeIDENT app's decision token (an ES256 JWS by its enrolled device key, typ fi-decision+jwt) into a verified answer.
import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import { DECISION_TOKEN_TYP, type DeviceAuth } from '../../device-auth.js';
import type { VerifiedAnswer } from './verified-answer.js';
import type { ApprovalService } from '../../approval-service.js';

const decisionPayload = z.object({
  approvalId: z.string(),
  decision: z.enum(['approve', 'deny']),
  number: z.string().max(10).nullable().optional(),
  notMe: z.boolean().optional(),
});

export class DeviceKeyAnswerVerifier {
  /** `approvals`: when given, the approval is read side by side with the token's check and handed on (one read, no extra trip). */
  constructor(private readonly deps: { deviceAuth: Pick<DeviceAuth, 'verify'>; approvals?: Pick<ApprovalService, 'get'> }) {}

  /**
   * Verifies `token` (compact JWS: known device, signature, typ, audience, age, unused jti — see DeviceAuth) and
   * that it answers `approvalId`. Throws device.tokenInvalid / device.unknown / device.tokenReplayed (401).
   * The approval's record (read while the token is checked, used only once it holds) goes with the answer.
   */
  async verify(token: string, approvalId: string): Promise<VerifiedAnswer> {
    const read = this.deps.approvals?.get(approvalId);
    read?.catch(() => undefined); // a refused token is the answer; the read's own failure surfaces below when awaited
    const { device, payload } = await this.deps.deviceAuth.verify(token, DECISION_TOKEN_TYP);
    const parsed = decisionPayload.safeParse(payload);
    if (!parsed.success || parsed.data.approvalId !== approvalId) throw new AppError('device.tokenInvalid', 401);
    const answer = parsed.data;
    const approval = read ? await read : null;
    return {
      ...(approval ? { approval } : {}),
      approvalId,
      device,
      decision: answer.decision,
      method: 'hwk',
      number: answer.number ?? null,
      notMe: answer.notMe ?? false,
    };
  }
}
