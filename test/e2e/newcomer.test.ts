// A newcomer's first ten minutes: the start message and /demo name every place to go and the one command that sets
// up a device; with SEED_ACCOUNTS_FILE they list that file's accounts; /dev/sms is a page for people and JSON for
// programs; the device API checks the OS before the activation SMS and lets a device turn notifications on later.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestIdp, type TestIdp } from '../helpers/test-idp.js';
import { enrolDevice } from '../helpers/device.js';
import { DeviceApiError, DeviceClient } from '../../src/ident-client/device-client.js';
import { welcomeText } from '../../src/welcome.js';
import { DEFAULT_PUSH_SERVICE_HOSTS } from '../../src/services/push-endpoints.js';

const seedFile = join(mkdtempSync(join(tmpdir(), 'fi-seed-')), 'accounts.json');
writeFileSync(
  seedFile,
  JSON.stringify([
    { accessNumber: '700001', email: 'buero@example.org', password: 'Seed-Passwort-2026', role: 'broker', mobile: '+49 151 70000001', name: 'Vermittlung Nord', twoFactorMethod: 'app' },
    { accessNumber: '800001', email: 'kundin@example.org', password: 'Seed-Passwort-2026', role: 'customer', brokerAccessNumber: '700001', mobile: '+49 151 80000001', name: 'Karla Kundin', twoFactorMethod: 'sms' },
    { accessNumber: '800002', email: 'kunde@example.org', password: 'Seed-Passwort-2026', role: 'customer', brokerAccessNumber: '700001', mobile: '+49 151 80000002', name: 'Kurt Kunde', twoFactorMethod: 'app' },
  ]),
);

describe('the start message', () => {
  it('links /demo, /account, /ident/, /dev/sms and /broker and prints the one enrol command', async () => {
    const text = await welcomeText('http://localhost:3000', undefined);
    for (const path of ['/demo', '/account', '/ident/', '/dev/sms', '/broker']) expect(text).toContain(`http://localhost:3000${path}`);
    expect(text).toContain('npm run ident -- enrol --login 200001 --password Demo-Passwort-2026');
    expect(text).toContain('200005 SMS-only customer');
  });

  it('with SEED_ACCOUNTS_FILE lists that file\'s accounts (never their passwords) instead of the demo logins', async () => {
    const text = await welcomeText('http://localhost:3000', seedFile);
    expect(text).toContain('Accounts from SEED_ACCOUNTS_FILE (3');
    expect(text).toContain('700001 broker Vermittlung Nord (app)');
    expect(text).toContain('800001 customer Karla Kundin (SMS code)');
    expect(text).toContain('npm run ident -- enrol --login 800002 --password <Passwort>');
    expect(text).not.toContain('200005');
    expect(text).not.toContain('Seed-Passwort-2026');
  });
});

describe('/demo and /dev/sms with SEED_ACCOUNTS_FILE', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ env: { NODE_ENV: 'development', SEED_ACCOUNTS_FILE: seedFile }, redis: false });
  });
  afterAll(async () => idp?.close());

  it('/demo lists the accounts that exist, with the enrol command for an app account', async () => {
    const html = await (await fetch(`${idp.url}/demo`, { headers: { accept: 'text/html', 'accept-language': 'de' } })).text();
    for (const n of ['700001', '800001', '800002', 'Vermittlung Nord', 'Karla Kundin']) expect(html).toContain(n);
    expect(html).not.toContain('200005');
    expect(html).not.toContain('Seed-Passwort-2026');
    expect(html).toContain('npm run ident -- enrol --login 800002 --password &lt;Passwort&gt;');
    for (const href of ['/account', '/ident/', '/dev/sms', '/broker']) expect(html).toContain(`href="${href}"`);
    // The seeded accounts are the ones that exist.
    expect(await idp.container.accounts.findByAccessNumber('800002')).toMatchObject({ name: 'Kurt Kunde' });
    expect(await idp.container.accounts.findByAccessNumber('200005')).toBeNull();
  });

  it('/dev/sms: a page for people (newest first, numbers as people write them), JSON for programs', async () => {
    await new DeviceClient(idp.url).startEnrolment('800002', 'Seed-Passwort-2026');
    await new DeviceClient(idp.url).startEnrolment('700001', 'Seed-Passwort-2026');
    const page = await fetch(`${idp.url}/dev/sms`, { headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'de' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('SMS-Postfach (Entwicklung)');
    expect(html.indexOf('+49 151 7000 0001')).toBeGreaterThan(-1);
    expect(html.indexOf('+49 151 7000 0001')).toBeLessThan(html.indexOf('+49 151 8000 0002'));
    const json = (await (await fetch(`${idp.url}/dev/sms`, { headers: { accept: 'application/json' } })).json()) as { to: string }[];
    expect(json.map((m) => m.to)).toEqual(['+4915170000001', '+4915180000002']);
  });
});

describe('device API for a newcomer\'s device', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    // push.example stands in for a push service: a test-only entry added to the default allow-list.
    idp = await startTestIdp({ redis: false, env: { PUSH_SERVICE_HOSTS: [...DEFAULT_PUSH_SERVICE_HOSTS, 'push.example'].join(',') } });
  });
  afterAll(async () => idp?.close());

  it('a too old OS is refused before the activation SMS is sent', async () => {
    const before = idp.container.smsSink!.list().length;
    const refused = await new DeviceClient(idp.url).startEnrolment('200001', 'Demo-Passwort-2026', { platform: 'ios', osVersion: '12.4' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DeviceApiError);
    expect(refused).toMatchObject({ status: 422, code: 'enrolment.osTooOld' });
    expect(idp.container.smsSink!.list().length).toBe(before);
    // A current OS gets its code.
    await new DeviceClient(idp.url).startEnrolment('200001', 'Demo-Passwort-2026', { platform: 'ios', osVersion: '17.2' });
    expect(idp.container.smsSink!.list().length).toBe(before + 1);
  });

  it('a device turns notifications on later (only its own); a bad subscription is a 400', async () => {
    const one = await enrolDevice(idp, '200003');
    const other = await enrolDevice(idp, '200006');
    const sub = { endpoint: 'https://push.example/sub/1', keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } };
    expect(await one.client.setPush(one.state, sub)).toEqual({ id: one.state.deviceId, push: true });
    expect((await idp.container.devices.get(one.state.deviceId))?.pushSubscription).toEqual(sub);
    const devices = await one.client.devices(one.state);
    expect(devices.find((d) => d.current)?.push).toBe(true);
    // Another device's id: refused.
    const token = await DeviceClient.deviceToken(one.state, 'fi-device+jwt');
    const foreign = await fetch(`${idp.url}/ident/api/devices/${other.state.deviceId}/push`, {
      method: 'PUT',
      headers: { authorization: `Device ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ pushSubscription: sub }),
    });
    expect(foreign.status).toBe(404);
    await expect(one.client.setPush(one.state, { endpoint: 'http://insecure.example/', keys: { p256dh: 'x', auth: 'y' } })).rejects.toMatchObject({ status: 400 });
    // Later as at enrolment: only allowed push services, never an internal address (SSRF), and keys that import.
    for (const endpoint of ['https://evil.example/sub/1', 'https://127.0.0.1/sub/1', 'https://localhost/sub/1']) {
      await expect(one.client.setPush(one.state, { ...sub, endpoint })).rejects.toMatchObject({ status: 400, code: 'enrolment.badPushSubscription' });
    }
    await expect(one.client.setPush(one.state, { ...sub, keys: { ...sub.keys, p256dh: 'AAAA' } })).rejects.toMatchObject({ status: 400, code: 'enrolment.badPushSubscription' });
    expect((await idp.container.devices.get(one.state.deviceId))?.pushSubscription).toEqual(sub);
    expect(await one.client.setPush(one.state, null)).toEqual({ id: one.state.deviceId, push: false });
  });
});
