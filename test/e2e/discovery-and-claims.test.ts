// Discovery advertises only what works: private_key_jwt (jwks and jwks_uri), the claims parameter with an essential
// acr, verified-claims, ui_locales, PAR and DPoP — each driven by openid-client as a relying party would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser } from '../helpers/browser.js';
import { passwordLogin, RelyingParty, type StartedLogin } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import { loginWithApproval, type Device } from '../helpers/login-flow.js';
import { forgetIdpSession, signDeviceTokensWith } from '../helpers/remembered.js';
import { CLIENT_AUTH_METHODS, parseClients } from '../../src/config/clients.js';
import { ManualClock, SECOND } from '../../src/shared/clock.js';

const MFA = 'urn:financeident:acr:mfa';
const PWD = 'urn:financeident:acr:pwd';
const PASSWORD = 'Demo-Passwort-2026';
const SMS_MOBILE = '+4915122222205';

let idp: TestIdp;
// Starts at the real time; moved on by 31 s before each SMS login (cool-down). The device signs by this clock.
const clock = new ManualClock(Date.now());
signDeviceTokensWith(clock); // the device signs by the IdP's clock, however slowly the machine runs
let jwksServer: Server;
let cloud: RelyingParty;
let device: Device;
const remoteKeys = await generateKeyPair('RS256');

beforeAll(async () => {
  // The jwks_uri client's keys are served by "its" web server; the IdP fetches them.
  const publicJwk = { ...(await exportJWK(remoteKeys.publicKey)), alg: 'RS256', use: 'sig', kid: 'remote-1' };
  jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;

  const demo = JSON.parse((await import('node:fs')).readFileSync(new URL('../../config/demo-clients.json', import.meta.url), 'utf8')) as object[];
  const clients = [
    ...demo,
    {
      client_id: 'pkjwt-remote',
      redirect_uris: ['{ISSUER}/demo/pkjwt-remote/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: jwksUri,
      allowed_roles: ['customer'],
    },
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'fi-disc-')), 'clients.json');
  writeFileSync(file, JSON.stringify(clients));
  idp = await startTestIdp({ clock, env: { OIDC_CLIENTS_FILE: file } });
  cloud = await RelyingParty.discover(idp, 'financecloud');
  device = await enrolDevice(idp, '200001'); // the activation code by SMS confirms 200001's number
});
afterAll(async () => {
  await idp.close();
  await new Promise((r) => jwksServer.close(r));
});

/** 200005 (SMS) signs in at `rp`; returns the token response. */
async function smsLogin(rp: RelyingParty, browser = new Browser(), started?: StartedLogin, extra: Record<string, string> = {}) {
  clock.advance(31 * SECOND);
  const login = started ?? (await rp.start(extra));
  const smsPage = await passwordLogin(browser, rp, login, '200005', PASSWORD);
  expect(smsPage.url).toMatch(/\/sms$/);
  const code = /Login-Code: (\d{6}) /.exec(idp.container.smsSink!.lastTo(SMS_MOBILE)!.text)![1]!;
  const callback = await browser.submit(smsPage, '/sms', { code }, rp.redirectUri);
  expect(callback.status).toBe(0);
  return { tokens: await rp.finish(callback.url, login), browser, login };
}

describe('discovery', () => {
  it('lists exactly the token endpoint authentication a client can be registered with, and what else works', () => {
    const meta = cloud.config.serverMetadata();
    expect([...meta.token_endpoint_auth_methods_supported!].sort()).toEqual([...CLIENT_AUTH_METHODS].sort());
    expect(meta.token_endpoint_auth_signing_alg_values_supported!.some((alg) => alg.startsWith('HS'))).toBe(false);
    expect(meta).toMatchObject({
      claims_parameter_supported: true,
      ui_locales_supported: ['de', 'en'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      pushed_authorization_request_endpoint: `${idp.url}/request`,
      backchannel_logout_supported: true,
    });
    expect(meta.dpop_signing_alg_values_supported!.length).toBeGreaterThan(0);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['email_verified', 'phone_number_verified', 'updated_at', 'name', 'acr', 'amr', 'auth_time']));
    expect(meta.request_parameter_supported ?? false).toBe(false);
  });

  it('every advertised method can be registered in OIDC_CLIENTS_FILE (and the one that is not, cannot)', () => {
    const creds: Record<string, object> = {
      client_secret_basic: { client_secret: 'x'.repeat(32) },
      client_secret_post: { client_secret: 'x'.repeat(32) },
      private_key_jwt: { jwks_uri: 'https://rp.example/jwks' },
      none: {},
    };
    for (const method of cloud.config.serverMetadata().token_endpoint_auth_methods_supported!) {
      expect(() => parseClients([{ client_id: 'c', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: method, ...creds[method] }], idp.url)).not.toThrow();
    }
    expect(() => parseClients([{ client_id: 'c', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'client_secret_jwt', client_secret: 'x'.repeat(32) }], idp.url)).toThrow(/token_endpoint_auth_method/);
    expect(() => parseClients([{ client_id: 'c', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }], idp.url)).toThrow(/jwks/);
    expect(() => parseClients([{ client_id: 'c', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] } }], idp.url)).toThrow(/public keys/);
  });
});

describe('private_key_jwt (RFC 7523)', () => {
  // Inline `jwks` is tested against a real process: test/e2e/private-key-jwt-process.test.ts (see there why).
  it('a client with a jwks_uri authenticates at the token endpoint with a signed assertion', async () => {
    const clientId = 'pkjwt-remote';
    const rp = await RelyingParty.discover(idp, clientId, { auth: client.PrivateKeyJwt(remoteKeys.privateKey) });
    const { tokens } = await smsLogin(rp);
    const claims = await rp.verifyIdToken(tokens.id_token!);
    expect(claims).toMatchObject({ sub: 'acc_smsonly', aud: clientId, acr: MFA });
    const introspected = await client.tokenIntrospection(rp.config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, client_id: clientId });
  });

  it('an assertion signed with another key is refused with invalid_client', async () => {
    const stranger = await generateKeyPair('ES256');
    const rp = await RelyingParty.discover(idp, 'pkjwt-remote', { auth: client.PrivateKeyJwt(stranger.privateKey) });
    await expect(client.tokenIntrospection(rp.config, 'whatever-token-value-0000')).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

/** 200001 signs in at `rp` with an approval on its device (or without, when something lets it skip). */
async function appLogin(rp: RelyingParty, extra: Record<string, string> = {}, browser = new Browser()) {
  const started = await rp.start(extra);
  const callback = await loginWithApproval(browser, rp, started, device, '200001');
  expect(callback.status).toBe(0);
  return { tokens: await rp.finish(callback.url, started), browser };
}

describe('claims', () => {
  it('phone_number_verified: true after an SMS code to the number on file, false for a number nobody confirmed; email_verified false', async () => {
    const { tokens } = await smsLogin(cloud);
    const sms = await client.fetchUserInfo(cloud.config, tokens.access_token, 'acc_smsonly');
    expect(sms).toMatchObject({ phone_number: SMS_MOBILE, phone_number_verified: true, name: 'Gisela Tastenhandy' });
    expect(typeof sms.updated_at).toBe('number');
    expect(sms).not.toHaveProperty('email_verified'); // 200005 has no email address

    // 200001 confirmed its number with the activation code (enrolment); nobody proves email addresses here.
    const first = await appLogin(cloud);
    expect(await client.fetchUserInfo(cloud.config, first.tokens.access_token, 'acc_customer')).toMatchObject({ phone_number_verified: true, email_verified: false });

    // A number put on file without a code (e.g. an import) is not verified.
    await idp.container.accounts.update('acc_customer', { mobile: '+4915199999901' }, Date.now());
    try {
      const second = await appLogin(cloud);
      expect(await client.fetchUserInfo(cloud.config, second.tokens.access_token, 'acc_customer')).toMatchObject({ phone_number: '+4915199999901', phone_number_verified: false });
    } finally {
      await idp.container.accounts.update('acc_customer', { mobile: '+4915122222201' }, Date.now());
    }
  });

  it('the claims parameter (OIDC Core 5.5) releases single claims to the ID token and userinfo without their scope', async () => {
    const claims = JSON.stringify({ id_token: { name: null, phone_number_verified: null }, userinfo: { email: null } });
    const { tokens } = await appLogin(cloud, { scope: 'openid', claims });
    const idToken = await cloud.verifyIdToken(tokens.id_token!);
    expect(idToken).toMatchObject({ name: 'Erika Mustermann', phone_number_verified: true });
    expect(idToken).not.toHaveProperty('email');
    const userinfo = await client.fetchUserInfo(cloud.config, tokens.access_token, 'acc_customer');
    expect(userinfo).toMatchObject({ email: 'erika@example.de' });
    expect(userinfo).not.toHaveProperty('phone_number');
  });

  it('an essential acr with values (claims parameter) is a step-up that a remembered browser cannot satisfy', async () => {
    const { browser } = await appLogin(cloud); // 200001 (interval 7): this browser is remembered now
    await forgetIdpSession(browser, idp.url);
    const skipped = await cloud.start();
    const remembered = await passwordLogin(browser, cloud, skipped, '200001', PASSWORD);
    expect(remembered.status).toBe(0); // no second factor asked
    expect(await cloud.verifyIdToken((await cloud.finish(remembered.url, skipped)).id_token!)).toMatchObject({ acr: PWD });

    await forgetIdpSession(browser, idp.url);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [MFA] } } });
    const { tokens } = await appLogin(cloud, { claims }, browser); // loginWithApproval insists on the approval page
    expect(await cloud.verifyIdToken(tokens.id_token!)).toMatchObject({ acr: MFA, amr: ['pwd', 'mfa', 'hwk'] });
  });
});

describe('ui_locales', () => {
  it('chooses the language of the hosted pages before Accept-Language, for the whole login', async () => {
    const browser = new Browser({ 'accept-language': 'de-DE,de;q=0.9' });
    const started = await cloud.start({ ui_locales: 'fr-CA en' });
    const login = await browser.go(started.url, {}, cloud.redirectUri);
    expect(login.html).toContain('<html lang="en">');
    const waiting = await browser.submit(login, '/login', { loginId: '200001', password: PASSWORD }, cloud.redirectUri);
    expect(waiting.url).toMatch(/\/approval$/);
    expect(waiting.html).toContain('<html lang="en">');
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'deny');

    const german = await new Browser({ 'accept-language': 'en-GB,en;q=0.9' }).go((await cloud.start({ ui_locales: 'de' })).url, {}, cloud.redirectUri);
    expect(german.html).toContain('<html lang="de">');
  });

  it('the person\'s own language choice wins over ui_locales', async () => {
    const browser = new Browser();
    const login = await browser.go((await cloud.start({ ui_locales: 'en' })).url, {}, cloud.redirectUri);
    expect(login.html).toContain('<html lang="en">');
    const switched = await browser.go(new URL(`${new URL(login.url).pathname}?lang=de`, login.url).toString());
    expect(switched.html).toContain('<html lang="de">');
    const again = await browser.go(login.url);
    expect(again.html).toContain('<html lang="de">');
  });
});

describe('PAR and DPoP with openid-client', () => {
  it('PAR (RFC 9126): the authorization request is pushed first; the browser only carries a request_uri', async () => {
    const started = await cloud.start();
    const params = Object.fromEntries(new URL(started.url).searchParams);
    const parUrl = await client.buildAuthorizationUrlWithPAR(cloud.config, params);
    expect([...parUrl.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const browser = new Browser();
    const callback = await loginWithApproval(browser, cloud, { ...started, url: parUrl.toString() }, device, '200001');
    const tokens = await cloud.finish(callback.url, started);
    expect(await cloud.verifyIdToken(tokens.id_token!)).toMatchObject({ sub: 'acc_customer', acr: MFA });
  });

  it('DPoP (RFC 9449): the access token is bound to the client\'s key; without the proof it is refused', async () => {
    const started = await cloud.start();
    const browser = new Browser();
    const callback = await loginWithApproval(browser, cloud, started, device, '200001');
    const DPoP = client.getDPoPHandle(cloud.config, await client.randomDPoPKeyPair());
    const tokens = await client.authorizationCodeGrant(cloud.config, new URL(callback.url), { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce }, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(await client.fetchUserInfo(cloud.config, tokens.access_token, 'acc_customer', { DPoP })).toMatchObject({ sub: 'acc_customer' });
    // As a plain bearer token it is worthless: at userinfo and at our own APIs.
    await expect(client.fetchUserInfo(cloud.config, tokens.access_token, 'acc_customer')).rejects.toBeDefined();
    const api = await fetch(`${idp.url}/api/broker/customers`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(api.status).toBe(401);
  });
});

describe('response_mode=form_post', () => {
  it('answers with a self-submitting form whose script the CSP allows by hash', async () => {
    const started = await cloud.start({ response_mode: 'form_post' });
    const browser = new Browser();
    const login = await browser.go(started.url);
    const waiting = await browser.submit(login, '/login', { loginId: '200001', password: PASSWORD });
    const [pending] = await device.client.pending(device.state);
    await device.client.decide(device.state, pending!.id, 'approve', { number: /id="approval-number">(\d+)</.exec(waiting.html)![1]! });
    const posted = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
    expect(posted.status).toBe(200);
    expect(posted.html).toContain(`action="${cloud.redirectUri}"`);
    expect(posted.html).toMatch(/name="code" value="[^"]+"/);
    const csp = posted.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  });
});
