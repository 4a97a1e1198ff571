// SMS-4 end to end: an SMS login of a customer lands in the ledger once, charged to its broker, and the broker
// reads the quarter's statement over GET /api/broker/statement (CSV and JSON) with an access token of this IdP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { smartmscAccessToken } from '../helpers/login-flow.js';
import { enrolDevice } from '../helpers/device.js';
import { parseQuarter, type SmsStatement } from '../../src/services/sms-statement.js';

const CUSTOMER_MOBILE = '+4915122222205';
/** The current quarter in Berlin time: the device client signs with the real clock, so the IdP runs on it too. */
function currentQuarter(now: number): string {
  const year = new Date(now).getUTCFullYear();
  const candidates = [`${year - 1}-Q4`, ...[1, 2, 3, 4].map((q) => `${year}-Q${q}`), `${year + 1}-Q1`];
  return candidates.find((q) => parseQuarter(q).fromMs <= now && now < parseQuarter(q).toMs)!;
}
const QUARTER = currentQuarter(Date.now());
let sentAfter: number;
let sentBefore: number;
let idp: TestIdp;
let rp: RelyingParty;
let brokerToken: string;
let customerToken: string;

beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'financecloud');

  // The customer 200005 (method SMS) logs in with a code by SMS.
  const browser = new Browser();
  const started = await rp.start();
  sentAfter = Date.now();
  const page = await passwordLogin(browser, rp, started, '200005', 'Demo-Passwort-2026');
  expect(page.url).toMatch(/\/sms$/);
  const code = /Login-Code: (\d{6}) /.exec(idp.container.smsSink!.lastTo(CUSTOMER_MOBILE)!.text)![1]!;
  sentBefore = Date.now();
  const callback = await browser.submit(page, '/sms', { code }, rp.redirectUri);
  customerToken = (await rp.finish(callback.url, started)).access_token;

  // The broker 100001 logs in to smartMSC (the client configured for the scope broker_api) with its enrolled device.
  brokerToken = await smartmscAccessToken(idp, '100001', await enrolDevice(idp, '100001'));
});
afterAll(async () => idp.close());

const statement = (token: string | null, query = `quarter=${QUARTER}&format=json`) =>
  fetch(`${idp.url}/api/broker/statement?${query}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('GET /api/broker/statement', () => {
  it('JSON: the SMS login is one 0.10 EUR line of broker 100001; net, VAT and gross in cents', async () => {
    const response = await statement(brokerToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as SmsStatement;
    expect(body).toMatchObject({ broker: { id: 'acc_broker', accessNumber: '100001' }, quarter: QUARTER, vatPercent: 19 });
    const priced = body.lines.filter((l) => l.netCents > 0);
    expect(priced).toEqual([
      { id: expect.any(String), at: expect.any(String), accountId: 'acc_smsonly', accessNumber: '200005', purpose: 'login', providerMessageId: expect.any(String), netCents: 10 },
    ]);
    const at = Date.parse(priced[0]!.at);
    expect(at >= sentAfter && at <= sentBefore).toBe(true);
    // The broker's own activation SMS for its device is a line too, at the price of other purposes (0 by default).
    expect(body.lines.filter((l) => l.netCents === 0).map((l) => [l.purpose, l.accessNumber])).toEqual([['activation', '100001']]);
    expect([body.count, body.netCents, body.vatCents, body.grossCents]).toEqual([2, 10, 2, 12]);
  });

  it('CSV: the same statement, semicolon-separated with decimal commas and a totals row', async () => {
    const response = await statement(brokerToken, `quarter=${QUARTER}&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="sms-statement-100001-${QUARTER}.csv"`);
    const rows = (await response.text()).trimEnd().split('\r\n').map((r) => r.split(';'));
    expect(rows[0]![0]).toBe('Zeitpunkt (UTC)');
    const login = rows.filter((r) => r[3] === 'login');
    expect(login).toHaveLength(1);
    expect(login[0]!.slice(1, 4)).toEqual(['200005', 'acc_smsonly', 'login']);
    expect(login[0]![6]).toBe('0,10');
    expect(rows.at(-1)).toEqual(['Summe', '', '', '', '', '2', '0,10', '0,02', '0,12']);
  });

  it('another quarter is empty; a bad quarter or format is 400', async () => {
    const empty = (await (await statement(brokerToken, 'quarter=2020-Q1')).json()) as SmsStatement;
    expect([empty.count, empty.netCents, empty.lines]).toEqual([0, 0, []]);
    const bad = await statement(brokerToken, 'quarter=2026-Q7');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'statement.badQuarter' });
    expect((await statement(brokerToken, `quarter=${QUARTER}&format=xml`)).status).toBe(400);
  });

  it("a customer's token is 403, no token 401", async () => {
    // A FinanceCloud token of a customer: FinanceCloud is not configured for the scope broker_api.
    const forbidden = await statement(customerToken);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: 'api.insufficientScope' });
    expect((await statement(null)).status).toBe(401);
  });
});
