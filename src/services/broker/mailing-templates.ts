// The built-in rollout mailing templates (BRK-2) and their placeholders. Templates are plain text; the HTML part is
// derived from it with every text and every value HTML-escaped, so nothing a broker or a customer typed becomes markup.
import { AppError } from '../../shared/errors.js';
import type { MailingFilter } from '../../domain/mailing.js';

export interface BuiltInTemplate {
  id: string;
  /** The name brokers know from the rollout guide. */
  name: string;
  subject: string;
  text: string;
  /** The recipients the template is meant for (the page preselects this filter). */
  filter: MailingFilter;
}

/** Placeholders: per recipient (salutation, name, accessNumber) and per broker (brokerName, guideLink). */
export const PLACEHOLDERS = ['salutation', 'name', 'accessNumber', 'brokerName', 'guideLink'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [
  {
    id: 'rollout-with-mobile',
    name: 'Wichtig! Die 2-Faktor-Authentifizierung kommt! (für Endkunden MIT hinterlegter Handynummer)',
    subject: 'Wichtig! Die 2-Faktor-Authentifizierung kommt!',
    filter: { mobile: 'yes' },
    text: [
      '{{salutation}},',
      '',
      'zum Schutz Ihrer Finanz- und Vertragsdaten wird die Anmeldung in FinanceCloud und FinanceApp um einen zweiten Faktor ergänzt: Neben Ihrer Zugangsnummer ({{accessNumber}}) oder E-Mail-Adresse und Ihrem Passwort bestätigen Sie jede Anmeldung künftig in der financeIDENT-App auf Ihrem Smartphone (mit Fingerabdruck, Gesichtserkennung oder der PIN Ihres Telefons).',
      '',
      'Ihre Mobilfunknummer ist bei uns bereits hinterlegt. Sie brauchen nur noch die financeIDENT-App (iOS ab Version 15.4, Android ab Version 7.0). Wie Sie die App einrichten und verwenden, zeigt Ihnen diese Anleitung Schritt für Schritt:',
      '{{guideLink}}',
      '',
      'Bitte erlauben Sie der App Mitteilungen, damit Anmeldungen sofort bei Ihnen ankommen.',
      '',
      'Bei Fragen sind wir gern für Sie da.',
      '',
      'Mit freundlichen Grüßen',
      '{{brokerName}}',
    ].join('\n'),
  },
  {
    id: 'rollout-without-mobile',
    name: 'Wichtig! Die 2-Faktor-Authentifizierung kommt! (für Endkunden OHNE hinterlegte Handynummer)',
    subject: 'Wichtig! Die 2-Faktor-Authentifizierung kommt – bitte Handynummer mitteilen',
    filter: { mobile: 'no' },
    text: [
      '{{salutation}},',
      '',
      'zum Schutz Ihrer Finanz- und Vertragsdaten wird die Anmeldung in FinanceCloud und FinanceApp um einen zweiten Faktor ergänzt: Jede Anmeldung bestätigen Sie künftig in der financeIDENT-App auf Ihrem Smartphone oder, ohne Smartphone, mit einem Code per SMS.',
      '',
      'Dafür brauchen wir Ihre Mobilfunknummer. Bei Ihrem Zugang ({{accessNumber}}) ist noch keine hinterlegt, und aus Sicherheitsgründen können nur wir als Ihr Vermittler sie eintragen. Bitte teilen Sie uns Ihre Mobilfunknummer mit – am einfachsten als Antwort auf diese E-Mail oder telefonisch. Sie erhalten danach eine SMS, mit der Sie die Nummer bestätigen.',
      '',
      'Wie es danach weitergeht, zeigt Ihnen diese Anleitung:',
      '{{guideLink}}',
      '',
      'Mit freundlichen Grüßen',
      '{{brokerName}}',
    ].join('\n'),
  },
];

export function builtInTemplate(id: string): BuiltInTemplate {
  const found = BUILT_IN_TEMPLATES.find((t) => t.id === id);
  if (!found) throw new AppError('mailing.templateNotFound', 404);
  return found;
}

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Throws mailing.unknownPlaceholder (400, {name}) for a placeholder that does not exist. */
export function checkPlaceholders(text: string): void {
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) throw new AppError('mailing.unknownPlaceholder', 400, { name: m[1]! });
  }
}

/** Replaces only the given placeholders; others stay for a later step. */
export function fillText(text: string, values: Partial<PlaceholderValues>): string {
  return text.replace(PLACEHOLDER_RE, (whole, name: string) => (name in values ? String(values[name as Placeholder]) : whole));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The HTML part: paragraphs from blank lines, escaped text and values; http(s) links (only the guide link) as anchors. */
export function toHtml(text: string, values: Partial<PlaceholderValues>): string {
  const line = (chunk: string) =>
    chunk
      .split(/(\{\{\s*[A-Za-z]+\s*\}\})/)
      .map((part, i) => {
        if (i % 2 === 0) return escapeHtml(part);
        const name = part.replace(/[{}\s]/g, '');
        if (!(name in values)) return escapeHtml(part);
        const value = String(values[name as Placeholder] ?? '');
        if (name === 'guideLink' && /^https?:\/\//.test(value)) return `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`;
        return escapeHtml(value);
      })
      .join('');
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p>${p.split('\n').map(line).join('<br>\n')}</p>`);
  return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"></head><body style="font-family:Arial,sans-serif;line-height:1.5">\n${paragraphs.join('\n')}\n</body></html>`;
}

/** "Guten Tag Erika Mustermann" (the data knows no gender, so no "Sehr geehrte/r"). */
export function salutationFor(name: string): string {
  return name.trim() ? `Guten Tag ${name.trim()}` : 'Guten Tag';
}
