// The broker area in Chromium (issue 11): a broker signs in to /broker with a fresh second factor, filters customers
// without a mobile number, enters one (the customer confirms with the code from /dev/sms on the page behind the SMS
// link; another customer is asked at the next login), sets the interval for all customers, previews and sends a
// mailing; an employee without the mailing right does not see mailings. Every broker page passes axe (no serious or
// critical issue) in German and English, and is kept as screenshots at 390 and 1280 px.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { DESKTOP, PHONE, WAIT, checkPage, mainText, screenshotsAtSizes, text, typePassword } from './hosted-pages.js';
import type { Language } from '../../src/i18n/language.js';

let idp: TestIdp;
let broker: Device;
let employee: Device;
let session: BrowserSession;
let page: Page;

/** The SMS last sent to `to` (E.164) as the dev sink shows it. */
async function lastSms(to: string): Promise<string> {
  const res = await fetch(`${idp.url}/dev/sms?to=${encodeURIComponent(to)}`);
  const list = (await res.json()) as { text: string }[];
  expect(list.length).toBeGreaterThan(0);
  return list[0]!.text;
}

/** Signs in to /broker as `loginId`: password, then the device approves the number shown. */
async function signIn(p: Page, loginId: string, device: Device, lang: Language = 'de'): Promise<void> {
  await p.goto(`${idp.url}/broker?lang=${lang}`);
  await typePassword(p, lang, loginId);
  await p.waitForURL(/\/approval$/, WAIT);
  const number = (await p.locator('#approval-number').innerText()).trim();
  const [pending] = await device.client.pending(device.state);
  await device.client.decide(device.state, pending!.id, 'approve', { number });
  await p.waitForURL((u) => u.pathname === '/broker', { ...WAIT, waitUntil: 'load' });
}

/** axe, no sideways scrolling, and screenshots at 390 px and 1280 px, in the current language. */
async function checkBoth(name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await checkPage(page, `${name}-phone-axe`);
  await page.setViewportSize(DESKTOP);
  await checkPage(page, `${name}-desktop-axe`);
  await screenshotsAtSizes(page, name);
}

beforeAll(async () => {
  idp = await startTestIdp();
  broker = await enrolDevice(idp, '100001');
  employee = await enrolDevice(idp, '100002');
  await enrolDevice(idp, '200001');
  session = await launchChromium({ locale: 'de-DE', viewport: DESKTOP });
  page = session.page;
}, 60_000);
afterAll(async () => {
  await session?.close();
  await idp?.close();
});

describe('broker area in Chromium', () => {
  it('signs in with a fresh second factor and filters the customers without a mobile number', async () => {
    await signIn(page, '100001', broker);
    await page.locator('h1', { hasText: text('de', 'brokerPage.home.title') }).waitFor(WAIT);
    await page.getByRole('link', { name: text('de', 'brokerPage.nav.customers') }).first().click();
    await page.locator('#customers').waitFor(WAIT);
    expect(await page.locator('#customers tbody tr').count()).toBe(6);
    await page.locator('#filter-mobile-no').click();
    await page.waitForURL(/mobile=no/, WAIT);
    expect(await page.locator('#filter-mobile-no').innerText()).toBe(text('de', 'brokerPage.customers.countMobileNo', { n: 1 }));
    const rows = page.locator('#customers tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Max Ohnehandy');
  });

  it('enters a mobile number; the customer confirms it with the code from the SMS on the linked page', async () => {
    await page.getByRole('link', { name: '200002' }).click();
    await page.locator('h1', { hasText: 'Max Ohnehandy' }).waitFor(WAIT);
    await page.getByLabel(text('de', 'brokerPage.customer.mobileNew')).fill('0151 7777 7702');
    await page.getByRole('button', { name: text('de', 'brokerPage.customer.mobileSave') }).click();
    await page.waitForLoadState('load');
    await page.locator('#broker-done').waitFor(WAIT);
    expect(await page.locator('#mobile-current').innerText()).toBe(text('de', 'brokerPage.customer.mobileNone'));
    expect(await page.locator('#mobile-change').innerText()).toContain(text('de', 'brokerPage.change.pending'));

    const sms = await lastSms('+4915177777702');
    const code = /: (\d{6}) /.exec(sms)![1]!;
    const link = /(http:\/\/\S+\/mobile\/confirm\/\S+)/.exec(sms)![1]!;
    const customer = await session.context.newPage();
    await customer.goto(link);
    await customer.getByLabel(text('de', 'mobileConfirm.code')).fill(code);
    await customer.getByRole('button', { name: text('de', 'mobileConfirm.submit') }).click();
    await customer.locator('#mobile-confirmed').waitFor(WAIT);
    await customer.close();
    expect((await idp.container.accounts.findByAccessNumber('200002'))!.mobile).toBe('+4915177777702');

    await page.reload();
    expect(await page.locator('#mobile-current').innerText()).toBe(text('de', 'brokerPage.customer.mobileCurrent', { mobile: '+49 151 7777 7702' }));
    expect(await page.locator('#mobile-change').innerText()).toContain(text('de', 'brokerPage.change.confirmed'));
  });

  it('a customer with a pending number is asked for the code at the next login, before the second factor', async () => {
    const anna = (await idp.container.accounts.findByAccessNumber('200003'))!;
    const ctx = await import('../../src/services/broker/broker-access.js').then((m) => m.brokerContext((anna.brokerId ? { ...anna, role: 'broker', id: anna.brokerId } : anna), idp.container.broker.stores.rights));
    await idp.container.broker.mobileChange.requestMobileChange(ctx.actor, anna.id, '+49 151 77777703', '192.0.2.9');
    const code = /: (\d{6}) /.exec(await lastSms('+4915177777703'))![1]!;
    const other = await launchChromium({ locale: 'de-DE', viewport: DESKTOP });
    try {
      const rp = await RelyingParty.discover(idp, 'financecloud');
      await other.page.goto((await rp.start()).url);
      await typePassword(other.page, 'de', '200003');
      await other.page.waitForURL(/\/interaction\/[^/]+\/mobile$/, WAIT);
      expect(await mainText(other.page)).toContain('+49 151 ••••• 03');
      await checkPage(other.page, 'mobile-login-step-de');
      await other.page.getByLabel(text('de', 'mobileConfirm.code')).fill(code);
      await other.page.getByRole('button', { name: text('de', 'mobileConfirm.submit') }).click();
      await other.page.locator('#mobile-confirmed').waitFor(WAIT);
      await other.page.getByRole('link', { name: text('de', 'mobileConfirm.continue') }).click();
      // On to the second factor: Anna has no device yet, so the page explains how to set one up.
      await other.page.waitForURL((u) => !u.pathname.endsWith('/mobile') && !u.pathname.endsWith('/mobile/continue'), WAIT);
      expect((await idp.container.accounts.findByAccessNumber('200003'))!.mobile).toBe('+4915177777703');
    } finally {
      await other.close();
    }
  });

  it('sets the interval for all customers after a confirmation that names the count', async () => {
    await page.goto(`${idp.url}/broker/interval`);
    await page.getByLabel(text('de', 'brokerPage.interval.allLabel')).selectOption('14');
    await page.getByRole('button', { name: text('de', 'brokerPage.interval.allNext') }).click();
    await page.waitForURL(/\/broker\/interval\/all\?days=14$/, WAIT);
    const label = text('de', 'account.interval.days', { days: 14 });
    expect(await page.locator('#interval-all-text').innerText()).toBe(text('de', 'brokerPage.interval.allConfirmText', { label, changing: 6, total: 6 }));
    await page.getByRole('button', { name: text('de', 'brokerPage.interval.allConfirm', { changing: 6 }) }).click();
    await page.locator('#broker-done').waitFor(WAIT);
    expect(await page.locator('#broker-done').innerText()).toBe(text('de', 'brokerPage.done.intervalAll', { n: 6 }));
    for (const n of ['200001', '200002', '200003', '200004', '200005', '200006']) expect((await idp.container.accounts.findByAccessNumber(n))!.twoFactorIntervalDays).toBe(14);
    expect((await idp.container.accounts.findByAccessNumber('100001'))!.twoFactorIntervalDays).toBe(0);
  });

  it('previews a mailing with escaped values and sends it with live progress', async () => {
    await idp.container.accounts.update('acc_customer', { name: 'Erika <i>Mustermann</i>' }, Date.now());
    await page.goto(`${idp.url}/broker/mailings`);
    await page.getByRole('link', { name: text('de', 'brokerPage.mailings.use') }).first().click();
    await page.locator('#preview').waitFor(WAIT);
    expect(await page.locator('#reachable').innerText()).toBe(text('de', 'brokerPage.mailingNew.reachable', { n: 5 }));
    expect(await page.locator('#preview-html').innerText()).toContain('Guten Tag Erika <i>Mustermann</i>,');
    expect(await page.locator('#preview-html i').count()).toBe(0);
    expect(await page.locator('#unreachable summary').innerText()).toBe(text('de', 'brokerPage.mailingNew.unreachableHeading', { n: 1 }));
    const before = idp.container.broker.mailSink!.list().length;
    await page.getByRole('button', { name: text('de', 'brokerPage.mailingNew.send', { n: 5 }) }).click();
    await page.waitForURL(/\/broker\/mailings\/ml_/, WAIT);
    await page.locator('#mailing-progress[data-status="done"]').waitFor(WAIT);
    expect(await page.locator('#mailing-counts').innerText()).toContain(text('de', 'brokerPage.mailing.counts', { sent: 5, total: 5, failed: 0, unknown: 0, pending: 0, unreachable: 1 }));
    expect(idp.container.broker.mailSink!.list().length - before).toBe(5);
  });

  it('every broker page passes axe in German and English, at 390 and 1280 px', async () => {
    const customer = (await idp.container.accounts.findByAccessNumber('200001'))!;
    const [device] = await idp.container.devices.listByAccount(customer.id);
    const [mailing] = await idp.container.broker.stores.mailings.listByBroker('acc_broker');
    const pages: [string, string][] = [
      ['home', '/broker'],
      ['customers', '/broker/customers?mobile=yes'],
      ['customer', `/broker/customers/${customer.id}`],
      ['device-remove', `/broker/customers/${customer.id}/devices/${device!.id}/remove`],
      ['interval', '/broker/interval'],
      ['interval-all', '/broker/interval/all?days=3'],
      ['mailings', '/broker/mailings'],
      ['template', '/broker/mailings/templates/rollout-without-mobile'],
      ['mailing-new', '/broker/mailings/new?template=rollout-with-mobile&mobile=yes'],
      ['mailing', `/broker/mailings/${mailing!.id}`],
      ['costs', '/broker/costs'],
      ['staff', '/broker/staff'],
    ];
    for (const lang of ['de', 'en'] as const) {
      for (const [name, path] of pages) {
        await page.goto(`${idp.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        await page.locator('main h1').waitFor(WAIT);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        await checkBoth(`broker-${name}-${lang}`);
      }
    }
  }, 240_000);

  it('an employee without the mailing right sees no mailings and is refused there', async () => {
    const other = await launchChromium({ locale: 'de-DE', viewport: DESKTOP });
    try {
      await signIn(other.page, '100002', employee);
      const nav = await other.page.locator('nav.area-nav').innerText();
      expect(nav).toContain(text('de', 'brokerPage.nav.customers'));
      expect(nav).not.toContain(text('de', 'brokerPage.nav.mailings'));
      expect(nav).not.toContain(text('de', 'brokerPage.nav.staff'));
      const res = await other.page.goto(`${idp.url}/broker/mailings`);
      expect(res!.status()).toBe(403);
      expect(await mainText(other.page)).toContain(text('de', 'broker.forbidden'));
      await other.page.goto(`${idp.url}/broker/customers`);
      expect(await other.page.locator('#customers tbody tr').count()).toBe(6);
    } finally {
      await other.close();
    }
  });

  it('signs out', async () => {
    await page.goto(`${idp.url}/broker?lang=de`);
    await page.getByRole('button', { name: text('de', 'brokerPage.signOut') }).click();
    const yes = page.getByRole('button', { name: text('de', 'logout.yes'), exact: true });
    await yes.waitFor(WAIT);
    await yes.click();
    await page.waitForURL(/\/broker\/signed-out/, WAIT);
    await checkBoth('broker-signed-out-de');
    await page.goto(`${idp.url}/broker/customers`);
    await page.waitForURL(/\/interaction\//, WAIT);
  });
});
