// The three relying parties log in (password + financeIDENT approval) with openid-client, on a real Redis.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';

let idp: TestIdp;
const devices: Record<string, Device> = {};
beforeAll(async () => {
  idp = await startTestIdp();
  devices['200001'] = await enrolDevice(idp, '200001');
  devices['100001'] = await enrolDevice(idp, '100001');
});
afterAll(async () => idp.close());

/** smartMSC admits brokers and their staff, FinanceCloud and FinanceApp customers (OIDC-5): the default login follows. */
async function loginAs(clientId: string, loginId = clientId === 'smartmsc' ? '100001' : '200001', password = 'Demo-Passwort-2026') {
  const rp = await RelyingParty.discover(idp, clientId);
  const browser = new Browser();
  const started = await rp.start();
  const callback = await loginWithApproval(browser, rp, started, devices[loginId]!, loginId, password);
  expect(callback.status).toBe(0);
  const tokens = await rp.finish(callback.url, started);
  return { rp, browser, tokens, started };
}

const CUSTOMER = { sub: 'acc_customer', name: 'Erika Mustermann', email: 'erika@example.de', phone_number: '+4915122222201', role: 'customer', access_number: '200001', broker_id: 'acc_broker' };
const BROKER = { sub: 'acc_broker', name: 'Maklerbüro Sommer', email: 'makler@example.de', phone_number: '+4915111111101', role: 'broker', access_number: '100001' };

describe.each([
  ['financecloud', CUSTOMER],
  ['financeapp', CUSTOMER],
  ['smartmsc', BROKER],
])('%s logs in with code + PKCE', (clientId, expected) => {
  it('gets a signed ID token with the account claims and userinfo', async () => {
    const { rp, tokens } = await loginAs(clientId);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims.sub).toBe(expected.sub);
    expect(claims.amr).toEqual(['pwd', 'mfa', 'hwk']);
    expect(claims.acr).toBe('urn:financeident:acr:mfa');
    const userinfo = await client.fetchUserInfo(rp.config, tokens.access_token, expected.sub);
    expect(userinfo).toMatchObject(expected);
  });
});

describe('financeapp refresh tokens', () => {
  it('rotates: the new refresh token works, the old one is refused', async () => {
    const { rp, tokens } = await loginAs('financeapp');
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).toBeDefined();
    await expect(client.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await client.refreshTokenGrant(rp.config, refreshed.refresh_token!).catch((e: unknown) => e);
    // reuse of a rotated token revokes the whole grant (RFC 6819 5.2.2.3)
    expect(again).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('revocation and introspection', () => {
  it('smartmsc introspects its access token; after revocation it is inactive', async () => {
    const { rp, tokens } = await loginAs('smartmsc');
    const active = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: 'acc_broker', client_id: 'smartmsc' });
    await client.tokenRevocation(rp.config, tokens.access_token);
    const after = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(after.active).toBe(false);
  });

  it('financecloud revokes a token and userinfo refuses it', async () => {
    const { rp, tokens } = await loginAs('financecloud');
    await client.tokenRevocation(rp.config, tokens.access_token);
    await expect(client.fetchUserInfo(rp.config, tokens.access_token, 'acc_customer')).rejects.toBeDefined();
  });
});

describe('single sign-on and RP-initiated logout', () => {
  it('a second client reuses the session; logout ends it', async () => {
    const { rp, browser, tokens } = await loginAs('financecloud');
    const other = await RelyingParty.discover(idp, 'financeapp'); // 200001's interval (7 days) lets single sign-on carry the second factor
    const second = await other.start();
    const silent = await browser.go(second.url, {}, other.redirectUri);
    expect(silent.status).toBe(0);
    expect(new URL(silent.url).searchParams.get('code')).toBeTruthy();

    const endUrl = client.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rp.postLogoutRedirectUri! });
    const confirm = await browser.go(endUrl.toString());
    expect(confirm.html).toContain('Abmelden');
    const done = await browser.submit(confirm, '/session/end', { logout: 'yes' }, rp.postLogoutRedirectUri);
    expect(done.status).toBe(0);

    const third = await other.start();
    const loginAgain = await browser.go(third.url, {}, other.redirectUri);
    expect(loginAgain.status).toBe(200);
    expect(loginAgain.html).toContain('name="password"');
  });
});
