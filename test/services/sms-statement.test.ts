// SMS-4: the quarterly statement gives exact cents (VAT half-up on the total net), only the quarter's lines
// (Europe/Berlin calendar quarters), and CSV and JSON that agree.
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { SmsPurpose } from '../../src/domain/sms-channel.js';
import { CSV_HEADER, eurosDe, parseQuarter, SmsStatementService, toCsv, toJson, vatCentsOf, type SmsStatement } from '../../src/services/sms-statement.js';
import { AppError } from '../../src/shared/errors.js';
import { cryptoRandom } from '../../src/shared/random.js';
import type { MemoryAccountStore } from '../../src/stores/memory/account-store.js';
import { MemorySmsLedger } from '../../src/stores/memory/sms-ledger.js';
import { smsAccounts } from '../helpers/sms-accounts.js';

const Q4_FROM = Date.parse('2026-09-30T22:00:00Z'); // 1 Oct 2026 00:00 CEST
const Q4_TO = Date.parse('2026-12-31T23:00:00Z'); // 1 Jan 2027 00:00 CET

let accounts: MemoryAccountStore;
let ledger: MemorySmsLedger;
let statements: SmsStatementService;
let n = 0;

beforeEach(async () => {
  accounts = await smsAccounts();
  ledger = new MemorySmsLedger(cryptoRandom);
  statements = new SmsStatementService({ ledger, accounts, vatPercent: 19 });
});

async function sent(at: number, opts: { brokerId?: string; accountId?: string; purpose?: SmsPurpose; netCents?: number } = {}): Promise<void> {
  n += 1;
  const purpose = opts.purpose ?? 'login';
  await ledger.record({
    idempotencyKey: `k${n}`,
    accountId: opts.accountId ?? 'customer',
    brokerId: opts.brokerId ?? 'broker',
    purpose,
    at,
    providerMessageId: `prov-${n}`,
    state: 'accepted',
    netCents: opts.netCents ?? (purpose === 'login' ? 10 : 0),
  });
}

/** Parses the statement CSV back: rows of cells (no quoted cells occur in these tests). */
function parseCsv(csv: string): string[][] {
  expect(csv.endsWith('\r\n')).toBe(true);
  return csv.slice(0, -2).split('\r\n').map((row) => row.split(';'));
}

const centsOf = (euros: string): number => {
  const m = /^(\d+),(\d{2})$/.exec(euros);
  if (!m) throw new Error(`not a German amount: ${euros}`);
  return Number(m[1]) * 100 + Number(m[2]);
};

/** CSV and JSON describe the same statement: every line and the totals. */
function expectAgree(statement: SmsStatement): void {
  const json = JSON.parse(toJson(statement)) as SmsStatement;
  expect(json).toEqual(statement);
  const rows = parseCsv(toCsv(statement));
  expect(rows[0]).toEqual([...CSV_HEADER]);
  const body = rows.slice(1, -1);
  const totals = rows.at(-1)!;
  expect(body).toHaveLength(json.lines.length);
  body.forEach((row, i) => {
    const line = json.lines[i]!;
    expect(row).toHaveLength(CSV_HEADER.length);
    expect({ at: row[0], accessNumber: row[1] || null, accountId: row[2], purpose: row[3], providerMessageId: row[4], count: row[5], netCents: centsOf(row[6]!) }).toEqual({
      at: line.at,
      accessNumber: line.accessNumber,
      accountId: line.accountId,
      purpose: line.purpose,
      providerMessageId: line.providerMessageId,
      count: '1',
      netCents: line.netCents,
    });
  });
  expect(totals.slice(0, 6)).toEqual(['Summe', '', '', '', '', String(json.count)]);
  expect(totals.slice(6).map(centsOf)).toEqual([json.netCents, json.vatCents, json.grossCents]);
}

describe('quarters (Europe/Berlin)', () => {
  it('2026-Q4 runs from 1 Oct 00:00 CEST to 1 Jan 00:00 CET', () => {
    expect(parseQuarter('2026-Q4')).toEqual({ quarter: '2026-Q4', fromMs: Q4_FROM, toMs: Q4_TO });
    expect(parseQuarter('2026-Q1')).toEqual({ quarter: '2026-Q1', fromMs: Date.parse('2025-12-31T23:00:00Z'), toMs: Date.parse('2026-03-31T22:00:00Z') });
    expect(parseQuarter('2026-Q2').fromMs).toBe(Date.parse('2026-03-31T22:00:00Z'));
    expect(parseQuarter('2026-Q3')).toEqual({ quarter: '2026-Q3', fromMs: Date.parse('2026-06-30T22:00:00Z'), toMs: Q4_FROM });
  });

  it.each(['2026-Q5', '2026-Q0', '2026Q4', '26-Q4', '', 'Q4-2026', '2026-q4x'])('%j is not a quarter', (q) => {
    expect(() => parseQuarter(q)).toThrow(expect.objectContaining({ code: 'statement.badQuarter', status: 400 }) as unknown as Error);
  });
});

describe('amounts', () => {
  it('VAT is rounded half-up on the total net, in integer cents', () => {
    expect(vatCentsOf(70, 19)).toBe(13); // 13.3
    expect(vatCentsOf(10, 19)).toBe(2); // 1.9
    expect(vatCentsOf(50, 19)).toBe(10); // 9.5 → up
    expect(vatCentsOf(150, 19)).toBe(29); // 28.5 → up
    expect(vatCentsOf(10_000, 19)).toBe(1900);
    expect(vatCentsOf(0, 19)).toBe(0);
  });

  it('euros with a German decimal comma', () => {
    expect([0, 7, 70, 83, 1330, 11_900, 123_456].map(eurosDe)).toEqual(['0,00', '0,07', '0,70', '0,83', '13,30', '119,00', '1234,56']);
  });
});

describe('statementFor', () => {
  it('7 login SMS: 70 cents net, 13 VAT, 83 gross', async () => {
    for (let i = 0; i < 7; i++) await sent(Q4_FROM + i * 3_600_000);
    const s = await statements.statementFor('broker', '2026-Q4');
    expect(s).toMatchObject({
      broker: { id: 'broker', accessNumber: '100001', name: 'broker' },
      quarter: '2026-Q4',
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-12-31T23:00:00.000Z',
      count: 7,
      vatPercent: 19,
      netCents: 70,
      vatCents: 13,
      grossCents: 83,
    });
    expect(s.lines).toHaveLength(7);
    expect(s.lines[0]).toEqual({ id: expect.any(String), at: '2026-09-30T22:00:00.000Z', accountId: 'customer', accessNumber: '200001', purpose: 'login', providerMessageId: expect.stringMatching(/^prov-/), netCents: 10 });
    expectAgree(s);
    expect(toCsv(s).split('\r\n').at(-2)).toBe('Summe;;;;;7;0,70;0,13;0,83');
  });

  it('1000 login SMS: 10000 net, 1900 VAT, 11900 gross', async () => {
    for (let i = 0; i < 1000; i++) await sent(Q4_FROM + i * 60_000);
    const s = await statements.statementFor('broker', '2026-Q4');
    expect([s.count, s.netCents, s.vatCents, s.grossCents]).toEqual([1000, 10_000, 1900, 11_900]);
    expectAgree(s);
    expect(toCsv(s).split('\r\n').at(-2)).toBe('Summe;;;;;1000;100,00;19,00;119,00');
  });

  it('only the quarter, only this broker: the edges in Berlin time decide', async () => {
    await sent(Q4_FROM - 1); // 30 Sep 23:59:59.999 in Berlin: Q3
    await sent(Q4_FROM); // first instant of Q4
    await sent(Q4_TO - 1); // 31 Dec 23:59:59.999 in Berlin
    await sent(Q4_TO); // 1 Jan 2027: Q1
    await sent(Q4_FROM + 1000, { brokerId: 'broker2', accountId: 'customer2' });
    await sent(Q4_FROM + 2000, { purpose: 'activation' });
    const s = await statements.statementFor('broker', '2026-Q4');
    expect(s.lines.map((l) => l.at)).toEqual(['2026-09-30T22:00:00.000Z', '2026-09-30T22:00:02.000Z', '2026-12-31T22:59:59.999Z']);
    expect([s.count, s.netCents, s.vatCents, s.grossCents]).toEqual([3, 20, 4, 24]);
    expectAgree(s);

    const q3 = await statements.statementFor('broker', '2026-Q3');
    expect(q3.lines.map((l) => l.at)).toEqual(['2026-09-30T21:59:59.999Z']);
    const other = await statements.statementFor('broker2', '2026-Q4');
    expect([other.count, other.netCents]).toEqual([1, 10]);
  });

  it('an empty quarter is all zeros', async () => {
    const s = await statements.statementFor('broker', '2027-Q1');
    expect([s.count, s.netCents, s.vatCents, s.grossCents, s.lines]).toEqual([0, 0, 0, 0, []]);
    expect(toCsv(s)).toBe(`${CSV_HEADER.join(';')}\r\nSumme;;;;;0;0,00;0,00;0,00\r\n`);
    expectAgree(s);
  });

  it('refuses a bad quarter, an unknown broker and a customer', async () => {
    await expect(statements.statementFor('broker', '2026-Q9')).rejects.toMatchObject({ code: 'statement.badQuarter' });
    await expect(statements.statementFor('nobody', '2026-Q4')).rejects.toMatchObject({ code: 'statement.unknownBroker', status: 404 });
    await expect(statements.statementFor('customer', '2026-Q4')).rejects.toBeInstanceOf(AppError);
  });

  it('quotes and defuses cells a spreadsheet would misread', async () => {
    await ledger.record({ idempotencyKey: 'x', accountId: 'customer', brokerId: 'broker', purpose: 'login', at: Q4_FROM, providerMessageId: '=HYPERLINK("x";"y")', netCents: 10, state: 'accepted' });
    const csv = toCsv(await statements.statementFor('broker', '2026-Q4'));
    expect(csv.split('\r\n')[1]).toContain(`;"'=HYPERLINK(""x"";""y"")";`);
  });
});
