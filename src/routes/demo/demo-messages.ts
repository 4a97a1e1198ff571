// Texts of the demo relying-party pages, German first and English second, kept apart from the IdP's own catalogue.
import type { Language } from '../../i18n/language.js';

const DEMO_MESSAGES = {
  'index.title': { de: 'Demo-Anwendungen', en: 'Demo applications' },
  'index.intro': {
    de: 'Diese Seiten spielen die Anwendungen (Relying Parties), die financeIDENT nutzen. Wählen Sie eine Anwendung, starten Sie den Login und melden Sie sich mit einem der Demo-Zugänge an.',
    en: 'These pages play the applications (relying parties) that use financeIDENT. Pick an application, start the login and sign in with one of the demo accounts.',
  },
  'index.devOnly': { de: 'Nur im Entwicklungsmodus (NODE_ENV=development) verfügbar.', en: 'Only available in development mode (NODE_ENV=development).' },
  'index.clients': { de: 'Anwendungen', en: 'Applications' },
  'index.noClients': { de: 'Keine Demo-Anwendung registriert (Redirect-URI {example}).', en: 'No demo application registered (redirect URI {example}).' },
  'index.start': { de: 'Login starten', en: 'Start login' },
  'index.details': { de: 'Details und weitere Login-Varianten', en: 'Details and more login variants' },
  'index.accounts': { de: 'Demo-Zugänge', en: 'Demo accounts' },
  'index.accountsIntro': { de: 'Das Passwort ist bei allen Zugängen {password}, außer wo die Tabelle ein anderes nennt.', en: 'The password of every account is {password}, unless the table names another one.' },
  'index.col.loginId': { de: 'Zugangsnummer', en: 'Access number' },
  'index.col.role': { de: 'Rolle', en: 'Role' },
  'index.col.password': { de: 'Passwort', en: 'Password' },
  'index.tools': { de: 'Werkzeuge', en: 'Tools' },
  'index.sms': { de: 'SMS-Postfach: hier kommen die SMS-Codes an', en: 'SMS inbox: the SMS codes arrive here' },
  'index.discovery': { de: 'OpenID-Konfiguration des Issuers', en: 'OpenID configuration of the issuer' },
  'account.broker': { de: 'Vermittler', en: 'Broker' },
  'account.employee': { de: 'Mitarbeiter', en: 'Employee' },
  'account.subBroker': { de: 'Untervermittler', en: 'Sub-broker' },
  'account.customerInterval': { de: 'Kunde, zweiter Faktor höchstens alle 7 Tage', en: 'Customer, second factor at most every 7 days' },
  'account.customerNoMobile': { de: 'Kunde ohne Mobilfunknummer', en: 'Customer without a mobile number' },
  'account.customerSharedA': { de: 'Kunde, teilt familie@example.de mit 200004', en: 'Customer, shares familie@example.de with 200004' },
  'account.customerSharedB': { de: 'Kunde, teilt familie@example.de mit 200003', en: 'Customer, shares familie@example.de with 200003' },
  'account.customerSms': { de: 'Kunde, nur SMS als zweiter Faktor', en: 'Customer, SMS as the only second factor' },
  'account.customerOfSubBroker': { de: 'Kunde des Untervermittlers 100003', en: 'Customer of sub-broker 100003' },
  'client.title': { de: 'Demo-Anwendung {client}', en: 'Demo application {client}' },
  'client.clientId': { de: 'Client-ID', en: 'Client ID' },
  'client.auth': { de: 'Client-Authentifizierung', en: 'Client authentication' },
  'client.grants': { de: 'Grant-Typen', en: 'Grant types' },
  'client.redirect': { de: 'Redirect-URI', en: 'Redirect URI' },
  'client.loginPlain': { de: 'Login starten', en: 'Start login' },
  'client.loginMfa': { de: 'Login mit frischem zweitem Faktor (acr=mfa)', en: 'Login with a fresh second factor (acr=mfa)' },
  'client.loginPrompt': { de: 'Erneute Anmeldung erzwingen (prompt=login)', en: 'Force a new sign-in (prompt=login)' },
  'client.stepUpHint': {
    de: 'Step-up ausprobieren: Mit acr=mfa verlangt financeIDENT immer einen frischen zweiten Faktor, auch wenn schon eine Sitzung besteht oder der Browser gemerkt ist. Mit prompt=login wird das Passwort erneut abgefragt.',
    en: 'Try step-up: with acr=mfa financeIDENT always asks for a fresh second factor, even with an existing session or a remembered browser. With prompt=login the password is asked for again.',
  },
  'client.signedIn': { de: 'Diese Demo hält Tokens von {client} (angemeldet als {sub}).', en: 'This demo holds tokens of {client} (signed in as {sub}).' },
  'client.refresh': { de: 'Tokens erneuern (Refresh-Token-Grant)', en: 'Renew tokens (refresh token grant)' },
  'client.logout': { de: 'Abmelden (RP-initiierter Logout)', en: 'Sign out (RP-initiated logout)' },
  'client.loggedOut': { de: 'Zurück von der Abmeldung bei financeIDENT. Die Demo-Tokens dieser Anwendung wurden gelöscht.', en: 'Back from signing out of financeIDENT. The demo tokens of this application were deleted.' },
  'client.brokerArea': { de: 'Interner Bereich für Vermittler (Kunden, 2FA-Intervall, Rundmails, SMS-Kosten)', en: 'Internal area for brokers (customers, 2FA interval, mailings, SMS costs)' },
  'client.back': { de: 'Alle Demo-Anwendungen', en: 'All demo applications' },
  'result.title': { de: 'Angemeldet bei {client}', en: 'Signed in to {client}' },
  'result.refreshTitle': { de: 'Tokens erneuert für {client}', en: 'Tokens renewed for {client}' },
  'result.acr': { de: 'acr (Anmeldeniveau)', en: 'acr (authentication level)' },
  'result.amr': { de: 'amr (Anmeldemethoden)', en: 'amr (authentication methods)' },
  'result.acrRequested': { de: 'Angefordert (acr_values)', en: 'Requested (acr_values)' },
  'result.none': { de: '(keine Angabe)', en: '(not given)' },
  'result.idToken': { de: 'Claims des ID-Tokens', en: 'ID token claims' },
  'result.noIdToken': { de: 'Die Antwort enthielt kein ID-Token.', en: 'The response contained no ID token.' },
  'result.userinfo': { de: 'Antwort des Userinfo-Endpunkts', en: 'Userinfo endpoint response' },
  'result.userinfoFailed': { de: 'Userinfo konnte nicht abgerufen werden: {reason}', en: 'Userinfo could not be fetched: {reason}' },
  'result.tokens': { de: 'Token-Antwort (ohne die Tokens selbst)', en: 'Token response (without the tokens themselves)' },
  'result.field': { de: 'Feld', en: 'Field' },
  'result.value': { de: 'Wert', en: 'Value' },
  'result.present': { de: 'vorhanden (nicht angezeigt)', en: 'present (not shown)' },
  'result.absent': { de: 'nicht ausgestellt', en: 'not issued' },
  'result.rotated': {
    de: 'Das Refresh-Token wurde rotiert: Das neue unterscheidet sich vom alten, das alte ist damit verbraucht.',
    en: 'The refresh token was rotated: the new one differs from the old one, which is now used up.',
  },
  'result.notRotated': { de: 'Achtung: Das Refresh-Token wurde nicht rotiert (altes und neues sind gleich).', en: 'Warning: the refresh token was not rotated (old and new are the same).' },
  'result.noNewRefresh': { de: 'Die Antwort enthielt kein neues Refresh-Token.', en: 'The response contained no new refresh token.' },
  'result.noRefreshIssued': { de: 'Es wurde kein Refresh-Token ausgestellt.', en: 'No refresh token was issued.' },
  'error.title': { de: 'Das hat nicht geklappt', en: 'That did not work' },
  'error.accessDenied': { de: 'Die Anmeldung wurde abgebrochen.', en: 'The sign-in was cancelled.' },
  'error.idp': { de: 'financeIDENT hat die Anmeldung mit einem Fehler beendet.', en: 'financeIDENT ended the sign-in with an error.' },
  'error.exchange': { de: 'Der Autorisierungscode konnte nicht eingelöst werden.', en: 'The authorization code could not be redeemed.' },
  'error.response': { de: 'Die Antwort von financeIDENT ist ungültig oder passt nicht zu diesem Login.', en: 'The response from financeIDENT is invalid or does not belong to this login.' },
  'error.noLogin': {
    de: 'Zu dieser Rückkehr gibt es keinen gestarteten Login: Er ist nach 10 Minuten abgelaufen oder wurde in einem anderen Browser gestartet.',
    en: 'There is no started login for this return: it expired after 10 minutes or was started in another browser.',
  },
  'error.unreachable': { de: 'financeIDENT ist unter {issuer} nicht erreichbar.', en: 'financeIDENT cannot be reached at {issuer}.' },
  'error.refresh': { de: 'Die Tokens konnten nicht erneuert werden.', en: 'The tokens could not be renewed.' },
  'error.noRefreshToken': { de: 'Es liegt kein Refresh-Token vor. Bitte melden Sie sich zuerst an.', en: 'There is no refresh token. Please sign in first.' },
  'error.noRefreshGrant': { de: '{client} nutzt keine Refresh-Tokens.', en: '{client} does not use refresh tokens.' },
  'error.generic': { de: 'Ein unerwarteter Fehler ist aufgetreten.', en: 'An unexpected error occurred.' },
  'error.detail': { de: 'Technische Angabe', en: 'Technical detail' },
  'error.startAgain': { de: 'Login neu starten', en: 'Start the login again' },
} satisfies Record<string, { de: string; en: string }>;

export type DemoMessageKey = keyof typeof DEMO_MESSAGES;

export type DemoTranslate = (key: DemoMessageKey, params?: Record<string, string | number>) => string;

/** The demo translator for one page language; `{name}` placeholders are filled from `params`. */
export function demoTranslator(lang: Language): DemoTranslate {
  return (key, params = {}) =>
    DEMO_MESSAGES[key][lang].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
