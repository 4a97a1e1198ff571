// The account page (RD-3, RD-4, ENR-4): sign in through the IdP as fi-account with a fresh second factor,
// then the interval, remembered browsers and devices, in German and English.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, findForm, type Page } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { login } from '../helpers/remembered.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';

let idp: TestIdp;
let rp: RelyingParty;
let device: Device;
beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'financecloud');
  device = await enrolDevice(idp, '200001');
});
afterAll(async () => idp.close());

const de = (key: MessageKey, params?: Record<string, string | number>) => translate('de', key, params);
const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);

/** /account → IdP login (password + approval, never skipped) → back on the account page. */
async function signInToAccount(browser: Browser, dev: Device = device, loginId = '200001'): Promise<Page> {
  const first = await browser.go(`${idp.url}/account`);
  expect(first.url).toMatch(/\/interaction\/[^/]+$/);
  const waiting = await browser.submit(first, '/login', { loginId, password: 'Demo-Passwort-2026' });
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  const [pending] = await dev.client.pending(dev.state);
  expect(pending!.clientId).toBe('fi-account');
  await dev.client.decide(dev.state, pending!.id, 'approve', { number: shownNumber(waiting.html) });
  const page = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
  expect(page.status).toBe(200);
  expect(page.url).toBe(`${idp.url}/account`);
  return page;
}

describe('account page', () => {
  it('is only reachable after password and a fresh approval, even in a remembered browser; the session cookie is httpOnly and Lax', async () => {
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false); // remembered

    const response = await new Browser().request(`${idp.url}/account`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/account/login');

    const page = await signInToAccount(browser);
    expect(page.html).toContain(de('account.heading'));
    expect(page.html).toContain('Erika Mustermann');
    const session = (await browser.jar.getCookies(`${idp.url}/account`)).find((c) => c.key === 'fi_account')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('lax');
    expect(session.path).toBe('/account');
    expect(page.html).not.toMatch(/<script(?![^>]*src=)/);
    expect(page.html).not.toMatch(/\sstyle=/);
  });

  it('lists remembered browsers and devices; ending a browser makes the next login approve again', async () => {
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);
    const page = await signInToAccount(browser);
    expect(page.html).toContain('id="browsers"');
    expect(page.html).toContain('id="devices"');
    expect(page.html).toContain('Testphone');
    expect(page.html).toContain('17.2');
    const accountId = (await idp.container.accounts.findByAccessNumber('200001'))!.id;
    const remembered = await idp.container.rememberedBrowsers.list(accountId, 7);
    expect(remembered.length).toBeGreaterThanOrEqual(2);
    const mine = remembered[0]!; // the latest use: this browser

    // A forged form without the CSRF token does nothing.
    const forged = await browser.request(`${idp.url}/account/browsers/end`, { form: { browserId: mine.id } });
    expect(forged.status).toBe(403);

    const form = findForm(page.html.slice(page.html.indexOf(mine.id) - 400), '/account/browsers/end');
    const done = await browser.go(new URL(form.action, page.url).toString(), { method: 'POST', form: { ...form.fields, browserId: mine.id } });
    expect(done.html).toContain(de('account.done.browser'));
    expect((await idp.container.rememberedBrowsers.list(accountId, 7)).map((b) => b.id)).not.toContain(mine.id);
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);

    const again = await browser.go(`${idp.url}/account`);
    const all = await browser.submit(again, '/account/browsers/end-all', {});
    expect(all.html).toContain(de('account.done.browsers'));
    expect(all.html).toContain(de('account.browsers.none'));
  });

  it('changes the own interval (German and English)', async () => {
    const browser = new Browser();
    let page = await signInToAccount(browser);
    expect(page.html).toContain(`<option value="7" selected>${de('account.interval.days', { days: 7 })}</option>`);
    expect(page.html).toContain(`<option value="0">${de('account.interval.always')}</option>`);
    page = await browser.submit(page, '/account/interval', { days: '0' });
    expect(page.html).toContain(de('account.done.interval'));
    expect((await idp.container.accounts.findByAccessNumber('200001'))!.twoFactorIntervalDays).toBe(0);

    page = await browser.go(`${idp.url}/account?lang=en`);
    expect(page.html).toContain(en('account.heading'));
    expect(page.html).toContain(`<option value="0" selected>${en('account.interval.always')}</option>`);
    page = await browser.submit(page, '/account/interval', { days: '14' });
    expect(page.html).toContain(en('account.done.interval'));
    expect(page.html).toContain(`<option value="14" selected>${en('account.interval.days', { days: 14 })}</option>`);
    expect((await idp.container.accounts.findByAccessNumber('200001'))!.twoFactorIntervalDays).toBe(14);

    const bad = await browser.submit(page, '/account/interval', { days: '91' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(en('interval.invalid'));
    const audit = await idp.container.audit.list({ type: 'interval.changed', limit: 5 });
    expect(audit[0]).toMatchObject({ details: { from: 0, to: 14, scope: 'own' } });
    await idp.container.intervals.setOwnInterval('acc_customer', 7);
  });

  it('removes a device: the device is refused at once and remembered browsers end', async () => {
    const second = await enrolDevice(idp, '200001', undefined, { name: 'Zweithandy', platform: 'android', osVersion: '14' });
    const browser = new Browser();
    // Two devices: the approval goes to both; the first answers.
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);
    const page = await signInToAccount(browser);
    expect(page.html).toContain('Zweithandy');
    // "Remove" asks first, naming the device; only "Yes" removes it.
    expect(page.html).toContain(`/account?remove=${second.state.deviceId}`);
    const question = await browser.go(`${idp.url}/account?remove=${second.state.deviceId}`);
    expect(question.html).toContain(de('account.devices.confirm', { name: 'Zweithandy' }));
    const form = findForm(question.html, '/account/devices/remove');
    expect(form.fields).toMatchObject({ deviceId: second.state.deviceId, confirm: 'yes' });
    // A post without the confirmation removes nothing and shows the question.
    const unconfirmed = await browser.go(new URL(form.action, page.url).toString(), { method: 'POST', form: { ...form.fields, confirm: '' } });
    expect(unconfirmed.html).toContain(de('account.devices.confirm', { name: 'Zweithandy' }));
    expect((await idp.container.devices.listByAccount('acc_customer')).map((d) => d.id)).toContain(second.state.deviceId);
    const done = await browser.go(new URL(form.action, page.url).toString(), { method: 'POST', form: form.fields });
    expect(done.html).toContain(de('account.done.device'));
    expect(done.html).not.toContain('Zweithandy');
    await expect(second.client.pending(second.state)).rejects.toMatchObject({ status: 401, code: 'device.unknown' });
    // RD-4: a removed device ends every remembered browser of the account.
    expect(await idp.container.rememberedBrowsers.list('acc_customer', 7)).toEqual([]);
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);
  });

  it('signs out: the account page asks for a new sign-in', async () => {
    const browser = new Browser();
    const page = await signInToAccount(browser);
    const out = await browser.submit(page, '/account/logout', {});
    expect(out.status).toBe(200);
    const response = await browser.request(`${idp.url}/account`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/account/login');
  });
});

