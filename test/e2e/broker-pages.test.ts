// The /broker pages over HTTP as a browser would use them: sign-in through the IdP with a fresh second factor, CSRF on
// every form, post/redirect/get, clear errors on the page, no open redirect after sign-in, a sub-broker sees only its
// own customers, customers have no broker area, and the mobile confirmation link refuses bad tokens and wrong codes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, findForm, type Page } from '../helpers/browser.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { translate } from '../../src/i18n/messages.js';

let idp: TestIdp;
const devices: Record<string, Device> = {};

/** /broker → IdP login → password → the device approves the number shown → back in the broker area. */
async function signIn(loginId: string, next = '/broker'): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  let page = await browser.go(`${idp.url}${next}`);
  page = await browser.submit(page, '/login', { loginId, password: 'Demo-Passwort-2026' });
  if (page.url.endsWith('/approval')) {
    const device = devices[loginId]!;
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(page.html) });
    page = await browser.go(page.url.replace(/\/approval$/, '/finish'));
  }
  return { browser, page };
}

beforeAll(async () => {
  idp = await startTestIdp();
  for (const id of ['100001', '100003', '200001']) devices[id] = await enrolDevice(idp, id);
}, 60_000);
afterAll(async () => idp.close());

describe('/broker pages', () => {
  it('signs in with a fresh second factor even when the IdP session exists; returns only to /broker paths', async () => {
    const { browser, page } = await signIn('100001', '/broker/customers');
    expect(new URL(page.url).pathname).toBe('/broker/customers');
    expect(page.status).toBe(200);
    // Signing in again (IdP session still there): the second factor is asked again, and a foreign `next` is ignored.
    let again = await browser.go(`${idp.url}/broker/login?next=//evil.example/x`);
    if (!again.url.endsWith('/approval')) again = await browser.submit(again, '/login', { loginId: '100001', password: 'Demo-Passwort-2026' });
    expect(again.url).toMatch(/\/interaction\/[^/]+\/approval$/);
    const device = devices['100001']!;
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(again.html) });
    const back = await browser.go(again.url.replace(/\/approval$/, '/finish'));
    expect(back.url).toBe(`${idp.url}/broker`);
  });

  it('refuses a form without or with a wrong CSRF token, and changes nothing', async () => {
    const { browser, page } = await signIn('100001', '/broker/customers/acc_customer');
    const form = findForm(page.html, '/interval');
    const missing = await browser.request(`${idp.url}/broker/customers/acc_customer/interval`, { form: { days: '9' } });
    expect(missing.status).toBe(403);
    const wrong = await browser.request(`${idp.url}/broker/customers/acc_customer/interval`, { form: { ...form.fields, _csrf: 'x'.repeat(43), days: '9' } });
    expect(wrong.status).toBe(403);
    expect((await idp.container.accounts.findById('acc_customer'))!.twoFactorIntervalDays).toBe(7);
    // With the token: post, redirect, get — and the confirmation on the page.
    const done = await browser.submit(page, '/interval', { days: '9' });
    expect(done.url).toMatch(/\/broker\/customers\/acc_customer\?done=interval$/);
    expect(done.html).toContain(translate('de', 'brokerPage.done.interval'));
    expect((await idp.container.accounts.findById('acc_customer'))!.twoFactorIntervalDays).toBe(9);
    // The change log on the page: what, who, from where.
    const row = /<table id="history"[\s\S]*?<tbody><tr>([\s\S]*?)<\/tr>/.exec(done.html)![1]!;
    expect(row).toContain(translate('de', 'brokerPage.audit.interval.changed'));
    expect(row).toContain('Maklerbüro Sommer (100001)');
    expect(row).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
  });

  it('shows a bad mobile number as a clear error on the same page, in the user\'s language', async () => {
    const { browser, page } = await signIn('100001', '/broker/customers/acc_nomobile');
    const after = await browser.submit(page, '/mobile', { mobile: '0301234567' });
    expect(after.url).toMatch(/\/broker\/customers\/acc_nomobile\?error=mobile\.invalid$/);
    expect(after.html).toContain(translate('de', 'mobile.invalid'));
    expect((await idp.container.accounts.findById('acc_nomobile'))!.mobile).toBeNull();
  });

  it('without a session a form post changes nothing and leads to sign-in', async () => {
    const browser = new Browser();
    const first = await browser.go(`${idp.url}/broker/signed-out`);
    const token = /name="_csrf" value="([^"]+)"/.exec(first.html)?.[1] ?? findForm((await browser.go(`${idp.url}/password/forgot`)).html, '/password').fields._csrf!;
    const res = await browser.request(`${idp.url}/broker/interval/all`, { form: { _csrf: token, days: '1' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/broker/login');
    expect((await idp.container.accounts.findById('acc_customer'))!.twoFactorIntervalDays).not.toBe(1);
  });

  it('a sub-broker sees only its own customers; another broker\'s customer is "not found"', async () => {
    const { browser, page } = await signIn('100003', '/broker/customers');
    expect(page.html).toContain('200006');
    expect(page.html).not.toContain('200001');
    expect((await browser.go(`${idp.url}/broker/customers/acc_customer`)).status).toBe(404);
    expect((await browser.go(`${idp.url}/broker/staff`)).status).toBe(403);
  });

  it('a customer has no broker area: the login refuses fi-broker for the role (OIDC-5) and /broker stays closed', async () => {
    const browser = new Browser();
    let page = await browser.go(`${idp.url}/broker`);
    page = await browser.submit(page, '/login', { loginId: '200001', password: 'Demo-Passwort-2026' });
    if (page.url.endsWith('/approval')) {
      const [pending] = await devices['200001']!.client.pending(devices['200001']!.state);
      await devices['200001']!.client.decide(devices['200001']!.state, pending!.id, 'approve', { number: shownNumber(page.html) });
      page = await browser.go(page.url.replace(/\/approval$/, '/finish'));
    }
    expect(page.status).toBe(403);
    expect(page.html).toContain(translate('de', 'notice.roleRefused.heading', { client: 'financeIDENT Interner Bereich' }));
    const after = await browser.go(`${idp.url}/broker/customers`);
    expect(after.html).not.toContain('200002');
    expect(after.url).not.toMatch(/\/broker\/customers$/);
  });

  it('the confirmation link refuses an unknown token (410) and wrong codes count as tries', async () => {
    expect((await new Browser().go(`${idp.url}/mobile/confirm/${'a'.repeat(32)}`)).status).toBe(410);
    const broker = (await idp.container.accounts.findById('acc_broker'))!;
    await idp.container.broker.mobileChange.requestMobileChange(broker, 'acc_shared2', '+49 151 66666604', '192.0.2.5');
    const sms = idp.container.smsSink!.lastTo('+4915166666604')!.text;
    const code = /: (\d{6}) /.exec(sms)![1]!;
    const link = /(http:\/\/\S+\/mobile\/confirm\/\S+)/.exec(sms)![1]!;
    const browser = new Browser();
    const page = await browser.go(link);
    expect(page.status).toBe(200);
    const wrong = await browser.submit(page, '/mobile/confirm', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain(translate('de', 'sms.wrong', { left: 4 }));
    expect((await idp.container.accounts.findById('acc_shared2'))!.mobile).toBe('+4915122222204');
    const ok = await browser.submit(wrong, '/mobile/confirm', { code });
    expect(ok.html).toContain(translate('de', 'mobileConfirm.done'));
    expect((await idp.container.accounts.findById('acc_shared2'))!.mobile).toBe('+4915166666604');
    expect((await browser.go(link)).status).toBe(410);
    const events = await idp.container.audit.list({ accountId: 'acc_shared2' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['mobile.changeRequested', 'mobile.changed']));
  });

  it('edits the broker\'s own template copy (an unknown placeholder is refused on the page), resets it; /dev/mail shows mailings', async () => {
    const { browser, page } = await signIn('100001', '/broker/mailings/templates/rollout-with-mobile');
    const bad = await browser.submit(page, '/mailings/templates/rollout-with-mobile', { subject: 'Neu', text: 'Hallo {{vorname}}' });
    expect(bad.url).toMatch(/\?error=mailing\.unknownPlaceholder$/);
    expect(bad.html).toContain(translate('de', 'mailing.unknownPlaceholder', { name: '' }));
    const saved = await browser.submit(bad, '/mailings/templates/rollout-with-mobile', { subject: 'Neu: 2FA für {{name}}', text: '{{salutation}},\nIhr Makler {{brokerName}}' });
    expect(saved.html).toContain(translate('de', 'brokerPage.done.template'));
    const ctx = await import('../../src/services/broker/broker-access.js').then(async (m) => m.brokerContext((await idp.container.accounts.findById('acc_broker'))!, idp.container.broker.stores.rights));
    expect(await idp.container.broker.mailings.template(ctx, 'rollout-with-mobile')).toMatchObject({ subject: 'Neu: 2FA für {{name}}', edited: true });
    // Another broker's copy is untouched: the sub-broker still has the built-in text.
    const sub = await import('../../src/services/broker/broker-access.js').then(async (m) => m.brokerContext((await idp.container.accounts.findById('acc_subbroker'))!, idp.container.broker.stores.rights));
    expect(await idp.container.broker.mailings.template(sub, 'rollout-with-mobile')).toMatchObject({ edited: false });

    const preview = await browser.go(`${idp.url}/broker/mailings/new?template=rollout-with-mobile&mobile=yes`);
    expect(preview.html).toContain('Neu: 2FA für Erika Mustermann');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(preview.html)![1]!;
    const sent = await browser.go(`${idp.url}/broker/mailings`, { method: 'POST', form: { _csrf: csrf, template: 'rollout-with-mobile', mobile: 'yes' } });
    expect(sent.url).toMatch(/\/broker\/mailings\/ml_/);
    await new Promise((r) => setTimeout(r, 1500));
    const json = (await (await fetch(`${idp.url}/dev/mail?format=json`)).json()) as { to: string; subject: string }[];
    expect(json.some((m) => m.to === 'erika@example.de' && m.subject === 'Neu: 2FA für Erika Mustermann')).toBe(true);
    const html = await fetch(`${idp.url}/dev/mail`, { headers: { accept: 'text/html' } });
    expect(await html.text()).toContain('Neu: 2FA für Erika Mustermann');

    const template = await browser.go(`${idp.url}/broker/mailings/templates/rollout-with-mobile`);
    const reset = await browser.submit(template, '/reset', {});
    expect(reset.html).toContain(translate('de', 'brokerPage.done.templateReset'));
    expect(await idp.container.broker.mailings.template(ctx, 'rollout-with-mobile')).toMatchObject({ subject: 'Wichtig! Die 2-Faktor-Authentifizierung kommt!', edited: false });
  });
});
