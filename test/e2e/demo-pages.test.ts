// The embedded default's demo relying parties: a newcomer's whole login through /demo ends on a page with the claims.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, findForm } from '../helpers/browser.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';

let idp: TestIdp;
const devices: Record<string, Device> = {};
beforeAll(async () => {
  idp = await startTestIdp({ env: { NODE_ENV: 'development' } });
  devices['200006'] = await enrolDevice(idp, '200006');
  devices['100003'] = await enrolDevice(idp, '100003');
});
afterAll(async () => idp.close());

// smartMSC admits brokers and their staff, the other two customers (OIDC-5).
it.each([
  ['financecloud', '200006', 'Paul Unterkunde'],
  ['financeapp', '200006', 'Paul Unterkunde'],
  ['smartmsc', '100003', 'Tom Herbst'],
])('%s: demo login → password → approval → claims page', async (clientId, loginId, name) => {
  const device = devices[loginId]!;
  const browser = new Browser();
  const index = await browser.go(`${idp.url}/demo`);
  expect(index.html).toContain(`/demo/${clientId}`);
  const login = await browser.go(`${idp.url}/demo/${clientId}/login`);
  expect(findForm(login.html, '/login').fields._csrf).toBeTruthy();
  const waiting = await browser.submit(login, '/login', { loginId, password: 'Demo-Passwort-2026' });
  expect(waiting.url).toMatch(/\/approval$/);
  const [pending] = await device.client.pending(device.state);
  await device.client.decide(device.state, pending!.id, 'approve', { number: shownNumber(waiting.html) });
  const result = await browser.go(waiting.url.replace(/\/approval$/, '/finish'));
  expect(result.status).toBe(200);
  expect(result.url).toContain(`/demo/${clientId}/callback`);
  expect(result.html).toContain('urn:financeident:acr:mfa');
  expect(result.html).toContain(name);
  expect(result.html).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./); // no raw token on the page
});
