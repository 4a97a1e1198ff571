// SMS-4: the quarterly SMS statement of one broker (count, net, VAT, gross and its lines) as JSON and CSV.
// Quarters are calendar quarters in German time (Europe/Berlin): 2026-Q4 = 1 Oct 2026 00:00 to 1 Jan 2027 00:00 local.
// All amounts are integer euro cents; VAT is computed once on the total net and rounded half-up to the cent.
import type { SmsPurpose } from '../domain/sms-channel.js';
import { AppError } from '../shared/errors.js';
import type { AccountStore } from '../domain/account.js';
import type { SmsLedger } from '../domain/sms-ledger.js';
import { CHARGEABLE_ROLES } from './broker/broker-hierarchy.js';

export const STATEMENT_TIME_ZONE = 'Europe/Berlin';

export interface StatementLine {
  id: string;
  /** ISO 8601 (UTC). */
  at: string;
  accountId: string;
  /** The access number of the account the SMS went to (null if the account no longer exists). */
  accessNumber: string | null;
  purpose: SmsPurpose;
  /** null for an unsettled line (the provider's answer was lost). */
  providerMessageId: string | null;
  netCents: number;
}

export interface SmsStatement {
  broker: { id: string; accessNumber: string; name: string };
  /** `YYYY-Qn`. */
  quarter: string;
  /** ISO 8601 (UTC) of the first instant of the quarter in Europe/Berlin. */
  from: string;
  /** ISO 8601 (UTC) of the first instant after the quarter (exclusive). */
  to: string;
  count: number;
  vatPercent: number;
  netCents: number;
  vatCents: number;
  grossCents: number;
  /** The billed SMS: the provider accepted them. */
  lines: StatementLine[];
  /**
   * SMS handed to the provider whose acceptance is not known yet (not billed, not in the totals): they are billed
   * once settled as accepted, or dropped when settled as failed.
   */
  unsettled: StatementLine[];
}

export interface QuarterRange {
  quarter: string;
  fromMs: number;
  toMs: number;
}

/** `YYYY-Qn` → its range in Europe/Berlin time; AppError statement.badQuarter otherwise. */
export function parseQuarter(quarter: string): QuarterRange {
  const match = /^(\d{4})-Q([1-4])$/.exec(String(quarter).trim());
  const year = Number(match?.[1]);
  if (!match || year < 2000 || year > 2999) throw new AppError('statement.badQuarter', 400, { quarter: String(quarter).slice(0, 20) });
  const q = Number(match[2]);
  return { quarter: `${year}-Q${q}`, fromMs: berlinMonthStart(year, (q - 1) * 3), toMs: berlinMonthStart(year, q * 3) };
}

/** VAT in cents on `netCents`, rounded half-up, in integer arithmetic. */
export function vatCentsOf(netCents: number, vatPercent: number): number {
  return Math.floor((netCents * vatPercent + 50) / 100);
}

const berlinParts = new Intl.DateTimeFormat('en-US', {
  timeZone: STATEMENT_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Offset of Europe/Berlin from UTC at `utcMs`, in ms (+1 h in winter, +2 h in summer). */
function berlinOffsetMs(utcMs: number): number {
  const parts = Object.fromEntries(berlinParts.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** 00:00 Berlin time on the 1st of `month0` (0-based, may be 12 = January of the next year). */
function berlinMonthStart(year: number, month0: number): number {
  const utcMidnight = Date.UTC(year, month0, 1);
  // Clock changes happen on the last Sunday of March and October, never on the 1st: one offset lookup suffices.
  return utcMidnight - berlinOffsetMs(utcMidnight);
}

export interface SmsStatementDeps {
  ledger: SmsLedger;
  accounts: AccountStore;
  vatPercent: number;
}


export class SmsStatementService {
  constructor(private readonly deps: SmsStatementDeps) {}

  /** The statement of `brokerId` (an account id) for `quarter` (`YYYY-Qn`). */
  async statementFor(brokerId: string, quarter: string): Promise<SmsStatement> {
    const range = parseQuarter(quarter);
    const broker = await this.deps.accounts.findById(brokerId);
    if (!broker || !CHARGEABLE_ROLES.includes(broker.role)) throw new AppError('statement.unknownBroker', 404);
    const ledgerLines = await this.deps.ledger.listForBroker(broker.id, range.fromMs, range.toMs);

    const accessNumbers = new Map<string, string | null>();
    for (const line of ledgerLines) {
      if (!accessNumbers.has(line.accountId)) accessNumbers.set(line.accountId, (await this.deps.accounts.findById(line.accountId))?.accessNumber ?? null);
    }
    const asLine = (l: (typeof ledgerLines)[number]): StatementLine => ({
      id: l.id,
      at: new Date(l.at).toISOString(),
      accountId: l.accountId,
      accessNumber: accessNumbers.get(l.accountId) ?? null,
      purpose: l.purpose,
      providerMessageId: l.providerMessageId,
      netCents: l.netCents,
    });
    const lines = ledgerLines.filter((l) => l.state === 'accepted').map(asLine);
    const unsettled = ledgerLines.filter((l) => l.state === 'unknown').map(asLine);
    const netCents = lines.reduce((sum, l) => sum + l.netCents, 0);
    const vatCents = vatCentsOf(netCents, this.deps.vatPercent);
    return {
      broker: { id: broker.id, accessNumber: broker.accessNumber, name: broker.name },
      quarter: range.quarter,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      count: lines.length,
      vatPercent: this.deps.vatPercent,
      netCents,
      vatCents,
      grossCents: netCents + vatCents,
      lines,
      unsettled,
    };
  }
}

/** Cents as euros with a German decimal comma and two decimals: 1330 → "13,30". */
export function eurosDe(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new TypeError(`not an amount in cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

export const CSV_HEADER = ['Zeitpunkt (UTC)', 'Zugangsnummer', 'Konto-ID', 'Zweck', 'Nachrichten-ID', 'Anzahl', 'Netto EUR', 'USt EUR', 'Brutto EUR'] as const;

/** A cell: quoted when it holds a separator, quote or line break; text that a spreadsheet would run as a formula is defused. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Semicolon-separated with a header row, one row per SMS (VAT and gross only on the totals), and a totals row
 * `Summe;;;;;<count>;<net>;<vat>;<gross>`; amounts in EUR with a decimal comma; CRLF line ends. Unsettled SMS follow
 * the totals under a row `Ungeklärt (nicht berechnet);…;<count>`, each with count 0 and no message id.
 */
export function toCsv(statement: SmsStatement): string {
  const rows: string[][] = [[...CSV_HEADER]];
  for (const l of statement.lines) {
    rows.push([l.at, l.accessNumber ?? '', l.accountId, l.purpose, l.providerMessageId ?? '', '1', eurosDe(l.netCents), '', '']);
  }
  rows.push(['Summe', '', '', '', '', String(statement.count), eurosDe(statement.netCents), eurosDe(statement.vatCents), eurosDe(statement.grossCents)]);
  if (statement.unsettled.length) {
    rows.push(['Ungeklärt (nicht berechnet)', '', '', '', '', String(statement.unsettled.length), '', '', '']);
    for (const l of statement.unsettled) rows.push([l.at, l.accessNumber ?? '', l.accountId, l.purpose, '', '0', eurosDe(l.netCents), '', '']);
  }
  return rows.map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
}

export function toJson(statement: SmsStatement): string {
  return `${JSON.stringify(statement, null, 2)}\n`;
}

/** The file name a download gets, e.g. `sms-statement-100001-2026-Q4.csv`. */
export function statementFileName(statement: SmsStatement, format: 'csv' | 'json'): string {
  return `sms-statement-${statement.broker.accessNumber.replace(/[^A-Za-z0-9_-]/g, '_')}-${statement.quarter}.${format}`;
}
