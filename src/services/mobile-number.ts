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
  // The prefix as people write it: "+49 151" (German mobile), else the country code and the next three digits.
  const german = /^\+49(1[5-7]\d)/.exec(e164);
  const prefix = german ? `+49 ${german[1]}` : `${e164.slice(0, 3)} ${e164.slice(3, 6)}`;
  return `${prefix} ••••• ${e164.slice(-2)}`;
}

/**
 * A mobile number as people read it: German mobile numbers as "+49 151 1111 1101" (network prefix, then blocks of
 * four), others in the international format of libphonenumber; the input unchanged when it cannot be parsed.
 */
export function formatMobile(e164: string): string {
  const german = /^\+49(1[5-7]\d)(\d{6,9})$/.exec(e164);
  if (german) return `+49 ${german[1]} ${german[2]!.replace(/(\d{4})(?=\d)/g, '$1 ')}`;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}
