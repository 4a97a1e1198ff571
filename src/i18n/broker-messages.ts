// The broker area's texts (/broker, mailings, mobile confirmation), German and English; merged into MESSAGES.
export const BROKER_MESSAGES = {
  'broker.notBroker': { de: 'Der interne Bereich ist nur für Vermittler, ihre Mitarbeiter und Untervermittler.', en: 'The internal area is only for brokers, their employees and sub-brokers.' },
  'broker.forbidden': { de: 'Dafür haben Sie keine Berechtigung. Bitte wenden Sie sich an Ihren Vermittler.', en: 'You do not have the right to do this. Please ask your broker.' },
  'broker.methodInvalid': { de: 'Bitte wählen Sie App oder SMS.', en: 'Please choose app or SMS.' },
  'broker.signInFailed': { de: 'Die Anmeldung zum internen Bereich ist fehlgeschlagen. Bitte versuchen Sie es erneut.', en: 'Signing in to the internal area failed. Please try again.' },
  'broker.badQuery': { de: 'Die Suche oder ein Filter ist ungültig.', en: 'The search or a filter is invalid.' },
  'mailing.templateNotFound': { de: 'Diese Vorlage gibt es nicht.', en: 'There is no such template.' },
  'mailing.notFound': { de: 'Diese Rundmail gibt es nicht.', en: 'There is no such mailing.' },
  'mailing.subjectInvalid': { de: 'Bitte geben Sie einen Betreff mit höchstens {max} Zeichen ein.', en: 'Please enter a subject of at most {max} characters.' },
  'mailing.textInvalid': { de: 'Bitte geben Sie einen Text mit höchstens {max} Zeichen ein.', en: 'Please enter a text of at most {max} characters.' },
  'mailing.unknownPlaceholder': { de: 'Den Platzhalter {{{name}}} gibt es nicht. Erlaubt sind die unten genannten.', en: 'There is no placeholder {{{name}}}. Use the ones listed below.' },
  'mailing.noRecipients': { de: 'Für diese Auswahl gibt es keinen Kunden mit E-Mail-Adresse.', en: 'No customer with an email address matches this selection.' },
  'mobile.confirm.invalidLink': { de: 'Dieser Bestätigungslink ist ungültig oder abgelaufen. Bitte bitten Sie Ihren Vermittler, die Nummer erneut einzutragen.', en: 'This confirmation link is invalid or has expired. Please ask your broker to enter the number again.' },
} satisfies Record<string, { de: string; en: string }>;
