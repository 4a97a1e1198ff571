// Issue 10.6 in Chromium: the waiting page's event stream is cut while Redis is down; reconnecting gets 503.
// The page keeps trying (backoff, then long polling) and, once Redis is back and the app approves, continues to
// the relying party by itself — no click, no reload.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { RelyingParty } from '../helpers/relying-party.js';
import { enrolDevice } from '../helpers/device.js';
import type { Device } from '../helpers/login-flow.js';
import { launchChromium, type BrowserSession } from '../helpers/chromium.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import type { Language } from '../../src/i18n/language.js';
import { catchCallbacks, PHONE, screenshotsAtSizes, text, typePassword, WAIT } from './hosted-pages.js';

jest.setTimeout(150_000);

let redis: RedisServerHandle;
let idp: TestIdp;
let rp: RelyingParty;
let device: Device;
let browser: BrowserSession;
let page: Page;
/** Answers the waiting page got from its live channels (event stream, long poll): [path, status]. */
const answers: [string, number][] = [];

beforeAll(async () => {
  redis = await startRedisServer({ persist: true });
  idp = await startTestIdp({ redis: redis.url });
  device = await enrolDevice(idp, '200001');
  rp = await RelyingParty.discover(idp, 'financecloud');
  browser = await launchChromium({ locale: 'de-DE', viewport: PHONE });
  page = browser.page;
  await catchCallbacks(page, rp);
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (/\/approval\/(events|status)$/.test(path)) answers.push([path.replace(/^.*\/approval\//, ''), response.status()]);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, ms = 40_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; answers so far: ${JSON.stringify(answers)}`);
    await sleep(100);
  }
}

const ready = async () => (await fetch(`${idp.url}/readyz`)).status === 200;

async function waitingPage(lang: Language): Promise<string> {
  await browser.context.clearCookies(); // a new browser: no IdP session, no remembered browser
  await page.goto(`${idp.url}/healthz?lang=${lang}`); // remembers the page language in its cookie
  const started = await rp.start();
  await page.goto(started.url);
  await typePassword(page, lang, '200001');
  await page.waitForURL(/\/interaction\/[^/]+\/approval$/, WAIT);
  await waitUntil('the first event-stream answer', () => answers.some(([p, s]) => p === 'events' && s === 200));
  return (await page.locator('#approval-number').innerText()).trim();
}

describe('waiting page during a Redis outage', () => {
  it('keeps reconnecting through 503s and continues by itself after Redis returns and the app approves', async () => {
    const number = await waitingPage('de');
    const urlBefore = page.url();

    await redis.down();
    // The stream is cut (as a proxy or a network change would): the browser reconnects into a Redis outage.
    answers.length = 0;
    idp.server.closeAllConnections();
    await waitUntil('three 503 answers to reconnect attempts', () => answers.filter(([, s]) => s === 503).length >= 3, 60_000);
    expect(page.url()).toBe(urlBefore); // still waiting, not navigated to an error page
    await page.getByText(text('de', 'approval.reconnecting')).waitFor(WAIT);
    await screenshotsAtSizes(page, 'waiting-reconnecting-de');

    await redis.up();
    await waitUntil('Redis ready again', ready);
    const [pending] = await device.client.pending(device.state);
    expect(pending).toBeDefined();
    await device.client.decide(device.state, pending!.id, 'approve', { number });

    await page.waitForURL((url) => url.toString().startsWith(rp.redirectUri), { timeout: 40_000, waitUntil: 'commit' });
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    // It reconnected by itself: after the outage some channel answered 200 again.
    expect(answers.some(([, s]) => s === 200)).toBe(true);
  });

  it('English page: the reconnecting notice is in English', async () => {
    answers.length = 0;
    await waitingPage('en');
    await redis.down();
    answers.length = 0;
    idp.server.closeAllConnections();
    try {
      await page.getByText(text('en', 'approval.reconnecting')).waitFor({ timeout: 40_000 });
      await screenshotsAtSizes(page, 'waiting-reconnecting-en');
    } finally {
      await redis.up();
    }
    await waitUntil('Redis ready again', ready);
  });
});
