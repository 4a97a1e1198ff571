// Issue 10.3: what the server stores now and trusts later is checked for meaning, not only for format. A device key
// that is no point on P-256 enrolled with 201 and left the account waiting for approvals no device could give; now it
// is 400 enrolment.badKey. The rest of the class: push subscription endpoints (only https to an allowed push service,
// never internal addresses — also at send time), push keys that must import, and WebAuthn credential keys.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { softwareRegistration } from '../helpers/webauthn-registration.js';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { startPushService, type PushService } from '../helpers/push-service.js';
import { lastCode } from '../helpers/device.js';
import { Browser } from '../helpers/browser.js';
import { RelyingParty, passwordLogin } from '../helpers/relying-party.js';
import { DeviceClient } from '../../src/ident-client/device-client.js';
import { publicOnlyLookup } from '../../src/services/push-endpoints.js';
import { HOUR, ManualClock } from '../../src/shared/clock.js';

let idp: TestIdp;
let push: PushService;
const clock = new ManualClock(); // each enrolment an hour later: activation codes are capped per account and hour
beforeAll(async () => {
  push = await startPushService();
  // The local push service is allowed by configuration only (the test-only allow-list entry), like in production
  // one would list a push service; the defaults stay in force too.
  idp = await startTestIdp({ clock, pushAgent: push.agent, env: { PUSH_SERVICE_HOSTS: `fcm.googleapis.com,*.push.apple.com,${new URL(push.origin).host}` } });
});
afterAll(async () => {
  await idp?.close();
  await push?.close();
});

const b64 = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString('base64url');
const OFF_CURVE = { kty: 'EC', crv: 'P-256', x: b64(Buffer.alloc(32, 1)), y: b64(Buffer.alloc(32, 2)) };

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${idp.url}${path}`, { method, headers: { 'content-type': 'application/json', 'accept-language': 'de' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A fresh enrolment of 200001 and its activation code. */
async function startEnrolment(): Promise<{ id: string; code: string }> {
  clock.advance(HOUR);
  const started = await api('POST', '/ident/api/enrolments', { loginId: '200001', password: 'Demo-Passwort-2026' });
  expect(started.status).toBe(201);
  const account = (await idp.container.accounts.findByAccessNumber('200001'))!;
  return { id: String(started.body.enrolmentId), code: lastCode(idp, account.mobile!) };
}

const facts = { name: 'Testphone', platform: 'ios', osVersion: '17.2' };
const devicesOf200001 = async () => (await idp.container.devices.listByAccount('acc_customer')).length;

describe('stored now, trusted later', () => {
  it('a device key that is not a point on P-256 is refused with 400 enrolment.badKey, and nothing is stored', async () => {
    const before = await devicesOf200001();
    const { id, code } = await startEnrolment();
    const refused = await api('POST', `/ident/api/enrolments/${id}/complete`, { code, publicKeyJwk: OFF_CURVE, ...facts });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'enrolment.badKey' });
    expect(await devicesOf200001()).toBe(before);
    // The same enrolment still completes with a real key.
    const { publicJwk } = await DeviceClient.generateKey();
    const ok = await api('POST', `/ident/api/enrolments/${id}/complete`, { code, publicKeyJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y }, ...facts });
    expect(ok.status).toBe(201);
  });

  it('push endpoints: only https to an allowed push service; loopback, private, metadata and unknown hosts are 400', async () => {
    const subscriber = push.createSubscriber();
    const keys = subscriber.subscription.keys;
    const { publicJwk } = await DeviceClient.generateKey();
    const key = { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y };
    for (const endpoint of [
      'https://127.0.0.1/push',
      'https://localhost/push',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.8/push',
      'https://[::1]/push',
      'https://evil.example/push',
      'https://fcm.googleapis.com.evil.example/x',
      'https://fcm.googleapis.com:8443/x',
      'https://user:pw@fcm.googleapis.com/x',
      `${push.origin.replace('https://', 'https://localhost:')}/x`.replace(/localhost:127\.0\.0\.1:/, 'localhost:'),
    ]) {
      const { id, code } = await startEnrolment();
      const refused = await api('POST', `/ident/api/enrolments/${id}/complete`, { code, publicKeyJwk: key, pushSubscription: { endpoint, keys }, ...facts });
      expect({ endpoint, status: refused.status, error: refused.body.error, details: refused.body.details }).toEqual({ endpoint, status: 400, error: 'enrolment.badPushSubscription', details: { field: 'endpoint' } });
    }
    const plainHttp = await startEnrolment();
    const http = await api('POST', `/ident/api/enrolments/${plainHttp.id}/complete`, { code: plainHttp.code, publicKeyJwk: key, pushSubscription: { endpoint: 'http://fcm.googleapis.com/x', keys }, ...facts });
    expect(http.status).toBe(400);

    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://api.push.apple.com/3/device/abc']) {
      const { id, code } = await startEnrolment();
      const ok = await api('POST', `/ident/api/enrolments/${id}/complete`, { code, publicKeyJwk: key, pushSubscription: { endpoint, keys }, ...facts });
      expect({ endpoint, status: ok.status }).toEqual({ endpoint, status: 201 });
    }
  });

  it('push keys must import: a p256dh that is no P-256 point or an auth secret of the wrong size is 400 (field keys)', async () => {
    const { publicJwk } = await DeviceClient.generateKey();
    const key = { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y };
    const good = push.createSubscriber().subscription.keys;
    for (const keys of [
      { p256dh: b64(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)])), auth: good.auth },
      { p256dh: good.p256dh, auth: b64(Buffer.alloc(8, 1)) },
    ]) {
      const { id, code } = await startEnrolment();
      const refused = await api('POST', `/ident/api/enrolments/${id}/complete`, { code, publicKeyJwk: key, pushSubscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys }, ...facts });
      expect({ status: refused.status, error: refused.body.error, details: refused.body.details }).toEqual({ status: 400, error: 'enrolment.badPushSubscription', details: { field: 'keys' } });
    }
  });

  it('a WebAuthn registration whose credential key is not a point on P-256 is refused (webauthn.invalid)', async () => {
    const { id, code } = await startEnrolment();
    const options = await api('POST', `/ident/api/enrolments/${id}/webauthn-options`);
    expect(options.status).toBe(200);
    const webauthn = softwareRegistration(String(options.body.challenge), new URL(idp.url).origin, { point: { x: Buffer.alloc(32, 1), y: Buffer.alloc(32, 2) } });
    const { publicJwk } = await DeviceClient.generateKey();
    const refused = await api('POST', `/ident/api/enrolments/${id}/complete`, {
      code,
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
      name: 'Browser',
      platform: 'web',
      osVersion: 'Chrome 130',
      webauthn,
    });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'webauthn.invalid' });
  });

  it('at send time too: a subscription stored earlier for a host no longer allowed is never called; an allowed one is', async () => {
    const rp = await RelyingParty.discover(idp, 'financecloud');
    const allowed = push.createSubscriber();
    const client = new DeviceClient(idp.url);
    const { id, code } = await startEnrolment();
    await client.completeEnrolment(id, code, { ...facts, platform: 'ios', pushSubscription: allowed.subscription } as never);
    // A device stored before the allow-list existed, pointing at an internal address.
    const [device] = await idp.container.devices.listByAccount('acc_customer');
    const internal = push.createSubscriber();
    await idp.container.devices.update(device!.id, { pushSubscription: { ...internal.subscription, endpoint: internal.subscription.endpoint.replace('127.0.0.1', 'localhost') } });

    const waiting = await passwordLogin(new Browser(), rp, await rp.start(), '200001', 'Demo-Passwort-2026');
    expect(waiting.url).toMatch(/\/approval$/);
    await idp.container.tasks.drain();
    expect(push.received(internal.id)).toHaveLength(0);
    expect(push.received(allowed.id).length).toBeGreaterThanOrEqual(1);
  });

  it('a push service name that resolves to an internal address is not called (DNS check at connect time)', async () => {
    const refused = await new Promise<string>((resolve) => publicOnlyLookup('localhost', {}, (err) => resolve((err as NodeJS.ErrnoException | null)?.code ?? 'none')));
    expect(refused).toBe('EPUSHINTERNAL');
  });
});
