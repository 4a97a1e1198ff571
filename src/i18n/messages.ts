// Every text a user can see, in German and English; error codes (AppError.code) are keys here too.
import type { Language } from './language.js';

type Catalogue = Record<string, { de: string; en: string }>;

export const MESSAGES = {
  'app.title': { de: 'financeIDENT Anmeldung', en: 'financeIDENT sign-in' },
  'app.language.switch': { de: 'English', en: 'Deutsch' },
  'app.footer': { de: 'Sichere Anmeldung für FinanceCloud, FinanceApp und smartMSC', en: 'Secure sign-in for FinanceCloud, FinanceApp and smartMSC' },
  'login.heading': { de: 'Anmelden', en: 'Sign in' },
  'login.intro': { de: 'Melden Sie sich bei {client} an.', en: 'Sign in to {client}.' },
  'login.loginId': { de: 'Zugangsnummer oder E-Mail-Adresse', en: 'Access number or email address' },
  'login.password': { de: 'Passwort', en: 'Password' },
  'login.submit': { de: 'Anmelden', en: 'Sign in' },
  'login.cancel': { de: 'Abbrechen', en: 'Cancel' },
  'login.forgot': { de: 'Passwort vergessen oder noch keines vergeben?', en: 'Forgot your password or never set one?' },
  'login.invalid': { de: 'Zugangsnummer/E-Mail oder Passwort ist falsch.', en: 'Access number/email or password is wrong.' },
  'login.missingFields': { de: 'Bitte geben Sie Zugangsnummer oder E-Mail-Adresse und Passwort ein.', en: 'Please enter your access number or email address and your password.' },
  'login.locked': { de: 'Zu viele Fehlversuche. Bitte versuchen Sie es ab {until} Uhr erneut.', en: 'Too many failed attempts. Please try again from {until}.' },
  'login.ambiguousEmail': { de: 'Diese E-Mail-Adresse ist bei mehreren Zugängen hinterlegt. Bitte melden Sie sich mit Ihrer Zugangsnummer an.', en: 'This email address belongs to several accounts. Please sign in with your access number.' },
  'login.unavailable': { de: 'Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es in einigen Minuten erneut.', en: 'Signing in is not possible right now. Please try again in a few minutes.' },
  'notice.noMobile.heading': { de: 'Keine Mobilfunknummer hinterlegt', en: 'No mobile number on file' },
  'notice.noMobile.text': { de: 'Für die Zwei-Faktor-Anmeldung ist eine Mobilfunknummer in Ihren Stammdaten zwingend erforderlich. Ohne sie kann die Anmeldung nicht abgeschlossen werden.', en: 'Two-factor sign-in requires a mobile number in your master data. Without it the sign-in cannot be completed.' },
  'notice.noMobile.customer': { de: 'Bitte wenden Sie sich an Ihren Vermittler, damit er Ihre Mobilfunknummer hinterlegt:', en: 'Please ask your broker to add your mobile number:' },
  'notice.noMobile.staff': { de: 'Bitte hinterlegen Sie Ihre Mobilfunknummer im smartMSC unter Stammdaten / Kommunikationsdaten, oder wenden Sie sich an den Support.', en: 'Please add your mobile number in smartMSC under master data / contact data, or contact support.' },
  'notice.noEmail': { de: 'In Ihrem Zugang ist keine E-Mail-Adresse hinterlegt. Sie können diesen Hinweis schließen.', en: 'There is no email address on your account. You can dismiss this notice.' },
  'notice.dismiss': { de: 'Hinweis schließen', en: 'Dismiss notice' },
  'notice.continue': { de: 'Weiter', en: 'Continue' },
  'notice.back': { de: 'Zurück zur Anmeldung', en: 'Back to sign-in' },
  'error.heading': { de: 'Das hat leider nicht geklappt', en: 'Something went wrong' },
  'error.back': { de: 'Zur Startseite', en: 'Go to the start page' },
  'error.generic': { de: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.', en: 'An unexpected error occurred. Please try again.' },
  'error.notFound': { de: 'Diese Seite gibt es nicht.', en: 'This page does not exist.' },
  'error.csrf': { de: 'Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut.', en: 'The form has expired or is invalid. Please reload the page and try again.' },
  'error.tooLarge': { de: 'Die Eingabe ist zu groß.', en: 'The input is too large.' },
  'error.badRequest': { de: 'Die Anfrage ist ungültig.', en: 'The request is invalid.' },
  'error.interactionExpired': { de: 'Die Anmeldung ist abgelaufen. Bitte starten Sie sie in Ihrer Anwendung neu.', en: 'The sign-in has expired. Please start it again from your application.' },
  'error.unavailable': { de: 'Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich erneut.', en: 'The service is temporarily unavailable. Please try again shortly.' },
  'oidc.invalid_request': { de: 'Die Anmeldeanfrage der Anwendung ist ungültig.', en: 'The application sent an invalid sign-in request.' },
  'oidc.invalid_client': { de: 'Die Anwendung ist nicht bekannt.', en: 'The application is not known.' },
  'oidc.invalid_redirect_uri': { de: 'Die Rücksprungadresse der Anwendung ist nicht registriert.', en: 'The application\'s return address is not registered.' },
  'oidc.access_denied': { de: 'Die Anmeldung wurde abgebrochen.', en: 'The sign-in was cancelled.' },
  'oidc.session_not_found': { de: 'Die Anmeldung ist abgelaufen. Bitte starten Sie sie in Ihrer Anwendung neu.', en: 'The sign-in has expired. Please start it again from your application.' },
  'oidc.other': { de: 'Die Anmeldung konnte nicht durchgeführt werden.', en: 'The sign-in could not be completed.' },
  'logout.heading': { de: 'Abmelden', en: 'Sign out' },
  'logout.question': { de: 'Möchten Sie sich von financeIDENT abmelden?', en: 'Do you want to sign out of financeIDENT?' },
  'logout.yes': { de: 'Ja, abmelden', en: 'Yes, sign me out' },
  'logout.no': { de: 'Nein, angemeldet bleiben', en: 'No, stay signed in' },
  'logout.done': { de: 'Sie wurden erfolgreich abgemeldet.', en: 'You have been signed out.' },
} satisfies Catalogue;

export type MessageKey = keyof typeof MESSAGES;

const catalogue: Catalogue = MESSAGES;

/** The text for `key` in `lang` with `{name}` placeholders filled; unknown keys fall back to a generic error. */
export function translate(lang: Language, key: string, params: Record<string, string | number> = {}): string {
  const entry = catalogue[key] ?? catalogue['error.generic']!;
  return entry[lang].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function hasMessage(key: string): boolean {
  return key in catalogue;
}
