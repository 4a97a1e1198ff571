// The financeIDENT web app in Chromium: enrolment end to end (password → SMS code → WebAuthn credential on a virtual
// platform authenticator), the accounts list, and removing an account (its device is gone on the server too).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import { lastCode } from '../helpers/device.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolInWebApp, heading, mainText, PASSWORD, WAIT } from './webapp-helpers.js';

let idp: TestIdp;
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  idp = await startTestIdp();
  browser = await launchChromium({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
  page = browser.page;
  await addVirtualAuthenticator(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

describe('financeIDENT web app: enrolment', () => {
  it('serves the app, its service worker (scope /ident/) and manifest under the strict CSP', async () => {
    const res = await fetch(`${idp.url}/ident`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/ident/');
    const app = await fetch(`${idp.url}/ident/`, { headers: { 'accept-language': 'en' } });
    expect(app.status).toBe(200);
    expect(app.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await app.text();
    expect(html).toContain('<html lang="en">');
    expect(html).not.toMatch(/<script(?![^>]*(src=|type="application\/json"))[^>]*>/);
    expect(html).not.toMatch(/ style=/);
    const sw = await fetch(`${idp.url}/ident/sw.js`);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    const manifest = (await (await fetch(`${idp.url}/ident/manifest.webmanifest`)).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'financeIDENT', start_url: '/ident/', display: 'standalone' });
  });

  it('enrols 200001 with the SMS code and a WebAuthn credential; the device is stored with it', async () => {
    const account = (await idp.container.accounts.findByAccessNumber('200001'))!;
    await page.goto(`${idp.url}/ident/?enrol=200001`);
    await heading(page, 'Zugang hinzufügen').waitFor(WAIT);

    // A wrong password is refused with the server's German message.
    await page.fill('#password', 'falsch');
    await page.click('#enrol-submit');
    await page.locator('#enrol-error [role=alert]').waitFor(WAIT);
    expect(await page.locator('#enrol-error').innerText()).toContain('Zugangsnummer/E-Mail oder Passwort ist falsch.');
    await screenshot(page, 'webapp-enrol-error-de');

    await page.fill('#password', PASSWORD);
    await page.click('#enrol-submit');
    await heading(page, 'Freischaltcode eingeben').waitFor(WAIT);
    expect(await mainText(page)).toMatch(/per SMS an \+49/);
    const code = lastCode(idp, account.mobile!);

    // A wrong code: clear message, tries left; the right one then enrols.
    await page.fill('#code', code === '000000' ? '111111' : '000000');
    await page.click('#enrol-register');
    await page.locator('#enrol-error [role=alert]').waitFor(WAIT);
    expect(await page.locator('#enrol-error').innerText()).toMatch(/Der Freischaltcode ist falsch\. Noch \d+ Versuche\./);
    await page.fill('#code', code);
    await screenshot(page, 'webapp-enrol-code-de');
    await page.click('#enrol-register');
    await heading(page, 'Eingerichtet').waitFor(WAIT);
    expect(await mainText(page)).toContain('Der Zugang 200001 (Erika Mustermann) ist auf diesem Gerät eingerichtet.');
    // No notification permission here: the app goes on without push and says so.
    expect(await page.locator('#enrol-push').innerText()).toContain('Mitteilungen sind nicht aktiv');
    await screenshot(page, 'webapp-enrol-done-de');

    const devices = await idp.container.devices.listByAccount(account.id);
    expect(devices).toHaveLength(1);
    const device = devices[0]!;
    expect(device).toMatchObject({ platform: 'web', pushSubscription: null });
    expect(device.webauthn).not.toBeNull();
    expect(device.webauthn!.credentialId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(device.webauthn!.publicKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(device.publicKeyJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(device.publicKeyJwk).not.toHaveProperty('d');

    // The private device key is non-extractable in IndexedDB.
    const stored = await page.evaluate(
      () =>
        new Promise<{ extractable: boolean; type: string; accessNumber: string }[]>((resolve, reject) => {
          const open = indexedDB.open('financeident', 1);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('accounts').objectStore('accounts').getAll();
            get.onsuccess = () => resolve((get.result as { privateKey: CryptoKey; accessNumber: string }[]).map((a) => ({ extractable: a.privateKey.extractable, type: a.privateKey.type, accessNumber: a.accessNumber })));
          };
        }),
    );
    expect(stored).toEqual([{ extractable: false, type: 'private', accessNumber: '200001' }]);

    await page.click('#enrol-done');
    await heading(page, 'Freigabe').waitFor(WAIT);
    await page.locator('#approval-list .empty').waitFor(WAIT);
    expect(await mainText(page)).toContain('Keine offenen Anfragen');
    await screenshot(page, 'webapp-approvals-empty-de');
  });

  it('keeps several accounts in one app and removes one (its device is removed on the server)', async () => {
    await enrolInWebApp(page, idp, '100001', { shots: 'webapp-enrol-second' });
    await page.click('#tab-accounts');
    await heading(page, 'Zugänge').waitFor(WAIT);
    expect(await page.locator('.account h2').allInnerTexts()).toEqual(['Erika Mustermann', 'Maklerbüro Sommer']);
    await screenshot(page, 'webapp-accounts-de');

    const broker = (await idp.container.accounts.findByAccessNumber('100001'))!;
    expect(await idp.container.devices.listByAccount(broker.id)).toHaveLength(1);
    await page.getByRole('button', { name: 'Zugang 100001 von diesem Gerät entfernen' }).click();
    await page.getByRole('button', { name: 'Ja, entfernen' }).waitFor(WAIT);
    await screenshot(page, 'webapp-accounts-remove-confirm-de');
    await page.getByRole('button', { name: 'Ja, entfernen' }).click();
    await page.locator('main [role=status]', { hasText: 'Der Zugang 100001 wurde von diesem Gerät entfernt.' }).waitFor(WAIT);
    expect(await page.locator('.account h2').allInnerTexts()).toEqual(['Erika Mustermann']);
    expect(await idp.container.devices.listByAccount(broker.id)).toHaveLength(0);
    await screenshot(page, 'webapp-accounts-removed-de');
  });

  it('speaks English', async () => {
    await page.goto(`${idp.url}/ident/?lang=en#accounts`);
    await heading(page, 'Accounts').waitFor(WAIT);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#tab-approvals').innerText()).toBe('Approval');
    await screenshot(page, 'webapp-accounts-en');
    await page.click('#tab-enrol');
    await heading(page, 'Add account').waitFor(WAIT);
    await page.fill('#loginId', '200001');
    await page.fill('#password', 'wrong');
    await page.click('#enrol-submit');
    await page.locator('#enrol-error [role=alert]').waitFor(WAIT);
    expect(await page.locator('#enrol-error').innerText()).toContain('Access number/email or password is wrong.');
    await screenshot(page, 'webapp-enrol-error-en');
    await page.goto(`${idp.url}/ident/?lang=de`);
  });
});
