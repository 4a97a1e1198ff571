// Web Push for the financeIDENT web app. Chromium here has no push service, so the test stands in for it: an init
// script gives the page a subscription whose endpoint is a local HTTPS push service (test/helpers/push-service.ts);
// the IdP pushes there on a login, the test decrypts and checks the message (RFC 8291, VAPID), then hands it to the
// service worker over CDP (ServiceWorker.deliverPushMessage), which must show its notification and wake the app.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CDPSession, Page } from 'playwright-core';
import { addVirtualAuthenticator, launchChromium, screenshot, type BrowserSession } from '../helpers/chromium.js';
import { Browser } from '../helpers/browser.js';
import { startPushService, type PushService, type Subscriber } from '../helpers/push-service.js';
import { passwordLogin, RelyingParty } from '../helpers/relying-party.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolInWebApp, heading, WAIT } from './webapp-helpers.js';

let push: PushService;
let subscriber: Subscriber;
let idp: TestIdp;
let session: BrowserSession;
let page: Page;
let cdp: CDPSession;
const registrations = new Map<string, string>(); // scopeURL → registrationId

beforeAll(async () => {
  push = await startPushService();
  subscriber = push.createSubscriber();
  // The local push service is allowed by configuration (a test-only entry of PUSH_SERVICE_HOSTS).
  idp = await startTestIdp({ pushAgent: push.agent, env: { PUSH_SERVICE_HOSTS: new URL(push.origin).host } });
  session = await launchChromium({ locale: 'de-DE', permissions: ['notifications'], origin: idp.url });
  page = session.page;
  // The browser's push service, replaced: subscribe() answers with the local push service's subscription.
  await session.context.addInitScript((sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
    const decode = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
    const fake = {
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true },
      getKey: (name: 'p256dh' | 'auth') => decode(sub.keys[name]),
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: { ...sub.keys } }),
      unsubscribe: async () => true,
    };
    let subscribed = false;
    PushManager.prototype.subscribe = async function () {
      subscribed = true;
      return fake as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return (subscribed ? fake : null) as unknown as PushSubscription | null;
    };
  }, subscriber.subscription);
  await addVirtualAuthenticator(page);
  cdp = await session.context.newCDPSession(page);
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => {
    for (const r of event.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
}, 60_000);

afterAll(async () => {
  await session?.close();
  await idp?.close();
  await push?.close();
});

describe('financeIDENT web app: Web Push', () => {
  it('enrols with a push subscription; a login pushes an encrypted, VAPID-signed message; the service worker shows it', async () => {
    await enrolInWebApp(page, idp, '200003');
    expect(await page.locator('#enrol-push').innerText()).toContain('Sie erhalten bei jeder Anmeldung eine Mitteilung.');
    const account = (await idp.container.accounts.findByAccessNumber('200003'))!;
    const [device] = await idp.container.devices.listByAccount(account.id);
    expect(device!.pushSubscription).toEqual(subscriber.subscription);

    // A login of that account (password in another browser) creates an approval and pushes it.
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const started = await rp.start();
    const waiting = await passwordLogin(new Browser(), rp, started, '200003', 'Demo-Passwort-2026');
    expect(waiting.url).toMatch(/\/approval$/);
    await idp.container.tasks.drain();
    const [approval] = await idp.container.approvals.listPending(account.id);

    const received = push.received(subscriber.id);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'high' });
    expect(Number(received[0]!.headers.ttl)).toBeGreaterThan(0);
    const vapid = await push.verifyVapid(subscriber.id, 0, idp.container.keys.vapid.publicKey);
    expect(vapid.aud).toBe(push.origin);
    const plaintext = push.decrypt(subscriber.id, 0);
    const message = JSON.parse(plaintext) as Record<string, unknown>;
    expect(message).toMatchObject({ type: 'approval', approvalId: approval!.id, clientName: 'FinanceCloud' });
    expect(plaintext).not.toContain(approval!.number!);

    // The app is open at "Freigabe"; the message goes to its service worker.
    await page.click('#enrol-done');
    await heading(page, 'Freigabe').waitFor(WAIT);
    const scope = `${idp.url}/ident/`;
    // The worker must be active before a push can reach it.
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    for (let i = 0; i < 50 && !registrations.has(scope); i++) await new Promise((r) => setTimeout(r, 100));
    const registrationId = registrations.get(scope);
    expect(registrationId).toBeDefined();

    // Deliver (again, if the busy test machine dropped it: the tag makes a repeat replace, not add, a notification).
    let notifications: { title: string; body: string; tag: string; data: { url: string } }[] = [];
    for (let attempt = 0; attempt < 5 && notifications.length === 0; attempt++) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: idp.url, registrationId: registrationId!, data: plaintext });
      for (let i = 0; i < 30 && notifications.length === 0; i++) {
        notifications = await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration('/ident/');
          const list = registration ? await registration.getNotifications() : [];
          return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as { url: string } }));
        });
        if (notifications.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(notifications).toEqual([
      { title: 'Anmeldung bestätigen', body: expect.stringContaining('FinanceCloud'), tag: approval!.id, data: expect.objectContaining({ url: `/ident/?approval=${approval!.id}` }) },
    ]);

    // The worker also told the open app, which shows the request.
    await page.locator(`#approval-${approval!.id}`).waitFor(WAIT);
    await screenshot(page, 'webapp-approval-after-push-de');
  });

  it('without a push service (subscribe never settles) the enrolment goes on without push after a few seconds', async () => {
    const plain = await launchChromium({ locale: 'de-DE', permissions: ['notifications'], origin: idp.url });
    try {
      await addVirtualAuthenticator(plain.page);
      const started = Date.now();
      await enrolInWebApp(plain.page, idp, '100002');
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await plain.page.locator('#enrol-push').innerText()).toContain('Mitteilungen sind nicht aktiv');
      const account = (await idp.container.accounts.findByAccessNumber('100002'))!;
      const [device] = await idp.container.devices.listByAccount(account.id);
      expect(device).toMatchObject({ platform: 'web', pushSubscription: null });
    } finally {
      await plain.close();
    }
  }, 40_000);
});
