// OIDC-7, Back-Channel Logout 1.0: after a logout, a new password, "this wasn't me" or a removed device, every relying
// party that held a session of the account gets a signed logout token, validated here by a real receiver against the JWKS.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, type Page } from '../helpers/browser.js';
import { passwordLogin, RelyingParty, type StartedLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { HOUR, ManualClock } from '../../src/shared/clock.js';
import { BACKCHANNEL_LOGOUT_EVENT, startBackchannelReceiver, type BackchannelReceiver } from '../helpers/backchannel-receiver.js';

const PASSWORD = 'Demo-Passwort-2026';

/** The demo clients, each with a back-channel logout endpoint at the receiver; financeapp does not ask for sid. */
function clientsFile(receiver: BackchannelReceiver): string {
  const clients = [
    {
      client_id: 'financecloud',
      client_secret: 'financecloud-test-secret-0000000000001',
      redirect_uris: ['{ISSUER}/demo/financecloud/callback'],
      post_logout_redirect_uris: ['{ISSUER}/demo/financecloud'],
      backchannel_logout_uri: receiver.endpoint('financecloud'),
      backchannel_logout_session_required: true,
    },
    {
      client_id: 'financeapp',
      application_type: 'native',
      redirect_uris: ['{ISSUER}/demo/financeapp/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      backchannel_logout_uri: receiver.endpoint('financeapp'),
      backchannel_logout_session_required: false,
    },
    {
      client_id: 'smartmsc',
      client_secret: 'smartmsc-test-secret-00000000000000001',
      redirect_uris: ['{ISSUER}/demo/smartmsc/callback'],
    },
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'fi-bcl-')), 'clients.json');
  writeFileSync(file, JSON.stringify(clients));
  return file;
}

async function setup(env: Record<string, string> = {}, clock?: ManualClock) {
  const started: { idp?: TestIdp } = {}; // the receiver learns the issuer once the IdP is up
  const receiver = await startBackchannelReceiver({ issuer: () => started.idp!.url, jwksUri: () => `${started.idp!.url}/jwks` });
  const idp = await startTestIdp({ ...(clock ? { clock } : {}), env: { OIDC_CLIENTS_FILE: clientsFile(receiver), BACKCHANNEL_LOGOUT_RETRY_DELAY_MS: '20', ...env } });
  started.idp = idp;
  return { idp, receiver };
}

async function audit(idp: TestIdp, type: string) {
  await idp.container.backchannelLogout.idle();
  return idp.container.audit.list({ type });
}

describe('back-channel logout', () => {
  let idp: TestIdp;
  let receiver: BackchannelReceiver;
  let cloud: RelyingParty;
  let app: RelyingParty;
  let device: Device;

  beforeAll(async () => {
    ({ idp, receiver } = await setup());
    cloud = await RelyingParty.discover(idp, 'financecloud');
    app = await RelyingParty.discover(idp, 'financeapp');
    device = await enrolDevice(idp, '200001');
  });
  afterAll(async () => {
    await idp.close();
    await receiver.close();
  });

  /** 200001 signs in to `rp` with an approval in `browser` (or by single sign-on when the session suffices). */
  async function signIn(browser: Browser, rp: RelyingParty): Promise<{ started: StartedLogin; tokens: client.TokenEndpointResponse }> {
    const started = await rp.start();
    const first = await browser.go(started.url, {}, rp.redirectUri);
    const callback: Page = first.status === 0 ? first : await loginWithApproval(browser, rp, started, device, '200001');
    expect(callback.status).toBe(0);
    return { started, tokens: await rp.finish(callback.url, started) };
  }

  it('discovery says back-channel logout is supported, with sid', () => {
    expect(cloud.config.serverMetadata()).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('RP-initiated logout: both relying parties of the session get a valid logout token (sid only where required)', async () => {
    const before = receiver.received.length;
    const browser = new Browser();
    const inCloud = await signIn(browser, cloud);
    const inApp = await signIn(browser, app);
    const cloudSid = (await cloud.verifyIdToken(inCloud.tokens.id_token!)).sid;
    expect(cloudSid).toBeTruthy();

    const endUrl = client.buildEndSessionUrl(cloud.config, { id_token_hint: inCloud.tokens.id_token!, post_logout_redirect_uri: cloud.postLogoutRedirectUri! });
    const confirm = await browser.go(endUrl.toString());
    const done = await browser.submit(confirm, '/session/end', { logout: 'yes' }, cloud.postLogoutRedirectUri);
    expect(done.status).toBe(0);

    const [forCloud] = (await receiver.waitFor('financecloud', 1)).slice(-1);
    const [forApp] = (await receiver.waitFor('financeapp', 1)).slice(-1);
    expect(receiver.received.slice(before).every((r) => !r.error)).toBe(true);
    expect(forCloud!.typ).toBe('logout+jwt');
    expect(forCloud!.claims).toMatchObject({ iss: idp.url, aud: 'financecloud', sub: 'acc_customer', sid: cloudSid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
    expect(forCloud!.claims).not.toHaveProperty('nonce');
    expect(forApp!.claims).toMatchObject({ aud: 'financeapp', sub: 'acc_customer' });
    expect(forApp!.claims).not.toHaveProperty('sid');
    expect(forCloud!.claims!.jti).not.toBe(forApp!.claims!.jti);
    // offline_access outlives the logout (OIDC Core 11): financeapp learnt of the logout and its refresh token still works.
    expect((await client.refreshTokenGrant(app.config, inApp.tokens.refresh_token!)).access_token).toBeTruthy();

    const delivered = await audit(idp, 'backchannel_logout.delivered');
    expect(delivered.filter((e) => e.details.sid === cloudSid)).toEqual([
      expect.objectContaining({ accountId: 'acc_customer', details: { clientId: 'financecloud', sid: cloudSid, reason: 'logout', attempts: 1 } }),
    ]);
  });

  it('a delivery the provider\'s own logout could not make (503) is retried and audited with its attempts', async () => {
    const browser = new Browser();
    const { tokens } = await signIn(browser, cloud);
    const sid = (await cloud.verifyIdToken(tokens.id_token!)).sid;
    const count = receiver.received.filter((r) => r.clientId === 'financecloud').length;
    receiver.failNext('financecloud', 1, 503);
    const endUrl = client.buildEndSessionUrl(cloud.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: cloud.postLogoutRedirectUri! });
    const confirm = await browser.go(endUrl.toString());
    expect((await browser.submit(confirm, '/session/end', { logout: 'yes' }, cloud.postLogoutRedirectUri)).status).toBe(0);

    const mine = await receiver.waitFor('financecloud', count + 1);
    expect(mine.at(-1)!.claims).toMatchObject({ sid });
    const delivered = await audit(idp, 'backchannel_logout.delivered');
    expect(delivered.find((e) => e.details.sid === sid)?.details).toEqual({ clientId: 'financecloud', sid, reason: 'logout', attempts: 2 });
  });

  it('"this wasn\'t me" ends the account\'s sessions and tells the relying parties', async () => {
    const browser = new Browser();
    const { tokens } = await signIn(browser, cloud);
    const sid = (await cloud.verifyIdToken(tokens.id_token!)).sid;

    const count = receiver.received.filter((r) => r.clientId === 'financecloud').length;
    const stranger = new Browser();
    const waiting = await passwordLogin(stranger, cloud, await cloud.start(), '200001', PASSWORD);
    expect(waiting.url).toMatch(/\/approval$/);
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'deny', { notMe: true });

    const mine = await receiver.waitFor('financecloud', count + 1);
    expect(mine.at(-1)!.claims).toMatchObject({ sub: 'acc_customer', sid });
    const delivered = await audit(idp, 'backchannel_logout.delivered');
    expect(delivered.find((e) => e.details.sid === sid)?.details).toMatchObject({ clientId: 'financecloud', reason: 'not_me', attempts: 1 });
    // The session is gone: the next authorization in that browser asks for the password again.
    const again = await browser.go((await cloud.start()).url, {}, cloud.redirectUri);
    expect(again.html).toContain('name="password"');
  });

  it('a removed device ends the account\'s sessions and tells the relying parties', async () => {
    const browser = new Browser();
    const { tokens } = await signIn(browser, cloud);
    const sid = (await cloud.verifyIdToken(tokens.id_token!)).sid;
    const second = await enrolDevice(idp, '200001');
    const count = receiver.received.filter((r) => r.clientId === 'financecloud').length;
    await device.client.removeDevice(device.state, second.state.deviceId);

    const mine = await receiver.waitFor('financecloud', count + 1);
    expect(mine.at(-1)!.claims).toMatchObject({ sub: 'acc_customer', sid });
    const delivered = await audit(idp, 'backchannel_logout.delivered');
    expect(delivered.find((e) => e.details.sid === sid)?.details).toMatchObject({ clientId: 'financecloud', reason: 'device_removed' });
  });
});

describe('back-channel logout after a new password, with retries and a timeout', () => {
  let idp: TestIdp;
  let receiver: BackchannelReceiver;
  let cloud: RelyingParty;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    ({ idp, receiver } = await setup({ CLIENT_REQUEST_TIMEOUT_MS: '500', BACKCHANNEL_LOGOUT_ATTEMPTS: '3' }, clock));
    cloud = await RelyingParty.discover(idp, 'financecloud');
  });
  afterAll(async () => {
    await idp.close();
    await receiver.close();
  });

  const smsCode = (purpose: string) => {
    const sms = idp.container.smsSink!.list().filter((m) => m.to === '+4915122222205' && m.purpose === purpose)[0]; // list() is newest first
    return /(\d{6})/.exec(sms!.text)![1]!;
  };

  /** 200005 (SMS customer): password and login code; returns the ID token's sid. */
  async function smsSignIn(browser: Browser, password = PASSWORD): Promise<string> {
    clock.advance(HOUR); // no SMS cool-down or hourly cap left over
    const started = await cloud.start();
    const smsPage = await passwordLogin(browser, cloud, started, '200005', password);
    const callback = await browser.submit(smsPage, '/sms', { code: smsCode('login') }, cloud.redirectUri);
    expect(callback.status).toBe(0);
    const tokens = await cloud.finish(callback.url, started);
    return String((await cloud.verifyIdToken(tokens.id_token!)).sid);
  }

  async function newPassword(password: string) {
    clock.advance(HOUR);
    const browser = new Browser();
    const forgot = await browser.go(`${idp.url}/password/forgot`);
    const codePage = await browser.submit(forgot, '/password/forgot', { loginId: '200005' });
    await idp.container.passwordSetup.passwords.settled(); // the code is handed over in the background
    const done = await browser.submit(codePage, '/password/code', { code: smsCode('password'), password, repeat: password });
    expect(done.status).toBe(200);
  }

  it('a new password (PWD-2): the token arrives on the third attempt after two 503 answers, audited once', async () => {
    const sid = await smsSignIn(new Browser());
    receiver.failNext('financecloud', 2, 503);
    await newPassword('Gruener-Frosch-singt-41');

    const [token] = await receiver.waitFor('financecloud', 1);
    expect(token!.claims).toMatchObject({ sub: 'acc_smsonly', sid });
    expect(receiver.attempts('financecloud')).toBe(3);
    const delivered = await audit(idp, 'backchannel_logout.delivered');
    expect(delivered.map((e) => e.details)).toEqual([{ clientId: 'financecloud', sid, reason: 'password', attempts: 3 }]);
  });

  it('a relying party that never answers: each attempt ends at the timeout, the failure is audited', async () => {
    const sid = await smsSignIn(new Browser(), 'Gruener-Frosch-singt-41');
    receiver.hang('financecloud');
    const before = receiver.attempts('financecloud');
    const started = Date.now();
    await newPassword('Roter-Panda-schlaeft-52');

    const failed = await audit(idp, 'backchannel_logout.failed');
    expect(receiver.attempts('financecloud') - before).toBe(3);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.details).toMatchObject({ clientId: 'financecloud', sid, reason: 'password', attempts: 3 });
    // Three attempts of at most 500 ms plus 20 + 40 ms of waiting: the timeout held (generous bound for a busy machine).
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
