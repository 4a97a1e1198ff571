// Web Push to the financeIDENT app end to end, against a local HTTPS push service: the wake-up message is encrypted
// (RFC 8291), signed with VAPID (RFC 8292), carries the approval id but never the matching number, and a 410 from
// the push service drops the device's subscription while the device itself stays enrolled.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { startPushService, type PushService } from '../helpers/push-service.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { enrolDevice, shownNumber } from '../helpers/device.js';

let push: PushService;
let idp: TestIdp;
beforeAll(async () => {
  push = await startPushService();
  // The local push service is allowed by configuration (a test-only entry of PUSH_SERVICE_HOSTS).
  idp = await startTestIdp({ pushAgent: push.agent, env: { PUSH_SERVICE_HOSTS: new URL(push.origin).host } });
});
afterAll(async () => {
  await idp?.close();
  await push?.close();
});

/** Password login in a new browser up to the waiting page; resolves once the push round has finished. */
async function passwordUpToWaiting(loginId: string) {
  const rp = await RelyingParty.discover(idp, 'financecloud');
  const browser = new Browser();
  const waiting = await passwordLogin(browser, rp, await rp.start(), loginId, 'Demo-Passwort-2026');
  expect(waiting.url).toMatch(/\/interaction\/[^/]+\/approval$/);
  await idp.container.tasks.drain();
  const uid = /\/interaction\/([^/]+)\/approval$/.exec(waiting.url)![1]!;
  const approvalId = (await idp.container.pending.get(uid))!.approvalId!;
  return { waiting, approvalId, number: shownNumber(waiting.html) };
}

describe('web push to an enrolled device', () => {
  it('a password login pushes one encrypted, VAPID-signed wake-up with the approval id and no number', async () => {
    const subscriber = push.createSubscriber();
    const device = await enrolDevice(idp, '200001', undefined, { pushSubscription: subscriber.subscription });
    expect(push.received(subscriber.id)).toHaveLength(0);

    const { approvalId, number } = await passwordUpToWaiting('200001');
    const received = push.received(subscriber.id);
    expect(received).toHaveLength(1);

    const plaintext = push.decrypt(subscriber.id, 0);
    const message = JSON.parse(plaintext) as Record<string, unknown>;
    expect(message.type).toBe('approval');
    expect(message.approvalId).toBe(approvalId);
    expect(message.accountId).toBe('acc_customer');
    const approval = await idp.container.approvals.get(approvalId);
    expect(approval!.number).toBe(number);
    expect(number).toMatch(/^\d{6}$/);
    expect(plaintext).not.toContain(number!);
    expect(Object.keys(message)).not.toContain('number');
    expect(Object.keys(message)).not.toContain('choices');

    const vapid = await push.verifyVapid(subscriber.id, 0, idp.container.keys.vapid.publicKey);
    expect(vapid.aud).toBe(push.origin);
    expect(vapid.sub).toBe(idp.container.config.vapidSubject);

    const headers = received[0]!.headers;
    const ttl = Number(headers.ttl);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(idp.container.config.approvalTtlSeconds);
    expect(headers.urgency).toBe('high');
    expect(headers['content-encoding']).toBe('aes128gcm');
    expect(headers.topic).toBeTruthy();

    // The app, woken up, lists and sees the same request.
    expect((await device.client.pending(device.state)).map((a) => a.id)).toEqual([approvalId]);
    const listed = await device.client.devices(device.state);
    expect(listed).toEqual([expect.objectContaining({ id: device.state.deviceId, push: true })]);
  });

  it('a 410 from the push endpoint removes the subscription; the device stays listed with push:false', async () => {
    const subscriber = push.createSubscriber();
    push.respondWith(subscriber.id, 410);
    const device = await enrolDevice(idp, '200006', undefined, { pushSubscription: subscriber.subscription });
    expect(await device.client.devices(device.state)).toEqual([expect.objectContaining({ id: device.state.deviceId, push: true })]);

    const { approvalId } = await passwordUpToWaiting('200006');
    expect(push.received(subscriber.id)).toHaveLength(1);
    expect(await device.client.devices(device.state)).toEqual([expect.objectContaining({ id: device.state.deviceId, push: false, current: true })]);
    expect((await idp.container.devices.get(device.state.deviceId))!.pushSubscription).toBeNull();

    // The login still works without push: the app lists the request itself.
    expect((await device.client.pending(device.state)).map((a) => a.id)).toEqual([approvalId]);
    // And no further pushes go to the gone endpoint.
    await idp.container.approvals.resend((await idp.container.approvals.get(approvalId))!);
    expect(push.received(subscriber.id)).toHaveLength(1);
  });
});
