// Mobile numbers are stored in E.164 and must be mobile (or possibly mobile) numbers (ACC-3).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** E.164 form of a mobile number (German numbers may omit +49), or null when it is not one. */
export function normaliseMobile(input: string, defaultCountry: 'DE' = 'DE'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  const type = parsed.getType();
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return parsed.number;
}

/** "+49 151 ••••• 89": enough to recognise one's own number, not enough to learn it. */
export function maskMobile(e164: string): string {
  return `${e164.slice(0, 6)} ••••• ${e164.slice(-2)}`;
}
