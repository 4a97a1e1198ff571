// A whole login as a person does it, with the financeIDENT web app as the second factor: browser A opens the relying
// party's authorization URL → hosted login → waiting page with the number; browser B (the web app, virtual platform
// authenticator) types that number and approves with a WebAuthn assertion; A continues by itself to the relying party,
// whose ID token says pwd + mfa + hwk + user and acr mfa. An assertion for another request or answer is refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolInWebApp, heading, mainText, PASSWORD, WAIT } from './webapp-helpers.js';

const MFA = 'urn:financeident:acr:mfa';
let idp: TestIdp;
let rp: RelyingParty;
let loginBrowser: BrowserSession; // A: where the person signs in
let appBrowser: BrowserSession; // B: the phone with the web app
let login: Page;
let app: Page;

beforeAll(async () => {
  idp = await startTestIdp();
  rp = await RelyingParty.discover(idp, 'smartmsc'); // the broker's portal (OIDC-5)
  [loginBrowser, appBrowser] = await Promise.all([
    launchChromium({ locale: 'de-DE', viewport: { width: 1024, height: 800 } }),
    launchChromium({ locale: 'de-DE', viewport: { width: 390, height: 844 } }),
  ]);
  login = loginBrowser.page;
  app = appBrowser.page;
  // The relying party's redirect URI is not served here: answer it with a tiny page.
  await login.route(`${rp.redirectUri}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>RP</title><p>RP</p>' }));
  await addVirtualAuthenticator(app);
  await enrolInWebApp(app, idp, '100001');
}, 90_000);

afterAll(async () => {
  await Promise.all([loginBrowser?.close(), appBrowser?.close()]);
  await idp?.close();
});

/** The web app's "Freigabe" screen, refreshed until the approval's card shows. */
async function openApprovalInApp(approvalId: string): Promise<void> {
  await app.goto(`${idp.url}/ident/?approval=${approvalId}`);
  await heading(app, 'Freigabe').waitFor(WAIT);
  await app.locator(`#approval-${approvalId}`).waitFor(WAIT);
}

describe('financeIDENT web app: approving a login', () => {
  it('a whole login: password in browser A, the number typed and confirmed in the web app (B), A continues to the relying party', async () => {
    const started = await rp.start();
    await login.goto(started.url);
    await login.locator('h1', { hasText: 'Anmelden' }).waitFor(WAIT);
    await login.getByLabel('Zugangsnummer oder E-Mail-Adresse').fill('100001');
    await login.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
    await login.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await login.waitForURL(/\/interaction\/[^/]+\/approval$/, WAIT);
    const number = (await login.locator('#approval-number').innerText()).trim();
    expect(number).toMatch(/^\d{6}$/);

    const broker = (await idp.container.accounts.findByAccessNumber('100001'))!;
    const [approval] = await idp.container.approvals.listPending(broker.id);
    expect(approval).toBeDefined();

    // B: the web app lists the request (client, time, IP, browser) and asks for the number.
    await app.goto(`${idp.url}/ident/#approvals`);
    await heading(app, 'Freigabe').waitFor(WAIT);
    const card = app.locator(`#approval-${approval!.id}`);
    await card.waitFor(WAIT);
    const cardText = (await card.innerText()).replace(/\s+/g, ' ');
    expect(cardText).toContain('Anmeldung bei smartMSC');
    expect(cardText).toContain('Maklerbüro Sommer (100001)');
    expect(cardText).toContain(approval!.ip);
    await screenshot(app, 'webapp-approval-de');

    // Approving without the number is not possible.
    await card.getByRole('button', { name: 'Anmeldung bestätigen' }).click();
    expect(await card.locator('[role=alert]').innerText()).toContain('Bitte geben Sie die angezeigte Zahl ein.');

    await card.getByLabel('Zahl aus dem Anmeldefenster').fill(number);
    await screenshot(app, 'webapp-approval-number-de');
    await card.getByRole('button', { name: 'Anmeldung bestätigen' }).click();
    await app.locator('#approvals-notice [role=status]', { hasText: 'Die Anmeldung bei smartMSC ist bestätigt.' }).waitFor(WAIT);
    await screenshot(app, 'webapp-approval-approved-de');

    // A: the waiting page continues by itself to the relying party.
    await login.waitForURL((url) => url.toString().startsWith(rp.redirectUri), { ...WAIT, waitUntil: 'commit' });
    const tokens = await rp.finish(login.url(), started);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims.sub).toBe(broker.id);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'mfa', 'hwk', 'user']));

    const outcome = await idp.container.approvals.outcome(approval!.id);
    expect(outcome).toMatchObject({ status: 'approved', method: 'webauthn' });
  });

  it('refuses an assertion for another decision or another request (the challenge is the hash of the record and the answer)', async () => {
    const broker = (await idp.container.accounts.findByAccessNumber('100001'))!;
    // Two different login attempts (own interaction uids: two made within one millisecond must not be one request).
    const make = (n: number) => idp.container.approvals.create({ accountId: broker.id, interactionUid: `webapp-${Date.now()}-${n}`, clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.7', browser: 'Firefox auf Linux' });
    const first = await make(1);
    const second = await make(2);
    expect(second.id).not.toBe(first.id);
    await openApprovalInApp(first.id);

    // In the app's page (its device key and credential): an assertion made for "deny" of `first`…
    const results = await app.evaluate(
      async ({ api, firstId, secondId, number }) => {
        const b64url = (bytes: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        const fromB64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
        const account = await new Promise<{ deviceId: string; privateKey: CryptoKey }>((resolve, reject) => {
          const open = indexedDB.open('financeident', 1);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('accounts').objectStore('accounts').getAll();
            get.onsuccess = () => resolve(get.result[0]);
          };
        });
        const token = async () => {
          const enc = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)));
          const input = `${enc({ alg: 'ES256', typ: 'fi-device+jwt', kid: account.deviceId })}.${enc({ aud: api, iat: Math.floor(Date.now() / 1000), jti: b64url(crypto.getRandomValues(new Uint8Array(18))) })}`;
          const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, account.privateKey, new TextEncoder().encode(input));
          return `${input}.${b64url(sig)}`;
        };
        const options = await (await fetch(`${api}/approvals/${firstId}/webauthn-options?decision=deny`, { headers: { authorization: `Device ${await token()}` } })).json();
        const credential = (await navigator.credentials.get({
          publicKey: { ...options, challenge: fromB64url(options.challenge), allowCredentials: options.allowCredentials.map((c: { id: string }) => ({ ...c, id: fromB64url(c.id) })) },
        })) as PublicKeyCredential;
        const r = credential.response as AuthenticatorAssertionResponse;
        const assertion = {
          id: credential.id,
          rawId: b64url(credential.rawId),
          type: 'public-key',
          response: { clientDataJSON: b64url(r.clientDataJSON), authenticatorData: b64url(r.authenticatorData), signature: b64url(r.signature) },
          clientExtensionResults: {},
        };
        const post = async (id: string, body: Record<string, unknown>) => {
          const res = await fetch(`${api}/approvals/${id}/webauthn-decision`, {
            method: 'POST',
            headers: { authorization: `Device ${await token()}`, 'content-type': 'application/json', 'accept-language': 'de' },
            body: JSON.stringify({ ...body, assertion }),
          });
          return { status: res.status, body: await res.json() };
        };
        return {
          // …used to approve instead,
          approve: await post(firstId, { decision: 'approve', number }),
          // …or for another request,
          otherRequest: await post(secondId, { decision: 'deny' }),
        };
      },
      { api: `${idp.url}/ident/api`, firstId: first.id, secondId: second.id, number: first.number },
    );
    expect(results.approve).toEqual({ status: 401, body: expect.objectContaining({ error: 'webauthn.invalid', message: expect.stringContaining('passt nicht zu dieser Anfrage') }) });
    expect(results.otherRequest).toMatchObject({ status: 401, body: { error: 'webauthn.invalid' } });
    expect((await idp.container.approvals.get(first.id))!.status).toBe('pending');
    expect((await idp.container.approvals.get(second.id))!.status).toBe('pending');

    // The person denies the first in the app ("Ablehnen") and marks the second "Das war ich nicht".
    const firstCard = app.locator(`#approval-${first.id}`);
    await firstCard.getByRole('button', { name: 'Ablehnen' }).click();
    await app.locator('#approvals-notice [role=status]', { hasText: 'wurde abgelehnt' }).waitFor(WAIT);
    const secondCard = app.locator(`#approval-${second.id}`);
    await secondCard.waitFor(WAIT);
    await secondCard.getByRole('button', { name: 'Das war ich nicht' }).click();
    await app.locator('#approvals-notice [role=status]', { hasText: 'beendet und gemeldet' }).waitFor(WAIT);
    expect(await idp.container.approvals.outcome(first.id)).toMatchObject({ status: 'denied', method: 'webauthn', notMe: false });
    expect(await idp.container.approvals.outcome(second.id)).toMatchObject({ status: 'denied', method: 'webauthn', notMe: true });
    expect(await mainText(app)).toContain('Keine offenen Anfragen');
    await screenshot(app, 'webapp-approval-notme-de');
  });

  it('a wrong number ends the request with a clear message', async () => {
    const broker = (await idp.container.accounts.findByAccessNumber('100001'))!;
    const approval = await idp.container.approvals.create({ accountId: broker.id, interactionUid: 'webapp-wrong', clientId: 'financecloud', clientName: 'FinanceCloud', ip: '192.0.2.8', browser: 'Chrome auf Windows' });
    await openApprovalInApp(approval.id);
    const card = app.locator(`#approval-${approval.id}`);
    await card.getByLabel('Zahl aus dem Anmeldefenster').fill(approval.number === '000000' ? '111111' : '000000');
    await card.getByRole('button', { name: 'Anmeldung bestätigen' }).click();
    await app.locator('#approvals-notice [role=alert]', { hasText: 'Falsche Zahl. Die Anfrage wurde aus Sicherheitsgründen beendet.' }).waitFor(WAIT);
    await screenshot(app, 'webapp-approval-wrong-number-de');
    expect(await idp.container.approvals.outcome(approval.id)).toMatchObject({ status: 'denied', reason: 'wrong_number', method: 'webauthn' });
  });

  it('in pick mode the person picks the number from three', async () => {
    const pickIdp = await startTestIdp({ env: { NUMBER_MATCHING: 'pick' } });
    try {
      await enrolInWebApp(app, pickIdp, '100003');
      const account = (await pickIdp.container.accounts.findByAccessNumber('100003'))!;
      const approval = await pickIdp.container.approvals.create({ accountId: account.id, interactionUid: 'webapp-pick', clientId: 'smartmsc', clientName: 'smartMSC', ip: '192.0.2.9', browser: 'Safari auf macOS' });
      expect(approval.choices).toHaveLength(3);
      await app.goto(`${pickIdp.url}/ident/?approval=${approval.id}`);
      const card = app.locator(`#approval-${approval.id}`);
      await card.waitFor(WAIT);
      expect(await card.locator('button.choice').allInnerTexts()).toEqual(approval.choices);
      await screenshot(app, 'webapp-approval-pick-de');
      await card.getByRole('button', { name: `Zahl ${approval.number} wählen und bestätigen` }).click();
      await app.locator('#approvals-notice [role=status]', { hasText: 'Die Anmeldung bei smartMSC ist bestätigt.' }).waitFor(WAIT);
      expect(await pickIdp.container.approvals.outcome(approval.id)).toMatchObject({ status: 'approved', method: 'webauthn' });
    } finally {
      await pickIdp.close();
    }
  }, 60_000);
});
