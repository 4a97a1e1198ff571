// Step-up (APR-8): acr_values for two factors, max_age and prompt=login always need a fresh approval.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';

const MFA = 'urn:financeident:acr:mfa';
let idp: TestIdp;
let device: Device;
let rp: RelyingParty;

beforeAll(async () => {
  idp = await startTestIdp();
  device = await enrolDevice(idp, '200001'); // interval 7 days: single sign-on may carry the second factor (OIDC-6)
  rp = await RelyingParty.discover(idp, 'financecloud');
});
afterAll(async () => idp.close());

async function signedIn(): Promise<Browser> {
  const browser = new Browser();
  const started = await rp.start();
  const callback = await loginWithApproval(browser, rp, started, device, '200001');
  expect(callback.status).toBe(0);
  return browser;
}

describe('an existing session', () => {
  it('is reused silently without step-up parameters', async () => {
    const browser = await signedIn();
    const again = await rp.start();
    const page = await browser.go(again.url, {}, rp.redirectUri);
    expect(page.status).toBe(0);
    const claims = await rp.verifyIdToken((await rp.finish(page.url, again)).id_token!);
    expect(claims.acr).toBe(MFA);
  });

  it.each([
    ['acr_values', { acr_values: MFA }],
    ['max_age=0', { max_age: '0' }],
    ['prompt=login', { prompt: 'login' }],
  ])('does not satisfy %s: the password and a new approval are asked', async (_name, params) => {
    const browser = await signedIn();
    const started = await rp.start(params);
    const page = await browser.go(started.url, {}, rp.redirectUri);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="password"');
    const callback = await loginWithApproval(browser, rp, started, device, '200001');
    const claims = await rp.verifyIdToken((await rp.finish(callback.url, started)).id_token!);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
  });

  it('answers prompt=none with acr_values for two factors with the standard login_required error', async () => {
    const browser = await signedIn();
    const started = await rp.start({ prompt: 'none', acr_values: MFA });
    const page = await browser.go(started.url, {}, rp.redirectUri);
    expect(page.status).toBe(0);
    const url = new URL(page.url);
    expect(url.searchParams.get('error')).toBe('login_required');
    expect(url.searchParams.get('code')).toBeNull();
  });
});
