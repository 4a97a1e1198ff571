// What a person types as an SMS code: six digits, spaces and dashes allowed. Anything else is not a try at all.
import { AppError } from '../shared/errors.js';

/** SMS-3: the codes have six digits. */
export const SMS_CODE_DIGITS = 6;

/** The six digits of `raw`, or throws `sms.notACode` (400) for an empty field or a non-code, before any try is counted. */
export function readSmsCode(raw: unknown): string {
  const code = typeof raw === 'string' ? raw.slice(0, 40).replace(/[\s-]+/g, '') : '';
  if (!new RegExp(`^\\d{${SMS_CODE_DIGITS}}$`).test(code)) throw new AppError('sms.notACode', 400);
  return code;
}
