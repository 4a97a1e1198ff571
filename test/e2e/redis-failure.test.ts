// Redis gone (RD-4, fail closed): a remembered browser never skips the second factor; after a restart it all works again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { Browser, type Page } from '../helpers/browser.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { forgetIdpSession, login } from '../helpers/remembered.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { translate } from '../../src/i18n/messages.js';

let redis: RedisServerHandle;
let idp: TestIdp;
let rp: RelyingParty;
let device: Device;

beforeAll(async () => {
  redis = await startRedisServer();
  idp = await startTestIdp({ redis: redis.url });
  rp = await RelyingParty.discover(idp, 'financecloud');
  device = await enrolDevice(idp, '200001');
});
afterAll(async () => {
  await idp?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Never a code for the relying party: the second factor is asked, or a clear German "unavailable" page (503). */
function expectNoSkip(page: Page): void {
  expect(page.status).not.toBe(0);
  expect(page.url).not.toContain('code=');
  if (/\/interaction\/[^/]+\/(approval|second-factor)$/.test(page.url)) return;
  expect(page.status).toBe(503);
  expect(page.html).toMatch(new RegExp(`${translate('de', 'error.unavailable')}|${translate('de', 'login.unavailable')}`));
}

async function waitUntilReady(ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await fetch(`${idp.url}/readyz`);
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`/readyz still ${response.status}`);
    await sleep(100);
  }
}

describe('Redis failure', () => {
  it('a remembered browser skips while Redis is up', async () => {
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false);
  });

  it('with Redis killed during a login, the remembered browser does not skip; after a restart a login works again', async () => {
    const browser = new Browser();
    expect((await login(browser, rp, idp.url, '200001', device)).approved).toBe(true);

    // Killed after the login page was shown, before the password is sent.
    await forgetIdpSession(browser, idp.url);
    const started = await rp.start();
    const loginPage = await browser.go(started.url, {}, rp.redirectUri);
    expect(loginPage.url).toMatch(/\/interaction\/[^/]+$/);
    await redis.kill();
    expectNoSkip(await browser.submit(loginPage, '/login', { loginId: '200001', password: 'Demo-Passwort-2026' }, rp.redirectUri));

    // A login started while Redis is down.
    await forgetIdpSession(browser, idp.url);
    expectNoSkip(await browser.go((await rp.start()).url, {}, rp.redirectUri));
    expect((await fetch(`${idp.url}/readyz`)).status).toBe(503);

    await redis.restart();
    await waitUntilReady();
    // The restarted Redis kept nothing (no persistence): a whole login with the second factor works again.
    const outcome = await login(browser, rp, idp.url, '200001', device);
    expect(outcome.approved).toBe(true);
    expect(outcome.claims.acr).toBe('urn:financeident:acr:mfa');
    expect((await login(browser, rp, idp.url, '200001', null)).approved).toBe(false);
  });
});
