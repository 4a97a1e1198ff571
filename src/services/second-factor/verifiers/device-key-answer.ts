// Turns the financeIDENT app's decision token (an ES256 JWS by its enrolled device key, typ fi-decision+jwt) into a verified answer.
import { z } from 'zod';
import { AppError } from '../../../shared/errors.js';
import { DECISION_TOKEN_TYP, type DeviceAuth } from '../../device-auth.js';
import type { VerifiedAnswer } from './verified-answer.js';

const decisionPayload = z.object({
  approvalId: z.string(),
  decision: z.enum(['approve', 'deny']),
  number: z.string().max(10).nullable().optional(),
  notMe: z.boolean().optional(),
});

export class DeviceKeyAnswerVerifier {
  constructor(private readonly deps: { deviceAuth: Pick<DeviceAuth, 'verify'> }) {}

  /**
   * Verifies `token` (compact JWS: known device, signature, typ, audience, age, unused jti — see DeviceAuth) and
   * that it answers `approvalId`. Throws device.tokenInvalid / device.unknown / device.tokenReplayed (401).
   */
  async verify(token: string, approvalId: string): Promise<VerifiedAnswer> {
    const { device, payload } = await this.deps.deviceAuth.verify(token, DECISION_TOKEN_TYP);
    const parsed = decisionPayload.safeParse(payload);
    if (!parsed.success || parsed.data.approvalId !== approvalId) throw new AppError('device.tokenInvalid', 401);
    const answer = parsed.data;
    return {
      approvalId,
      device,
      decision: answer.decision,
      method: 'hwk',
      number: answer.number ?? null,
      notMe: answer.notMe ?? false,
    };
  }
}
