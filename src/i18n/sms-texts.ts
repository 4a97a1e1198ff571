// Every SMS text the IdP sends, per purpose and language (German first): one table, used by every sender (SMS-1…5).
import type { SmsPurpose } from '../domain/sms-ledger.js';
import type { Language } from './language.js';

export interface SmsTextValues {
  /** The one-time code, digits only. */
  code: string;
  /** How long the code is valid, in whole minutes. */
  minutes: number;
  /** A link appended to the text (the hosted page where a mobile change is confirmed), when there is one. */
  link?: string;
}

type SmsText = (v: SmsTextValues) => string;

/**
 * The texts, by purpose and language. Every code SMS says what the code is for, how long it is valid and that it
 * must never be handed on; a link (mobile number change) follows the text after one space.
 */
export const SMS_TEXTS: Readonly<Record<SmsPurpose, Readonly<Record<Language, SmsText>>>> = {
  login: {
    de: (v) => `Ihr financeIDENT Login-Code: ${v.code} (gültig ${v.minutes} Min.). Niemals weitergeben.`,
    en: (v) => `Your financeIDENT sign-in code: ${v.code} (valid for ${v.minutes} min). Never share it.`,
  },
  activation: {
    de: (v) => `Ihr financeIDENT Freischaltcode: ${v.code} (gültig ${v.minutes} Min.). Geben Sie ihn nur in der financeIDENT App ein.`,
    en: (v) => `Your financeIDENT activation code: ${v.code} (valid for ${v.minutes} min). Enter it only in the financeIDENT app.`,
  },
  password: {
    de: (v) => `Ihr financeIDENT Code zum Setzen des Passworts: ${v.code} (gültig ${v.minutes} Min.). Niemals weitergeben.`,
    en: (v) => `Your financeIDENT code for setting your password: ${v.code} (valid for ${v.minutes} min). Never share it.`,
  },
  mobile_change: {
    de: (v) => `Ihr financeIDENT Code zur Bestätigung dieser Mobilfunknummer: ${v.code} (gültig ${v.minutes} Min.). Niemals weitergeben.`,
    en: (v) => `Your financeIDENT code to confirm this mobile number: ${v.code} (valid for ${v.minutes} min). Never share it.`,
  },
};

/** The SMS text for `purpose` in `lang` (German when absent), with the link (if any) appended after one space. */
export function smsText(purpose: SmsPurpose, lang: Language | undefined, values: SmsTextValues): string {
  const text = SMS_TEXTS[purpose][lang ?? 'de'](values);
  return values.link ? `${text} ${values.link}` : text;
}
