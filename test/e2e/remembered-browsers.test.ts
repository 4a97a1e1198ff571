// Remembered browsers and the interval (RD-1…4): who skips the second factor, for how long, and what ends it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { cookieSignature, login, rememberedCookieName, signDeviceTokensWith } from '../helpers/remembered.js';
import { DAY, HOUR, ManualClock } from '../../src/shared/clock.js';
import type { Account } from '../../src/domain/account.js';
import { brokerContext } from '../../src/services/broker/broker-access.js';

const MFA = 'urn:financeident:acr:mfa';
const PWD = 'urn:financeident:acr:pwd';

let idp: TestIdp;
let rp: RelyingParty;
const clock = new ManualClock(Date.now());
signDeviceTokensWith(clock);
const devices: Record<string, Device> = {};

beforeAll(async () => {
  idp = await startTestIdp({ clock });
  rp = await RelyingParty.discover(idp, 'financecloud');
  for (const loginId of ['100001', '200001', '200006']) devices[loginId] = await enrolDevice(idp, loginId);
});
afterAll(async () => idp.close());

const account = async (accessNumber: string) => (await idp.container.accounts.findByAccessNumber(accessNumber))!;
const setInterval = async (accessNumber: string, days: number) => idp.container.intervals.setOwnInterval((await account(accessNumber)).id, days);
/** The broker area's view of an account (its scope and rights), as the broker pages and API use it. */
const asBroker = async (accessNumber: string) => brokerContext(await account(accessNumber), idp.container.broker.stores.rights);

describe('remembered browsers', () => {
  it('interval 0 (always): every login in the same browser approves', async () => {
    expect((await account('100001')).twoFactorIntervalDays).toBe(0);
    const browser = new Browser();
    const smartmsc = await RelyingParty.discover(idp, 'smartmsc'); // the broker's portal (OIDC-5)
    for (let i = 0; i < 3; i++) {
      const outcome = await login(browser, smartmsc, idp.url, '100001', devices['100001']!);
      expect(outcome.approved).toBe(true);
      expect(outcome.claims.acr).toBe(MFA);
    }
    expect(await idp.container.rememberedBrowsers.list((await account('100001')).id, 0)).toEqual([]);
  });

  it('interval 7: the second login skips (truthful amr/acr); after 7 days it approves again', async () => {
    clock.advance(HOUR);
    const browser = new Browser();
    const first = await login(browser, rp, idp.url, '200001', devices['200001']!);
    expect(first.approved).toBe(true);
    expect(first.claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
    expect(first.claims.acr).toBe(MFA);

    clock.advance(6 * DAY + 23 * HOUR);
    const second = await login(browser, rp, idp.url, '200001', null);
    expect(second.approved).toBe(false);
    expect(second.claims.amr).toEqual(['pwd']);
    expect(second.claims.acr).toBe(PWD);

    clock.advance(HOUR); // 7 days since the approval
    const third = await login(browser, rp, idp.url, '200001', devices['200001']!);
    expect(third.approved).toBe(true);
    expect(third.claims.acr).toBe(MFA);

    // A new browser is not remembered at all.
    expect((await login(new Browser(), rp, idp.url, '200001', devices['200001']!)).approved).toBe(true);
  });

  it('another account in the same browser still approves; a stolen cookie value under another account\'s name does nothing', async () => {
    clock.advance(HOUR);
    await setInterval('200006', 7);
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', devices['200001']!)).approved).toBe(true);
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false);

    const other = await login(browser, rp, idp.url, '200006', devices['200006']!);
    expect(other.approved).toBe(true);
    expect(other.claims.sub).toBe('acc_subcustomer');

    // A second browser holding 200001's token under 200006's cookie name, copied as is and properly signed.
    const victim = await account('200001');
    const target = await account('200006');
    const cookies = await browser.jar.getCookies(idp.url);
    const value = cookies.find((c) => c.key === rememberedCookieName(victim.id))!.value;
    const sig = cookies.find((c) => c.key === `${rememberedCookieName(victim.id)}.sig`)!.value;
    const name = rememberedCookieName(target.id);
    for (const signature of [sig, cookieSignature(name, value, idp.container.keys.cookieKeys[0]!)]) {
      const thief = new Browser();
      await thief.jar.setCookie(`${name}=${value}; Path=/`, idp.url);
      await thief.jar.setCookie(`${name}.sig=${signature}; Path=/`, idp.url);
      expect((await login(thief, rp, idp.url, '200006', devices['200006']!)).approved).toBe(true);
    }
  });

  it('acr_values=mfa, prompt=login and max_age=0 in a remembered browser still ask for the second factor', async () => {
    clock.advance(HOUR);
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', devices['200001']!)).approved).toBe(true);
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false);
    const demands: Record<string, string>[] = [{ acr_values: MFA }, { prompt: 'login' }, { max_age: '0' }];
    for (const extra of demands) {
      const outcome = await login(browser, rp, idp.url, '200001', devices['200001']!, extra);
      expect(outcome.approved).toBe(true);
      expect(outcome.claims.acr).toBe(MFA);
    }
    // And still remembered for a plain login afterwards.
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false);
  });

  it('shortening the interval from 30 to 1 day ends a 2-day-old remembered browser', async () => {
    clock.advance(HOUR);
    await setInterval('200001', 30);
    await idp.container.rememberedBrowsers.endAll((await account('200001')).id);
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', devices['200001']!)).approved).toBe(true);
    clock.advance(2 * DAY);
    const customer = await account('200001');
    expect(await idp.container.rememberedBrowsers.list(customer.id, 30)).toHaveLength(1);

    const broker = await account('100001');
    await idp.container.broker.customers.setInterval(await asBroker('100001'), customer.id, 1, '192.0.2.1');
    expect((await account('200001')).twoFactorIntervalDays).toBe(1);
    expect(await idp.container.rememberedBrowsers.list(customer.id, 1)).toEqual([]);
    expect((await login(browser, rp, idp.url, '200001', devices['200001']!)).approved).toBe(true);

    const audit = await idp.container.audit.list({ accountId: customer.id, type: 'interval.changed' });
    expect(audit[0]).toMatchObject({ type: 'interval.changed', details: { from: 30, to: 1, by: broker.id, scope: 'customer' } });
    await setInterval('200001', 7);
  });
});

describe('interval changes by a broker', () => {
  const now = Date.UTC(2026, 0, 1);
  const other = (id: string, accessNumber: string, role: Account['role'], brokerId: string | null): Account => ({
    id,
    accessNumber,
    email: null,
    mobile: '+4915199999999',
    name: id,
    role,
    brokerId,
    passwordHash: null,
    twoFactorMethod: 'app',
    twoFactorIntervalDays: 3,
    createdAt: now,
    updatedAt: now,
  });

  beforeAll(async () => {
    await idp.container.accounts.insertMany([
      other('acc_other_broker', '300001', 'broker', null),
      other('acc_other_customer', '300002', 'customer', 'acc_other_broker'),
      other('acc_other_sub', '300003', 'subBroker', 'acc_other_broker'),
      other('acc_other_subcustomer', '300004', 'customer', 'acc_other_sub'),
    ]);
  });

  it('"all customers" reaches every customer of the broker (also of its sub-broker) and no one else', async () => {
    const before = new Map<string, number>();
    for (const n of ['100001', '100002', '100003', '300001', '300002', '300003', '300004']) before.set(n, (await account(n)).twoFactorIntervalDays);
    const changed = await idp.container.broker.customers.setIntervalForAll(await asBroker('100001'), 14, '192.0.2.1');
    const customers = ['200001', '200002', '200003', '200004', '200005', '200006'];
    expect(changed).toBe(customers.length);
    for (const n of customers) expect((await account(n)).twoFactorIntervalDays).toBe(14);
    for (const [n, days] of before) expect((await account(n)).twoFactorIntervalDays).toBe(days);

    const audit = await idp.container.audit.list({ type: 'interval.changed', limit: 50 });
    const scoped = audit.filter((e) => e.details.scope === 'allCustomers');
    expect(new Set(scoped.map((e) => e.accountId))).toEqual(new Set(await Promise.all(customers.map(async (n) => (await account(n)).id))));
  });

  it('an own interval takes whole days from 0 to 90 only', async () => {
    const employee = await account('100002');
    for (const days of [91, -1, 1.5, Number.NaN]) {
      await expect(idp.container.intervals.setOwnInterval(employee.id, days)).rejects.toMatchObject({ code: 'interval.invalid', status: 400 });
    }
  });
});
