// Login codes by SMS (SMS-1, SMS-3): sent only to the number on file; each code belongs to one login (the interaction uid).
import { maskMobile } from './mobile-number.js';
import type { PurposeCodeService } from './purpose-codes.js';

export interface SentCode {
  sentAt: number;
  expiresAt: number;
  mobileMasked: string;
}

export class SmsCodeService {
  constructor(private readonly codes: PurposeCodeService) {}

  /** The code last sent for this login, if any (also when expired or void). */
  current(loginUid: string) {
    return this.codes.current('login', loginUid);
  }

  /** Sends a new code for this login to `mobile`, which must be the account's number on file (SMS-1). */
  async send(input: { accountId: string; mobile: string; loginUid: string; ip: string; lang?: 'de' | 'en' }): Promise<SentCode> {
    const sent = await this.codes.send({
      ...(input.lang ? { lang: input.lang } : {}),
      purpose: 'login',
      flowId: input.loginUid,
      subject: input.accountId,
      accountId: input.accountId,
      to: input.mobile,
      ip: input.ip,
    });
    return { ...sent, mobileMasked: maskMobile(input.mobile) };
  }

  /** Accepts the code once for the login it was sent for; throws sms.expired, sms.wrong or sms.tooManyTries. */
  async verify(input: { loginUid: string; accountId: string; code: string }): Promise<void> {
    await this.codes.verify({ purpose: 'login', flowId: input.loginUid, subject: input.accountId, code: input.code });
  }
}
