// A whole login as a person does it: password in the browser, approval in the app, back to the relying party.
import { expect } from '@jest/globals';
import type { Browser, Page } from './browser.js';
import type { StartedLogin } from './relying-party.js';
import { passwordLogin, RelyingParty } from './relying-party.js';
import { Browser as HttpBrowser } from './browser.js';
import type { TestIdp } from './test-idp.js';
import { shownNumber } from './device.js';
import type { DeviceClient, DeviceKeyState } from '../../src/ident-client/device-client.js';

export interface Device {
  client: DeviceClient;
  state: DeviceKeyState;
}

/** Password, then the device approves the one pending request with the number shown; returns the RP callback page. */
export async function loginWithApproval(browser: Browser, rp: RelyingParty, started: StartedLogin, device: Device, loginId: string, password = 'Demo-Passwort-2026'): Promise<Page> {
  const waiting = await passwordLogin(browser, rp, started, loginId, password);
  if (waiting.status === 0) return waiting;
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  const number = shownNumber(waiting.html);
  const pending = await device.client.pending(device.state);
  expect(pending).toHaveLength(1);
  await device.client.decide(device.state, pending[0]!.id, 'approve', { number });
  return browser.go(waiting.url.replace(/\/approval$/, '/finish'), {}, rp.redirectUri);
}

/** An access token of smartMSC (the broker portal) for `loginId`, after a whole login approved by `device`. */
export async function smartmscAccessToken(idp: TestIdp, loginId: string, device: Device): Promise<string> {
  // The broker API needs the scope broker_api (only clients registered with it may ask for it).
  return accessTokenOf(idp, 'smartmsc', loginId, device, 'openid profile email phone broker_api');
}

/** An access token of `clientId` for `loginId` (a role the client admits, OIDC-5), after a whole login approved by `device`. */
export async function accessTokenOf(idp: TestIdp, clientId: string, loginId: string, device: Device, scope?: string): Promise<string> {
  const rp = await RelyingParty.discover(idp, clientId);
  const started = await rp.start(scope ? { scope } : undefined);
  const callback = await loginWithApproval(new HttpBrowser(), rp, started, device, loginId);
  expect(callback.status).toBe(0);
  return (await rp.finish(callback.url, started)).access_token;
}
